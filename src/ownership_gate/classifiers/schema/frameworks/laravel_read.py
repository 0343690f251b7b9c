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

from tree_sitter import Node

from ownership_gate.classifiers.schema.frameworks.laravel_walk import Walker
from ownership_gate.classifiers.schema.frameworks.php_classes import flat, members, unaccounted
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable
from ownership_gate.formats import php, treesitter

_DECLARATIONS = frozenset({"namespace_use_declaration", "declare_statement", "interface_declaration",
                           "trait_declaration", "enum_declaration"})


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


def read(text: str) -> Migration:
    root = treesitter.parse("php", text.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise Unreadable("the PHP file does not parse", treesitter.error_line(root))
    ops: list[Op] = []
    bodies: list[Node] = []
    classes: set[str] = set()
    for node in flat(php.statements(root)):
        body = _migration(node)
        if body is not None:
            bodies.append(body)
        elif node.type == "class_declaration":
            name = node.child_by_field_name("name")
            classes.add(php.text(name) if name is not None else "")
        elif node.type not in _DECLARATIONS:
            ops.append(unaccounted(node, "outside the migration class"))
    if not bodies:
        # Laravel runs every file of its migrations folder as a migration: one it cannot find cannot be judged.
        raise Unreadable("no Laravel migration class in the file (a class extending Migration)")
    methods: dict[str, Node] = {}
    kept: list[Node] = []  # what runs forward: everything but `down`
    for body in bodies:
        members(body, lambda method: method == "down", methods, kept, ops)
    walker = Walker(methods, frozenset(classes), php.aliases(root))
    for forward in ("__construct", "up"):
        if forward in methods:
            ops.extend(walker.method(methods[forward]))
    # Laravel knows a migration by its file name, not its class: the members are what runs.
    return Migration(tuple(ops), fingerprint=php.fingerprint(kept))
