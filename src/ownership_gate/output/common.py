"""Wording shared by the human-facing reporters."""

from __future__ import annotations

from ownership_gate.model import ChangeVerdict, Finding, Verdict
from ownership_gate.output.quoting import one_line
from ownership_gate.policy.model import SIGNED_ALLOWED_SIGNERS, SIGNED_GITHUB, Level, Policy, Signoff


def finding_title(finding: Finding) -> str:
    kind = f"/{finding.kind}" if finding.kind else ""
    where = f" (line {finding.line})" if finding.line else ""
    return f"{finding.type}{kind} {one_line(finding.subject)}{where}"


def deciding_findings(verdict: ChangeVerdict) -> list[Finding]:
    """The findings that set the change's level (what a reviewer must look at)."""
    return [f for f in verdict.findings if f.level == verdict.level]


def how_to_sign_off(level: Level, platform: str | None = None) -> list[str]:
    """Concrete ways to give this level's sign-off, from its `signoff` section; on a
    platform ("github", "gitlab"), only the ways that work there, in its words."""
    signoff = level.signoff
    if signoff is None or not signoff.sources:
        owners = ", ".join(level.owners) or "the level's owners"
        return [f"ask {owners}; the policy lists no sign-off for {level.name!r}, so add one under levels[].signoff"]
    ways = []
    if "trailer" in signoff.sources:
        who = ", ".join(signoff.signers)
        signed = signed_how(signoff)
        ways.append(
            f"a commit{signed}{',' if signed else ''} authored and committed by one of {who},"
            f" with the trailer `{signoff.trailer}: Name <email>`"
        )
    if "github-review" in signoff.sources and platform != "gitlab":
        ways.append(f"an approving pull-request review by {', '.join(signoff.github_reviewers)}")
    if "gitlab-approval" in signoff.sources and platform != "github":
        ways.append(f"an approval of the merge request by {', '.join(signoff.gitlab_approvers)}")
    if "label" in signoff.sources:
        request = "merge-request" if platform == "gitlab" else "pull-request"
        ways.append(f"the {request} label {' or '.join(repr(x) for x in signoff.labels)}")
    return ways


def signed_how(signoff: Signoff) -> str:
    """How the trailer's commit must be signed, as a phrase after "a commit"."""
    if signoff.signature == SIGNED_ALLOWED_SIGNERS:
        return f" signed with the signer's key in {signoff.allowed_signers} (as the base branch has it)"
    if signoff.signature == SIGNED_GITHUB:
        who = ", ".join(signoff.github_reviewers)
        return f" that GitHub shows as Verified for {who}"
    return ""


def verdict_line(verdict: Verdict, policy: Policy) -> str:
    level = verdict.required_level
    if not verdict.needs_signoff:
        return f"Routine change: {level} level, no sign-off needed."
    if verdict.signoff.satisfied:
        by = ", ".join(sorted({e.by for e in verdict.signoff.evidence if not e.stale})) or "a signer"
        return f"Needs {level} sign-off: given by {by}."
    owners = ", ".join(policy.level(level).owners)
    who = f" ({owners})" if owners else ""
    if verdict.advisory and verdict.head is None:
        return f"Heads-up: this change will need {level} sign-off{who} in its pull request."
    return f"Needs {level} sign-off{who}: missing."
