"""How a Laravel migration file becomes ops (which files are one: schema_laravel).

The file holds its migration class, named (`class AddVotesToUsers extends
Migration`, before Laravel 9) or anonymous (`return new class extends
Migration { ... };`). Beside it the file may import names (`use`), declare
strict types or a namespace, and declare other classes, interfaces, traits
and enums, which run nothing until called (a call to a class of the file is
`unknown`). Anything else runs when the file is loaded and is `unknown`. In
the class: methods, properties and constants; a trait (`use Helpers;`)
brings methods the file does not hold, and `__call` or `__callStatic`
changes what the migration's calls do: both are `unknown`. The forward code
(`__construct`, which runs first, then `up`) is walked by laravel_walk.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from ownership_gate.classifiers.schema.frameworks.laravel_walk import Walker
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable
from ownership_gate.formats import php, treesitter

_DECLARATIONS = frozenset({"namespace_use_declaration", "declare_statement", "interface_declaration",
                           "trait_declaration", "enum_declaration"})
_MEMBERS = frozenset({"property_declaration", "const_declaration"})
_HOOKS = frozenset({"__call", "__callstatic", "__get", "__set"})


def _flat(nodes: Iterable[Node]) -> list[Node]:
    """The file's statements, those of a braced `namespace X { ... }` in line."""
    found: list[Node] = []
    for node in nodes:
        body = node.child_by_field_name("body") if node.type == "namespace_definition" else None
        found.extend(_flat(php.statements(body)) if body is not None else [node] if node.type != "namespace_definition"
                     else [])
    return found


def _migration(node: Node) -> Node | None:
    """The body of a class extending a migration base (`Migration`, `\\Illuminate\\...\\Migration`)."""
    if node.type == "return_statement":
        created = node.named_children[0] if node.named_children else None
        inner = created.named_children if created is not None and created.type == "object_creation_expression" else []
        node = inner[0] if inner else node
    if node.type not in ("class_declaration", "anonymous_class"):
        return None
    base = next((c for c in node.named_children if c.type == "base_clause"), None)
    return node.child_by_field_name("body") if base is not None and "Migration" in php.text(base) else None


def _unaccounted(node: Node, where: str) -> Op:
    snippet = " ".join(php.text(node).split())
    snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
    return Op("unknown", line=php.line(node), detail=f"`{snippet}` {where}: code the reader cannot account for")


def read(text: str) -> Migration:
    root = treesitter.parse("php", text.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise Unreadable("the PHP file does not parse", treesitter.error_line(root))
    ops: list[Op] = []
    bodies: list[Node] = []
    classes: set[str] = set()
    for node in _flat(php.statements(root)):
        body = _migration(node)
        if body is not None:
            bodies.append(body)
        elif node.type == "class_declaration":
            name = node.child_by_field_name("name")
            classes.add(php.text(name) if name is not None else "")
        elif node.type not in _DECLARATIONS:
            ops.append(_unaccounted(node, "outside the migration class"))
    if not bodies:
        # Laravel runs every file of its migrations folder as a migration: one it cannot find cannot be judged.
        raise Unreadable("no Laravel migration class in the file (a class extending Migration)")
    methods: dict[str, Node] = {}
    kept: list[Node] = []  # what runs forward: everything but `down`
    for body in bodies:
        for member in php.statements(body):
            if member.type == "method_declaration":
                method = php.text(member.child_by_field_name("name") or member).lower()
                if method in _HOOKS:
                    ops.append(Op("unknown", line=php.line(member),
                                  detail=f"defines {method}, which changes what the migration's calls do"))
                methods.setdefault(method, member)
                if method == "down":
                    continue
            elif member.type not in _MEMBERS:
                ops.append(_unaccounted(member, "in the migration class"))
            kept.append(member)
    walker = Walker(methods, frozenset(classes), php.aliases(root))
    for forward in ("__construct", "up"):
        if forward in methods:
            ops.extend(walker.method(methods[forward]))
    # Laravel knows a migration by its file name, not its class: the members are what runs.
    return Migration(tuple(ops), fingerprint=php.fingerprint(kept))
