"""Ruby read with tree-sitter-ruby: statements as calls with literal arguments.

Gemfiles, gemspecs and Rails migrations are Ruby programs, not data. Their
readers walk the statements, turn each into a `Call` (receiver, method,
literal arguments, block) and raise `Unaccounted` for a statement they
cannot fully account for, so code that hides what it does (a loop, a
condition, `send`, `eval`) is never read as if it were plain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple, TypeAlias

from tree_sitter import Node

from ownership_gate.formats import treesitter
from ownership_gate.formats.treesitter import line as line  # re-exported: readers ask a format for lines

# Methods that call another method by a name chosen at run time, run Ruby
# held in a string, or define and reach methods at run time: what code that
# calls them does cannot be read from the file.
INDIRECT = frozenset({
    "send", "__send__", "public_send", "try", "try!", "method", "public_method", "instance_method",
    "define_method", "define_singleton_method", "instance_eval", "instance_exec", "class_eval",
    "class_exec", "module_eval", "module_exec", "eval", "binding", "method_missing",
    "respond_to_missing?", "alias_method", "instance_variable_set", "instance_variable_get",
    "const_get", "const_set", "prepend",
})
# Stands for an interpolated `#{...}` in the text of a string that has one.
HOLE = "\x00"

_SKIPPED = frozenset({"comment", "empty_statement", "uninterpreted"})
_CONSTANTS = {"true": True, "false": False, "nil": None}
_ESCAPES = {"n": "\n", "t": "\t", "s": " ", "r": "\r", "0": "\0", "e": "\x1b"}
# Methods on a literal that return it unchanged for a reader (`%q<rails>.freeze`, `<<~SQL.squish`).
_LITERAL_METHODS = frozenset({"freeze", "squish", "strip", "chomp", "strip_heredoc", "dedent", "squeeze",
                              "lstrip", "rstrip", "html_safe", "to_s"})
_PARAMETERS = frozenset({"block_parameters", "method_parameters", "lambda_parameters", "left_assignment_list",
                         "destructured_parameter", "destructured_left_assignment", "exception_variable",
                         "rest_assignment", "splat_parameter", "hash_splat_parameter", "block_parameter"})
_NAMED_PARAMETERS = frozenset({"optional_parameter", "keyword_parameter"})
_FINGERPRINT_SKIPPED = frozenset({"(", ")", ",", ";", "then"})
_QUOTED = frozenset({"string", "delimited_symbol", "string_array", "symbol_array", "heredoc_beginning"})


class Unaccounted(Exception):
    """Ruby a reader cannot fully account for (or that is not valid Ruby)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class Lit(NamedTuple):
    """A literal: the value Ruby would compute, without running anything."""

    value: str | int | float | bool | None
    kind: str  # string, symbol, number, const
    line: int
    dynamic: bool = False  # a string with interpolation: HOLE marks each one in `value`
    body_line: int = 0  # the first line of a heredoc's text


class Expr(NamedTuple):
    """A value computed when the Ruby runs: not a literal."""

    node: Node


Value: TypeAlias = Lit | Expr | list["Value"] | dict[str, "Value"]


class Block(NamedTuple):
    params: tuple[str, ...]
    body: tuple[Node, ...]


class Call(NamedTuple):
    name: str
    receiver: tuple[str, ...] = ()  # the names before it: ("User", "where") for User.where(...).update_all
    args: tuple[Value, ...] = ()
    kwargs: Mapping[str, Value] = MappingProxyType({})
    block: Block | None = None
    line: int = 0


def program(text: str) -> Node:
    """The file's root node; Unaccounted if it is not valid Ruby."""
    root = treesitter.parse("ruby", text.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise Unaccounted("not valid Ruby", treesitter.error_line(root))
    return root


def text(node: Node) -> str:
    return treesitter.text(node)


def snippet(node: Node) -> str:
    """The start of a node's code, for a message."""
    first = text(node).split("\n", 1)[0].strip()
    return first if len(first) <= 60 else first[:57] + "..."


def statements(node: Node | None) -> tuple[Node, ...]:
    """The statements of a body (a program, `class`, `def`, block), comments left out."""
    if node is not None and node.type not in ("program", "body_statement", "block_body"):
        node = node.child_by_field_name("body")
    return () if node is None else tuple(children(node))


def children(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type not in _SKIPPED]


def descendants(node: Node, skip: frozenset[int] = frozenset()) -> Iterator[Node]:
    """`node` and every named node under it, in order; subtrees whose id is in `skip` left out."""
    return treesitter.walk(node, skip)


def call(node: Node) -> Call | None:
    """A `call` node or a bare name (`gemspec`, a call without arguments or a local) as a Call."""
    if node.type == "identifier":
        return Call(text(node), line=line(node))
    if node.type != "call":
        return None
    method = node.child_by_field_name("method")
    receiver = node.child_by_field_name("receiver")
    args, kwargs = _arguments(node.child_by_field_name("arguments"))
    block = node.child_by_field_name("block")
    return Call(
        text(method) if method is not None else "call",
        _chain(receiver) if receiver is not None else (),
        tuple(args), kwargs, _block(block) if block is not None else None,
        line(method if method is not None else node),
    )


def _chain(node: Node) -> tuple[str, ...]:
    if node.type in ("identifier", "constant", "self", "instance_variable"):
        return (text(node),)
    if node.type == "scope_resolution":
        scope, name = node.child_by_field_name("scope"), node.child_by_field_name("name")
        return (_chain(scope) if scope is not None else ()) + ((text(name),) if name is not None else ())
    if node.type == "call":
        receiver, method = node.child_by_field_name("receiver"), node.child_by_field_name("method")
        return (_chain(receiver) if receiver is not None else ()) + ((text(method),) if method else ())
    return (text(node),)


def _block(node: Node) -> Block:
    parameters = node.child_by_field_name("parameters")
    params = tuple(text(c) for c in parameters.named_children if c.type == "identifier") if parameters else ()
    return Block(params, statements(node))


def _arguments(node: Node | None) -> tuple[list[Value], dict[str, Value]]:
    args: list[Value] = []
    kwargs: dict[str, Value] = {}
    if node is None:
        return args, kwargs
    items = children(node)
    for item in items:
        key = _key(item)
        value_node = item.child_by_field_name("value") if item.type == "pair" else None
        if key is not None and value_node is not None:
            kwargs[key] = value(value_node)
        elif item.type in ("pair", "splat_argument", "hash_splat_argument", "block_argument"):
            args.append(Expr(item))
        else:
            args.append(value(item))
    last = args[-1] if args else None
    if items and items[-1].type == "hash" and isinstance(last, dict):
        kwargs.update(last)  # a trailing `{ null: false }`
        args.pop()
    return args, kwargs


def is_literal(found: Value) -> bool:
    """Whether a value is written out in full: no part of it is computed when the Ruby runs."""
    if isinstance(found, list):
        return all(is_literal(v) for v in found)
    if isinstance(found, dict):
        return all(is_literal(v) for v in found.values())
    return isinstance(found, Lit) and not found.dynamic


def _key(pair: Node) -> str | None:
    """The name of a pair's key: `null:`, `:null =>`, `"null" =>`; None when it is computed."""
    if pair.type != "pair":
        return None
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    found = value(key)
    return found.value if isinstance(found, Lit) and isinstance(found.value, str) and not found.dynamic else None


def value(node: Node) -> Value:
    kind = node.type
    if kind in ("string", "bare_string", "delimited_symbol", "chained_string", "heredoc_beginning"):
        return _string(node)
    if kind in ("simple_symbol", "hash_key_symbol", "bare_symbol"):
        return Lit(text(node).removeprefix(":"), "symbol", line(node))
    if kind == "integer":
        number = text(node).replace("_", "")
        try:
            return Lit(int(number, 0), "number", line(node))
        except ValueError:
            return Lit(number, "number", line(node))
    if kind == "float":
        return Lit(float(text(node).replace("_", "")), "number", line(node))
    if kind in _CONSTANTS:
        return Lit(_CONSTANTS[kind], "const", line(node))
    if kind in ("array", "string_array", "symbol_array"):
        items = children(node)
        if items and all(_key(i) is not None for i in items):
            return _hash(node)
        return [value(i) for i in items]
    if kind == "hash":
        return _hash(node)
    if kind == "call" and text(node.child_by_field_name("method") or node) in _LITERAL_METHODS and (
        node.child_by_field_name("arguments") is None and node.child_by_field_name("block") is None
    ):
        receiver = node.child_by_field_name("receiver")
        inner = value(receiver) if receiver is not None else Expr(node)
        return inner if not isinstance(inner, Expr) else Expr(node)
    return Expr(node)


def _hash(node: Node) -> Value:
    out: dict[str, Value] = {}
    for pair in children(node):
        key, inner = _key(pair), pair.child_by_field_name("value")
        if key is None or inner is None:
            return Expr(node)  # a computed key or a `**splat`
        out[key] = value(inner)
    return out


def _string(node: Node) -> Lit:
    if node.type == "heredoc_beginning":
        body = _heredoc_body(node)
        if body is None:
            return Lit("", "string", line(node), True, line(node))
        found, dynamic = _content(body.named_children, raw=False)
        return Lit(found.removeprefix("\n"), "string", line(node), dynamic, body.start_point.row + 2)
    if node.type == "chained_string":
        pieces = [_string(c) for c in children(node)]
        joined = "".join(str(p.value) for p in pieces)
        return Lit(joined, "string", line(node), any(p.dynamic for p in pieces), line(node))
    holder = node.parent if node.type == "bare_string" and node.parent is not None else node
    opener = text(holder.children[0]) if holder.children else ""
    raw = opener.startswith(("'", "%q", "%w", "%i", ":'"))
    parts = node.named_children
    found, dynamic = _content(parts, raw)
    kind = "symbol" if node.type == "delimited_symbol" else "string"
    return Lit(found, kind, line(node), dynamic, line(node))


def _content(parts: Iterable[Node], raw: bool) -> tuple[str, bool]:
    out: list[str] = []
    dynamic = False
    for part in parts:
        if part.type in ("string_content", "heredoc_content"):
            piece = text(part)
            out.append(piece.replace("\\\\", "\\").replace("\\'", "'") if raw else piece)
        elif part.type == "escape_sequence":
            out.append(treesitter.unescape(text(part), _ESCAPES))
        elif part.type == "interpolation":
            out.append(HOLE)
            dynamic = True
    return "".join(out), dynamic


def _heredoc_body(start: Node) -> Node | None:
    """The body of a heredoc: bodies follow the line that opens them, in the order they are opened."""
    row = start.start_point.row
    ancestor = start.parent
    while ancestor is not None:
        bodies = [c for c in ancestor.children if c.type == "heredoc_body" and c.start_byte > start.start_byte]
        if bodies and bodies[0].start_point.row == row:
            starts = [n.start_byte for n in _on_row(ancestor, row) if n.type == "heredoc_beginning"]
            index = starts.index(start.start_byte) if start.start_byte in starts else len(bodies)
            return bodies[index] if index < len(bodies) else None
        ancestor = ancestor.parent
    return None


def _on_row(node: Node, row: int) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.start_point.row <= row <= current.end_point.row and current.type != "heredoc_body":
            yield current
            stack.extend(reversed(current.named_children))


def locals_of(scope: Node) -> frozenset[str]:
    """Names that `scope` assigns or takes as parameters: a bare one of them is a variable, not a call."""
    names: set[str] = set()
    for node in descendants(scope):
        kind = node.type
        if kind in ("assignment", "operator_assignment"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                names.add(text(left))
        elif kind in _PARAMETERS:
            names.update(text(c) for c in node.named_children if c.type == "identifier")
        elif kind in _NAMED_PARAMETERS:
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(text(name))
        elif kind == "for":
            pattern = node.child_by_field_name("pattern")
            if pattern is not None and pattern.type == "identifier":
                names.add(text(pattern))
    return frozenset(names)


def fingerprint(nodes: Iterable[Node]) -> str:
    """The code of `nodes` as one string, without layout, comments, quotes or call parentheses:
    `add_column(:a, :b, :null => true)` is `add_column :a, :b, null: true`."""
    parts: list[str] = []
    # Each node travels with its parent: tree-sitter finds a node's parent by walking down
    # from the root, which costs the node's depth every time.
    stack: list[tuple[Node, Node | None] | str] = [(n, n.parent) for n in reversed(list(nodes))]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        node, parent = item
        if node.type == "comment" or (not node.is_named and parent is not None and (
            parent.type in _QUOTED or parent.type == "pair" or text(node) in _FINGERPRINT_SKIPPED
        )):
            continue
        key = parent.child_by_field_name("key") if parent is not None and parent.type == "pair" else None
        if key is not None and key.id == node.id and node.type in ("simple_symbol", "hash_key_symbol"):
            parts.append("label:" + text(node).removeprefix(":"))
        elif node.child_count == 0:
            parts.append(f"{node.type}:{text(node)}" if node.is_named else text(node))
        else:
            parts.append(node.type + "(")
            stack.append(")")
            stack.extend((child, node) for child in reversed(node.children))
    return "\x1f".join(parts)


def only_reordered(old_text: str, new_text: str) -> bool:
    """Whether the two texts define the same methods, only in another order (a linter sorting a controller's
    actions): every method's text the same, each between the same code as before (a method moved past
    `private` or a `before_action` is not only reordered), each name defined once (which of two methods of
    one name wins depends on their order), and the rest of the code the same."""
    old, new = _methods_apart(old_text), _methods_apart(new_text)
    return old is not None and new is not None and old_text != new_text and old == new


def _methods_apart(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None:
    """The code between the file's methods (whitespace aside), and the methods of each stretch between two
    pieces of it, sorted; None when it is not valid Ruby or defines a method name twice."""
    try:
        root = program(text)
    except Unaccounted:
        return None
    methods = [node for node in descendants(root) if node.type in ("method", "singleton_method")]
    outer = sorted((m for m in methods if not any(
        o is not m and o.start_byte <= m.start_byte and m.end_byte <= o.end_byte for o in methods)),
        key=lambda m: m.start_byte)
    names = [treesitter.text(n) for m in outer if (n := m.child_by_field_name("name")) is not None]
    if len(names) != len(set(names)):
        return None
    data = text.encode("utf-8")
    between: list[str] = []
    stretches: list[list[str]] = [[]]
    start = 0
    for method in outer:
        code = " ".join(data[start:method.start_byte].decode("utf-8", "replace").split())
        if code:
            between.append(code)
            stretches.append([])
        stretches[-1].append(" ".join(treesitter.text(method).split()))
        start = method.end_byte
    between.append(" ".join(data[start:].decode("utf-8", "replace").split()))
    return tuple(between), tuple(tuple(sorted(stretch)) for stretch in stretches)
