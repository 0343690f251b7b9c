"""Which pull-request approvals count as a level's sign-off.

A reviewer's *latest* decisive review is their answer: a later
CHANGES_REQUESTED, or the approval being DISMISSED, withdraws it; a later
COMMENTED review changes nothing. An approval counts for the highest level
whose `github_reviewers` lists the reviewer, directly or through an
`@org/team` they are an active member of.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ownership_gate.errors import FatalError
from ownership_gate.hosting.github_api import GitHub
from ownership_gate.policy.model import Level

_DECISIVE = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


class Approval(NamedTuple):
    login: str
    commit: str | None  # the review's commit_id: what the reviewer saw


class Reviewer(NamedTuple):
    """One `github_reviewers` entry: a user, or an `@org/team`."""

    login: str | None = None
    org: str | None = None
    team: str | None = None

    @classmethod
    def parse(cls, entry: str) -> Reviewer:
        name = entry.strip().removeprefix("@")
        if "/" in name:
            org, _, team = name.partition("/")
            return cls(org=org.lower(), team=team.lower())
        return cls(login=name.lower())

    def __str__(self) -> str:
        return f"@{self.org}/{self.team}" if self.team else f"@{self.login}"


def latest_approvals(reviews: Sequence[dict[str, Any]]) -> list[Approval]:
    """Reviewers whose latest decisive review is an approval, in review order."""
    latest: dict[str, tuple[str, str | None, str]] = {}
    ordered = sorted(
        (r for r in reviews if r.get("submitted_at")),
        key=lambda r: (str(r["submitted_at"]), r["id"] if isinstance(r.get("id"), int) else 0),
    )
    for review in ordered:
        user = review.get("user")
        state = str(review.get("state", "")).upper()
        if not isinstance(user, dict) or not user.get("login") or state not in _DECISIVE:
            continue
        login = str(user["login"])
        commit = review.get("commit_id")
        sha = commit if isinstance(commit, str) and commit else None
        latest[login.lower()] = (state, sha, login)
    return [Approval(login, sha) for state, sha, login in latest.values() if state == "APPROVED"]


class Matcher:
    """Maps an approver to the highest level they may sign off, asking GitHub about teams."""

    def __init__(self, levels: Sequence[Level], api: GitHub) -> None:
        # Highest level first, so the first match is the strongest sign-off.
        self._levels = sorted(
            (lv for lv in levels if lv.signoff and lv.signoff.github_reviewers),
            key=lambda lv: lv.rank, reverse=True,
        )
        self._api = api
        self._checked_teams: set[tuple[str, str]] = set()
        self._memberships: dict[tuple[str, str, str], bool] = {}

    def level_for(self, login: str) -> Level | None:
        return next((level for level in self._levels if self.lists(level, login)), None)

    def lists(self, level: Level, login: str) -> bool:
        """`login` is one of the level's github_reviewers, or an active member of one of its teams."""
        assert level.signoff is not None
        reviewers = [Reviewer.parse(e) for e in level.signoff.github_reviewers]
        if any(r.login == login.lower() for r in reviewers):
            return True
        return any(reviewer.team and self._member(reviewer, login) for reviewer in reviewers)

    def _member(self, reviewer: Reviewer, login: str) -> bool:
        assert reviewer.org is not None and reviewer.team is not None
        team = (reviewer.org, reviewer.team)
        if team not in self._checked_teams:
            # A 404 on the membership alone cannot tell "not a member" from
            # "this token cannot see the team"; asking for the team first can.
            if not self._api.team_exists(*team):
                raise FatalError(
                    f"cannot see the team {reviewer} listed in github_reviewers: check its name,"
                    " and use a token that can read the organisation's teams (a GitHub App or"
                    " fine-grained token with `members: read`, or a classic token with"
                    " `read:org`); the default workflow token cannot"
                )
            self._checked_teams.add(team)
        key = (*team, login.lower())
        if key not in self._memberships:
            self._memberships[key] = self._api.team_member(reviewer.org, reviewer.team, login)
        return self._memberships[key]
