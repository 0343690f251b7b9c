"""Only the top-level Terraform blocks that changed are worth parsing.

python-hcl2 parses about a thousand lines a second, so a large module
edited in one place would cost seconds per revision. `terraform fmt`
style puts every top-level block between a header line at column 0
(`resource "aws_instance" "web" {`) and a closing `}` at column 0, so
blocks can be cut apart textually; a block whose text is the same at both
revisions cannot carry a cost change and is skipped. When a file does not
cut cleanly (one-line blocks, a heredoc with a `}` at column 0), the
whole file is parsed instead.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^[A-Za-z_][\w-]*(?:\s+(?:\"[^\"]*\"|[\w-]+))*\s*\{\s*(?:#.*|//.*)?$")
_CLOSE = re.compile(r"^\}\s*(?:#.*|//.*)?$")
_BLANK = re.compile(r"^\s*(?:(?:#|//).*)?$")


def blocks(text: str) -> list[str] | None:
    """The top-level blocks of a file, each as its own text; None when it does not cut cleanly."""
    found: list[str] = []
    current: list[str] | None = None
    in_comment = False
    for line in text.splitlines():
        if current is not None:
            current.append(line)
            if _CLOSE.match(line):
                found.append("\n".join(current) + "\n")
                current = None
            continue
        if in_comment:
            in_comment = "*/" not in line
            continue
        if _BLANK.match(line):
            continue
        if line.lstrip().startswith("/*"):
            in_comment = "*/" not in line
            continue
        if not _HEADER.match(line):
            return None  # an attribute at the top (tfvars), a one-line block, or odd layout
        current = [line]
    return None if current is not None else found


def changed_blocks(old: str, new: str) -> tuple[str, str] | None:
    """The blocks that differ, as two smaller documents; None to parse the files whole."""
    before, after = blocks(old), blocks(new)
    if before is None or after is None:
        return None
    same = set(before) & set(after)
    return (
        "".join(b for b in before if b not in same),
        "".join(b for b in after if b not in same),
    )
