"""PHP read with tree-sitter-php: string literals as their text, and call chains as steps.

A chain is what a fluent API writes: `$table->string('email')->nullable()`
is the object `$table` and two steps, `DB::table('users')->update([...])`
the class `DB` and two steps. A string's text keeps what PHP would compute,
each value filled in at run time (`"{$prefix}pages"`, `'a' . $b`) written
HOLE.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from tree_sitter import Node

from ownership_gate.formats import treesitter
from ownership_gate.formats.treesitter import line as line  # re-exported: readers ask a format for lines
from ownership_gate.formats.treesitter import text as text

HOLE = "\x00"  # stands for a value interpolated into a string's text
CALLS = frozenset({"member_call_expression", "nullsafe_member_call_expression", "scoped_call_expression",
                   "function_call_expression"})
CLOSURES = frozenset({"anonymous_function", "arrow_function"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}
_SKIPPED = frozenset({"comment", "text", "php_tag", "text_interpolation"})


class Text(NamedTuple):
    """A string literal's text; `dynamic` when a value filled in at run time is part of it."""

    value: str
    line: int
    dynamic: bool = False


class Step(NamedTuple):
    """One call of a chain: `nullable()` of `$table->string('x')->nullable()`."""

    name: str | None  # None for a method chosen at run time: `$this->$name()`, `Schema::{$m}()`
    args: tuple[Node, ...]  # the argument values, in order (`...$rest` included, as written)
    line: int
    node: Node

    def arg(self, index: int, keyword: str | None = None) -> Node | None:
        """The argument at `index`, or the one named `keyword` (PHP 8's `nullable(value: false)`)."""
        if keyword is not None:
            for node in self.args:
                parent = node.parent
                label = parent.child_by_field_name("name") if parent is not None else None
                if label is not None and text(label) == keyword:
                    return node
        positional = [n for n in self.args if n.parent is None or n.parent.child_by_field_name("name") is None]
        return positional[index] if index < len(positional) else None


def statements(node: Node) -> list[Node]:
    """The named children of a body or file that run or declare something (no comments, no `<?php`)."""
    return [n for n in node.named_children if n.type not in _SKIPPED]


def string(node: Node | None) -> Text | None:
    """The text of a string literal, a heredoc or nowdoc, or a `.` of them; None when no part is written
    in the file (a variable, a call)."""
    if node is None:
        return None
    kind = node.type
    if kind == "parenthesized_expression" and node.named_children:
        return string(node.named_children[0])
    if kind == "binary_expression" and _operator(node) == ".":
        left, right = string(node.child_by_field_name("left")), string(node.child_by_field_name("right"))
        if left is None and right is None:
            return None
        parts = [part if part is not None else Text(HOLE, line(node), True) for part in (left, right)]
        return Text(parts[0].value + parts[1].value, line(node), parts[0].dynamic or parts[1].dynamic)
    if kind == "string":  # single-quoted: only \' and \\ are escapes
        return Text("".join(text(c)[1:] if c.type == "escape_sequence" else text(c) for c in node.named_children),
                    line(node))
    if kind == "nowdoc":
        body = node.child_by_field_name("value")
        return Text(text(body) if body is not None else "", line(body or node))
    if kind in ("encapsed_string", "heredoc"):
        body = node.child_by_field_name("value") if kind == "heredoc" else node
        return _interpolated(body.named_children if body is not None else [], line(body or node))
    return None


def _interpolated(parts: Iterable[Node], first_line: int) -> Text:
    out: list[str] = []
    dynamic = False
    for part in parts:
        if part.type == "string_content":
            out.append(text(part))
        elif part.type == "escape_sequence":
            out.append(treesitter.unescape(text(part), _ESCAPES))
        else:  # `$x`, `{$x->y}`, `$x[0]`: computed when the string is
            out.append(HOLE)
            dynamic = True
    return Text("".join(out), first_line, dynamic)


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return text(operator) if operator is not None else ""


def strings(node: Node | None) -> tuple[str, ...] | None:
    """The literal texts of a string or an array of strings (`'a'`, `['a', 'b']`); None if any is not one."""
    if node is None:
        return None
    if node.type == "array_creation_expression":
        found: list[str] = []
        for element in node.named_children:
            values = [c for c in element.named_children if c.type != "comment"]
            if element.type != "array_element_initializer" or len(values) != 1:
                return None  # `'k' => 'v'`, `...$more`
            value = string(values[0])
            if value is None or value.dynamic:
                return None
            found.append(value.value)
        return tuple(found)
    value = string(node)
    return None if value is None or value.dynamic else (value.value,)


def constant(node: Node | None) -> str | None:
    """`true`, `false` or `null` (lower case) for those literals; None for anything else."""
    if node is None or node.type not in ("boolean", "null"):
        return None
    return text(node).lower()


def chain(node: Node) -> tuple[Node, list[Step]]:
    """The object or class a chain of calls starts from, and its calls in the order they run."""
    steps: list[Step] = []
    current = node
    while current.type in CALLS and current.type != "function_call_expression":
        field = "scope" if current.type == "scoped_call_expression" else "object"
        steps.append(_step(current))
        inner = current.child_by_field_name(field)
        if inner is None:
            break
        current = inner
    steps.reverse()
    return current, steps


def function_step(node: Node) -> Step:
    """A function call (`rescue_if(...)`) as the one step of its own chain."""
    return _step(node)


def _step(node: Node) -> Step:
    named = node.child_by_field_name("function" if node.type == "function_call_expression" else "name")
    name = text(named) if named is not None and named.type in ("name", "qualified_name") else None
    if name is not None and "\\" in name:
        name = name.rsplit("\\", 1)[-1]  # `\Illuminate\Support\Facades\Schema` is `Schema`
    arguments = node.child_by_field_name("arguments")
    args = tuple(c.named_children[-1] for c in (arguments.named_children if arguments is not None else [])
                 if c.type == "argument" and c.named_children)
    return Step(name, args, line(node), node)


def class_name(node: Node) -> str | None:
    """`Schema` of `Schema` or `\\Illuminate\\Support\\Facades\\Schema`; None for `$class`, `static`."""
    if node.type not in ("name", "qualified_name"):
        return None
    return text(node).rsplit("\\", 1)[-1]


def aliases(root: Node) -> dict[str, str]:
    """The names a file imports under another name: `use Illuminate\\Support\\Facades\\Schema as S` is S -> Schema."""
    found: dict[str, str] = {}
    for declaration in root.named_children:
        if declaration.type != "namespace_use_declaration":
            continue
        for clause in treesitter.walk(declaration):
            alias = clause.child_by_field_name("alias") if clause.type == "namespace_use_clause" else None
            imported = next((c for c in clause.named_children if alias is None or c.id != alias.id), None)
            if alias is not None and imported is not None:
                found[text(alias)] = text(imported).rsplit("\\", 1)[-1]
    return found


def parameters(closure: Node) -> list[str]:
    """The names of a closure's or method's parameters, without `$`."""
    found = closure.child_by_field_name("parameters")
    names: list[str] = []
    for parameter in found.named_children if found is not None else []:
        name = parameter.child_by_field_name("name")
        if name is not None:
            names.append(text(name).lstrip("$"))
    return names


def variable(node: Node | None) -> str | None:
    """`table` of `$table`; None for anything else (`$$name` included)."""
    if node is None or node.type != "variable_name":
        return None
    inner = node.named_children
    return text(inner[0]) if len(inner) == 1 and inner[0].type == "name" else None


def fingerprint(nodes: Iterable[Node]) -> str:
    """The code of `nodes` as one string, without layout, comments or type declarations (`: void`,
    `Blueprint $table`, `static function`): what a code style fixer changes without changing what runs."""
    return treesitter.tokens(nodes, _declared_types)


def _declared_types(node: Node) -> list[Node]:
    fields: tuple[str, ...] = ()
    if node.type in ("method_declaration", "function_definition"):
        fields = ("return_type",)
    elif node.type in CLOSURES:
        fields = ("return_type", "static_modifier")
    elif node.type in ("simple_parameter", "variadic_parameter", "property_promotion_parameter"):
        fields = ("type",)
    found = [child for field in fields if (child := node.child_by_field_name(field)) is not None]
    colon = [c.prev_sibling for c in found if c.prev_sibling is not None and c.prev_sibling.type == ":"]
    return found + colon
