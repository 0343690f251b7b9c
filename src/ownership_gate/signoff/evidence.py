"""Sign-off evidence: labels, commit trailers and pull-request reviews.

A sign-off at level X given at commit S covers the changes up to S at
levels up to X. The range is satisfied when, for every level L that needs
sign-off up to the required one, some sign-off of level >= L was given
after the last change that needs L; a sign-off followed by work that needs
its level again is `stale`. Cheap sources are read first (labels, then the
trailers git can check); GitHub is asked only when they are not enough
(approving reviews, and its check of signed trailer commits), so an API
outage cannot fail a range that is already signed off.

Evidence differs in what it proves (see `Evidence.verified_by`): where a
level's sign-off rests only on evidence nobody checked, an unsigned trailer
or a label, the result says so in a note.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ownership_gate.errors import FatalError
from ownership_gate.model import VERIFIED_BY_GITLAB, ChangeVerdict, Evidence, SignoffResult
from ownership_gate.output.quoting import quote_path

# What a range with sign-off to find needs (trailers, signatures, staleness)
# loads in `evaluate`: the pre-commit hook never gets that far.
if TYPE_CHECKING:
    from ownership_gate.ci.detect import CiRun
    from ownership_gate.engine.judge import Engine
    from ownership_gate.git.repo import Git
    from ownership_gate.policy.model import Level, Policy
    from ownership_gate.signoff.staleness import Staleness
    from ownership_gate.signoff.trailer_evidence import GitHubCheck


def evaluate(
    *,
    git: Git,
    engine: Engine,
    verdicts: Sequence[ChangeVerdict],
    required_level: str,
    base: str | None,
    head: str | None,
    policy_rev: str | None,
    ci: CiRun | None,
    advisory: bool = False,
) -> SignoffResult:
    policy = engine.policy
    if policy.rank(required_level) == 0:
        return SignoffResult(satisfied=True)
    if base is None or head is None:
        return SignoffResult(satisfied=False)  # the index carries no sign-off yet
    from ownership_gate.signoff import trailer_evidence
    from ownership_gate.signoff.staleness import Staleness

    gate = _Gate(policy, required_level, Staleness(git, engine, verdicts, head))
    gate.add(_labels(policy, ci))
    if gate.satisfied():
        return gate.result()
    levels = _signoff_levels(policy)
    found, checks = trailer_evidence.read(git, levels, base, head, policy_rev or base, gate.notes)
    gate.add(found)
    if not gate.satisfied() and ci is not None and ci.provider == "gitlab":
        try:
            _from_gitlab(gate, policy, ci)
        except FatalError as exc:
            if not advisory:
                raise
            gate.notes.append(f"approvals could not be read from GitLab: {exc}")
    if not gate.satisfied():
        try:
            _from_github(gate, levels, ci, checks)
        except FatalError as exc:
            if not advisory:
                raise
            # Advice must not fail; what GitHub holds stays unread, never assumed.
            gate.notes.append(f"approvals and verified commits could not be read from GitHub: {exc}")
    return gate.result()


class _Gate:
    def __init__(self, policy: Policy, required: str, staleness: Staleness) -> None:
        self.policy = policy
        self.needed = [lv.name for lv in policy.levels[1 : policy.rank(required) + 1]]
        self.required = required
        self.staleness = staleness
        self.evidence: list[Evidence] = []
        self.notes: list[str] = []

    def add(self, found: Sequence[Evidence]) -> None:
        rank = self.policy.rank
        for item in found:
            source, by, commit = item.source, item.by, item.commit
            after = self.staleness.after(commit)
            used_for = min(rank(item.level), rank(self.required))
            stale = rank(after.level) > 0 and rank(after.level) >= used_for
            self.evidence.append(item._replace(stale=stale))
            if after.missing:
                self.notes.append(
                    f"the {source} sign-off by {by} is at commit {commit}, which is not in this"
                    " clone (force-pushed away, or a shallow clone), so it cannot cover the head"
                )
            elif stale:
                files = ", ".join(map(quote_path, after.paths[:5])) + (" ..." if len(after.paths) > 5 else "")
                self.notes.append(
                    f"the {source} sign-off by {by} at {str(commit)[:12]} is stale: later changes"
                    f" need {after.level} sign-off again ({files})"
                )

    def _covers(self, evidence: Evidence, level: str) -> bool:
        rank = self.policy.rank
        after = self.staleness.after(evidence.commit)
        return rank(evidence.level) >= rank(level) and rank(after.level) < rank(level)

    def satisfied(self) -> bool:
        return all(any(self._covers(e, level) for e in self.evidence) for level in self.needed)

    def result(self) -> SignoffResult:
        satisfied = self.satisfied()
        notes = list(dict.fromkeys(self.notes))
        rank = self.policy.rank
        for level in self.needed if self.evidence else ():
            covering = [e for e in self.evidence if self._covers(e, level)]
            if covering and not any(e.verified for e in covering):
                notes.append(_unchecked(level, covering[0]))
            # Say so only where no stale note already explains it: work at a
            # lower level after a higher sign-off needs its own sign-off.
            explained = any(e.stale and rank(e.level) >= rank(level) for e in self.evidence)
            if not covering and not explained:
                notes.append(f"no {level} sign-off covers the {level}-level changes made after the last one")
        return SignoffResult(satisfied, tuple(self.evidence), tuple(notes))


def _unchecked(level: str, evidence: Evidence) -> str:
    """Why a sign-off nobody checked is not enforcement."""
    if evidence.source == "label":
        return (
            f"the {level} sign-off rests on the label {evidence.by!r}: anyone who can label pull"
            " requests (triage access) can add it; require a review or a signed commit for enforcement"
        )
    return (
        f"the {level} sign-off rests on an unsigned commit trailer ({evidence.by} at"
        f" {str(evidence.commit)[:12]}): anyone can write a commit with that author email;"
        " require a signed commit or a review for enforcement"
    )


def _signoff_levels(policy: Policy) -> list[Level]:
    return [lv for lv in policy.levels[1:] if lv.signoff is not None]


def _labels(policy: Policy, ci: CiRun | None) -> list[Evidence]:
    if ci is None:
        return []
    present = {label.lower(): label for label in ci.labels}
    found = []
    for level in _signoff_levels(policy):
        assert level.signoff is not None
        for label in level.signoff.labels:
            if label.lower() in present:
                found.append(Evidence(level.name, "label", present[label.lower()], None, None))
    return found


def _from_gitlab(gate: _Gate, policy: Policy, ci: CiRun) -> None:
    """Add the merge request's approvals, read from the GitLab API, to the gate."""
    from ownership_gate.signoff import gitlab_approvals

    approvals = gitlab_approvals.read(policy, ci, os.environ, gate.notes)
    gate.add([Evidence(a.level, "gitlab-approval", a.by, a.commit, VERIFIED_BY_GITLAB) for a in approvals])


def _from_github(gate: _Gate, levels: Sequence[Level], ci: CiRun | None, checks: Sequence[GitHubCheck]) -> None:
    """Add GitHub's check of signed trailer commits, then approving reviews, to the gate."""
    reviewed = [lv for lv in levels if lv.signoff and lv.signoff.github_reviewers]
    repository = ci.repository if ci is not None and ci.provider == "github" else None
    number = ci.pr_number if ci is not None and repository else None
    if not repository:
        from ownership_gate.signoff.trailer_evidence import describe

        gate.notes.extend(
            f"{describe(check.trailer)} does not count for {check.level.name}:"
            " GitHub's check of its signature is read only in a GitHub Actions run"
            for check in checks
        )
        checks = ()
    if reviewed and number is None:
        gate.notes.append("pull-request approvals are read only in a GitHub Actions pull-request run")
    approvals = bool(reviewed) and number is not None
    if not repository or not (checks or approvals):
        return
    # urllib and the API client cost ~45 ms to import: only a CI run needs them.
    from ownership_gate.hosting.github_api import COMMITS_GRANT, REVIEWS_GRANT, GitHub
    from ownership_gate.signoff import github_evidence, reviews

    wanted = {"the signatures of trailer commits": COMMITS_GRANT} if checks else {}
    if approvals:
        wanted["pull-request approvals"] = REVIEWS_GRANT
    api = GitHub.from_env(os.environ, " and ".join(wanted), ", ".join(wanted.values()))
    matcher = reviews.Matcher(reviewed, api)
    gate.add(github_evidence.verified_trailers(api, matcher, repository, checks, gate.notes))
    if approvals and number is not None and not gate.satisfied():
        gate.add(github_evidence.approvals(api, matcher, repository, number, gate.notes))
