"""Alembic's operation vocabulary (`op.*`, `batch_op.*`, `conn.execute`) to `Op`s."""

from __future__ import annotations

import ast

from ownership_gate.classifiers.schema.frameworks.alembic_names import EXECUTE, SCALAR, Names, builders
from ownership_gate.classifiers.schema.frameworks.pyast import (
    arg,
    boolean,
    dotted,
    last,
    sql_node_ops,
    sql_text,
    string,
    strings,
)
from ownership_gate.classifiers.schema.ops import Op
from ownership_gate.classifiers.schema.sql.api import is_volatile_sql

# op.* calls that change nothing in the database, or only comments and names of indexes.
# (`invoke`, `run_async` and custom operations run code the file does not spell out: unknown.)
_NEUTRAL = frozenset({
    "get_bind", "get_context", "f", "inline_literal", "batch_alter_table", "create_table_comment",
    "drop_table_comment", "drop_index", "drop_constraint", "create_sequence", "get_autogenerate_config",
})
_DATA_BUILDERS = frozenset({"update", "insert", "delete", "values", "where", "returning"})
_SESSION_DATA = frozenset({"add", "add_all", "delete", "merge", "execute", "bulk_save_objects",
                           "bulk_insert_mappings", "bulk_update_mappings", "query"})


class OpReader(Names):
    """Reads one call of a revision's forward code."""

    def read(self, call: ast.Call, name: str, root: str) -> list[Op] | None:
        operation = self.op_method(call)
        if operation is not None:
            return self.op_call(call, operation, None)
        method = last(name)
        if root in self.batches and name.count(".") == 1:
            return self.op_call(call, method, self.batches[root] or "?")
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if (method in EXECUTE and (root in self.binds or "get_bind()" in name or self.is_bind(receiver))) or (
                method in SCALAR and self.is_bind(receiver)):
            return self.execute(call)
        if root in self.sessions or "session" in name.split(".")[:-1]:
            if method in _SESSION_DATA:
                return [Op("data", line=call.lineno, detail=f"writes rows through an ORM session ({method})")]
            return []
        if method in ("create", "drop") and self.is_bind(arg(call, 0, "bind")):
            if method == "create":
                return [Op("additive", line=call.lineno, detail="create a type (enum)")]
            return [Op("destructive", line=call.lineno, detail="drop a type (enum) and its values")]
        return None

    def execute(self, call: ast.Call) -> list[Op]:
        statement = arg(call, 0, "sqltext") or arg(call, 0, "statement")
        if isinstance(statement, ast.Name) and statement.id in self.constants:
            statement = self.constants[statement.id]
        methods = builders(statement)
        if methods & _DATA_BUILDERS:
            return [Op("data", line=call.lineno, detail="writes rows with a SQLAlchemy statement")]
        if methods & {"select", "exists", "select_from"}:
            return []
        return sql_node_ops(statement, self.constants, call.lineno)

    def _str(self, node: ast.expr | None) -> str | None:
        return string(node, self.constants)

    def op_call(self, call: ast.Call, method: str, batch: str | None) -> list[Op]:
        line = call.lineno
        shift = 0 if batch is not None else 1  # batch ops omit the table argument

        def table(position: int, keyword: str) -> str | None:
            return batch if batch is not None else self._str(arg(call, position, keyword))

        if method in _NEUTRAL:
            return []
        if method == "create_table":
            name = self._str(arg(call, 0, "table_name"))
            return [Op("create_table", name, line=line, detail=f"create table {name}")]
        if method == "drop_table":
            name = self._str(arg(call, 0, "table_name"))
            return [Op("drop_table", name, line=line, detail=f"drop table {name}")]
        if method == "rename_table":
            old, new = self._str(arg(call, 0, "old_table_name")), self._str(arg(call, 1, "new_table_name"))
            return [Op("rename_table", old, to=new, line=line, detail=f"rename table {old} to {new}")]
        if method == "add_column":
            return [column_op(table(0, "table_name"), arg(call, shift, "column"), line, self.constants)]
        if method == "drop_column":
            where = table(0, "table_name")
            column = self._str(arg(call, shift, "column_name"))
            return [Op("drop_column", where, column, line=line, detail=f"drop column {where}.{column}")]
        if method == "alter_column":
            return alter_ops(call, table(0, "table_name"), self._str(arg(call, shift, "column_name")))
        if method == "create_index":
            where = table(1, "table_name")
            columns = strings(arg(call, 1 + shift, "columns"), self.constants)
            unique = boolean(arg(call, 99, "unique")) is True
            concurrent = boolean(arg(call, 99, "postgresql_concurrently")) is True
            how = "unique index" if unique else "index"
            return [Op("add_index", where, columns=columns, unique=unique, concurrent=concurrent, line=line,
                       detail=f"create {how} on {where}({', '.join(columns)})"
                       + (" concurrently" if concurrent else ""))]
        if method in ("create_unique_constraint", "create_primary_key"):
            where = table(1, "table_name")
            columns = strings(arg(call, 1 + shift, "columns"), self.constants)
            action = "add_unique" if method == "create_unique_constraint" else "add_primary_key"
            what = "unique constraint" if action == "add_unique" else "primary key"
            return [Op(action, where, columns=columns, line=line,
                       detail=f"add {what} on {where}({', '.join(columns)})")]
        if method == "create_foreign_key":
            where = table(1, "source_table")
            columns = strings(arg(call, 2 + shift, "local_cols"), self.constants)
            return [Op("add_foreign_key", where, columns=columns, line=line,
                       detail=f"add foreign key on {where}({', '.join(columns)})")]
        if method in ("create_check_constraint", "create_exclude_constraint"):
            where = table(1, "table_name")
            return [Op("add_check", where, line=line, detail=f"add a {method[7:].replace('_', ' ')} on {where}")]
        if method == "execute":
            return self.execute(call)
        if method == "bulk_insert":
            return [Op("data", line=line, detail="bulk insert rows")]
        if method == "drop_sequence":
            return [Op("destructive", line=line, detail=f"drop sequence {self._str(arg(call, 0, 'sequence_name'))}")]
        return [Op("unknown", batch, line=line, detail=f"unrecognised operation op.{method}()")]


def column_op(table: str | None, node: ast.expr | None, line: int, constants: dict[str, ast.expr]) -> Op:
    """`add_column` for an `sa.Column(...)` expression."""
    if not isinstance(node, ast.Call):
        return Op("unknown", table, line=line, detail=f"adds a column to {table} that cannot be read")
    column = string(arg(node, 0, "name"), constants)
    nullable = boolean(arg(node, 99, "nullable"))
    primary = boolean(arg(node, 99, "primary_key")) is True
    if nullable is None:
        nullable = not primary
    server_default = arg(node, 99, "server_default")
    has_default = server_default is not None and not (
        isinstance(server_default, ast.Constant) and server_default.value is None
    )
    default_sql = sql_text(server_default, constants) if has_default else None
    generated = any(
        isinstance(a, ast.Call) and last(dotted(a.func)) in ("Identity", "Computed") for a in node.args
    )
    rewrites = generated or (default_sql is not None and is_volatile_sql(default_sql))
    how = "nullable" if nullable else "NOT NULL"
    if has_default:
        how += " with a server default"
    return Op("add_column", table, column, nullable=nullable, default=has_default or generated,
              rewrites=rewrites, line=line, detail=f"add column {table}.{column} ({how})")


def alter_ops(call: ast.Call, table: str | None, column: str | None) -> list[Op]:
    line = call.lineno
    where = f"{table}.{column}"
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    ops: list[Op] = []
    if "type_" in keywords:
        ops.append(Op("alter_type", table, column, line=line, detail=f"change type of {where}"))
    nullable = boolean(keywords.get("nullable"))
    if nullable is False:
        ops.append(Op("set_not_null", table, column, line=line, detail=f"set {where} NOT NULL"))
    elif nullable is True:
        ops.append(Op("additive", table, column, line=line, detail=f"drop NOT NULL on {where}"))
    new_name = string(keywords.get("new_column_name"))
    if new_name is not None:
        ops.append(Op("rename_column", table, column, to=new_name, line=line,
                      detail=f"rename column {where} to {new_name}"))
    if not ops:
        ops.append(Op("additive", table, column, line=line, detail=f"change default or comment of {where}"))
    return ops
