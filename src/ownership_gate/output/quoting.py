"""How paths, and any other text a change brings, are shown to people.

A path, like everything else a change brings (a dependency's name, a
finding's detail), comes from whoever wrote the change: shown raw, a file
called `x\nOK  Routine change...` would print a verdict line of its own,
and an escape sequence would repaint the terminal. Human-facing text shows
every path the way git does with `core.quotePath` off: as it is, unless it
holds a control character, a double quote or a backslash; then in double
quotes with C escapes (`"a\nb"`, `"\033[31m"`). Non-ASCII letters stay
readable; invisible characters (line and paragraph separators, direction
overrides, non-breaking spaces) are escaped as their UTF-8 bytes, as git
escapes every non-ASCII byte with `core.quotePath` on. JSON and SARIF carry
the raw path: they are for machines, and JSON escapes it already.
"""

from __future__ import annotations

_SHORT = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}


def _escape(char: str) -> str:
    """A character that must not print as itself, C-escaped (octal UTF-8 bytes for the rest)."""
    short = _SHORT.get(char)
    if short is not None:
        return short
    try:
        raw = char.encode("utf-8", "surrogateescape")  # a byte of a name that is not UTF-8
    except UnicodeEncodeError:
        raw = char.encode("utf-8", "surrogatepass")
    return "".join(f"\\{byte:03o}" for byte in raw)


def quote_path(path: str) -> str:
    """A path for people, as git prints it: `src/app.py`, or `"odd\\nname"` when it must be escaped."""
    if path.isprintable() and '"' not in path and "\\" not in path:
        return path
    body = "".join(
        "\\" + char if char in '"\\' else char if char.isprintable() else _escape(char) for char in path
    )
    return f'"{body}"'


def one_line(text: str) -> str:
    """Text a change brought (a finding's subject or detail) on one line: every character
    that `quote_path` escapes is escaped the same way; quotes and backslashes stay."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)
