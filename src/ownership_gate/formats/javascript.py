"""JavaScript and TypeScript, read with tree-sitter: literal values, call chains, named functions.

A value is what code passes to a library: strings (template literals too,
each `${...}` kept as `${name}`, or `${}` when it is not a plain name),
numbers (as written), booleans, null, arrays, objects, `new X(...)`,
functions and call chains (`knex.schema.alterTable("t", ...)`). Anything
else is `Opaque`, holding its source text.
"""

from __future__ import annotations

import posixpath
from typing import NamedTuple, TypeAlias

from tree_sitter import Node

from ownership_gate.formats import treesitter
from ownership_gate.formats.treesitter import line as line  # re-exported: readers ask a format for lines
from ownership_gate.formats.treesitter import walk as walk  # re-exported: `node` and everything under it

_LANGUAGES: dict[str, treesitter.LanguageName] = {
    ".ts": "typescript", ".cts": "typescript", ".mts": "typescript", ".tsx": "tsx",
}
_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "null": None, "undefined": None}
_LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029")  # after a backslash: a line continuation
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "generator_function",
                        "function_declaration", "generator_function_declaration", "method_definition"})
# Wrappers that leave a value what it is: `x as T`, `x!`, `(x)`, `await x`.
_TRANSPARENT = frozenset({"as_expression", "satisfies_expression", "non_null_expression", "type_assertion",
                          "parenthesized_expression", "await_expression"})
# Where a name is bound to a value: (the name's field, the value's field).
_BINDINGS = {"pair": ("key", "value"), "variable_declarator": ("name", "value"),
             "assignment_expression": ("left", "right")}
_PUNCTUATION = frozenset({";", ",", "(", ")", "[", "]", "{", "}"})


class Str(NamedTuple):
    value: str
    line: int
    dynamic: bool = False  # a template literal with `${...}` in it


class Opaque(NamedTuple):
    text: str


class Func(NamedTuple):
    params: tuple[tuple[str, ...], ...]  # the names each parameter binds
    body: Node


class New(NamedTuple):
    name: str
    args: tuple[Value, ...]


class Segment(NamedTuple):
    name: str | None  # None: a member chosen at run time, `x[name]`
    args: tuple[Value, ...] | None  # None: a property, not a call
    node: Node | None = None  # the arguments


class Chain(NamedTuple):
    """`root(...).a.b(...)`: a name, maybe called itself, then members and calls on it."""

    root: str
    segments: tuple[Segment, ...]
    line: int
    root_args: tuple[Value, ...] | None = None
    root_node: Node | None = None

    def calls(self) -> list[Segment]:
        return [s for s in self.segments if s.args is not None]


Value: TypeAlias = Str | Opaque | Func | New | Chain | bool | str | list["Value"] | dict[str, "Value"] | None


def parse(source: str, path: str) -> Node:
    """The syntax tree of a `.js`/`.ts` file; ValueError with the line of the first syntax error."""
    language = _LANGUAGES.get(posixpath.splitext(path)[1], "javascript")
    root = treesitter.parse(language, source.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise ValueError(f"syntax error on line {treesitter.error_line(root)}")
    return root


def unwrap(node: Node) -> Node:
    while node.type in _TRANSPARENT and node.named_children:
        node = node.named_children[0]
    return node


def holder(node: Node) -> Node | None:
    """The node `node` is part of, past the wrappers that leave it what it is."""
    parent = node.parent
    while parent is not None and parent.type in _TRANSPARENT:
        parent = parent.parent
    return parent


def string(node: Node) -> Str | None:
    """A string or template literal's value; None for anything else."""
    node = unwrap(node)
    if node.type not in ("string", "template_string"):
        return None
    parts: list[str] = []
    dynamic = False
    for child in node.named_children:
        if child.type == "escape_sequence":
            parts.append(treesitter.unescape(treesitter.text(child), _ESCAPES, _LINE_BREAKS))
        elif child.type == "template_substitution":
            inner = child.named_children
            name = treesitter.text(inner[0]) if len(inner) == 1 and inner[0].type == "identifier" else ""
            parts.append("${" + name + "}")
            dynamic = True
        elif child.type != "comment":
            parts.append(treesitter.text(child))
    return Str("".join(parts), line(node), dynamic)


def value(node: Node) -> Value:
    node = unwrap(node)
    kind = node.type
    found = string(node)
    if found is not None:
        return found
    if kind == "number":
        return treesitter.text(node)
    if kind in _CONSTANTS:
        return _CONSTANTS[kind]
    if kind == "array":
        return [value(item) for item in node.named_children if item.type != "comment"]
    if kind == "object":
        return _object(node)
    if kind == "new_expression":
        constructor = node.child_by_field_name("constructor")
        arguments = node.child_by_field_name("arguments")
        return New(treesitter.text(constructor) if constructor else "", _arguments(arguments))
    if kind in _FUNCTIONS:
        return function(node)
    if kind in ("call_expression", "member_expression", "subscript_expression"):
        return chain(node) or Opaque(treesitter.text(node))
    return Opaque(treesitter.text(node))


def _object(node: Node) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for item in node.named_children:
        key, assigned = item.child_by_field_name("key"), item.child_by_field_name("value")
        if item.type == "pair" and key is not None and assigned is not None and key.type != "computed_property_name":
            name = string(key)
            out[name.value if name else treesitter.text(key)] = value(assigned)
        elif item.type == "shorthand_property_identifier":
            out[treesitter.text(item)] = Opaque(treesitter.text(item))
    return out


def _arguments(node: Node | None) -> tuple[Value, ...]:
    if node is None or node.type != "arguments":
        return ()
    return tuple(value(item) for item in node.named_children if item.type != "comment")


def function(node: Node) -> Func:
    parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    body = node.child_by_field_name("body") or node
    if parameters is None:
        groups: tuple[tuple[str, ...], ...] = ()
    elif parameters.type == "formal_parameters":
        groups = tuple(bound_names(p) for p in parameters.named_children if p.type != "comment")
    else:
        groups = (bound_names(parameters),)
    return Func(groups, body)


def bound_names(node: Node) -> tuple[str, ...]:
    """The names a parameter or a destructuring pattern binds (not its defaults or types)."""
    kind = node.type
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        return (treesitter.text(node),)
    part = {"required_parameter": "pattern", "optional_parameter": "pattern", "assignment_pattern": "left",
            "object_assignment_pattern": "left", "pair_pattern": "value"}.get(kind)
    if part is not None:
        inner = node.child_by_field_name(part)
        return bound_names(inner) if inner is not None else ()
    if kind in ("object_pattern", "array_pattern", "rest_pattern"):
        return tuple(name for child in node.named_children for name in bound_names(child))
    return ()


def chain(node: Node) -> Chain | None:
    """The call chain `node` ends, or None when it does not start at a plain name (or `this`)."""
    segments: list[Segment] = []
    pending: Node | None = None  # the arguments of a call whose callee is still to come
    current = node
    while True:
        current = unwrap(current)
        kind = current.type
        if kind == "call_expression":
            if pending is not None:
                segments.insert(0, Segment("()", _arguments(pending), pending))  # `f()()`
            pending = current.child_by_field_name("arguments")
            current = current.child_by_field_name("function")  # type: ignore[assignment]
        elif kind in ("member_expression", "subscript_expression"):
            segments.insert(0, _member(current, pending))
            pending = None
            current = current.child_by_field_name("object")  # type: ignore[assignment]
        elif kind in ("identifier", "this"):
            root_args = _arguments(pending) if pending is not None else None
            return Chain(treesitter.text(current), tuple(segments), line(current), root_args, pending)
        else:
            return None
        if current is None:
            return None


def _member(node: Node, arguments: Node | None) -> Segment:
    args = _arguments(arguments) if arguments is not None else None
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return Segment(treesitter.text(prop) if prop else None, args, arguments)
    index = node.child_by_field_name("index")
    name = string(index) if index is not None else None
    return Segment(name.value if name is not None and not name.dynamic else None, args, arguments)


def named_function(root: Node, name: str) -> Func | None:
    """The first function this file binds to `name`: `function up()`, `up() {}` in a class or
    object, `up: () => {}`, `exports.up = function () {}`, `const up = async () => {}`."""
    for node in walk(root):
        if node.type in ("function_declaration", "generator_function_declaration", "method_definition"):
            found = node.child_by_field_name("name")
            bound = node if found is not None and treesitter.text(found) == name else None
        elif node.type in _BINDINGS:
            bound = _bound_value(node, name)
        else:
            continue
        if bound is not None and unwrap(bound).type in _FUNCTIONS:
            return function(unwrap(bound))
    return None


def _bound_value(node: Node, name: str) -> Node | None:
    key_field, value_field = _BINDINGS[node.type]
    target = node.child_by_field_name(key_field)
    if target is not None and target.type == "member_expression":
        target = target.child_by_field_name("property")  # `exports.up`, `module.exports.up`
    if target is None:
        return None
    literal = string(target)
    named = literal.value if literal is not None else treesitter.text(target)
    return node.child_by_field_name(value_field) if named == name else None


def mentions(root: Node, name: str) -> bool:
    """Whether `name` is used as a name anywhere in the code (comments and strings aside)."""
    kinds = ("identifier", "property_identifier", "shorthand_property_identifier",
             "shorthand_property_identifier_pattern")
    return any(node.type in kinds and treesitter.text(node) == name for node in walk(root))


def constants(root: Node, scope: Node) -> dict[str, Str]:
    """Names bound exactly once, to a string, outside functions or in the function `scope`:
    table names and SQL kept in constants."""
    found: dict[str, Str] = {}
    for name, assigned in _bound_once(root, scope).items():
        literal = string(assigned)
        if literal is not None:
            found[name] = literal
    return found


def literals(root: Node, scope: Node) -> dict[str, Value]:
    """Names bound exactly once, to an object or array literal, outside functions or in the function `scope`:
    an update document or a pipeline kept in a constant."""
    found: dict[str, Value] = {}
    for name, assigned in _bound_once(root, scope).items():
        if unwrap(assigned).type in ("object", "array"):
            found[name] = value(assigned)
    return found


def _bound_once(root: Node, scope: Node) -> dict[str, Node]:
    bound: dict[str, list[Node | None]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in _FUNCTIONS and not _related(node, scope):
            continue  # another function's own names
        stack.extend(node.named_children)
        if node.type == "variable_declarator":
            target, assigned = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            target = node.child_by_field_name("left")
            assigned = node.child_by_field_name("right") if node.type == "assignment_expression" else None
        else:
            continue
        if target is not None and target.type == "identifier":
            bound.setdefault(treesitter.text(target), []).append(assigned)
    return {name: values[0] for name, values in bound.items() if len(values) == 1 and values[0] is not None}


def _related(node: Node, other: Node) -> bool:
    """One of the two holds the other."""
    return (node.start_byte <= other.start_byte and other.end_byte <= node.end_byte) or (
        other.start_byte <= node.start_byte and node.end_byte <= other.end_byte)


def _calls_within(node: Node) -> list[Node]:
    """The outermost call expressions under `node` (a call's own arguments are part of its fingerprint)."""
    found: list[Node] = []
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            found.append(current)
        else:
            stack.extend(reversed(current.children))
    return found


def fingerprint(node: Node, *, ignored: frozenset[str] = frozenset(), opaque: frozenset[str] = frozenset()) -> str:
    """The code under `node` without layout, comments, quote style, semicolons or trailing commas.

    Nodes of an `ignored` kind do not count at all; of an `opaque` kind,
    only that they are there and the calls they make count, not what else
    they hold (`throw new Error("a")` is `throw new Error("b")`, but not
    `throw new Error(grant(user))`).
    """
    parts: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            parts.append(current)
            continue
        kind = current.type
        literal = string(current) if kind in ("string", "template_string") else None
        if kind == "comment" or kind in ignored or (not current.is_named and kind in _PUNCTUATION):
            continue
        if kind in opaque:
            parts.append(kind)
            parts.extend(fingerprint(call, ignored=ignored) for call in _calls_within(current))
        elif literal is not None and not literal.dynamic:
            parts.append("str:" + literal.value)
        elif kind == "formal_parameters" and [c.type for c in current.named_children] == ["identifier"]:
            stack.append(current.named_children[0])  # `(t) => ...` is `t => ...`
        elif current.child_count == 0:
            parts.append(f"{kind}:{treesitter.text(current)}")
        else:
            stack.append("/" + kind)
            stack.extend(reversed(current.children))
            parts.append(kind)
    return "\x1f".join(parts)
