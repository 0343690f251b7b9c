"""Elixir, read with tree-sitter: calls with literal arguments, and the functions of a module.

A call is `name args` or `Module.name(args)` with its keyword arguments
apart and its `do ... end` block; a pipe is the call it stands for
(`x |> f(y)` is `f(x, y)`). A value is an atom or a string (its text, each
`#{...}` written `#{}`), a number, a boolean, nil, a list or tuple (a
keyword list or a map is a dict), a call; anything else is `Opaque`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, TypeAlias

from tree_sitter import Node

from ownership_gate.formats import treesitter
from ownership_gate.formats.treesitter import line as line  # re-exported: readers ask a format for lines

HOLE = "#{}"  # stands for an interpolation in a string's text
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "s": " ", "e": "\x1b", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", "0": "\0"}
_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "nil": None}
_WORD_SIGILS = frozenset({"w", "W"})
_STRING_SIGILS = frozenset({"s", "S"})
_PUNCTUATION = frozenset({",", "(", ")", "[", "]", "{", "}", "%{", "do", "end", ";"})


class Lit(NamedTuple):
    value: str | int | bool | None
    kind: str  # atom, string, number, const
    line: int
    dynamic: bool = False  # a string with interpolations


class Opaque(NamedTuple):
    text: str


class Call(NamedTuple):
    name: str
    receiver: tuple[str, ...]  # `Oban.Migrations` of `Oban.Migrations.up()`, `repo` of `repo().query!`
    args: tuple[Value, ...]
    kwargs: dict[str, Value]
    block: Node | None  # the `do ... end` block
    line: int
    node: Node


Value: TypeAlias = Lit | Opaque | Call | list["Value"] | dict[str, "Value"]


def parse(source: str) -> Node:
    """The syntax tree of an Elixir file; ValueError with the line of the first syntax error."""
    root = treesitter.parse("elixir", source.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise ValueError(f"syntax error on line {treesitter.error_line(root)}")
    return root


def statements(node: Node) -> list[Node]:
    """What a `do ... end` block (or the expression of `do:`) runs, in order."""
    if node.type == "do_block":
        return [child for child in node.named_children if child.type != "comment"]
    return [node]


def operator(node: Node) -> str:
    found = node.child_by_field_name("operator")
    return treesitter.text(found) if found is not None else ""


def _text(node: Node) -> tuple[str, int, bool]:
    """The text of a string, charlist, sigil or quoted atom; its first line; whether it interpolates."""
    parts: list[str] = []
    dynamic = False
    for child in node.named_children:
        if child.type == "quoted_content":
            parts.append(treesitter.text(child))
        elif child.type == "escape_sequence":
            parts.append(treesitter.unescape(treesitter.text(child), _ESCAPES))
        elif child.type == "interpolation":
            parts.append(HOLE)
            dynamic = True
    text, first = "".join(parts), line(node)
    opening = node.child_by_field_name("quoted_start")
    if opening is not None and treesitter.text(opening) in ('"""', "'''") and text.startswith("\n"):
        text, first = text[1:], first + 1  # a heredoc starts on the line after its quotes
    return text, first, dynamic


def value(node: Node) -> Value:
    kind = node.type
    if kind in ("string", "charlist", "quoted_atom"):
        text, first, dynamic = _text(node)
        return Lit(text, "atom" if kind == "quoted_atom" else "string", first, dynamic)
    if kind == "sigil":
        return _sigil(node)
    if kind == "atom":
        return Lit(treesitter.text(node)[1:], "atom", line(node))
    if kind == "integer":
        digits = treesitter.text(node).replace("_", "")
        return Lit(int(digits) if digits.isdigit() else digits, "number", line(node))
    if kind == "float":
        return Lit(treesitter.text(node), "number", line(node))
    if kind in ("boolean", "nil"):
        return Lit(_CONSTANTS[treesitter.text(node)], "const", line(node))
    if kind in ("list", "tuple"):
        items = [c for c in node.named_children if c.type != "comment"]
        if kind == "list" and len(items) == 1 and items[0].type == "keywords":
            return keywords(items[0])
        return [value(c) for c in items]
    if kind == "map":
        content = [c for c in node.named_children if c.type == "map_content"]
        return {k: v for c in content for kw in c.named_children if kw.type == "keywords"
                for k, v in keywords(kw).items()}
    if kind == "keywords":
        return keywords(node)
    found = call(node)
    return found if found is not None else Opaque(treesitter.text(node))


def _sigil(node: Node) -> Value:
    name_node = next((c for c in node.named_children if c.type == "sigil_name"), None)
    name = treesitter.text(name_node) if name_node is not None else ""
    text, first, dynamic = _text(node)
    if name in _STRING_SIGILS:
        return Lit(text, "string", first, dynamic)
    if name in _WORD_SIGILS and not dynamic:
        modifiers = next((treesitter.text(c) for c in node.named_children if c.type == "sigil_modifiers"), "")
        return [Lit(word, "atom" if "a" in modifiers else "string", first) for word in text.split()]
    return Opaque(treesitter.text(node))


def keywords(node: Node) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for pair in node.named_children:
        key, found = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key is None or found is None:
            continue
        name = _text(key)[0] if key.type == "quoted_keyword" else treesitter.text(key).strip().rstrip(":")
        out[name] = value(found)
    return out


def call(node: Node) -> Call | None:
    """The call `node` is (a pipe is the call it stands for), or None."""
    if node.type == "binary_operator" and operator(node) == "|>":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        inner = call(right) if right is not None and left is not None else None
        if inner is None or left is None:
            return None
        return Call(inner.name, inner.receiver, (value(left), *inner.args), inner.kwargs, inner.block,
                    inner.line, node)
    if node.type != "call":
        return None
    target = node.child_by_field_name("target")
    if target is None:
        return None
    name = treesitter.text(target)
    receiver: tuple[str, ...] = ()
    if target.type == "dot":
        left, right = target.child_by_field_name("left"), target.child_by_field_name("right")
        name = treesitter.text(right) if right is not None else "."  # `fun.(x)`
        receiver = _receiver(left) if left is not None else ()
    args: list[Value] = []
    kwargs: dict[str, Value] = {}
    block: Node | None = None
    for child in node.named_children:
        if child.type == "arguments":
            for argument in child.named_children:
                found = value(argument) if argument.type != "comment" else None
                if isinstance(found, dict) and argument.type in ("keywords", "list"):
                    kwargs.update(found)  # `null: false`, or in brackets `[null: false]`
                elif found is not None:
                    args.append(found)
        elif child.type == "do_block":
            block = child
    return Call(name, receiver, tuple(args), kwargs, block, line(node), node)


def _receiver(node: Node) -> tuple[str, ...]:
    """`("Oban", "Migrations")` of `Oban.Migrations.up()`, `("repo",)` of `repo().query!(...)`."""
    inner = call(node)
    return (inner.name,) if inner is not None else tuple(treesitter.text(node).split("."))


def is_call(node: Node) -> bool:
    return node.type == "call" or (node.type == "binary_operator" and operator(node) == "|>")


def outer_calls(node: Node) -> Iterator[Node]:
    """The calls (and pipes) in `node` that no other call in it holds."""
    if is_call(node):
        yield node
        return
    for child in node.named_children:
        yield from outer_calls(child)


def functions(root: Node) -> dict[str, list[Node]]:
    """The bodies of each `def`/`defp` in the file's modules, by name, clause after clause."""
    found: dict[str, list[Node]] = {}
    for node in module_items(root):
        named = definition(node)
        if named is not None and named[1] is not None:
            found.setdefault(named[0], []).append(named[1])
    return found


def module_items(root: Node) -> list[Node]:
    """The statements of the file and of its `defmodule` blocks, the blocks' own lines aside."""
    items: list[Node] = []
    for node in root.named_children:
        found = call(node) if node.type == "call" else None
        if found is not None and found.name == "defmodule" and not found.receiver and found.block is not None:
            items.extend(module_items(found.block))
        elif node.type != "comment":
            items.append(node)
    return items


def definition(node: Node) -> tuple[str, Node | None] | None:
    """(name, body) of `def name(...) do ... end` or `defp name, do: ...`; None for other code."""
    found = call(node) if node.type == "call" else None
    if found is None or found.receiver or found.name not in ("def", "defp") or not found.args:
        return None
    head = found.args[0]
    name = head.name if isinstance(head, Call) else head.text if isinstance(head, Opaque) else ""
    return name, found.block or _do_keyword(node)


def _do_keyword(node: Node) -> Node | None:
    """The expression of `def name, do: ...`."""
    for child in node.named_children:
        for argument in child.named_children if child.type == "arguments" else ():
            for pair in argument.named_children if argument.type == "keywords" else ():
                key = pair.child_by_field_name("key")
                if key is not None and treesitter.text(key).strip() == "do:":
                    return pair.child_by_field_name("value")
    return None


def fingerprint(nodes: list[Node]) -> str:
    """The code of `nodes` without layout, comments, call parentheses or quote style."""
    parts: list[str] = []
    stack: list[Node | str] = list(reversed(nodes))
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            parts.append(current)
            continue
        kind = current.type
        if kind == "comment" or (not current.is_named and kind in _PUNCTUATION):
            continue
        if kind in ("string", "charlist", "sigil", "quoted_atom", "atom"):
            parts.append("literal:" + _literal(value(current)))
        elif current.child_count == 0:
            parts.append(f"{kind}:{treesitter.text(current)}")
        else:
            stack.append("/" + kind)
            stack.extend(reversed(current.children))
            parts.append(kind)
    return "\x1f".join(parts)


def _literal(found: Value) -> str:
    """A literal's kind and value, wherever it stands."""
    if isinstance(found, list):
        return ",".join(_literal(item) for item in found)
    if isinstance(found, Lit):
        return f"{found.kind}:{found.value!r}:{found.dynamic}"
    return repr(found)
