"""HCL (Terraform `.tf`, `.tfvars`, `.terraform.lock.hcl`) read with tree-sitter-hcl.

`parse(source)` gives a `Document`: its top-level attributes and blocks,
each block with its type, labels, first line and source text. A block's
body is built only when asked for (`Block.body`), so a reader comparing two
revisions skips, unread, every block whose text is the same in both.

Values are Python values where the file writes a literal: strings,
numbers, `true`/`false`, `null`, lists and objects (`Object`, a dict that
also knows each key's line). Anything Terraform would compute (`var.size`,
`"web-${var.env}"`, `max(1, 2)`) is an `Expression` holding its source text.

tree-sitter always gives a tree; text that does not fit the grammar becomes
ERROR or MISSING nodes. `Block.errors`, `Document.loose_errors` and
`error_in` say where, so readers fail closed instead of guessing.

tree-sitter-hcl makes each whitespace and each string character its own
token, so it parses a few megabytes a second. `parse(new, previous=old)`
reparses the second revision of a file incrementally, reusing every part
of the first revision's tree that did not change.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple, Union

import tree_sitter

from ownership_gate.formats import treesitter

MAX_DEPTH = 64  # nesting of values and blocks; configurations stay within ten


@dataclass(frozen=True, slots=True)
class Expression:
    """A value Terraform computes, as written (`var.size`, `"web-${var.env}"`)."""

    text: str


class Object(dict[str, "Value"]):
    """An HCL object value (`{ a = 1 }`); `lines` gives each key's line."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}


Value = Union[str, int, float, bool, None, list["Value"], Object, Expression]  # noqa: UP007 (a runtime alias)


class HclError(ValueError):
    """Text that does not parse as HCL; `line` is where, 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Attribute(NamedTuple):
    name: str
    value: Value
    line: int


class Body(NamedTuple):
    """A block's (or the file's) attributes and nested blocks, in the order written."""

    items: tuple[Attribute | Block, ...]

    @property
    def attributes(self) -> dict[str, Attribute]:
        return {item.name: item for item in self.items if isinstance(item, Attribute)}

    @property
    def blocks(self) -> list[Block]:
        return [item for item in self.items if isinstance(item, Block)]


class Block:
    """`type "label" ... { body }`; the body is built on first use."""

    __slots__ = ("_body", "_depth", "_node", "errors", "labels", "line", "source", "type")

    def __init__(self, node: tree_sitter.Node, depth: int = 0) -> None:
        children = node.children
        self._node = node
        self._depth = depth
        self._body: Body | None = None
        self.type = _text(children[0]) if children and children[0].type == "identifier" else ""
        labels = []
        for child in children[1:]:
            if child.type == "string_lit":
                labels.append(_string(child))
            elif child.type == "identifier":
                labels.append(_text(child))
            else:
                break
        self.labels = tuple(labels)
        self.line: int = node.start_point[0] + 1
        self.source: bytes = node.text or b""
        self.errors: bool = node.has_error

    @property
    def body(self) -> Body:
        if self._body is None:
            inner = next((c for c in self._node.children if c.type == "body"), None)
            self._body = _body(inner, self._depth + 1) if inner is not None else Body(())
        return self._body

    def error(self) -> HclError | None:
        return error_in(self._node) if self.errors else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Block) and (self.line, self.source) == (other.line, other.source)

    def __hash__(self) -> int:
        return hash((self.line, self.source))

    def __repr__(self) -> str:
        return f"Block({self.type!r}, {self.labels!r}, line={self.line})"


class Loose(NamedTuple):
    """Text at the top of a file that did not parse into an attribute or a block."""

    line: int
    source: bytes
    error: HclError


class Document:
    """One parsed file: top-level attributes (`.tfvars`) and blocks."""

    __slots__ = ("attributes", "blocks", "loose_errors", "source", "tree")

    def __init__(self, source: bytes, tree: tree_sitter.Tree) -> None:
        self.source = source
        self.tree = tree
        self.blocks: list[Block] = []
        self.attributes: dict[str, Attribute] = {}
        self.loose_errors: list[Loose] = []
        root = tree.root_node
        top = [root] if root.is_error else root.children
        for node in top:
            kind = node.type
            if kind == "body":
                self._read_top(node)
            elif node.is_error or node.is_missing or (kind != "comment" and node.has_error):
                self.loose_errors.append(_loose(node))
            elif kind == "object":  # a `.tfvars` file written as one JSON-like object
                self.loose_errors.append(Loose(node.start_point[0] + 1, node.text or b"",
                                               HclError("an object where attributes were expected",
                                                        node.start_point[0] + 1)))

    def _read_top(self, body: tree_sitter.Node) -> None:
        for node in body.children:
            kind = node.type
            if kind == "block":
                self.blocks.append(Block(node))
            elif kind == "attribute" and not node.has_error:
                line = node.start_point[0] + 1
                try:
                    name, value = _attribute(node, 0)
                except HclError as exc:
                    self.loose_errors.append(Loose(line, node.text or b"", exc))
                else:
                    self.attributes[name] = Attribute(name, value, line)
            elif kind != "comment":
                self.loose_errors.append(_loose(node))

    @property
    def errors(self) -> bool:
        """Whether any part of the file did not parse (or nests too deeply to read)."""
        return bool(self.loose_errors) or self.tree.root_node.has_error

    def error(self) -> HclError | None:
        """The first place the file cannot be read, or None."""
        found = [e for e in (error_in(self.tree.root_node), *(x.error for x in self.loose_errors)) if e is not None]
        return min(found, key=lambda e: e.line or 0) if found else None


# A few parsed revisions, by content: the dependency and cost readers both
# read a changed Terraform file, and each revision is parsed once for both.
_RECENT: OrderedDict[bytes, Document] = OrderedDict()
_KEPT = 8


def parse(source: bytes, previous: bytes | None = None) -> Document:
    """The document in `source`; `previous`, another revision of the same file
    parsed just before, lets tree-sitter reuse what the two share."""
    known = _RECENT.get(source)
    if known is not None:
        _RECENT.move_to_end(source)
        return known
    old = _RECENT.get(previous) if previous is not None else None
    if old is not None:
        tree = treesitter.parser("hcl").parse(source, _edited(old.tree, old.source, source))
    else:
        tree = treesitter.parse("hcl", source)
    document = Document(source, tree)
    _RECENT[source] = document
    if len(_RECENT) > _KEPT:
        _RECENT.popitem(last=False)
    return document


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


def error_in(node: tree_sitter.Node) -> HclError | None:
    """The first place under `node` that does not parse, as an error with its line."""
    if not node.has_error:
        return None
    found = node
    while not (found.is_error or found.is_missing):
        inner = next((c for c in found.children if c.has_error or c.is_missing), None)
        if inner is None:
            break
        found = inner
    # A quoted string cannot span lines: one that does was left open, and the
    # parser's error is only where it gave up, further down.
    for string in _strings(node):
        if string.start_byte > found.start_byte:
            break
        if string.end_point[0] > string.start_point[0]:
            return HclError("a string left open (a quoted string ends on its line)", string.start_point[0] + 1)
    return _describe(found)


def _strings(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    language = treesitter.parser("hcl").language
    assert language is not None
    query = _query(language)
    return sorted(tree_sitter.QueryCursor(query).captures(node).get("s", []), key=lambda n: n.start_byte)


@cache
def _query(language: tree_sitter.Language) -> tree_sitter.Query:
    query: tree_sitter.Query = tree_sitter.Query(language, "(string_lit) @s (quoted_template) @s")
    return query


def _describe(node: tree_sitter.Node) -> HclError:
    line = node.start_point[0] + 1
    if node.is_missing:
        closing = _CLOSING.get(node.type)
        if closing is not None:
            return HclError(f"expected {closing}", line)
        node = node.next_sibling or node  # the parser guessed something is missing: show what is there
    text = (node.text or b"").decode("utf-8", "replace").strip()
    if node.is_error and not any(c.has_error for c in node.children) and node.end_point[0] > node.start_point[0]:
        # Text left open (a block, a list) until the end: that is where the parser gave up.
        return HclError("unexpected end of text (something left open)", node.end_point[0] + 1)
    shown = text.splitlines()[0][:30] if text else ""
    return HclError(f"unexpected {shown!r}" if shown else "unexpected text", line)


_CLOSING = {"}": "'}'", "]": "']'", ")": "')'", "quoted_template_end": "a closing '\"'",
            "heredoc_identifier": "the heredoc's closing word"}


def _loose(node: tree_sitter.Node) -> Loose:
    error = error_in(node) or HclError(f"unexpected {node.type}", node.start_point[0] + 1)
    return Loose(node.start_point[0] + 1, node.text or b"", error)


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _body(node: tree_sitter.Node, depth: int) -> Body:
    if depth > MAX_DEPTH:
        raise HclError("nested too deeply to read", node.start_point[0] + 1)
    items: list[Attribute | Block] = []
    for child in node.children:
        kind = child.type
        if kind == "attribute":
            name, value = _attribute(child, depth)
            items.append(Attribute(name, value, child.start_point[0] + 1))
        elif kind == "block":
            items.append(Block(child, depth))
    return Body(tuple(items))


def _attribute(node: tree_sitter.Node, depth: int) -> tuple[str, Value]:
    children = node.children
    value = children[-1]
    return _text(children[0]), _value(value, depth) if value.type == "expression" else None


def _value(node: tree_sitter.Node, depth: int) -> Value:
    """An `expression` node's value: a literal as Python, anything else as its text."""
    if depth > MAX_DEPTH:
        raise HclError("nested too deeply to read", node.start_point[0] + 1)
    children = node.children
    if len(children) == 1:
        child = children[0]
        kind = child.type
        if kind == "literal_value":
            return _literal(child.children[0])
        if kind == "collection_value":
            return _collection(child.children[0], depth + 1)
        if kind == "template_expr":
            heredoc = _heredoc(child.children[0])
            if heredoc is not None:
                return heredoc
        elif kind == "operation":
            negative = _negative(child)
            if negative is not None:
                return negative
    return Expression(_text(node))


def _literal(node: tree_sitter.Node) -> Value:
    kind = node.type
    if kind == "string_lit":
        return _string(node)
    if kind == "numeric_lit":
        text = _text(node)
        return int(text) if text.isdigit() else float(text)
    if kind == "bool_lit":
        return _text(node) == "true"
    return None  # null_lit


_ESCAPE = re.compile(r'\\(["\\nrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\$\$\{|%%\{')
_ESCAPED = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code is None:
        return match.group(0)[1:]  # `$${` is a literal `${`, `%%{` a literal `%{`
    return _ESCAPED.get(code) or chr(int(code[1:], 16))


def _string(node: tree_sitter.Node) -> str:
    """A `string_lit`'s value: the text between the quotes, escapes applied."""
    inner = (node.text or b"")[1:-1].decode("utf-8", "replace")
    if "\\" in inner or "$${" in inner or "%%{" in inner:
        return _ESCAPE.sub(_unescape, inner)
    return inner


def _collection(node: tree_sitter.Node, depth: int) -> Value:
    if node.type == "tuple":
        return [_value(c, depth) for c in node.children if c.type == "expression"]
    found = Object()
    for element in node.children:
        if element.type != "object_elem":
            continue
        key, value = element.child_by_field_name("key"), element.child_by_field_name("val")
        if key is None or value is None:
            continue
        name = _value(key, depth)
        shown = _key_text(key) if not isinstance(name, str) else name
        found[shown] = _value(value, depth)
        found.lines[shown] = element.start_point[0] + 1
    return found


def _key_text(key: tree_sitter.Node) -> str:
    """An object key written as a bare word (`name = 1`) is that word."""
    children = key.children
    if len(children) == 1 and children[0].type == "variable_expr":
        return _text(children[0])
    return _text(key)


def _heredoc(node: tree_sitter.Node) -> str | None:
    """A heredoc without interpolations, as its text; None otherwise."""
    if node.type != "heredoc_template":
        return None
    children = node.children
    if any(c.type in ("template_interpolation", "template_directive") for c in children):
        return None
    identifiers = [c for c in children if c.type == "heredoc_identifier"]
    start = children[0]
    if len(identifiers) != 2 or start.type != "heredoc_start":
        return None
    source = node.text or b""
    base = node.start_byte
    opening_end = identifiers[0].end_byte - base
    first = source.find(b"\n", opening_end) + 1
    last = source.rfind(b"\n", 0, identifiers[1].start_byte - base) + 1
    text = source[first:last].decode("utf-8", "replace") if 0 < first <= last else ""
    if _text(start).startswith("<<-"):
        lines = text.split("\n")
        indent = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
        text = "\n".join(x[indent:] for x in lines)
    return text.replace("$${", "${").replace("%%{", "%{")


def _negative(node: tree_sitter.Node) -> int | float | None:
    """`-1` as a number (a negative number is a literal too); None for any other operation."""
    unary = node.children[0]
    if unary.type != "unary_operation" or len(unary.children) != 2:
        return None
    sign, operand = unary.children
    if sign.type != "-" or operand.type != "literal_value" or operand.children[0].type != "numeric_lit":
        return None
    number = _literal(operand.children[0])
    return -number if isinstance(number, (int, float)) else None
