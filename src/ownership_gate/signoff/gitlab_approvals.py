"""Which merge-request approvals count as a level's sign-off, and which head each one covers.

Who approves now comes from `GET /projects/:id/merge_requests/:iid/approvals`
(`approved_by`): an approval that was withdrawn, or reset by a push, is not
there. GitLab does not record which commit an approval was given for, so
it is placed in time: the approval's moment is the latest "approved this
merge request" system note by that user, and the head it covers is the
head of the merge request's latest diff version (one per push, timed by
GitLab) created before that moment. Both times are GitLab's own, not
commit dates, which authors set. The work after that head is then judged
like the work after any sign-off (see staleness.py).

An approval counts for the highest level whose `gitlab_approvers` lists
the user (a bare username), or a group they are an active member of,
directly or inherited (`@group` or `@group/subgroup`, the group's full
path), compared case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from ownership_gate.ci.detect import CiRun
from ownership_gate.errors import FatalError
from ownership_gate.hosting.gitlab_api import GitLab
from ownership_gate.policy.model import Level, Policy

APPROVED = "approved this merge request"


class Approval(NamedTuple):
    level: str
    by: str
    commit: str | None  # the head the approval covers; None when it cannot be placed


def levels_with_approvers(policy: Policy) -> list[Level]:
    return [lv for lv in policy.levels[1:] if lv.signoff is not None and lv.signoff.gitlab_approvers]


def read(policy: Policy, ci: CiRun, env: Mapping[str, str], notes: list[str]) -> list[Approval]:
    if any(lv.signoff is not None and lv.signoff.github_reviewers for lv in policy.levels):
        notes.append("pull-request approvals are read only in a GitHub Actions pull-request run")
    levels = levels_with_approvers(policy)
    if not levels:
        return []
    project, iid = env.get("CI_PROJECT_ID", "").strip(), ci.pr_number
    if not project or iid is None:
        raise FatalError("CI_PROJECT_ID or CI_MERGE_REQUEST_IID is not set, so merge-request approvals cannot be"
                         " read; run in a merge-request pipeline")
    api = GitLab.from_env(env, "merge-request approvals")
    approvers = _approvers(api.approvals(project, iid))
    if not approvers:
        return []
    system = api.all_pages(api.merge_request(project, iid, "notes") + "?sort=asc&order_by=created_at&per_page=100",
                           f"the notes of merge request !{iid}")
    versions = api.all_pages(api.merge_request(project, iid, "versions") + "?per_page=100",
                             f"the diff versions of merge request !{iid}")
    approved_at = _approval_times(system)
    pushes = sorted((_time(v.get("created_at")), str(v.get("head_commit_sha") or "")) for v in versions)
    groups = _Groups(api)
    found = []
    for user_id, username in approvers:
        level = _level_for(levels, username, user_id, groups)
        if level is None:
            notes.append(f"the approval by @{username} does not count: not one of the gitlab_approvers")
            continue
        when = approved_at.get(username.lower())
        head = next((sha for at, sha in reversed(pushes) if when is not None and at <= when and sha), None)
        if head is None:
            notes.append(
                f"the approval by @{username} does not count: GitLab's record of when it was given, or of the"
                " merge request's head at that moment, is missing"
            )
            continue
        found.append(Approval(level.name, username, head))
    return found


def _approvers(body: Mapping[str, Any]) -> list[tuple[int, str]]:
    found = []
    for entry in body.get("approved_by") or []:
        user = entry.get("user") if isinstance(entry, dict) else None
        if isinstance(user, dict) and isinstance(user.get("username"), str) and isinstance(user.get("id"), int):
            found.append((user["id"], user["username"]))
    return found


def _approval_times(notes: Sequence[Mapping[str, Any]]) -> dict[str, datetime]:
    """Each user's latest approval, from the merge request's system notes."""
    latest: dict[str, datetime] = {}
    for note in notes:
        author = note.get("author")
        if not note.get("system") or str(note.get("body", "")).strip() != APPROVED or not isinstance(author, dict):
            continue
        username = str(author.get("username", "")).lower()
        at = _time(note.get("created_at"))
        if username and at > latest.get(username, datetime.min.replace(tzinfo=at.tzinfo)):
            latest[username] = at
    return latest


def _time(value: object) -> datetime:
    """GitLab's ISO 8601 times ("2024-05-01T10:00:00.123Z"); an unreadable one sorts first."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromisoformat("0001-01-01T00:00:00+00:00")


class _Groups:
    def __init__(self, api: GitLab) -> None:
        self._api = api
        self._checked: set[str] = set()
        self._members: dict[tuple[str, int], bool] = {}

    def member(self, group: str, user_id: int) -> bool:
        if group not in self._checked:
            # A 404 on the membership alone cannot tell "not a member" from "this
            # token cannot see the group"; asking for the group first can.
            if not self._api.group_exists(group):
                raise FatalError(
                    f"cannot see the group @{group} listed in gitlab_approvers: check its full path, and use a"
                    " token that can read it (a group or project access token with read_api)"
                )
            self._checked.add(group)
        key = (group, user_id)
        if key not in self._members:
            self._members[key] = self._api.group_member(group, user_id)
        return self._members[key]


def _level_for(levels: Sequence[Level], username: str, user_id: int, groups: _Groups) -> Level | None:
    for level in sorted(levels, key=lambda lv: lv.rank, reverse=True):
        assert level.signoff is not None
        entries = [e.strip() for e in level.signoff.gitlab_approvers]
        if any(e.lower() == username.lower() for e in entries if not e.startswith("@")):
            return level
        for entry in entries:
            if entry.startswith("@") and groups.member(entry.removeprefix("@").lower(), user_id):
                return level
    return None
