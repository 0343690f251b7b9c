"""Liquibase change types as ops: what each change of a changeset does to the database.

A change is an `Element`, the same for a changelog written in XML
(`<addColumn tableName="t"><column .../></addColumn>`) and in YAML or JSON
(`addColumn: {tableName: t, columns: [{column: {...}}]}`); liquibase_read.py
builds them. Changes that only describe (`tagDatabase`, `output`,
`setColumnRemarks`, `empty`) run nothing. A change type not listed here, a
`customChange` (Java code) and an `executeCommand` (another program) are
`unknown`: what they change cannot be seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from ownership_gate.classifiers.schema.ops import ACTIONS, Op, Unreadable, table_named
from ownership_gate.classifiers.schema.sql.api import is_volatile_sql, sql_ops, sql_pieces


class Element(NamedTuple):
    """An XML element, or a YAML mapping written for one: a change, a column, its constraints."""

    name: str
    attrs: Mapping[str, str]
    children: tuple[Element, ...] = ()
    text: str = ""  # the SQL of a `sql` change
    line: int | None = None
    text_line: int | None = None  # where `text` starts

    def child(self, name: str) -> Element | None:
        return next((c for c in self.children if c.name == name), None)

    def columns(self) -> list[Element]:
        return [c for c in self.children if c.name == "column"]


# Finds a `sqlFile`'s SQL: given its `path` and `relativeToChangelogFile`, (the path it was found at, its
# text), or (the path as written, None) when it is not there.
SqlFile = Callable[[str, bool], "tuple[str, str | None]"]

# Changes that run nothing.
_NOTHING = frozenset({"tagDatabase", "empty", "output", "stop", "setColumnRemarks", "setTableRemarks"})
# Changes to objects that hold no rows: (verb, the attribute naming the object).
_HARMLESS = {
    "createView": ("create view", "viewName"), "dropView": ("drop view", "viewName"),
    "renameView": ("rename view", "oldViewName"), "createProcedure": ("create procedure", "procedureName"),
    "dropProcedure": ("drop procedure", "procedureName"), "createFunction": ("create function", "functionName"),
    "dropFunction": ("drop function", "functionName"), "createTrigger": ("create trigger", "triggerName"),
    "dropTrigger": ("drop trigger", "triggerName"), "createSequence": ("create sequence", "sequenceName"),
    "alterSequence": ("alter sequence", "sequenceName"), "renameSequence": ("rename sequence", "oldSequenceName"),
    "createSynonym": ("create synonym", "synonymName"), "dropSynonym": ("drop synonym", "synonymName"),
}
# Constraints and defaults taken off or changed on a table: (verb, the attribute naming the table).
_UNCONSTRAINED = {
    "dropForeignKeyConstraint": ("drop foreign key", "baseTableName"),
    "dropAllForeignKeyConstraints": ("drop every foreign key", "baseTableName"),
    "dropUniqueConstraint": ("drop unique constraint", "tableName"),
    "dropPrimaryKey": ("drop primary key", "tableName"),
    "dropCheckConstraint": ("drop check constraint", "tableName"),
    "dropIndex": ("drop index", "tableName"),
}
_DATA = {"insert": "insert rows into", "update": "update rows of", "loadData": "load rows into",
         "loadUpdateData": "load and update rows of"}
_SERIAL = frozenset({"serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"})


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "true"


def _false(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "false"


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def changes_ops(changes: Sequence[Element], sql_file: SqlFile) -> list[list[Op]]:
    """The ops of each change, in order. The SQL of every `sql` change is read in one dialect, as one file's is."""
    pieces = {n: _pieces(c.text, c.text_line or c.line or 1, c.attrs) for n, c in enumerate(changes) if c.name == "sql"}
    read = iter(sql_pieces([piece for found in pieces.values() for piece in found]) if pieces else ())
    ops: list[list[Op]] = []
    for n, change in enumerate(changes):
        if n in pieces:
            ops.append([op for _ in pieces[n] for op in next(read)])
        else:
            ops.append([_named(op, change) for op in _change_ops(change, sql_file)])
    return ops


def _named(op: Op, change: Element) -> Op:
    if op.action in ACTIONS and not op.table:
        return Op("unknown", line=op.line, detail=f"{change.name} names no table")
    return table_named(op)


def _pieces(text: str, line: int, attrs: Mapping[str, str]) -> list[tuple[str, int]]:
    """The SQL a `sql` change runs, split where its `endDelimiter` ends a line (`/`, `GO`); the SQL reader
    splits on `;` itself."""
    delimiter = (attrs.get("endDelimiter") or "").replace("\\n", "").strip()
    if _false(attrs.get("splitStatements")) or delimiter in ("", ";"):
        return [(text, line)]
    found, start = [], 0
    for match in re.finditer(rf"(?im){re.escape(delimiter)}[ \t]*$", text):
        found.append((text[start : match.start()], line + text.count("\n", 0, start)))
        start = match.end()
    found.append((text[start:], line + text.count("\n", 0, start)))
    return found


def _change_ops(change: Element, sql_file: SqlFile) -> list[Op]:
    name, attrs, line = change.name, change.attrs, change.line
    table = attrs.get("tableName")
    if name in _NOTHING:
        return []
    if name == "createTable":
        return [Op("create_table", table, line=line, detail=f"create table {table}")]
    if name == "dropTable":
        return [Op("drop_table", table, line=line, detail=f"drop table {table}")]
    if name == "renameTable":
        old, new = attrs.get("oldTableName"), attrs.get("newTableName")
        return [Op("rename_table", old, to=new, line=line, detail=f"rename table {old} to {new}")]
    if name == "addColumn":
        return [op for column in change.columns() for op in _add_column(table, column, column.line or line)]
    if name == "dropColumn":
        names = [c.attrs.get("name") for c in change.columns()] or [attrs.get("columnName")]
        return [Op("drop_column", table, c, line=line, detail=f"drop column {table}.{c}") for c in names]
    if name == "renameColumn":
        old, new = attrs.get("oldColumnName"), attrs.get("newColumnName")
        return [Op("rename_column", table, old, to=new, line=line, detail=f"rename column {table}.{old} to {new}")]
    if name == "modifyDataType":
        column, to = attrs.get("columnName"), attrs.get("newDataType")
        return [Op("alter_type", table, column, line=line, detail=f"change type of {table}.{column} to {to}")]
    if name in ("addNotNullConstraint", "dropNotNullConstraint", "addDefaultValue", "dropDefaultValue"):
        return _nullability(change)
    if name in ("createIndex", "addUniqueConstraint", "addPrimaryKey", "addForeignKeyConstraint", "addCheckConstraint"):
        return [_constraint(change)]
    if name in _UNCONSTRAINED:
        verb, key = _UNCONSTRAINED[name]
        table = attrs.get(key)
        words = [verb, attrs.get("indexName") or attrs.get("constraintName") or "", f"on {table}" if table else ""]
        return [Op("additive", table, line=line, detail=" ".join(w for w in words if w) + " (holds no data)")]
    if name in _HARMLESS:
        verb, key = _HARMLESS[name]
        return [Op("additive", line=line, detail=f"{verb} {attrs.get(key)}")]
    if name == "dropSequence":
        return [Op("destructive", line=line, detail=f"drop sequence {attrs.get('sequenceName')}")]
    if name in _DATA:
        source = f" from {attrs['file']}" if attrs.get("file") else ""
        return [Op("data", table, line=line, detail=f"{_DATA[name]} {table}{source}")]
    if name == "delete":
        return [Op("delete_rows", table, line=line, detail=f"delete rows from {table}")]
    if name in ("mergeColumns", "addLookupTable"):
        return _composite(change)
    if name == "sqlFile":
        return _sql_file(change, sql_file)
    if name == "customChange":
        return [Op("unknown", line=line, detail=f"custom change {attrs.get('class')}: Java code whose changes"
                                                " cannot be seen")]
    if name == "executeCommand":
        return [Op("unknown", line=line, detail=f"runs the program {attrs.get('executable')}: what it changes"
                                                " cannot be seen")]
    return [Op("unknown", line=line, detail=f"change type {name} is not read: what it changes cannot be seen")]


def _add_column(table: str | None, column: Element, line: int | None) -> list[Op]:
    """The ops of one `<column>` of `addColumn`. A NOT NULL column given a `value` for the rows there is
    added nullable, filled, then set NOT NULL, as Liquibase does it."""
    attrs, name = column.attrs, column.attrs.get("name")
    where = f"{table}.{name}"
    constraints = column.child("constraints")
    kept = constraints.attrs if constraints is not None else {}
    not_null, primary = _false(kept.get("nullable")), _true(kept.get("primaryKey"))
    default = any(k.startswith("defaultValue") and k != "defaultValueConstraintName" for k in attrs)
    computed = attrs.get("defaultValueComputed")
    rewrites = (_true(attrs.get("autoIncrement")) or "defaultValueSequenceNext" in attrs
                or attrs.get("type", "").strip().lower() in _SERIAL
                or (computed is not None and is_volatile_sql(computed)))
    filled = any(k.startswith("value") for k in attrs)  # `value`, `valueNumeric`, ...: set on every row there
    ops: list[Op] = []
    if not_null and filled:
        ops += [Op("add_column", table, name, line=line, default=default, rewrites=rewrites,
                   detail=f"add column {where} (nullable, filled, then set NOT NULL)"),
                Op("data", table, name, line=line, detail=f"set {where} on every row"),
                Op("set_not_null", table, name, line=line, detail=f"set {where} NOT NULL")]
    else:
        required = not_null or primary
        how = ("NOT NULL" if required else "nullable") + (" with a default" if default else "")
        ops.append(Op("add_column", table, name, line=line, nullable=not required, default=default or rewrites,
                      rewrites=rewrites, detail=f"add column {where} ({how})"))
        if filled:
            ops.append(Op("data", table, name, line=line, detail=f"set {where} on every row"))
    columns = (name or "",)
    if _true(kept.get("unique")):
        ops.append(Op("add_unique", table, columns=columns, line=line, detail=f"add unique constraint on {where}"))
    if primary:
        ops.append(Op("add_primary_key", table, columns=columns, line=line, detail=f"add primary key on {where}"))
    if kept.get("references") or kept.get("referencedTableName"):
        validated = not _false(kept.get("validateForeignKey"))
        ops.append(Op("add_foreign_key", table, columns=columns, line=line, validated=validated,
                      detail=f"add foreign key on {where}" + ("" if validated else " NOT VALID")))
    return ops


def _nullability(change: Element) -> list[Op]:
    attrs, line = change.attrs, change.line
    table, column = attrs.get("tableName"), attrs.get("columnName")
    where = f"{table}.{column}"
    if change.name == "dropNotNullConstraint":
        return [Op("additive", table, column, line=line, detail=f"drop NOT NULL on {where}")]
    if change.name != "addNotNullConstraint":
        return [Op("additive", table, column, line=line, detail=f"change default of {where}")]
    ops = [Op("set_not_null", table, column, line=line, detail=f"set {where} NOT NULL")]
    if attrs.get("defaultNullValue") is not None:  # NULLs are set to it first
        ops.insert(0, Op("data", table, column, line=line, detail=f"set {where} where it is NULL"))
    return ops


def _constraint(change: Element) -> Op:
    attrs, line, name = change.attrs, change.line, change.name
    table = attrs.get("baseTableName") if name == "addForeignKeyConstraint" else attrs.get("tableName")
    if name == "createIndex":
        columns = tuple(c.attrs.get("name", "") for c in change.columns())
        unique = _true(attrs.get("unique"))
        return Op("add_index", table, columns=columns, unique=unique, line=line,
                  detail=f"create {'unique index' if unique else 'index'} on {table}({', '.join(columns)})")
    if name == "addCheckConstraint":
        validated = not _false(attrs.get("validate"))
        return Op("add_check", table, line=line, validated=validated,
                  detail=f"add check constraint on {table}" + ("" if validated else " NOT VALID"))
    if name == "addForeignKeyConstraint":
        columns = _names(attrs.get("baseColumnNames"))
        validated = not _false(attrs.get("validate"))
        return Op("add_foreign_key", table, columns=columns, line=line, validated=validated,
                  detail=f"add foreign key on {table}({', '.join(columns)})" + ("" if validated else " NOT VALID"))
    columns = _names(attrs.get("columnNames"))
    action, what = ("add_unique", "unique constraint") if name == "addUniqueConstraint" else ("add_primary_key",
                                                                                               "primary key")
    return Op(action, table, columns=columns, line=line, detail=f"add {what} on {table}({', '.join(columns)})")


def _composite(change: Element) -> list[Op]:
    """`mergeColumns` (a new column filled from two, which are dropped) and `addLookupTable` (a table
    filled with an existing column's distinct values, which then refers to it)."""
    attrs, line = change.attrs, change.line
    if change.name == "mergeColumns":
        table, final = attrs.get("tableName"), attrs.get("finalColumnName")
        merged = [attrs.get("column1Name"), attrs.get("column2Name")]
        sources = " and ".join(map(str, merged))
        return [Op("add_column", table, final, line=line, detail=f"add column {table}.{final} (nullable)"),
                Op("data", table, final, line=line, detail=f"fill {table}.{final} from {sources}"),
                *(Op("drop_column", table, c, line=line, detail=f"drop column {table}.{c}") for c in merged)]
    existing, column, new = attrs.get("existingTableName"), attrs.get("existingColumnName"), attrs.get("newTableName")
    return [Op("create_table", new, line=line, detail=f"create table {new}"),
            Op("data", new, line=line, detail=f"insert rows into {new} from {existing}.{column}"),
            Op("add_foreign_key", existing, columns=(column or "",), line=line,
               detail=f"add foreign key on {existing}({column})")]


def _sql_file(change: Element, sql_file: SqlFile) -> list[Op]:
    """The SQL of the file a `sqlFile` change runs, each op on the change's line, its detail saying where in
    the file; `unknown` when the file cannot be read."""
    given, line = change.attrs.get("path"), change.line
    if not given:
        return [Op("unknown", line=line, detail="sqlFile names no file")]
    where, text = sql_file(given, _true(change.attrs.get("relativeToChangelogFile")))
    if text is None:
        return [Op("unknown", line=line, detail=f"runs the SQL of {given}, a file not found from the changelog's folder"
                                                " or a folder above it")]
    try:
        found = [op for piece, first in _pieces(text, 1, change.attrs) for op in sql_ops(piece, first)]
    except Unreadable as exc:
        return [Op("unknown", line=line, detail=f"runs the SQL of {where}, which could not be analysed: {exc.reason}")]
    return [op._replace(line=line, detail=f"{given} line {op.line}: {op.detail or op.action.replace('_', ' ')}")
            for op in found]
