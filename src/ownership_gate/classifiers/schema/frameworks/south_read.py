"""South migrations (Django before 1.7): the calls `forwards(self, orm)` makes on South's `db`, read with `ast`.

A South migration is a `class Migration(SchemaMigration)` (or `DataMigration`) in an app's `migrations/` folder,
as Django's own are. What runs forward is its `forwards` method: `db.create_table`, `db.add_column`,
`db.delete_column`, `db.alter_column`, `db.create_index`, ... and, in a data migration, code that rewrites rows
through the frozen ORM (`orm['app.Model'].objects`). The `models` dictionary beside it is that frozen ORM, a
record of the models for `orm` to read, and `backwards` is the rollback: neither runs forward, so an edit to them
changes nothing a database runs. A `db` method South has that is not read here, or `db` handed to other code,
is `unknown`.
"""

from __future__ import annotations

import ast

from ownership_gate.classifiers.schema.frameworks.pyast import arg, boolean, dotted, fingerprint, last, sql_node_ops
from ownership_gate.classifiers.schema.frameworks.pyast import string as literal
from ownership_gate.classifiers.schema.frameworks.pyast import strings as literals
from ownership_gate.classifiers.schema.ops import DELETES, Migration, Op, Unreadable

BASES = frozenset({"SchemaMigration", "DataMigration", "south.v2.SchemaMigration", "south.v2.DataMigration"})
# South's `db` methods that only undo, describe or order things: dropping an index or a constraint loses no data.
_NEUTRAL = frozenset({
    "delete_index", "delete_unique", "delete_foreign_key", "delete_primary_key", "send_create_signal",
    "send_pending_create_signals", "start_transaction", "commit_transaction", "rollback_transaction",
    "execute_deferred_sql", "clear_deferred_sql", "shorten_name", "column_sql", "lookup_constraint",
    "dry_run", "debug", "has_ddl_transactions", "quote_name",
})


def is_south(cls: ast.ClassDef) -> bool:
    """Whether `class Migration` is South's: every base one of South's migration classes."""
    return bool(cls.bases) and all(dotted(base) in BASES for base in cls.bases)


def read(tree: ast.Module, cls: ast.ClassDef, constants: dict[str, ast.expr]) -> Migration:
    forwards = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forwards"), None)
    if forwards is None:
        raise Unreadable("a South migration without forwards(): what it runs is not in this file", cls.lineno)
    reader = _Forwards(constants, data=any(dotted(b).endswith("DataMigration") for b in cls.bases))
    ops = reader.body(forwards)
    # What runs forward: the module's own code (constants it reads) and `forwards`, not the frozen models.
    code = fingerprint([*(s for s in tree.body if s is not cls), forwards])
    return Migration(tuple(ops), fingerprint=code)


class _Forwards:
    def __init__(self, constants: dict[str, ast.expr], data: bool) -> None:
        self.constants = dict(constants)
        self.data = data

    def body(self, function: ast.FunctionDef) -> list[Op]:
        ops: list[Op] = []
        writes_rows = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                named = self.table_name(node.value)
                if named is not None:  # `m2m_table_name = db.shorten_name(u'app_book_authors')`
                    self.constants[node.targets[0].id] = ast.Constant(named)
        # `db` read as `db.method` (or `db.dry_run`) is South's; `db` as a value is handed on.
        attributed = {id(n.value) for n in ast.walk(function) if isinstance(n, ast.Attribute)}
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id == "db" and id(node) not in attributed:
                ops.append(Op("unknown", line=node.lineno, detail="hands South's db to other code"))
            if not isinstance(node, ast.Call):
                continue
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            if isinstance(receiver, ast.Name) and receiver.id == "db" and isinstance(node.func, ast.Attribute):
                ops.extend(self.db_call(node.func.attr, node))
            elif isinstance(node.func, ast.Attribute) and node.func.attr in DELETES and self.reads_orm(receiver):
                ops.append(Op("delete_rows", line=node.lineno, detail=f"{node.func.attr}() of rows through the orm"))
            elif self.reads_orm(node.func):
                writes_rows = True
        if writes_rows or (self.data and not ops):
            ops.insert(0, Op("data", line=function.lineno, detail="South forwards() rewrites rows through the orm"))
        return ops

    @staticmethod
    def reads_orm(node: ast.expr | None) -> bool:
        while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return isinstance(node, ast.Name) and node.id == "orm"

    def table_name(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Call) and dotted(node.func) == "db.shorten_name":
            return literal(arg(node, 0, "name"), self.constants)
        return literal(node, self.constants)

    def db_call(self, method: str, node: ast.Call) -> list[Op]:
        line = node.lineno
        table = self.table_name(arg(node, 0, "table_name"))
        column = literal(arg(node, 1, "name"), self.constants)
        if method == "create_table":
            return [Op("create_table", table, line=line, detail=f"create table {table}")]
        if method == "delete_table":
            return [Op("drop_table", table, line=line, detail=f"delete table {table}")]
        if method == "rename_table":
            to = self.table_name(arg(node, 1, "table_name"))
            return [Op("rename_table", table, to=to, line=line, detail=f"rename table {table} to {to}")]
        if method == "add_column":
            return [self.added(table, column, arg(node, 2, "field"), line)]
        if method == "delete_column":
            return [Op("drop_column", table, column, line=line, detail=f"delete column {table}.{column}")]
        if method == "rename_column":
            to = literal(arg(node, 2, "new"), self.constants)
            return [Op("rename_column", table, column, to=to, line=line,
                       detail=f"rename column {table}.{column} to {to}")]
        if method == "alter_column":
            return [Op("alter_type", table, column, line=line, detail=f"alter column {table}.{column}")]
        if method in ("create_index", "create_unique", "create_primary_key"):
            columns = literals(arg(node, 1, "column_names"), self.constants)
            unique = method == "create_unique" or boolean(arg(node, 2, "unique")) is True
            action = {"create_unique": "add_unique", "create_primary_key": "add_primary_key"}.get(method, "add_index")
            return [Op(action, table, columns=columns, unique=unique, line=line,
                       detail=f"{method.replace('_', ' ')} on {table}({', '.join(columns)})")]
        if method in ("execute", "execute_many"):
            return sql_node_ops(arg(node, 0, "sql"), self.constants, line)
        if method in _NEUTRAL:
            return []
        return [Op("unknown", table, line=line, detail=f"unrecognised South call db.{method}()")]

    def added(self, table: str | None, column: str | None, field: ast.expr | None, line: int) -> Op:
        """`db.add_column('app_book', 'isbn', self.gf('django.db.models.fields.CharField')(null=True), ...)`."""
        if not (isinstance(field, ast.Call) and isinstance(field.func, ast.Call)):
            return Op("unknown", table, column, line=line, detail=f"adds column {table}.{column} that cannot be read")
        kind = last(literal(arg(field.func, 0, "path")) or "?")
        null = boolean(arg(field, 99, "null")) is True
        default = arg(field, 99, "default") is not None
        how = ("nullable" if null else "NOT NULL") + (" with a default" if default else "")
        return Op("add_column", table, column, nullable=null, default=default, line=line,
                  detail=f"add column {table}.{column} ({kind}, {how})")
