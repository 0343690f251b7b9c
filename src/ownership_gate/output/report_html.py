"""The weekly report as one self-contained HTML page, with inline SVG charts and no scripts.

Everything from the history (subjects, authors, paths, rules, owners,
the branch) is escaped, and paths are quoted as git quotes them
(`quoting.py`), so a file name keeps to its line in the page's source too.
A Content-Security-Policy that allows no script, no fetch and no outside
image keeps it that way even if an escape were missed. The page opens
from a file, an artifact or an e-mail attachment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING

from ownership_gate.output.quoting import one_line, quote_path

if TYPE_CHECKING:
    from ownership_gate.output.report import Decision, Report

TOP_RULES = 10
COLORS = ("#2f6fb3", "#d9822b", "#b33a3a", "#6b4fa3", "#2e8b57")  # by level, above the lowest
GIVEN, MISSING, ROUTINE = "#2e8b57", "#b33a3a", "#9aa5b1"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1f2933}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #d3d9df;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f5f7}code{font-size:.9em}.missing{color:#b33a3a;font-weight:600}
svg{max-width:100%;height:auto}.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-.1rem}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _weeks(start: str, end: str) -> list[date]:
    """The Mondays of the weeks the period touches."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def _svg(title: str, width: int, height: int, body: Sequence[str]) -> str:
    ident = "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" width="{width}"'
            f' height="{height}" viewBox="0 0 {width} {height}"><title id="{ident}">{_e(title)}</title>'
            + "".join(body) + "</svg>")


def _bars(title: str, rows: Sequence[tuple[str, int, str]]) -> str:
    """Horizontal bars: (label, value, colour)."""
    most = max((value for _, value, _ in rows), default=0) or 1
    body = []
    for n, (label, value, color) in enumerate(rows):
        y = 8 + n * 28
        length = round(360 * value / most)
        body.append(f'<text x="190" y="{y + 15}" text-anchor="end" font-size="13">{_e(label)}</text>'
                    f'<rect x="200" y="{y}" width="{length}" height="20" fill="{color}"/>'
                    f'<text x="{206 + length}" y="{y + 15}" font-size="13">{value}</text>')
    return _svg(title, 620, 16 + 28 * max(len(rows), 1), body)


def _by_week(report: Report, levels: Sequence[str]) -> str:
    weeks = _weeks(*report.period)
    counts = {(w, lv): 0 for w in weeks for lv in levels}
    for decision in report.decisions:
        day = date.fromisoformat(decision.commit.date[:10])
        week = day - timedelta(days=day.weekday())
        if (week, decision.level) in counts:
            counts[(week, decision.level)] += 1
    most = max((sum(counts[(w, lv)] for lv in levels) for w in weeks), default=0) or 1
    step = max(36, min(90, 560 // max(len(weeks), 1)))
    body = []
    for n, week in enumerate(weeks):
        x, top = 40 + n * step, 190
        for rank, level in enumerate(levels):
            count = counts[(week, level)]
            height = round(160 * count / most)
            top -= height
            if count:
                body.append(f'<rect x="{x}" y="{top}" width="{step - 10}" height="{height}" fill="{_color(rank)}">'
                            f"<title>{_e(level)}, week of {week.isoformat()}: {count}</title></rect>")
        total = sum(counts[(week, lv)] for lv in levels)
        body.append(f'<text x="{x + (step - 10) // 2}" y="{top - 4}" text-anchor="middle" font-size="12">{total}</text>'
                    f'<text x="{x + (step - 10) // 2}" y="208" text-anchor="middle" font-size="11">'
                    f"{week.strftime('%b %d')}</text>")
    body.append(f'<line x1="34" y1="190" x2="{40 + len(weeks) * step}" y2="190" stroke="#52606d"/>')
    return _svg("Decisions by week and level", 60 + len(weeks) * step, 216, body)


def _color(rank: int) -> str:
    return COLORS[rank % len(COLORS)]


def _level_color(levels: Sequence[str], level: str) -> str:
    return _color(levels.index(level)) if level in levels else _color(0)


def _no_wait(report: Report) -> tuple[str, str]:
    waited = len(report.decisions)
    free = max(report.commits - waited, 0)
    share = round(100 * free / report.commits) if report.commits else 100
    free_width = round(560 * free / report.commits) if report.commits else 560
    body = [f'<rect x="0" y="4" width="{free_width}" height="28" fill="{ROUTINE}"/>',
            f'<rect x="{free_width}" y="4" width="{560 - free_width}" height="28" fill="{_color(0)}"/>']
    sentence = (f"{free} of {report.commits} commits ({share}%) needed no sign-off above"
                f" {report.lowest}; {waited} waited for one.")
    return sentence, _svg("Went through with no wait", 560, 36, body)


def _row(decision: Decision) -> str:
    commit = decision.commit
    if decision.signoff.satisfied:
        final = _e(", ".join(sorted({e.by for e in decision.signoff.evidence if not e.stale})) or "signed off")
    else:
        final = f'<span class="missing">missing</span> ({_e(" ".join(decision.owners) or "no owner listed")})'
    why = "; ".join(dict.fromkeys(f"{f.rule}: {quote_path(path)}" for path, f in decision.findings
                                  if f.level == decision.level))
    cells = (_e(commit.date[:10]), f"<code>{_e(commit.sha[:10])}</code>", _e(one_line(commit.subject)),
             _e(one_line(commit.author)), _e(decision.level), _e(one_line(decision.note or why)), final)
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def document(report: Report) -> str:
    start, end = report.period
    levels = [lv for lv in report.by_level if lv != report.lowest]
    given = sum(1 for d in report.decisions if d.signoff.satisfied)
    missing = len(report.decisions) - given
    friction = [(rule, count) for rule, count in report.by_rule.items()
                if report.rule_levels.get(rule, report.lowest) != report.lowest][:TOP_RULES]
    sentence, no_wait = _no_wait(report)
    legend = "".join(f'<span><i class="swatch" style="background:{_color(rank)}"></i>{_e(level)}</span>'
                     for rank, level in enumerate(levels))
    title = f"Ownership check-in: {start} to {end}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f"<p>Branch <code>{_e(report.branch)}</code> at <code>{_e(report.head[:12])}</code>: {report.commits}"
        f" commit(s) landed, {len(report.decisions)} needed more than {_e(report.lowest)} sign-off.</p>",
        f'<section id="no-wait"><h2>Went through with no wait</h2><p>{_e(sentence)}</p>{no_wait}'
        f'<p class="legend"><span><i class="swatch" style="background:{ROUTINE}"></i>no sign-off needed</span>'
        f'<span><i class="swatch" style="background:{_color(0)}"></i>waited for a sign-off</span></p></section>',
        f'<section id="by-week"><h2>Decisions by week and level</h2><p class="legend">{legend}</p>'
        f"{_by_week(report, levels)}</section>",
        '<section id="signoffs"><h2>Sign-offs given and missing</h2>'
        + _bars("Sign-offs given and missing", [("given", given, GIVEN), ("missing", missing, MISSING)])
        + "</section>",
        '<section id="rules"><h2>Rules that fired most</h2>'
        + (_bars("Rules that fired most", [(f"{rule} ({report.rule_levels[rule]})", count,
                                            _level_color(levels, report.rule_levels[rule]))
                                           for rule, count in friction])
           if friction else "<p>No rule asked for sign-off.</p>")
        + "</section>",
        '<section id="decisions"><h2>Decisions</h2>',
    ]
    if report.decisions:
        parts.append("<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in (
            "Date", "Commit", "Change", "Author", "Level", "Why", "Final say")) + "</tr></thead><tbody>"
            + "".join(_row(d) for d in report.decisions) + "</tbody></table>")
    else:
        parts.append(f"<p>No change needed more than {_e(report.lowest)} sign-off.</p>")
    parts.append("</section></main></body></html>\n")
    return "\n".join(parts)
