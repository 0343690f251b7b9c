"""HCL (Terraform `.tf`, `.tfvars`, `.terraform.lock.hcl`) read with tree-sitter-hcl.

`parse(source)` gives a `Document`: its top-level attributes and blocks,
each block with its type, labels, first line and source text. A block's
body is built only when asked for (`Block.body`), so a reader comparing two
revisions skips, unread, every block whose text is the same in both.
Values are Python values where the file writes a literal; anything
Terraform would compute is an `Expression` holding its source text (see
hcl_nodes.py).

tree-sitter always gives a tree; text that does not fit the grammar becomes
ERROR or MISSING nodes. `Document.errors`/`error()`, `Block.errors`/`error()`
and `Document.loose_errors` say where, so readers fail closed.

tree-sitter-hcl makes each whitespace and each string character its own
token, so it parses a few megabytes a second, and its trees take some fifty
times the text's size. `parse(new, previous=old)` reparses a file's second
revision incrementally, reusing what did not change. Each revision is
parsed once for every reader: documents are kept by content (their trees
only for the last few; a block read later parses its own text again).
"""

from __future__ import annotations

import posixpath
import re
from collections import OrderedDict, deque
from collections.abc import Callable

import tree_sitter

from ownership_gate.formats import treesitter
from ownership_gate.formats.hcl_nodes import (
    MAX_DEPTH,
    Attribute,
    Block,
    Body,
    Expression,
    HclError,
    Object,
    Value,
    attribute,
    error_in,
)

__all__ = ["MAX_DEPTH", "Attribute", "Block", "Body", "Document", "Expression", "HclError", "Loose", "Object",
           "Value", "parse", "same_code"]


class Loose:
    """Top-level text that did not parse into an attribute or a block."""

    __slots__ = ("error", "line", "source")

    def __init__(self, node: tree_sitter.Node, error: HclError | None = None) -> None:
        self.line: int = node.start_point[0] + 1
        self.source: bytes = node.text or b""
        self.error: HclError = error or error_in(node) or HclError(f"unexpected {node.type}", self.line)


class Document:
    """One parsed file: top-level attributes (`.tfvars`) and blocks."""

    __slots__ = ("_error", "attributes", "blocks", "loose_errors", "source", "tree")

    def __init__(self, source: bytes, tree: tree_sitter.Tree) -> None:
        self.source = source
        self.tree: tree_sitter.Tree | None = tree  # dropped once enough newer documents are parsed
        self.blocks: list[Block] = []
        self.attributes: dict[str, Attribute] = {}
        self.loose_errors: list[Loose] = []
        root = tree.root_node
        self._error = error_in(root)
        for node in [root] if root.is_error else root.children:
            kind = node.type
            if kind == "body":
                self._read_top(node)
            elif kind == "object":  # a `.tfvars` file written as one JSON-like object
                self.loose_errors.append(Loose(node, HclError("an object where attributes were expected",
                                                              node.start_point[0] + 1)))
            elif node.is_error or node.is_missing or (kind != "comment" and node.has_error):
                self.loose_errors.append(Loose(node))

    def _read_top(self, body: tree_sitter.Node) -> None:
        for node in body.children:
            kind = node.type
            if kind == "block":
                self.blocks.append(Block(node, 0, self))
            elif kind == "attribute" and not node.has_error:
                try:
                    name, value = attribute(node, 0, 0)
                except HclError as exc:
                    self.loose_errors.append(Loose(node, exc))
                else:
                    self.attributes[name] = Attribute(name, value, node.start_point[0] + 1)
            elif kind != "comment":
                self.loose_errors.append(Loose(node))

    @property
    def errors(self) -> bool:
        """Whether any part of the file did not parse (or nests too deeply to read)."""
        return self._error is not None or bool(self.loose_errors)

    def error(self) -> HclError | None:
        """The first place the file cannot be read, or None."""
        found = [e for e in (self._error, *(x.error for x in self.loose_errors)) if e is not None]
        return min(found, key=lambda e: e.line or 0) if found else None


# Documents by content, while their texts total at most _KEPT_BYTES; of
# those, the last _KEPT_TREES keep their trees.
_DOCUMENTS: OrderedDict[bytes, Document] = OrderedDict()
_WITH_TREES: deque[Document] = deque()
_KEPT_BYTES = 32 * 1024 * 1024
_KEPT_TREES = 8
_kept = 0


def local_sources(document: Document, directory: str) -> set[str]:
    """The folders a Terraform file in `directory` calls by a local path (see `local_source`)."""
    return {called for block in document.blocks if (called := local_source(block, directory)) is not None}


def local_source(block: Block, directory: str) -> str | None:
    """The folder a `module` block of a file in `directory` calls by a local path (`source = "../../"`),
    resolved (`.` for the repository's top); None for a registry or remote source. A path that climbs out
    of the repository names nothing in it (an example copied from a larger tree) and is None too."""
    source = block.body.attributes.get("source") if block.type == "module" and not block.errors else None
    if source is None or not isinstance(source.value, str) or not source.value.startswith("."):
        return None
    resolved = posixpath.normpath(posixpath.join(directory, source.value))
    return None if resolved == ".." or resolved.startswith("../") else resolved


def same_code(old: bytes, new: bytes) -> bool:
    """Whether two revisions of a file are the same once comments, blank lines and trailing spaces are left
    out, whether or not they parse: a file the grammar cannot read (Terraform 0.11's quoted keys in a block)
    whose change is a comment changed nothing. Text the grammar could not place is compared as written."""
    return old == new or _code(old) == _code(new)


def _code(source: bytes) -> list[bytes]:
    comments = [node for node in treesitter.walk(treesitter.parse("hcl", source).root_node) if node.type == "comment"]
    kept, start = [], 0
    for node in comments:
        kept.append(source[start:node.start_byte])
        start = node.end_byte
    kept.append(source[start:])
    return [line.rstrip() for line in b"".join(kept).splitlines() if line.strip()]


def value(text: str) -> Value:
    """An expression's text read as a file's values are (`[a, b]` a list of two expressions), without
    keeping it among the documents; text that is no expression stays an `Expression`."""
    tree = treesitter.parse("hcl", f"x = {text}\n".encode())
    body = tree.root_node.children[0] if tree.root_node.children else None
    node = body.children[0] if body is not None and body.children else None
    if tree.root_node.has_error or node is None or node.type != "attribute":
        return Expression(text)
    try:
        return attribute(node, 0, 0)[1]
    except HclError:
        return Expression(text)


# A local value an expression reads (`local.instance_type`), and how deep and how long the local values an
# expression reads are written out into it (`inline_locals`).
LOCAL = re.compile(r"\blocal\.(\w+)")
INLINE_DEPTH = 8
INLINE_LENGTH = 20_000


def inline_locals(text: str, written: Callable[[str], str | None]) -> str:
    """`text` with every `local.NAME` it reads, and those they read, written out as `written(NAME)` gives it (a
    local it gives None for is left as written): at most `INLINE_DEPTH` levels, and no longer than
    `INLINE_LENGTH`."""
    def expand(match: re.Match[str]) -> str:
        found = written(match.group(1))
        return match.group(0) if found is None else found

    for _ in range(INLINE_DEPTH):
        expanded = LOCAL.sub(expand, text)
        if expanded == text or len(expanded) > INLINE_LENGTH:
            break
        text = expanded
    return text


def parse(source: bytes, previous: bytes | None = None) -> Document:
    """The document in `source`; `previous`, another revision of the same file
    parsed just before, lets tree-sitter reuse what the two share."""
    known = _DOCUMENTS.get(source)
    if known is not None:
        _DOCUMENTS.move_to_end(source)
        return known
    old = _DOCUMENTS.get(previous) if previous is not None else None
    if old is not None and old.tree is not None:
        tree = treesitter.parser("hcl").parse(source, _edited(old.tree, old.source, source))
    else:
        tree = treesitter.parse("hcl", source)
    document = Document(source, tree)
    _keep(document)
    return document


def _keep(document: Document) -> None:
    global _kept
    _DOCUMENTS[document.source] = document
    _kept += len(document.source)
    while _kept > _KEPT_BYTES and len(_DOCUMENTS) > 1:
        _, dropped = _DOCUMENTS.popitem(last=False)
        _kept -= len(dropped.source)
    _WITH_TREES.append(document)
    if len(_WITH_TREES) > _KEPT_TREES:
        _WITH_TREES.popleft().tree = None


def _edited(tree: tree_sitter.Tree, old: bytes, new: bytes) -> tree_sitter.Tree:
    """A copy of `old`'s tree told what changed between `old` and `new`: one edit
    from the first byte that differs to the last."""
    start = _common_prefix(old, new)
    tail = _common_prefix(old[start:][::-1], new[start:][::-1])
    copy = tree.copy()
    copy.edit(
        start_byte=start, old_end_byte=len(old) - tail, new_end_byte=len(new) - tail,
        start_point=_point(old, start), old_end_point=_point(old, len(old) - tail),
        new_end_point=_point(new, len(new) - tail),
    )
    return copy


def _common_prefix(a: bytes, b: bytes) -> int:
    """The length of the longest common prefix, found by halving (slices compare in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _point(source: bytes, offset: int) -> tuple[int, int]:
    row = source.count(b"\n", 0, offset)
    return row, offset - (source.rfind(b"\n", 0, offset) + 1)
