"""The weekly report: its records, and the report as JSON (`ownership-gate/report/v1`) and as Markdown.

Paths are quoted as git quotes them (`output/quoting.py`), and every piece of text a
commit brought is kept on its line with Markdown and HTML shown literally.
Subjects, author names and owners come from the history too, so every
piece of them is escaped as the pull-request summary escapes them: a commit
titled `<img src=x>` or `*urgent*` shows as typed and cannot change the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from ownership_gate.classifiers.dependency.ecosystems.base import TOOLING_SCOPES
from ownership_gate.output.markdown import code, text
from ownership_gate.output.quoting import one_line, quote_path

if TYPE_CHECKING:
    from ownership_gate.git.log import Commit
    from ownership_gate.model import Finding, SignoffResult

SCHEMA = "ownership-gate/report/v1"
TOP_RULES = 10
# Findings worth raising as a new risk even when signed off: they commit the company.
_RISKS = {
    ("dependency", "added"), ("dependency", "major"), ("schema", "destructive"), ("schema", "risky"),
    ("cost", "increase"),
}


class Decision(NamedTuple):
    commit: Commit
    level: str
    needs_signoff: bool  # above the lowest level of the policy that judged it
    policy: str
    rules: tuple[str, ...]
    findings: tuple[tuple[str, Finding], ...]  # (path, finding) for findings a rule matched
    signoff: SignoffResult
    owners: tuple[str, ...]
    note: str | None = None


class Report(NamedTuple):
    branch: str
    head: str
    since: str
    until: str | None
    period: tuple[str, str]
    commits: int
    lowest: str
    decisions: list[Decision]
    by_level: dict[str, int]
    by_rule: dict[str, int]
    rule_levels: dict[str, str]


def _new_risk(finding: Finding) -> bool:
    """A dependency only the developers' machines and CI install is no risk production took on,
    unless it is a vendor's."""
    if (finding.type, finding.kind) not in _RISKS:
        return False
    return finding.type != "dependency" or finding.scope not in TOOLING_SCOPES or finding.vendor is not None


def _signers(decision: Decision) -> list[str]:
    return sorted({e.by for e in decision.signoff.evidence if not e.stale})


def _decision_json(decision: Decision) -> dict[str, Any]:
    commit = decision.commit
    return {
        "commit": commit.sha,
        "parent": commit.parents[0] if commit.parents else None,
        "merge": len(commit.parents) > 1,
        "subject": commit.subject,
        "author": {"name": commit.author, "email": commit.email},
        "date": commit.date,
        "level": decision.level,
        "policy": decision.policy,
        "rules": list(decision.rules),
        "findings": [{"path": path, **finding.to_json()} for path, finding in decision.findings],
        "signoff": {
            "satisfied": decision.signoff.satisfied,
            "by": _signers(decision) if decision.signoff.satisfied else [],
            "evidence": [e.to_json() for e in decision.signoff.evidence],
            "notes": list(decision.signoff.notes) + ([decision.note] if decision.note else []),
        },
    }


def json_document(report: Report) -> str:
    document = {
        "schema": SCHEMA,
        "branch": report.branch,
        "head": report.head,
        "since": report.since,
        "until": report.until,
        "period": {"from": report.period[0], "to": report.period[1]},
        "commits": report.commits,
        "decisions": [_decision_json(d) for d in report.decisions],
        "by_level": report.by_level,
        "by_rule": report.by_rule,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(value: str) -> str:
    """Escaped text for a table cell, on one line, never empty (an empty cell would end the row early)."""
    return text(one_line(value)).strip() or " "


def _why(decision: Decision) -> str:
    if decision.note:
        return decision.note
    parts = []
    for path, finding in decision.findings:
        if finding.level != decision.level:
            continue
        if finding.type == "path":
            parts.append(f"{finding.rule}: {quote_path(path)}")
            continue
        kind = f"/{finding.kind}" if finding.kind else ""
        where = f" in {quote_path(path)}" if finding.subject != path else ""
        parts.append(f"{finding.rule}: {finding.type}{kind} {finding.subject}{where}")
    unique = list(dict.fromkeys(parts))
    return "; ".join(unique[:3]) + (f" (+{len(unique) - 3} more)" if len(unique) > 3 else "")


def _final_say(decision: Decision) -> str:
    if decision.signoff.satisfied:
        return text(", ".join(_signers(decision)) or "signed off")
    owners = " ".join(decision.owners) or "no owner listed"
    return f"**missing** ({text(owners)})"


def _lines(items: Iterable[str], empty: str) -> list[str]:
    listed = list(items)
    return listed if listed else [empty]


def markdown(report: Report) -> str:
    start, end = report.period
    needed = len(report.decisions)
    out = [
        f"# Ownership check-in: {start} to {end}",
        "",
        f"Branch {code(report.branch, False)} at `{report.head[:12]}`: {report.commits} commit(s) landed,"
        f" {needed} needed more than {text(report.lowest)} sign-off.",
        "",
        "## Decisions",
        "",
    ]
    if report.decisions:
        out += ["| Date | Commit | Change | Author | Level | Why | Final say |", "|---|---|---|---|---|---|---|"]
        for d in report.decisions:
            out.append(
                f"| {text(d.commit.date[:10])} | `{d.commit.sha[:10]}` | {_cell(d.commit.subject)} |"
                f" {_cell(d.commit.author)} | {text(d.level)} | {_cell(_why(d))} | {_final_say(d) or ' '} |"
            )
    else:
        out.append(f"No change needed more than {text(report.lowest)} sign-off.")
    missing = [d for d in report.decisions if not d.signoff.satisfied]
    out += ["", "## Merged without sign-off", ""]
    out += _lines(
        (f"- `{d.commit.sha[:10]}` {_cell(d.commit.subject)} ({text(d.level)}, {_cell(d.commit.author)}):"
         f" needed {text(' '.join(d.owners) or d.level)}" for d in missing),
        "None: every change that needed a sign-off had one.",
    )
    out += ["", "## Repeat friction: rules that fired most", ""]
    friction = [(rule, count) for rule, count in report.by_rule.items()
                if report.rule_levels.get(rule, report.lowest) != report.lowest][:TOP_RULES]
    if friction:
        out += ["| Rule | Level | Commits |", "|---|---|---|"]
        out += [f"| {text(rule)} | {text(report.rule_levels[rule])} | {count} |" for rule, count in friction]
        out += ["", "A rule that fires every week on routine work is a candidate for a narrower pattern or kind."]
    else:
        out.append("No rule asked for sign-off.")
    risks = [
        f"- {text(one_line(f'{finding.type}/{finding.kind} {finding.subject}'))} in {code(quote_path(path), False)}"
        f" (`{d.commit.sha[:10]}`)"
        for d in report.decisions for path, finding in d.findings
        if _new_risk(finding)
    ]
    out += [
        "",
        "## Standing agenda",
        "",
        "1. **Open decisions**: keep, revert, or change the policy for each change merged without sign-off.",
        *[f"   - `{d.commit.sha[:10]}` {_cell(d.commit.subject)}" for d in missing],
        "2. **New risks**: vendors, data and spend the company took on this week.",
        *[f"   {line}" for line in _lines(dict.fromkeys(risks), "- none found in the history")],
        "3. **Blocked work**: anything waiting on a decision (from the team; not in git).",
        "",
    ]
    return "\n".join(out)
