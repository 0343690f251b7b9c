"""How a Doctrine migration file becomes ops (which files are one: schema_doctrine).

The file declares its migration class (`final class Version20240101120000
extends AbstractMigration`), and beside it may import names (`use`),
declare strict types or a namespace, and declare other classes,
interfaces, traits, enums and functions, which run nothing until called.
Anything else runs when Doctrine loads the file and is `unknown`; so is a
base class other than `AbstractMigration` (what it runs is in another
file), a trait in the class or a `__call`. The forward methods
(`__construct`, `preUp`, `up`, `postUp`) are walked by doctrine_walk.py,
and the SQL they run is read at the end, all of it in one dialect: a
Doctrine migration is written for one database.
"""

from __future__ import annotations

from tree_sitter import Node

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.schema.frameworks.doctrine_ops import Item, Sql
from ownership_gate.classifiers.schema.frameworks.doctrine_walk import Walker, repeated
from ownership_gate.classifiers.schema.frameworks.php_classes import flat, members, unaccounted
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable
from ownership_gate.classifiers.schema.sql.api import sql_pieces
from ownership_gate.formats import php, treesitter

# A Doctrine migration names its base class or Doctrine's namespace; one in a Doctrine migrations folder
# with a base class of the project's own may name only the `Schema` its `up()` receives.
_DOCTRINE = patterns.compile(r"AbstractMigration|Doctrine\\+Migrations\\")
_DOCTRINE_SCHEMA = patterns.compile(r"Doctrine\\+DBAL\\+Schema\\+Schema\b")
_DECLARATIONS = frozenset({"namespace_use_declaration", "declare_statement", "interface_declaration",
                           "trait_declaration", "enum_declaration", "function_definition"})
_FORWARD = ("__construct", "preup", "up", "postup")
# Never forward work: the rollback side and the description; left out of the fingerprint too.
_NOT_FORWARD = frozenset({"down", "predown", "postdown", "getdescription"})
_BASE = "AbstractMigration"
# A project's own base for its migrations (`AbstractMauticMigration`, `WallabagMigration`) extends Doctrine's
# and adds helpers: its migrations are read as any other, a helper the file does not hold is `unknown`. Such a
# base may run `up()` itself and hand over to a method per database platform (`mysqlUp`, `postgresqlUp`): those
# are forward work too, and a class with no method named for going up runs what the file does not show.
_BASE_SUFFIX = "Migration"
_PLATFORMS = r"(?:mysql|mariadb|postgresql|postgres|pgsql|sqlite|mssql|sqlsrv|sqlserver|oracle|oci)"
_PLATFORM_UP = patterns.compile(_PLATFORMS + "up")
_PLATFORM_DOWN = patterns.compile(_PLATFORMS + "down")  # their rollback side, never forward work


def _backward(method: str) -> bool:
    """A method that is no forward work: the rollback side (one per platform too) and the description."""
    return method in _NOT_FORWARD or bool(_PLATFORM_DOWN.fullmatch(method))


def _base(node: Node) -> str | None:
    """The last name of the class a non-abstract class extends; None when it extends none or is abstract."""
    if node.type != "class_declaration" or any(c.type == "abstract_modifier" for c in node.children):
        return None
    clause = next((c for c in node.named_children if c.type == "base_clause"), None)
    return php.text(clause.named_children[0]).rsplit("\\", 1)[-1] if clause and clause.named_children else None


def is_doctrine(text: str, declared: bool) -> bool:
    """Whether the text is a Doctrine migration's: it names `AbstractMigration` or Doctrine's namespace, or,
    found by its Doctrine name and folder (not `declared` by the policy), DBAL's `Schema`."""
    return bool(_DOCTRINE.search(text)) or (not declared and bool(_DOCTRINE_SCHEMA.search(text)))


def read(text: str, declared: bool = False) -> Migration | None:
    if not is_doctrine(text, declared):
        return None  # no Doctrine migration: another framework's file, or a helper
    root = treesitter.parse("php", text.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise Unreadable("the PHP file does not parse", treesitter.error_line(root))
    ops: list[Op] = []
    kept: list[Node] = []  # what the fingerprint holds: everything but declarations and the rollback side
    classes: list[tuple[Node, str]] = []
    for node in flat(php.statements(root)):
        base = _base(node)
        if base is not None:
            classes.append((node, base))
        elif node.type not in _DECLARATIONS and node.type != "class_declaration":
            ops.append(unaccounted(node, "outside the migration class"))
            kept.append(node)
    if not classes:
        raise Unreadable("no Doctrine migration class in the file (a class extending AbstractMigration)")
    methods: dict[str, Node] = {}
    for node, base in classes:
        clause = next(c for c in node.named_children if c.type == "base_clause")
        kept.append(clause)
        if base != _BASE and not base.endswith(_BASE_SUFFIX):
            ops.append(Op("unknown", line=php.line(clause), detail=f"extends {base}, not AbstractMigration: what"
                          " that class runs is not in this file"))
        members(node.child_by_field_name("body"), _backward, methods, kept, ops)
    plain_parent = all(base == _BASE for _, base in classes)
    forwards = list(_FORWARD)
    if not plain_parent:
        forwards += sorted(m for m in methods if _PLATFORM_UP.fullmatch(m))
        if not any(m in methods for m in forwards if m != "__construct"):
            node, base = classes[0]
            ops.append(Op("unknown", line=php.line(node), detail=f"extends {base} and has no method named for going"
                          " up: what runs is in that class, not in this file"))
    walker = Walker(methods, plain_parent=plain_parent)
    for forward in forwards:
        if forward in methods:
            walker.forward(methods[forward], schema=forward != "__construct")
    return Migration((*ops, *_resolved(walker.items)), fingerprint=php.fingerprint(kept))


def _resolved(items: list[Item]) -> list[Op]:
    """The walk's items, each piece of SQL replaced by its ops: all of the file's SQL read in one dialect."""
    pieces = [item for item in items if isinstance(item, Sql)]
    read = iter(sql_pieces([(piece.text, piece.line) for piece in pieces]) if pieces else [])
    ops: list[Op] = []
    for item in items:
        if isinstance(item, Sql):
            ops.extend(repeated(op, item.where) if item.where else op for op in next(read))
        else:
            ops.append(item)
    return ops
