"""What the PHP migration readers (Laravel's, Doctrine's) share: a file's statements with braced namespaces
in line, a migration class's members sorted into methods and what runs forward, and code they cannot
account for."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tree_sitter import Node

from ownership_gate.classifiers.schema.ops import Op
from ownership_gate.formats import php

# Members of a class that run nothing themselves: properties and constants.
MEMBERS = frozenset({"property_declaration", "const_declaration"})
# Magic methods that change what the class's own calls and properties do.
HOOKS = frozenset({"__call", "__callstatic", "__get", "__set"})


def flat(nodes: Iterable[Node]) -> list[Node]:
    """The file's statements, those of a braced `namespace X { ... }` in line (a `namespace X;` statement
    holds none)."""
    found: list[Node] = []
    for node in nodes:
        body = node.child_by_field_name("body") if node.type == "namespace_definition" else None
        found.extend(flat(php.statements(body)) if body is not None else [node] if node.type != "namespace_definition"
                     else [])
    return found


def unaccounted(node: Node, where: str) -> Op:
    snippet = " ".join(php.text(node).split())
    snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
    return Op("unknown", line=php.line(node), detail=f"`{snippet}` {where}: code the reader cannot account for")


def members(body: Node | None, backward: Callable[[str], bool], methods: dict[str, Node], kept: list[Node],
            ops: list[Op]) -> None:
    """A migration class's members: each method into `methods` by its lower-case name (PHP ignores its
    case); what runs forward (all but the methods `backward` names) into `kept`; a magic hook, or a
    member that is neither a method, a property nor a constant, as `unknown` into `ops`."""
    for member in php.statements(body) if body is not None else []:
        if member.type == "method_declaration":
            method = php.text(member.child_by_field_name("name") or member).lower()
            if method in HOOKS:
                ops.append(Op("unknown", line=php.line(member),
                              detail=f"defines {method}, which changes what the migration's calls do"))
            methods.setdefault(method, member)
            if backward(method):
                continue
        elif member.type not in MEMBERS:
            ops.append(unaccounted(member, "in the migration class"))
        kept.append(member)
