"""`--format github`: the text report for the log, then workflow-command annotations.

One annotation per finding above the default level, on the file (and line)
it is about: `error` when the sign-off is missing, `warning` in advisory
mode, `notice` once it is given. The text report is fenced with
`::stop-commands::` so that no file name in it can act as a command, and
every message and property is escaped as the runner decodes it (`%`, CR,
LF; also `:` and `,` in properties): the `file` property carries the raw
path, for GitHub to find the file, and messages show it as git quotes it.
"""

from __future__ import annotations

from ownership_gate.ci.github_actions import command, stop_commands
from ownership_gate.model import Verdict
from ownership_gate.output import text
from ownership_gate.output.common import finding_title, how_to_sign_off, verdict_line
from ownership_gate.output.quoting import one_line
from ownership_gate.policy.model import Policy


def severity(verdict: Verdict) -> str:
    if verdict.passed:
        return "notice"
    return "warning" if verdict.advisory else "error"


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    kind = severity(verdict)
    default = policy.rank(verdict.default_level)
    out = [stop_commands(text.render(verdict, policy, color=False))]
    for change_verdict in verdict.changes:
        for finding in change_verdict.findings:
            if finding.level is None or policy.rank(finding.level) <= default:
                continue
            title = finding_title(finding)
            message = f"{title}: {one_line(finding.detail)}" if finding.detail else title
            if finding.reason:
                message += f"\n{one_line(finding.reason)}"
            out.append(command(
                kind, message,
                file=change_verdict.change.path,
                line=finding.line,
                title=f"Needs {finding.level} sign-off (rule {finding.rule})",
            ) + "\n")
    summary = verdict_line(verdict, policy)
    if verdict.needs_signoff and not verdict.signoff.satisfied:
        ways = how_to_sign_off(policy.level(verdict.required_level), verdict.platform)
        summary += "\nTo sign off, one of:\n" + "\n".join(f"- {way}" for way in ways)
    elif verdict.needs_signoff and verdict.signoff.notes:
        # What the sign-off rests on, where nobody checked who gave it.
        summary += "\n" + "\n".join(f"note: {note}" for note in verdict.signoff.notes)
    out.append(command(kind if verdict.needs_signoff else "notice", summary, title="ownership-gate") + "\n")
    return "".join(out)
