"""`--format markdown`: the pull-request summary (also the GitHub step summary).

File names and finding details come from the pull request, so every piece
of them is escaped: a file called `x|y` or `<img src=...>` shows as its name
and cannot change the table or the page. Paths are quoted as git quotes
them (`quoting.py`), inside code spans.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers import BUILT_IN_RULES
from ownership_gate.model import VERIFIED_BY_GIT, VERIFIED_BY_GITHUB, ChangeVerdict, Finding, Verdict
from ownership_gate.output.common import (
    deciding_findings,
    finding_title,
    how_to_sign_off,
    verdict_line,
)
from ownership_gate.output.quoting import one_line, quote_path
from ownership_gate.policy.model import SIGNED_ALLOWED_SIGNERS, SIGNED_GITHUB, Level, Policy

ROUTINE_ROWS = 300  # routine files listed before "and N more"
# Inline text only ever needs these: emphasis, code, links, tables, strikethrough.
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")


def text(value: str) -> str:
    """Plain text that Markdown and HTML will show literally, on one line."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _PUNCTUATION.sub(r"\\\1", value)
    return " ".join(value.splitlines())


def code(value: str, in_table: bool = True) -> str:
    """A code span that survives backticks and, in tables, pipes."""
    value = value.replace("\r", "␍").replace("\n", "␊")
    if in_table:
        value = value.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _headline(verdict: Verdict) -> str:
    if not verdict.needs_signoff:
        return "✅ routine change"
    if verdict.signoff.satisfied:
        return f"✅ {verdict.required_level} sign-off given"
    if verdict.advisory:
        return f"⚠️ {verdict.required_level} sign-off missing (advisory)"
    return f"❌ {verdict.required_level} sign-off missing"


def _rules_cell(change_verdict: ChangeVerdict) -> str:
    rules = sorted({f.rule for f in deciding_findings(change_verdict) if f.rule})
    return ", ".join(code(r) for r in rules)


def _ways(level: Level, platform: str | None = None) -> list[str]:
    """Each way to give the level's sign-off (that works on `platform`), as Markdown list items."""
    signoff = level.signoff
    if signoff is None or not signoff.sources:
        return [f"- {text(way)}" for way in how_to_sign_off(level, platform)]
    ways = []
    if "trailer" in signoff.sources:
        who = ", ".join(code(s, False) for s in signoff.signers)
        signed = ""
        if signoff.signature == SIGNED_ALLOWED_SIGNERS:
            where = code(signoff.allowed_signers or "", False)
            signed = f", **signed** with a key listed for the signer in {where} on the base branch"
        elif signoff.signature == SIGNED_GITHUB:
            accounts = ", ".join(code(r, False) for r in signoff.github_reviewers)
            signed = f", **signed** with a key GitHub verifies for {accounts}"
        ways.append(
            f"- **Commit trailer**: a commit on the branch whose message ends with"
            f" {code(f'{signoff.trailer}: Name <email>', False)}, authored and committed by one of {who}{signed}"
        )
    if "github-review" in signoff.sources and platform != "gitlab":
        who = ", ".join(code(r, False) for r in signoff.github_reviewers)
        ways.append(f"- **Approving review** of the pull request by {who} (a team means any member)")
    if "gitlab-approval" in signoff.sources and platform != "github":
        who = ", ".join(code(r, False) for r in signoff.gitlab_approvers)
        ways.append(f"- **Approval** of the merge request by {who} (a group means any member)")
    if "label" in signoff.sources:
        request = "merge request" if platform == "gitlab" else "pull request"
        ways.append(f"- **Label** {' or '.join(code(x, False) for x in signoff.labels)} on the {request}")
    return ways + _trailer_example(level)


def _trailer_example(level: Level) -> list[str]:
    signoff = level.signoff
    if signoff is None or "trailer" not in signoff.sources:
        return []
    signed = " -S" if signoff.signature else ""
    email = signoff.signers[0] if signoff.signers else "you@example.com"
    lines = [
        "",
        "A signer adds the trailer from a checkout of the branch, as themselves (the commit's"
        " author and committer must be the email in the trailer), then pushes:",
        "",
        "```sh",
        f'git commit --allow-empty{signed} -m "{level.name} sign-off" \\',
        f'  --trailer "{signoff.trailer}: Your Name <{email}>"',
        "```",
    ]
    if signoff.signature == SIGNED_ALLOWED_SIGNERS:
        lines += [
            "",
            "(SSH signing: `git config gpg.format ssh` and"
            " `git config user.signingkey ~/.ssh/id_ed25519.pub`.)",
        ]
    elif signoff.signature == SIGNED_GITHUB:
        lines += [
            "",
            "(Sign with a key added to your GitHub account as a signing key, e.g. SSH:"
            " `git config gpg.format ssh` and `git config user.signingkey ~/.ssh/id_ed25519.pub`.)",
        ]
    return lines


def _findings(verdict: Verdict, policy: Policy) -> list[str]:
    lines = ["", "### Findings", ""]
    for change_verdict in verdict.changes:
        if policy.rank(change_verdict.level) == 0:
            continue
        for finding in deciding_findings(change_verdict):
            lines.append(_finding_line(change_verdict, finding))
    return lines


def _finding_line(change_verdict: ChangeVerdict, finding: Finding) -> str:
    detail = f": {text(one_line(finding.detail))}" if finding.detail else ""
    reason = f" {text(one_line(finding.reason))}" if finding.reason else ""
    return (
        f"- {code(quote_path(change_verdict.change.path), False)} · {text(finding_title(finding))}{detail}"
        f" — rule {code(finding.rule or '', False)} (**{text(finding.level or '')}**).{reason}"
    )


def _rules(verdict: Verdict, policy: Policy) -> list[str]:
    files: dict[str, set[str]] = {}
    for change_verdict in verdict.changes:
        for finding in change_verdict.findings:
            if finding.rule:
                files.setdefault(finding.rule, set()).add(change_verdict.change.path)
    if not files:
        return []
    reasons = {rule.id: (rule.level, rule.reason) for rule in policy.rules}
    lines = ["", "### Rules and levels", "", "| Rule | Level | Files | Why |", "|---|---|---|---|"]
    for rule_id, reason in BUILT_IN_RULES.values():
        reasons.setdefault(rule_id, (policy.top_level, reason))
    for rule_id in sorted(files, key=lambda r: (-policy.rank(reasons[r][0]), r)):
        level, reason = reasons[rule_id]
        count = len(files[rule_id])
        lines.append(f"| {code(rule_id)} | {text(level)} | {count} | {text(reason)} |")
    return lines


_VERIFIED = {None: "no", VERIFIED_BY_GIT: "yes (git, signature)", VERIFIED_BY_GITHUB: "yes (GitHub)"}


def _evidence(verdict: Verdict) -> list[str]:
    result = verdict.signoff
    lines: list[str] = []
    if result.evidence:
        lines += ["", "### Sign-off evidence", ""]
        lines += ["| Level | Source | By | Commit | Verified | Stale |", "|---|---|---|---|---|---|"]
        for e in result.evidence:
            commit = code(e.commit[:12]) if e.commit else "none"
            lines.append(
                f"| {text(e.level)} | {e.source} | {code(e.by)} | {commit} |"
                f" {_VERIFIED[e.verified_by]} | {'**stale**' if e.stale else 'no'} |"
            )
    if result.notes and verdict.needs_signoff:
        lines += ["", "Notes:", ""] + [f"- {text(one_line(note))}" for note in result.notes]
    return lines


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    lowest = verdict.levels[0]
    counts = ", ".join(f"{n} {level}" for level, n in reversed(verdict.by_level().items()) if n)
    where = f"{(verdict.base or 'empty')[:12]}..{(verdict.head or 'index')[:12]}"
    lines = [
        f"## ownership-gate: {_headline(verdict)}",
        "",
        f"**{text(verdict_line(verdict, policy))}**",
        "",
        f"{code(where, False)} · policy {code(quote_path(verdict.policy_source), False)} ·"
        f" {len(verdict.changes)} changed file(s){': ' + counts if counts else ''}",
    ]
    flagged = [v for v in verdict.changes if v.level != lowest]
    flagged.sort(key=lambda v: (-policy.rank(v.level), v.change.path))
    if flagged:
        lines += ["", "### Files that need sign-off", ""]
        lines += ["| File | Change | Level | Rules |", "|---|---|---|---|"]
        for v in flagged:
            moved = f" (from {code(quote_path(v.change.old_path))})" if v.change.old_path else ""
            strong = f"**{text(v.level)}**"
            path = code(quote_path(v.change.path))
            lines.append(f"| {path}{moved} | {v.change.status} | {strong} | {_rules_cell(v)} |")
        lines += _findings(verdict, policy)
    lines += _rules(verdict, policy)
    if verdict.needs_signoff and not verdict.signoff.satisfied:
        level = policy.level(verdict.required_level)
        lines += ["", "### How to sign off", ""]
        lines += [f"Give the **{text(level.name)}** sign-off in one of these ways:", ""]
        lines += _ways(level, verdict.platform)
    lines += _evidence(verdict)
    routine = [v for v in verdict.changes if v.level == lowest]
    if routine:
        lines += ["", f"<details><summary>Routine: {len(routine)} file(s) at {text(lowest)} level,"
                      " no sign-off needed</summary>", "", "| File | Change |", "|---|---|"]
        lines += [f"| {code(quote_path(v.change.path))} | {v.change.status} |" for v in routine[:ROUTINE_ROWS]]
        if len(routine) > ROUTINE_ROWS:
            lines.append(f"| … and {len(routine) - ROUTINE_ROWS} more | |")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
