"""Sign-off evidence (SPEC §6): trailers, pull-request reviews and labels.

A sign-off at level X given at commit S covers the changes up to S at
levels up to X. The range is satisfied when, for every level L that needs
sign-off up to the required one, some sign-off of level >= L was given
after the last change that needs L; a sign-off followed by work that needs
its level again is `stale`. Cheap sources are read first (labels, then
trailers); GitHub is asked only when they are not enough, so an API outage
cannot fail a range that is already signed off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from ownership_gate import trailers
from ownership_gate.ci import CiRun
from ownership_gate.engine import Engine
from ownership_gate.errors import FatalError
from ownership_gate.git import Git
from ownership_gate.model import ChangeVerdict, Evidence, SignoffResult
from ownership_gate.policy import Level, Policy
from ownership_gate.signatures import Verifier
from ownership_gate.staleness import Staleness


@dataclass(frozen=True)
class Found:
    """A sign-off from a listed signer, before staleness is known."""

    level: str
    source: str  # trailer | github-review | label
    by: str
    commit: str | None
    verified: bool


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
    gate = _Gate(policy, required_level, Staleness(git, engine, verdicts, head))
    gate.add(_labels(policy, ci))
    if not gate.satisfied():
        gate.add(_trailers(git, policy, base, head, policy_rev or base, gate.notes))
    if not gate.satisfied():
        try:
            gate.add(_reviews(policy, ci, gate.notes))
        except FatalError as exc:
            if not advisory:
                raise
            # Advice must not fail; the approvals stay unread, never assumed.
            gate.notes.append(f"approvals could not be read: {exc}")
    return gate.result()


class _Gate:
    def __init__(self, policy: Policy, required: str, staleness: Staleness) -> None:
        self.policy = policy
        self.needed = [lv.name for lv in policy.levels[1 : policy.rank(required) + 1]]
        self.required = required
        self.staleness = staleness
        self.evidence: list[Evidence] = []
        self.notes: list[str] = []

    def add(self, found: Sequence[Found]) -> None:
        rank = self.policy.rank
        for item in found:
            level, source, by, commit = item.level, item.source, item.by, item.commit
            after = self.staleness.after(commit)
            used_for = min(rank(level), rank(self.required))
            stale = rank(after.level) > 0 and rank(after.level) >= used_for
            self.evidence.append(Evidence(level, source, by, commit, item.verified, stale))
            if after.missing:
                self.notes.append(
                    f"the {source} sign-off by {by} is at commit {commit}, which is not in this"
                    " clone (force-pushed away, or a shallow clone), so it cannot cover the head"
                )
            elif stale:
                files = ", ".join(after.paths[:5]) + (" ..." if len(after.paths) > 5 else "")
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
            # Say so only where no stale note already explains it: work at a
            # lower level after a higher sign-off needs its own sign-off.
            uncovered = not any(self._covers(e, level) for e in self.evidence)
            explained = any(e.stale and rank(e.level) >= rank(level) for e in self.evidence)
            if uncovered and not explained:
                notes.append(f"no {level} sign-off covers the {level}-level changes made after the last one")
        return SignoffResult(satisfied, tuple(self.evidence), tuple(notes))


def _signoff_levels(policy: Policy) -> list[Level]:
    return [lv for lv in policy.levels[1:] if lv.signoff is not None]


def _labels(policy: Policy, ci: CiRun | None) -> list[Found]:
    if ci is None:
        return []
    present = {label.lower(): label for label in ci.labels}
    found = []
    for level in _signoff_levels(policy):
        assert level.signoff is not None
        for label in level.signoff.labels:
            if label.lower() in present:
                found.append(Found(level.name, "label", present[label.lower()], None, False))
    return found


def _trailers(
    git: Git, policy: Policy, base: str, head: str, signers_rev: str, notes: list[str]
) -> list[Found]:
    by_key: dict[str, list[Level]] = {}
    for level in _signoff_levels(policy):
        assert level.signoff is not None
        if level.signoff.trailer and level.signoff.signers:
            by_key.setdefault(level.signoff.trailer.lower(), []).append(level)
    found: list[Found] = []
    with ExitStack() as stack:
        verifiers: dict[str, Verifier] = {}

        def verifier(path: str) -> Verifier:
            if path not in verifiers:
                content = git.blob_at(signers_rev, path.removeprefix("./"))
                if content is None:
                    notes.append(
                        f"allowed_signers {path} does not exist at the base revision"
                        f" {signers_rev[:12]}, so no SSH signature can be trusted"
                    )
                verifiers[path] = stack.enter_context(Verifier(git, content))
            return verifiers[path]

        for levels in by_key.values():
            levels.sort(key=lambda lv: lv.rank, reverse=True)
            key = levels[0].signoff.trailer if levels[0].signoff else None
            assert key is not None
            for trailer in trailers.read(git, base, head, key):
                hit = _trailer_evidence(trailer, levels, verifier, notes)
                if hit is not None:
                    found.append(hit)
    return found


def _trailer_evidence(
    trailer: trailers.Trailer,
    levels: Sequence[Level],
    verifier: Callable[[str], Verifier],
    notes: list[str],
) -> Found | None:
    where = f"trailer `{trailer.key}: {trailer.value}` on {trailer.commit[:12]}"
    listed = [lv for lv in levels if lv.signoff and trailer.names_one_of(lv.signoff.signers)]
    if not listed:
        notes.append(f"{where} does not count: {trailer.who} is not one of the signers")
        return None
    for level in listed:
        assert level.signoff is not None
        if not level.signoff.require_signed_commit:
            return Found(level.name, "trailer", trailer.who, trailer.commit, False)
        assert level.signoff.allowed_signers is not None
        signature = verifier(level.signoff.allowed_signers).verify(trailer.commit)
        if not signature.good:
            notes.append(f"{where} does not count for {level.name}: {signature.describe()}")
            continue
        allowed = {s.lower() for s in level.signoff.signers}
        principal = next((p for p in signature.principals() if p.lower() in allowed), None)
        if principal is None:
            notes.append(
                f"{where} does not count for {level.name}: signed by {signature.principal},"
                " who is not one of the signers"
            )
            continue
        return Found(level.name, "trailer", principal, trailer.commit, True)
    return None


def _reviews(
    policy: Policy, ci: CiRun | None, notes: list[str]
) -> list[Found]:
    if ci is not None and ci.provider == "gitlab":
        from ownership_gate import gitlab_approvals

        approvals = gitlab_approvals.read(policy, ci, os.environ, notes)
        return [Found(a.level, "gitlab-approval", a.by, a.commit, True) for a in approvals]
    levels = [lv for lv in _signoff_levels(policy) if lv.signoff and lv.signoff.github_reviewers]
    if not levels:
        return []
    if ci is None or ci.provider != "github" or ci.pr_number is None or not ci.repository:
        notes.append("pull-request approvals are read only in a GitHub Actions pull-request run")
        return []
    # urllib and the API client cost ~45 ms to import: only a PR run needs them.
    from ownership_gate import reviews
    from ownership_gate.github_api import GitHub

    api = GitHub.from_env(os.environ, "pull-request approvals")
    matcher = reviews.Matcher(levels, api)
    found: list[Found] = []
    for approval in reviews.latest_approvals(api.reviews(ci.repository, ci.pr_number)):
        level = matcher.level_for(approval.login)
        if level is None:
            notes.append(
                f"the approval by @{approval.login} does not count: not one of the github_reviewers"
            )
        else:
            found.append(Found(level.name, "github-review", approval.login, approval.commit, True))
    return found
