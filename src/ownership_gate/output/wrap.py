"""The text report folded to the terminal's width, each long line with a hanging indent.

Only a terminal (or an explicit COLUMNS) gets folded lines: a report piped
into a file or another program keeps one line per finding, for grep.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap

MIN_WIDTH = 40  # narrower than this, folding after a deep indent leaves a word a line
_PAINTED = re.compile(r"^(\x1b\[[0-9;]*m)(.*)(\x1b\[0m)$")


def report_width(output: str | None) -> int | None:
    """Columns to fold at: the terminal's (or COLUMNS) on a terminal, COLUMNS elsewhere, else None."""
    if output is None and sys.stdout.isatty():
        import shutil  # ~2 ms, for a terminal only

        return shutil.get_terminal_size().columns  # COLUMNS, when set, wins here too
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else None


def fold(report: str, width: int | None) -> str:
    if width is None or width < MIN_WIDTH:
        return report
    return "".join(_fold_line(line, width) for line in report.splitlines(keepends=True))


def _fold_line(line: str, width: int) -> str:
    end = "\n" if line.endswith("\n") else ""
    body = line.removesuffix("\n")
    painted = _PAINTED.match(body)
    start, plain, reset = painted.groups() if painted else ("", body, "")
    if len(plain) <= width:
        return line
    text = plain.lstrip(" ")
    indent = plain[: len(plain) - len(text)]
    bullet = "- " if text.startswith("- ") else ""
    # Continuation lines sit two columns in: under the text of a "- " item, or
    # visibly inside any other line. The bullet stays with its first word.
    wrapper = textwrap.TextWrapper(
        width=width, initial_indent=indent + bullet, subsequent_indent=indent + "  ",
        break_long_words=False, break_on_hyphens=False,
    )
    pieces = wrapper.wrap(text.removeprefix(bullet)) or [plain]
    return "\n".join(f"{start}{piece}{reset}" for piece in pieces) + end
