"""Lines as the security scan reads them: those a change adds and removes, and what one line is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.catalog import COMMENT

IMPORT = patterns.compile(
    r"^\s*(?:import\b|from\s+\S+\s+import\b|require(?:_relative)?\b|using\s+[\w.]+;|#include\b|@import\b"
    r"|use\s+[\w:\\]+;|export\s+\*\s+from\b)|\brequire\s*\("
)
SPACE = patterns.compile(r"\s+")
# A string literal on one line, single- or double-quoted, escapes and all.
# String literals, JavaScript's template literals (`Error while trying to authorise ${provider} Pay payment`) too.
_QUOTED = patterns.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\\n]|\\.)*`')
_CALL = patterns.compile(r"\w\s*\(")
# A longer line than this is data (minified code, a blob), not something a person wrote to read.
LONGEST = 2000


class LineDiff(NamedTuple):
    """The lines a change adds and removes (a multiset difference: moves within the file cancel)."""

    added: tuple[tuple[int, str], ...]  # (1-based line in the new file, text)
    removed: tuple[str, ...]
    old_text: str
    new_text: str
    # Added lines written over the old line at their place, one for one: new line number -> the old line.
    rewritten: Mapping[int, str] = MappingProxyType({})


# Where a function is defined (`def authenticate(...)`, `func (c *Client) authenticate()`, `function mask(`,
# `const isMemberAdmin = (role) => ...`), with its name when it has one (`function (` has none).
DEFINITION = patterns.compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|func|function|fn)\b(?:\s+(?:\([^)]*\)\s*)?(?:self\.)?(?P<name>\w+))?"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+(?P<bound>\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>"
)


def defined_name(line: str) -> str | None:
    """The name of the function `line` defines, or None when it defines none (or an unnamed one)."""
    match = DEFINITION.match(line)
    return None if match is None else match["name"] or match["bound"]


def normal(line: str) -> str:
    """The line with its spaces collapsed and trimmed."""
    return SPACE.sub(" ", line.strip())


def substantive(lines: Iterable[str]) -> bool:
    """Some line does something: not blank, a comment, an import or a lone bracket."""
    for line in lines:
        text = str(line).strip()
        if text and not COMMENT.match(text) and not IMPORT.search(text) and text not in ("}", "end", ")", "});", "];"):
            return True
    return False


def without_prose(line: str) -> str:
    """The line with the contents of its string literals that read as prose (three words or more, no call
    in them: a report's column description, an error message) left out. A check's own expression in a
    string (Spring's `.access("hasRole('ADMIN') and hasIpAddress('10.0.0.0/8')")`) calls, and is kept."""
    if "'" not in line and '"' not in line and "`" not in line:
        return line

    def blank(match: re.Match[str]) -> str:
        text = match.group(0)
        if len(text[1:-1].split()) < 3 or _CALL.search(text):
            return text
        return text[0] * 2

    return _QUOTED.sub(blank, line)
