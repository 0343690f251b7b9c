"""Code without its layout: what a formatter (Prettier, `terraform fmt`, gofmt) may change is left out."""

from __future__ import annotations

import re

# String literals, kept exactly (spaces and all): double-, single- and back-quoted.
_STRING = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)""")
_WORD_BREAK = re.compile(r"(?<=\w)\s+(?=\w)")  # kept as one space: `let a` is not `leta`
_NO_SPACE = re.compile(r"(?<!\w)\s+|\s+(?!\w)")


def without_layout(text: str) -> str:
    """`text` with whitespace outside string literals removed, but for one space between two words.

    `! var.create && var.enabled` and `!var.create&&var.enabled` come to the same text;
    `"a b"` and `"ab"` do not, and neither do `not a` and `nota`.
    """
    parts = _STRING.split(text)  # the pattern's one group keeps each literal as an odd-numbered part
    return "".join(part if n % 2 else _NO_SPACE.sub("", _WORD_BREAK.sub(" ", part)) for n, part in enumerate(parts))


def without_strings(text: str) -> str:
    """`text` with each string literal left as one space: the code around them (`LOG.error("Failed: {}", e)`
    is `LOG.error( , e)`)."""
    return _STRING.sub(" ", text)


# A string literal (kept), or a comment of the C family (`// ...` to the end of its line, `/* ... */` and
# Javadoc's `/** ... */` whole), whichever starts first.
_COMMENT_OR_STRING = re.compile(_STRING.pattern + r"|//[^\n]*|/\*.*?\*/", re.DOTALL)


def without_comments(text: str) -> str:
    """`text` (a C-family language: Java, Kotlin, JavaScript, Go, C#, ...) without its comments; a block
    comment leaves a space (`a/**/b` is two words), a line comment its line break. String literals are kept."""
    return _COMMENT_OR_STRING.sub(lambda match: match.group(1) or (" " if match.group(0)[1] == "*" else ""), text)
