"""Which top-level blocks of a Terraform file changed between two revisions.

Both revisions are parsed with tree-sitter-hcl, the second incrementally
from the first. A block whose text is the same in both cannot carry a
cost change, so its body is never read, and neither is a data source's
(reading prices nothing). A part that does not parse is an error for its
revision, unless the other revision has the very same text: it was broken
before and nobody touched it.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from ownership_gate.formats import hcl


class Side(NamedTuple):
    """One revision's changed blocks, or why it cannot be read."""

    blocks: list[hcl.Block]
    error: hcl.HclError | None


def changed_blocks(old: str, new: str) -> tuple[Side, Side]:
    before = hcl.parse(old.encode())
    after = hcl.parse(new.encode(), previous=before.source)
    return _side(before, after), _side(after, before)


def _side(document: hcl.Document, other: hcl.Document) -> Side:
    theirs = Counter(b.source for b in other.blocks)
    blocks = []
    error: hcl.HclError | None = None
    for block in document.blocks:
        if theirs[block.source] > 0:
            theirs[block.source] -= 1
            continue
        if block.errors and error is None:
            error = block.error()
        if block.type != "data":
            blocks.append(block)
    untouched = {loose.source for loose in other.loose_errors}
    broken = [loose.error for loose in document.loose_errors if loose.source not in untouched]
    if broken and (error is None or (broken[0].line or 0) < (error.line or 0)):
        error = broken[0]
    return Side(blocks, error)
