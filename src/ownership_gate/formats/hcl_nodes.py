"""HCL values and blocks built from tree-sitter-hcl's nodes (the reader is hcl.py).

Literals become Python values: strings (escapes applied), numbers, bools,
None, lists and `Object`s (dicts that know each key's line). Anything
Terraform computes is an `Expression` holding its source text. A block's
body is built on first use: from the file's tree while it is kept, else by
parsing the block's own text again (a block is a complete document on its
own), with its lines moved to where the block sits.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple, Protocol, Union

import tree_sitter

from ownership_gate.formats import treesitter

MAX_DEPTH = 64  # nesting of values and blocks; configurations stay within ten


class Expression:
    """A value Terraform computes, as written (`var.size`, `"web-${var.env}"`)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


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
    """A block's attributes and nested blocks, in the order written."""

    items: tuple[Attribute | Block, ...]

    @property
    def attributes(self) -> dict[str, Attribute]:
        return {item.name: item for item in self.items if isinstance(item, Attribute)}

    @property
    def blocks(self) -> list[Block]:
        return [item for item in self.items if isinstance(item, Block)]


class Parsed(Protocol):
    """What a block needs of the document it came from (hcl.Document): its tree, while kept."""

    tree: tree_sitter.Tree | None


class Block:
    """`type "label" ... { body }`, with its first line and its source text."""

    __slots__ = ("_body", "_document", "_start", "_too_deep", "errors", "labels", "line", "source", "type")

    def __init__(self, node: tree_sitter.Node, top: int, document: Parsed | None = None,
                 body: Body | None = None) -> None:
        children = node.children
        first = children[0] if children else None
        self.type = _text(first) if first is not None and first.type == "identifier" else ""
        labels = []
        for child in children[1:]:
            kind = child.type
            if kind == "string_lit":
                labels.append(_string(child))
            elif kind == "identifier":
                labels.append(_text(child))
            else:
                break
        self.labels = tuple(labels)
        self.line: int = node.start_point[0] + 1 + top
        self.source: bytes = node.text or b""
        self.errors: bool = node.has_error
        self._start = node.start_byte
        self._document = document
        self._body = body
        self._too_deep: HclError | None = None
        if body is None and not self.errors and _openings(self.source) > MAX_DEPTH:
            # Only a block with this many brackets can nest too deeply; its body is built now to know, so that
            # `errors` says so before a reader asks for the body.
            try:
                self.body  # noqa: B018 (built for its error)
            except HclError as exc:
                self._too_deep, self.errors = exc, True

    @property
    def body(self) -> Body:
        if self._body is None:
            node, top = self._node()
            inner = next((c for c in node.children if c.type == "body"), None) if node is not None else None
            self._body = _body(inner, 1, top) if inner is not None else Body(())
        return self._body

    def error(self) -> HclError | None:
        if not self.errors:
            return None
        if self._too_deep is not None:
            return self._too_deep
        node, top = self._node()
        return error_in(node, top) if node is not None else HclError("does not parse", self.line)

    def _node(self) -> tuple[tree_sitter.Node | None, int]:
        """This block's node, and how many lines above the node's tree the file's line 1 is."""
        tree = self._document.tree if self._document is not None else None
        if tree is not None:
            node = tree.root_node.descendant_for_byte_range(self._start, self._start + len(self.source))
            if node is not None and node.type == "block":
                return node, 0
        alone = treesitter.parse("hcl", self.source).root_node
        return next((n for n in _top_nodes(alone) if n.type == "block"), None), self.line - 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Block) and (self.line, self.source) == (other.line, other.source)

    def __hash__(self) -> int:
        return hash((self.line, self.source))

    def __repr__(self) -> str:
        return f"Block({self.type!r}, {self.labels!r}, line={self.line})"


def _top_nodes(root: tree_sitter.Node) -> list[tree_sitter.Node]:
    body = next((c for c in root.children if c.type == "body"), None)
    return body.children if body is not None else []


def error_in(node: tree_sitter.Node, top: int = 0) -> HclError | None:
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
    for string in _strings(node, found.start_byte):
        if string.end_point[0] > string.start_point[0]:
            return HclError("a string left open (a quoted string ends on its line)", string.start_point[0] + 1 + top)
    error = _describe(found)
    error.line = (error.line or 1) + top
    return error


def _strings(node: tree_sitter.Node, before: int) -> list[tree_sitter.Node]:
    """The quoted strings under `node` that start before byte `before`, in order."""
    language = treesitter.parser("hcl").language
    assert language is not None
    cursor = tree_sitter.QueryCursor(_query(language))
    cursor.set_byte_range(node.start_byte, max(node.start_byte, before))
    found = [n for n in cursor.captures(node).get("s", []) if n.start_byte <= before]
    return sorted(found, key=lambda n: n.start_byte)


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


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _openings(source: bytes) -> int:
    """How many brackets the text opens: more than any nesting in it can be deep."""
    return source.count(b"{") + source.count(b"[") + source.count(b"(")


def _body(node: tree_sitter.Node, depth: int, top: int) -> Body:
    if depth > MAX_DEPTH:
        raise HclError("nested too deeply to read", node.start_point[0] + 1 + top)
    items: list[Attribute | Block] = []
    for child in node.children:
        kind = child.type
        if kind == "attribute":
            name, value = attribute(child, depth, top)
            items.append(Attribute(name, value, child.start_point[0] + 1 + top))
        elif kind == "block":
            inner = next((c for c in child.children if c.type == "body"), None)
            body = _body(inner, depth + 1, top) if inner is not None else Body(())
            items.append(Block(child, top, body=body))
    return Body(tuple(items))


def attribute(node: tree_sitter.Node, depth: int, top: int) -> tuple[str, Value]:
    """An `attribute` node's name and value."""
    children = node.children
    value = children[-1]
    return _text(children[0]), _value(value, depth, top) if value.type == "expression" else None


def _value(node: tree_sitter.Node, depth: int, top: int) -> Value:
    """An `expression` node's value: a literal as Python, anything else as its text."""
    if depth > MAX_DEPTH:
        raise HclError("nested too deeply to read", node.start_point[0] + 1 + top)
    children = node.children
    if len(children) == 1:
        child = children[0]
        kind = child.type
        if kind == "literal_value":
            return _literal(child.children[0])
        if kind == "collection_value":
            return _collection(child.children[0], depth + 1, top)
        if kind == "template_expr":
            heredoc = _heredoc(child.children[0])
            if heredoc is not None:
                return heredoc
            only = _interpolation_only(child.children[0])
            if only is not None:
                return Expression(only)
        elif kind == "operation":
            negative = _negative(child)
            if negative is not None:
                return negative
    return Expression(_text(node))


def _interpolation_only(template: tree_sitter.Node) -> str | None:
    """The expression a string made of one interpolation holds (`"${var.cidr}"` -> `var.cidr`): Terraform
    since 0.12 reads such a string as the expression itself, unconverted, so the two spellings are one
    value. None for any other string (`"web-${var.env}"`, `"${~ var.x}"` with its strip marker)."""
    parts = template.children
    if template.type != "quoted_template" or [p.type for p in parts] != [
        "quoted_template_start", "template_interpolation", "quoted_template_end"
    ]:
        return None
    inner = parts[1].children
    if len(inner) != 3 or inner[0].text != b"${" or inner[2].text != b"}" or inner[1].type != "expression":
        return None
    return _text(inner[1])


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


def _collection(node: tree_sitter.Node, depth: int, top: int) -> Value:
    if node.type == "tuple":
        return [_value(c, depth, top) for c in node.children if c.type == "expression"]
    found = Object()
    for element in node.children:
        if element.type != "object_elem":
            continue
        key, value = element.child_by_field_name("key"), element.child_by_field_name("val")
        if key is None or value is None:
            continue
        name = _value(key, depth, top)
        shown = name if isinstance(name, str) else _key_text(key)
        found[shown] = _value(value, depth, top)
        found.lines[shown] = element.start_point[0] + 1 + top
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
    first = source.find(b"\n", identifiers[0].end_byte - base) + 1
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
