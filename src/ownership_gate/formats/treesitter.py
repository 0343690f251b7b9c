"""tree-sitter parsers, one per language, each made the first time it is asked for.

tree-sitter is error-tolerant: a half-edited file still gives a tree, with
ERROR and MISSING nodes where the text does not fit the grammar. Readers
that must fail closed ask `has_errors` and treat such a file as unreadable.
Grammar modules are imported here and only here, on first use, so the hook
pays for a language only when a staged file needs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import Literal

import tree_sitter

LanguageName = Literal["hcl", "ruby", "javascript", "typescript", "tsx", "elixir", "go", "php", "csharp", "kotlin",
                       "scala", "groovy"]


# Language -> (grammar module, the function in it that returns the grammar).
_GRAMMARS: dict[str, tuple[str, str]] = {
    "hcl": ("tree_sitter_hcl", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "elixir": ("tree_sitter_elixir", "language"),
    "go": ("tree_sitter_go", "language"),
    # The full grammar (`language_php_only` is PHP without the HTML around `<?php`): a file starts with the tag.
    "php": ("tree_sitter_php", "language_php"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "scala": ("tree_sitter_scala", "language"),
    "groovy": ("tree_sitter_groovy", "language"),
}


@cache
def parser(name: LanguageName) -> tree_sitter.Parser:
    module, function = _GRAMMARS[name]
    grammar = getattr(importlib.import_module(module), function)()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def parse(name: LanguageName, source: bytes) -> tree_sitter.Tree:
    return parser(name).parse(source)


def has_errors(node: tree_sitter.Node) -> bool:
    """The text under `node` did not fully fit the grammar (ERROR or MISSING nodes)."""
    return node.has_error


def walk(node: tree_sitter.Node, skip: frozenset[int] = frozenset()) -> Iterator[tree_sitter.Node]:
    """`node` and every named node under it, in source order; subtrees whose id is in `skip` left out."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.id in skip:
            continue
        yield current
        stack.extend(reversed(current.named_children))


def line(node: tree_sitter.Node) -> int:
    """The 1-based line `node` starts on."""
    return node.start_point.row + 1


def error_line(node: tree_sitter.Node) -> int:
    """The line of the first ERROR or MISSING node under `node` (where the text stops fitting)."""
    found = node
    while not (found.is_error or found.is_missing):
        inner = next((c for c in found.children if c.is_error or c.is_missing or c.has_error), None)
        if inner is None:
            break
        found = inner
    return line(found)


def text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def unescape(sequence: str, escapes: Mapping[str, str], continuations: tuple[str, ...] = ()) -> str:
    """One backslash escape of a string literal as the character it stands for: `\\x41`,
    `\\u0041` and `\\u{41}` by code point, a line continuation (one of `continuations`
    after the backslash) as nothing, else the language's `escapes`, else the character itself."""
    body = sequence[1:]
    if body[:1] in ("x", "u") and len(body) > 1:
        try:
            return chr(int(body[1:].strip("{}"), 16))
        except ValueError:  # not a code point: kept as written
            return sequence
    if body[:1] in continuations:
        return ""
    return escapes.get(body, body)


def tokens(nodes: Iterable[tree_sitter.Node],
           dropped: Callable[[tree_sitter.Node], Iterable[tree_sitter.Node]] = lambda node: ()) -> str:
    """The code of `nodes` as one string of its tokens, without layout or comments: two versions equal so
    differ only where whitespace or comments do. `dropped` names the children of a node to leave out too
    (a language's type declarations, which a code style fixer adds without changing what runs)."""
    parts: list[str] = []
    for node in nodes:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "comment":
                continue
            if current.child_count == 0:
                parts.append(text(current))
                continue
            skipped = {n.id for n in dropped(current)}
            stack.extend(c for c in reversed(current.children) if c.id not in skipped)
    return "\x1f".join(parts)
