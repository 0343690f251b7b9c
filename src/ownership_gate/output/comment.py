"""The pull-request comment (or merge-request note): the step summary, short enough for a thread.

One table row per file that needs sign-off, with its findings and rules;
each rule's reason once, below it; how to sign off in one line; what did
not count. Routine files are only counted. Everything from the change is
escaped as in the Markdown summary. The first line is a hidden marker by
which the comment is found again and updated in place.
"""

from __future__ import annotations

from ownership_gate.classifiers import BUILT_IN_RULES
from ownership_gate.model import ChangeVerdict, Verdict
from ownership_gate.output.common import deciding_findings, finding_title, signed_how, verdict_line
from ownership_gate.output.markdown import code, text
from ownership_gate.policy.model import Level, Policy

MARKER = "<!-- ownership-gate: sign-off comment -->"
MAX_FILES = 30  # rows before "and N more": the job summary has them all
MAX_NOTES = 5
# What the sign-off is attached to, and what an approval is called, on each platform.
REQUEST = {"github": "pull request", "gitlab": "merge request"}


def _headline(verdict: Verdict) -> str:
    level = verdict.required_level
    if not verdict.needs_signoff:
        return "✅ routine change"
    if verdict.signoff.satisfied:
        return f"✅ {level} sign-off given"
    return f"⚠️ {level} sign-off missing" if verdict.advisory else f"❌ {level} sign-off missing"


def _why(change_verdict: ChangeVerdict) -> str:
    parts = []
    for finding in deciding_findings(change_verdict):
        if finding.type == "path" and finding.detail:
            what = finding.detail  # "path matches 'terraform/'" says it all
        else:
            what = finding_title(finding) + (f": {finding.detail}" if finding.detail else "")
        parts.append(f"{code(finding.rule or '')} {text(what)}")
    return "<br>".join(dict.fromkeys(parts))


def _rules(verdict: Verdict, policy: Policy, shown: list[ChangeVerdict]) -> str:
    reasons = {rule.id: (rule.level, rule.reason) for rule in policy.rules}
    reasons.update((rule_id, (policy.top_level, reason)) for rule_id, reason in BUILT_IN_RULES.values())
    ids = dict.fromkeys(f.rule for v in shown for f in deciding_findings(v) if f.rule)
    parts = []
    for rule_id in ids:
        level, reason = reasons.get(rule_id, (verdict.required_level, ""))
        parts.append(f"{code(rule_id, False)} ({text(level)})" + (f": {text(reason)}" if reason else ""))
    return "Rules: " + " · ".join(parts) if parts else ""


def ways(level: Level, platform: str) -> list[str]:
    """Each way to give the level's sign-off on `platform`, as Markdown."""
    signoff = level.signoff
    request = REQUEST[platform]
    if signoff is None or not signoff.sources:
        owners = ", ".join(code(o, False) for o in level.owners) or "the level's owners"
        return [f"ask {owners} (the policy lists no way to sign off for {text(level.name)})"]
    found = []
    if "trailer" in signoff.sources:
        who = ", ".join(code(s, False) for s in signoff.signers)
        signed = signed_how(signoff)
        found.append(
            f"a commit{text(signed)}{',' if signed else ''} authored and committed by {who},"
            f" with the trailer {code(f'{signoff.trailer}: Name <email>', False)}"
        )
    if platform == "github" and "github-review" in signoff.sources:
        who = ", ".join(code(r, False) for r in signoff.github_reviewers)
        found.append(f"an approving review of this {request} by {who}")
    if platform == "gitlab" and "gitlab-approval" in signoff.sources:
        who = ", ".join(code(r, False) for r in signoff.gitlab_approvers)
        found.append(f"an approval of this {request} by {who}")
    if "label" in signoff.sources:
        found.append(f"the label {' or '.join(code(x, False) for x in signoff.labels)} on this {request}")
    return found


def render(verdict: Verdict, policy: Policy, platform: str = "github") -> str:
    lowest = verdict.levels[0]
    flagged = sorted(
        (v for v in verdict.changes if v.level != lowest), key=lambda v: (-policy.rank(v.level), v.change.path)
    )
    shown = flagged[:MAX_FILES]
    lines = [
        MARKER,
        f"### ownership-gate: {_headline(verdict)}",
        "",
        f"**{text(verdict_line(verdict, policy))}**",
    ]
    if shown:
        lines += ["", "| File | Level | Why |", "|---|---|---|"]
        lines += [f"| {code(v.change.path)} | **{text(v.level)}** | {_why(v)} |" for v in shown]
        if len(flagged) > len(shown):
            lines.append(f"| … and {len(flagged) - len(shown)} more | | |")
        lines += ["", _rules(verdict, policy, shown)]
    result = verdict.signoff
    if verdict.needs_signoff and not result.satisfied:
        options = ways(policy.level(verdict.required_level), platform)
        lines += ["", "**To sign off**, one of: " + " · ".join(options) + "."]
    given = [e for e in result.evidence if not e.stale]
    if verdict.needs_signoff and given:
        lines += ["", "Given: " + " · ".join(
            f"{text(e.level)} by {code(e.by, False)} ({e.source}"
            + (f" at {code(e.commit[:12], False)}" if e.commit else "") + ")" for e in given
        )]
    if verdict.needs_signoff and result.notes:
        notes = list(result.notes)
        lines += ["", "Did not count:", ""] + [f"- {text(n)}" for n in notes[:MAX_NOTES]]
        if len(notes) > MAX_NOTES:
            lines.append(f"- … and {len(notes) - MAX_NOTES} more")
    routine = len(verdict.changes) - len(flagged)
    full = "the job summary" if platform == "github" else "the job log"
    lines += ["", f"<sub>{len(flagged)} of {len(verdict.changes)} changed files need sign-off, {routine} routine;"
                  f" {full} has the full report.</sub>"]
    return "\n".join(lines) + "\n"
