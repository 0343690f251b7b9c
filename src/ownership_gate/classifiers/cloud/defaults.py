"""What a Terraform expression comes to while new inputs keep their defaults.

A module that grows an optional feature adds a variable defaulting to
nothing (`null`, `false`, `[]`) and a block or condition that reads it:

    dynamic "remote_network_config" {
      for_each = var.remote_network_config != null ? [var.remote_network_config] : []

With the variable at its default that `for_each` is empty, so the block is
absent and nothing changes until a caller sets it. `evaluate` folds what it
can (the new variables, `null`, `true`/`false`, empty collections, `==`,
`!=`, `<`, `>`, `<=`, `>=` on numbers, `!`, `&&`, `||`, `? :`, a `? :` whose
branches come to the same, `length` of an empty collection (0), `keys`, `tomap`
and the like of one (empty), `concat` and
`merge` without their empty arguments, a string that is one
interpolation, and a string written out, `""` or `"abc"`, compared with a
default) and leaves the rest as text, so two
revisions of an expression can be compared after folding: `var.new != null
|| length(var.cidrs) > 0 ? [true] : []` comes to the same text as the old
`length(var.cidrs) > 0 ? [true] : []`. It reads the expression with the
same tree-sitter grammar as the files; anything it does not know stays as
written, so folding never makes two different expressions look alike.
`unwrapped` reads an expression the same way to take off a call around all
of it (`nonsensitive(x)` is `x`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import tree_sitter

from ownership_gate.classifiers import patterns
from ownership_gate.formats import layout, treesitter

# The value of an empty list, set, map or object.
EMPTY = ()
_SPACE = re.compile(r"\s+")


class Residual(NamedTuple):
    """What could not be folded, as canonical text."""

    text: str


Value = object  # None, bool, float, str, EMPTY, or a Residual


def default_value(text: str) -> object:
    """A variable's default as `evaluate` knows it (`null`, `true`, `false`, `[]`, `{}`, `""`), else a Residual.
    `text` is the default as written, or a string default's value (`default = ""` gives the empty text)."""
    return {"null": None, "None": None, "false": False, "False": False, "true": True, "True": True,
            "[]": EMPTY, "{}": EMPTY, '""': "", "''": "", "": ""}.get(text.strip(), Residual(text))


def is_nothing(value: object) -> bool:
    """A default that sets nothing: an argument bound to it is as good as absent."""
    return value is None or value is False or value is EMPTY or value == ""


def evaluate(text: str, variables: Mapping[str, object]) -> object:
    """`text`, an HCL expression, folded with `variables` (name -> value) at the given values."""
    parsed = _parsed(text)
    if parsed is None:
        return Residual(_canonical(text))
    source, nodes = parsed
    return _Folder(source, variables).fold(nodes)


def unwrapped(text: str, function: str) -> str:
    """`text` without a call of `function` around all of it (`nonsensitive(x)` -> `x`), read with the
    grammar; as written when it is anything else (`nonsensitive(a) + b`, two arguments, no call)."""
    parsed = _parsed(text) if f"{function}(" in text else None
    if parsed is None:
        return text
    source, nodes = parsed
    while len(nodes) == 1 and nodes[0].type == "expression":
        nodes = nodes[0].children
    call = nodes[0] if len(nodes) == 1 and nodes[0].type == "function_call" else None
    if call is None or (call.children[0].text or b"").decode() != function:
        return text
    arguments = next((c for c in call.children if c.type == "function_arguments"), None)
    if arguments is None:
        return text
    given = [c for c in arguments.children if c.is_named]
    if len(given) != 1 or any(c.type == "ellipsis" for c in arguments.children):
        return text
    return source[given[0].start_byte:given[0].end_byte].decode("utf-8", "replace")


# The deprecated two-argument `lookup(map, "key")` of a plain reference: no default, so exactly `map["key"]`.
_LOOKUP = patterns.compile(r'\blookup\(\s*([A-Za-z_][\w.-]*(?:\[[^\[\](),]*\])*)\s*,\s*("[^"\\$]*")\s*\)')


def lookups_as_indexes(text: str) -> str:
    """`text` with each two-argument `lookup(var.s3_settings, "bucket_name")` written as the index it is
    (`var.s3_settings["bucket_name"]`); a `lookup` with a default is left as written."""
    return _LOOKUP.sub(r"\1[\2]", text) if "lookup(" in text else text


def without_try(text: str) -> str:
    """`text` with every `try(first, ...)` written as its first argument (`a ? b : try(var.x[0], null)` ->
    `a ? b : var.x[0]`), read with the grammar; as written when it does not parse."""
    parsed = _parsed(text) if "try(" in text else None
    if parsed is None:
        return text
    source, nodes = parsed
    calls: list[tree_sitter.Node] = []
    stack = list(nodes)
    while stack:  # the outermost `try` calls: those inside one are its first argument's own, rewritten with it
        node = stack.pop()
        if node.type == "function_call" and (node.children[0].text or b"") == b"try":
            calls.append(node)
        else:
            stack.extend(node.children)
    start = nodes[0].start_byte if nodes else 0
    end = nodes[-1].end_byte if nodes else 0
    out, at = [], start
    for call in sorted(calls, key=lambda node: node.start_byte):
        arguments = next((c for c in call.children if c.type == "function_arguments"), None)
        first = next((c for c in arguments.children if c.is_named), None) if arguments is not None else None
        if first is None:
            continue
        out.append(source[at:call.start_byte].decode("utf-8", "replace"))
        out.append(without_try(source[first.start_byte:first.end_byte].decode("utf-8", "replace")))
        at = call.end_byte
    out.append(source[at:end].decode("utf-8", "replace"))
    return "".join(out)


def optional_nulls(type_text: str) -> frozenset[str]:
    """The attributes a variable's object type declares optional with no default or a `null` one
    (`object({ reuse = optional(bool), policy = optional(object({...}), null) })`: `reuse` and `policy`):
    a caller that does not give one gets `null`, which Terraform reads as the argument left out. One with
    another default (`optional(number, 128)`) gives that value."""
    parsed = _parsed(type_text) if "optional(" in type_text else None
    if parsed is None:
        return frozenset()
    source, nodes = parsed
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "object_elem" or len(node.children) < 3:
            continue
        key, value = node.children[0], node.children[2]
        call = value.children[0] if value.type == "expression" and value.child_count == 1 else None
        if call is None or call.type != "function_call" or (call.children[0].text or b"") != b"optional":
            continue
        arguments = next((c for c in call.children if c.type == "function_arguments"), None)
        given = [c for c in arguments.children if c.is_named] if arguments is not None else []
        if len(given) == 1 or (len(given) == 2 and source[given[1].start_byte:given[1].end_byte].strip() == b"null"):
            found.add(source[key.start_byte:key.end_byte].decode("utf-8", "replace").strip().strip('"'))
    return frozenset(found)


def lists_as_tuples(text: str) -> str:
    """`text` with every `list(a, b)` call (Terraform 0.11's, removed in 0.15) written as the tuple `[a, b]`,
    read with the grammar (a `list(` inside a string is no call); as written when it does not parse."""
    parsed = _parsed(text) if "list(" in text else None
    if parsed is None:
        return text
    source, nodes = parsed
    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement) in `source`
    stack = list(nodes)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "function_call" or (node.children[0].text or b"") != b"list":
            continue
        opening = next((c for c in node.children if c.type == "("), None)
        closing = next((c for c in reversed(node.children) if c.type == ")"), None)
        if opening is not None and closing is not None:
            edits += [(node.start_byte, opening.end_byte, b"["), (closing.start_byte, closing.end_byte, b"]")]
    if not edits:
        return text
    out, at = [], nodes[0].start_byte
    for edit_start, edit_end, replacement in sorted(edits):
        out += [source[at:edit_start], replacement]
        at = edit_end
    out.append(source[at:nodes[-1].end_byte])
    return b"".join(out).decode("utf-8", "replace")


def _parsed(text: str) -> tuple[bytes, Sequence[tree_sitter.Node]] | None:
    """An HCL expression read with the grammar: the source it was read from and its nodes; None if it does
    not parse as one expression."""
    source = f"x = {text}\n".encode()
    tree = treesitter.parse("hcl", source)
    body = tree.root_node.children[0] if tree.root_node.children else None
    attribute = body.children[0] if body is not None and body.children else None
    if tree.root_node.has_error or attribute is None or attribute.type != "attribute":
        return None
    return source, attribute.children[2:]


def conditions(text: str) -> set[str] | None:
    """The conditions joined by `&&` of a `cond ? 1 : 0` count, each without its layout (`var.a && var.b != null
    ? 1 : 0` -> `var.a`, `var.b!=null`); None for an expression of another form."""
    parsed = _parsed(text)
    if parsed is None or not parsed[1]:
        return None
    source, (node, *_) = parsed
    while node.type != "conditional":
        if node.named_child_count != 1:
            return None
        node = node.named_children[-1]
    parts = list(node.named_children)
    if len(parts) != 3 or [layout.without_layout(treesitter.text(p)) for p in parts[1:]] != ["1", "0"]:
        return None
    found: set[str] = set()

    def split(nodes: Sequence[tree_sitter.Node]) -> None:
        while len(nodes) == 1 and nodes[0].type in ("expression", "operation", "binary_operation"):
            inner = nodes[0].children
            if nodes[0].type == "binary_operation":
                at = _operator(inner)
                if at is not None and inner[at].type == "&&":
                    split(inner[:at])
                    split(inner[at + 1:])
                    return
                break
            if [c.type for c in inner][:1] == ["("] and inner[-1].type == ")":
                inner = inner[1:-1]
            nodes = list(inner)
        found.add(layout.without_layout(source[nodes[0].start_byte:nodes[-1].end_byte].decode()))

    split([parts[0]])
    return found


def render(value: object) -> str:
    """Comparable text of a folded value."""
    if isinstance(value, Residual):
        return value.text
    if value is None:
        return "null"
    if value is EMPTY:
        return "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'  # as HCL writes it
    return repr(value)


def is_empty(value: object) -> bool:
    """A `for_each` or `count` of this value makes nothing."""
    return value is None or value is EMPTY or (isinstance(value, float) and value == 0)


_ORDER: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}
# Functions that join their arguments: an empty one adds nothing, and a join of one argument is that argument.
_JOINS = ("concat", "merge")
# Functions that give their first argument that is not nothing: an empty list, or null or an empty string.
_FIRST_OF: dict[str, Callable[[object], bool]] = {
    "coalescelist": lambda value: value is EMPTY,
    "coalesce": lambda value: value is None or value == "",
}
# Functions of one collection: of an empty one, `length` is 0 and the others are empty (`keys({})`, `tomap({})`).
_OF_A_COLLECTION = frozenset({"length", "keys", "values", "tomap", "toset", "tolist", "flatten", "compact",
                              "distinct", "sort", "reverse"})


class _Folder:
    def __init__(self, source: bytes, variables: Mapping[str, object]) -> None:
        self.source = source
        self.variables = variables

    def text(self, nodes: Sequence[tree_sitter.Node]) -> str:
        """The nodes' text, each string in it that is one interpolation and nothing else written as that
        expression (`{ for r in var.rules : "${r.name}" => r }` is `{ for r in var.rules : r.name => r }`)."""
        if not nodes:
            return ""
        start, end = nodes[0].start_byte, nodes[-1].end_byte
        span = self.source[start:end]
        if b'"${' not in span:
            return _canonical(span.decode("utf-8", "replace"))
        pieces, at = [], start
        for inner in _lone_interpolations(nodes):
            pieces += [self.source[at:inner[0]], self.source[inner[1]:inner[2]]]
            at = inner[3]
        pieces.append(self.source[at:end])
        return _canonical(b"".join(pieces).decode("utf-8", "replace"))

    def fold(self, nodes: Sequence[tree_sitter.Node]) -> object:
        if len(nodes) == 1:
            node = nodes[0]
            kind = node.type
            if kind in ("expression", "operation"):
                return self.fold(node.children)
            if kind == "conditional":
                return self.conditional(node)
            if kind == "binary_operation":
                return self.binary(node.children)
            if kind == "unary_operation" and node.children and node.children[0].type == "!":
                operand = self.fold(node.children[1:])
                return (not operand) if isinstance(operand, bool) else Residual(f"(!{render(operand)})")
            if kind == "literal_value":
                return _literal(node, self.text([node]))
            if kind == "collection_value" and node.child_count == 1 and _is_empty(node.children[0]):
                return EMPTY
            if kind == "function_call":
                return self.call(node)
            if kind == "template_expr":
                inner = _lone_interpolation(node)
                if inner is not None:  # `"${var.create ? 1 : 0}"`, Terraform 0.11's way to write an expression
                    return self.fold([inner])
        elif len(nodes) == 3 and nodes[0].type == "(" and nodes[2].type == ")":
            return self.fold(nodes[1:2])
        elif len(nodes) == 2 and nodes[0].type == "variable_expr" and nodes[1].type == "get_attr":
            name = self.text(nodes[1:]).lstrip(".").strip()
            if self.text(nodes[:1]) == "var" and name in self.variables:
                return self.variables[name]
        return Residual(self.text(nodes))

    def conditional(self, node: tree_sitter.Node) -> object:
        parts = [c for c in node.children if c.type not in ("?", ":")]
        if len(parts) != 3:
            return Residual(self.text([node]))
        condition = self.fold(parts[0:1])
        if isinstance(condition, bool):
            return self.fold(parts[1:2] if condition else parts[2:3])
        branches = [self.fold([p]) for p in parts[1:]]
        chosen = [render(b) for b in branches]
        if chosen[0] == chosen[1]:
            return branches[0]  # both branches come to the same: whatever the condition, so does the whole
        return Residual(f"({render(condition)} ? {chosen[0]} : {chosen[1]})")

    def call(self, node: tree_sitter.Node) -> object:
        """`length` of what comes to empty is 0, and `keys`, `tomap` and the like of it empty; `concat` and
        `merge` without the arguments that come to nothing: `concat([a], var.extra)` is `[a]` while
        `var.extra` is `[]`, and `merge(local.tags, var.extra_tags)` is `local.tags` while `var.extra_tags`
        is `{}`. Any other call stays as written."""
        name = self.text(node.children[:1])
        arguments = next((c for c in node.children if c.type == "function_arguments"), None)
        if name in _OF_A_COLLECTION and arguments is not None:
            given = [c for c in arguments.children if c.is_named]
            if len(given) == 1 and self.fold(given) is EMPTY:
                # `length(var.settings) > 0 ? [...] : []` with the new input at `{}`; `keys({})`, `tomap({})`
                return 0.0 if name == "length" else EMPTY
        if arguments is None or any(c.type == "ellipsis" for c in arguments.children):
            return Residual(self.text([node]))
        if name in _FIRST_OF:
            return self.first_of(name, [self.fold([c]) for c in arguments.children if c.is_named], node)
        if name not in _JOINS:
            return Residual(self.text([node]))
        kept = [value for value in (self.fold([c]) for c in arguments.children if c.is_named) if value is not EMPTY]
        if not kept:
            return EMPTY
        if len(kept) == 1:
            return kept[0]
        return Residual(f"{name}({', '.join(render(value) for value in kept)})")

    def first_of(self, name: str, values: list[object], node: tree_sitter.Node) -> object:
        """`coalescelist(var.control_plane_subnet_ids, var.subnet_ids)` with the new input at `[]` is
        `var.subnet_ids`: the arguments that come to nothing (`[]` for `coalescelist`, `null` or `""` for
        `coalesce`) before the first that may not are left out."""
        nothing = _FIRST_OF[name]
        rest = values[next((i for i, value in enumerate(values) if not nothing(value)), len(values)):]
        if len(rest) == len(values):
            return Residual(self.text([node]))
        if len(rest) == 1:
            return rest[0]
        return Residual(f"{name}({', '.join(render(value) for value in rest)})")

    def binary(self, children: Sequence[tree_sitter.Node]) -> object:
        at = _operator(children)
        if at is None:
            return Residual(self.text(children))
        operator = children[at].type
        left, right = self.fold(children[:at]), self.fold(children[at + 1:])
        known = not isinstance(left, Residual) and not isinstance(right, Residual)
        if operator in ("==", "!=") and known:
            return (left == right) == (operator == "==")
        if operator in _ORDER and isinstance(left, float) and isinstance(right, float):
            return _ORDER[operator](left, right)
        if operator in ("||", "&&"):
            decides = operator == "||"  # the value that settles it: true for ||, false for &&
            if left is decides or right is decides:
                return decides
            if left is (not decides):
                return right
            if right is (not decides):
                return left
        return Residual(f"({render(left)} {operator} {render(right)})")  # grouped as parsed


def _operator(children: Sequence[tree_sitter.Node]) -> int | None:
    """Where a binary operation's operator is among its children (its operands' parentheses are siblings)."""
    depth = 0
    for i, child in enumerate(children):
        if child.type == "(":
            depth += 1
        elif child.type == ")":
            depth -= 1
        elif depth == 0 and i > 0 and not child.is_named and child.child_count == 0:
            return i
    return None


def _literal(node: tree_sitter.Node, text: str) -> object:
    inner = node.children[0] if node.children else node
    if inner.type == "null_lit":
        return None
    if inner.type == "bool_lit":
        return text == "true"
    if inner.type == "numeric_lit":
        try:
            return float(text)
        except ValueError:
            return Residual(text)
    if inner.type == "string_lit" and "\\" not in text and "$${" not in text and "%%{" not in text:
        # A string written out, `""` or `"abc"` (an escape left as written): compared with an input's default.
        parts = [c for c in inner.children if c.type == "template_literal"]
        if len(parts) <= 1 and inner.child_count == len(parts) + 2:
            return (parts[0].text or b"").decode("utf-8", "replace") if parts else ""
    return Residual(text)


def _lone_interpolation(template: tree_sitter.Node) -> tree_sitter.Node | None:
    """The expression of a quoted template that is one interpolation and nothing else (`"${x}"` is `x`)."""
    quoted = template.children[0] if template.child_count == 1 else None
    if quoted is None or quoted.type != "quoted_template" or quoted.child_count != 3:
        return None
    interpolation = quoted.children[1]
    if interpolation.type != "template_interpolation" or interpolation.child_count != 3:
        return None
    inner = interpolation.children[1]
    return inner if inner.type == "expression" else None


def _lone_interpolations(nodes: Sequence[tree_sitter.Node]) -> list[tuple[int, int, int, int]]:
    """Where each outermost string among `nodes` that is one interpolation starts and ends, and where the
    expression inside it starts and ends, in order."""
    found: list[tuple[int, int, int, int]] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        inner = _lone_interpolation(node) if node.type == "template_expr" else None
        if inner is not None:
            found.append((node.start_byte, inner.start_byte, inner.end_byte, node.end_byte))
        else:
            stack.extend(reversed(node.children))
    return found


def _is_empty(collection: tree_sitter.Node) -> bool:
    return all(c.type in ("tuple_start", "tuple_end", "object_start", "object_end") for c in collection.children)


def _canonical(text: str) -> str:
    return _SPACE.sub(" ", text.strip())
