"""`--format text`: grouped by level, strictest first, with a verdict line.

Paths are quoted as git quotes them and a change's own text is kept on its
line (`quoting.py`), so nothing in a change can print a line of its own.
"""

from __future__ import annotations

from ownership_gate.model import Verdict
from ownership_gate.output.brief import staged_routine_line
from ownership_gate.output.common import deciding_findings, finding_title, how_to_sign_off, verdict_line
from ownership_gate.output.quoting import one_line, quote_path
from ownership_gate.policy.model import Policy

_RESET = "\033[0m"
_BOLD = "\033[1m"
_RED = "\033[31m"
_GREEN = "\033[32m"
_YELLOW = "\033[33m"
_DIM = "\033[2m"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    if verdict.head is None and not verdict.needs_signoff:
        return staged_routine_line(verdict) + "\n"
    lines: list[str] = []
    where = f"{(verdict.base or 'empty')[:12]}..{(verdict.head or 'index')[:12]}"
    lines.append(
        f"ownership-gate: {len(verdict.changes)} changed file(s) in {where}, policy {quote_path(verdict.policy_source)}"
    )
    lowest = verdict.levels[0]
    for level in reversed(verdict.levels):
        group = [v for v in verdict.changes if v.level == level]
        if not group:
            continue
        lines.append("")
        lines.append(_paint(f"{level}: {len(group)} file(s)", _BOLD, color))
        if level == lowest:
            lines.append(_paint("  routine; no sign-off needed", _DIM, color))
            continue
        for change_verdict in group:
            change = change_verdict.change
            moved = f" (from {quote_path(change.old_path)})" if change.old_path else ""
            lines.append(f"  {quote_path(change.path)}{moved} [{change.status}]")
            for finding in deciding_findings(change_verdict):
                lines.append(f"    - {finding_title(finding)}: {one_line(finding.detail)}")
                reason = one_line(finding.reason or "(no reason given)")
                lines.append(_paint(f"      rule {finding.rule}: {reason}", _DIM, color))
    lines.append("")
    line = verdict_line(verdict, policy)
    if not verdict.needs_signoff or verdict.signoff.satisfied:
        lines.append(_paint(f"OK  {line}", _GREEN, color))
    elif verdict.advisory:
        lines.append(_paint(f"!   {line}", _YELLOW, color))
    else:
        lines.append(_paint(f"FAIL {line}", _RED, color))
    if verdict.needs_signoff and not verdict.signoff.satisfied:
        lines.append("    To sign off, one of:")
        ways = how_to_sign_off(policy.level(verdict.required_level), verdict.platform)
        lines.extend(f"      - {way}" for way in ways)
    if verdict.needs_signoff:
        lines.extend(f"    note: {one_line(note)}" for note in verdict.signoff.notes)
    return "\n".join(lines) + "\n"
