"""`--format text`: grouped by level, strictest first, with a verdict line."""

from __future__ import annotations

from ownership_gate.model import Verdict
from ownership_gate.output.common import deciding_findings, finding_title, how_to_sign_off, verdict_line
from ownership_gate.policy import Policy

_RESET = "\033[0m"
_BOLD = "\033[1m"
_RED = "\033[31m"
_GREEN = "\033[32m"
_YELLOW = "\033[33m"
_DIM = "\033[2m"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _display(path: str) -> str:
    return path.encode("unicode_escape").decode("ascii") if any(c in path for c in "\n\t\r") else path


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    lines: list[str] = []
    where = f"{(verdict.base or 'empty')[:12]}..{(verdict.head or 'index')[:12]}"
    lines.append(f"ownership-gate: {len(verdict.changes)} changed file(s) in {where}, policy {verdict.policy_source}")
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
            moved = f" (from {_display(change.old_path)})" if change.old_path else ""
            lines.append(f"  {_display(change.path)}{moved} [{change.status}]")
            for finding in deciding_findings(change_verdict):
                lines.append(f"    - {finding_title(finding)}: {finding.detail}")
                lines.append(_paint(f"      rule {finding.rule}: {finding.reason or '(no reason given)'}", _DIM, color))
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
        lines.extend(f"      - {way}" for way in how_to_sign_off(policy.level(verdict.required_level)))
    if verdict.needs_signoff:
        lines.extend(f"    note: {note}" for note in verdict.signoff.notes)
    return "\n".join(lines) + "\n"
