"""Cutting a Terraform file into its top-level blocks, textually.

python-hcl2 parses about a thousand lines a second, so readers parse only
the blocks they need. `terraform fmt` style puts every top-level block
between a header line at column 0 (`resource "aws_instance" "web" {`) and
a closing `}` at column 0, so blocks can be cut apart without parsing.
When a file does not cut cleanly (one-line blocks, a heredoc with a `}` at
column 0, attributes at the top as in `.tfvars`), `blocks` says so and the
reader parses the whole file.
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
