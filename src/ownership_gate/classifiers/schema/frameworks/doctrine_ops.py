"""Doctrine DBAL's schema objects, as a Doctrine migration's `up(Schema $schema)` uses them, as `Op`s.

Doctrine compares the `Schema` after `up()` with the one before and runs
the difference, so each call on it is one change: `$schema->createTable('t')`
a new table, `$schema->getTable('t')->addColumn('c', 'string', ['notnull' =>
false])` a column. A DBAL column is NOT NULL unless `notnull` is false, and
has no default unless one is given: on an existing table that is the risky
NOT NULL column, as for the other frameworks. `changeColumn` and
`modifyColumn` restate a column (a type change), as Rails' `change_column`
does. The walk that finds these objects is in doctrine_walk.py.
"""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from ownership_gate.classifiers.schema.ops import Op, table_named
from ownership_gate.formats import php
from ownership_gate.formats.php import Step


class State(NamedTuple):
    """What a PHP value is to the reader: the migration (`this`), its `connection`, the `schema`, a `table`
    or `column` of it, a schema `manager`, a prepared `statement`, a `query` builder (its statement's verb
    in `name`, its table in `table`), a `class`, or any other `value`."""

    kind: str
    table: str | None = None  # table, column
    column: str | None = None  # column
    added: int | None = None  # column: the position of the op that added it, when this migration adds it
    name: str | None = None  # class; query: select, insert, update or delete


VALUE = State("value")


class Sql(NamedTuple):
    """SQL the migration runs, read once the whole file is walked: all of it in one dialect."""

    text: str
    line: int
    where: str = ""  # in a loop or a closure: how often it runs, and on what, is known only then


Item = Op | Sql  # what the walk records, in the order it runs

# Questions about the Schema, and SQL it writes out without running it.
SCHEMA_QUESTIONS = frozenset({
    "hasTable", "hasSequence", "hasNamespace", "getTables", "getTableNames", "getSequence", "getSequences",
    "getNamespaces", "getName", "getNamespaceName", "isInDefaultNamespace", "getShortestName",
    "getFullQualifiedName", "getQuotedName", "toSql", "toDropSql", "getMigrateToSql", "getMigrateFromSql",
    "hasExplicitForeignKeyIndexes",
})
# Questions about a table.
TABLE_QUESTIONS = frozenset({
    "hasColumn", "getColumns", "hasIndex", "getIndex", "getIndexes", "hasPrimaryKey", "getPrimaryKey",
    "getPrimaryKeyColumns", "getPrimaryKeyConstraint", "hasForeignKey", "getForeignKey", "getForeignKeys",
    "getName", "getOptions", "hasOption", "getOption", "getUniqueConstraints", "getUniqueConstraint",
    "hasUniqueConstraint", "columnsAreIndexed", "getComment", "getQuotedName", "getShortestName",
    "getNamespaceName", "getFullQualifiedName", "isInDefaultNamespace", "getObjectName",
})
# Table changes that hold no rows: indexes and constraints dropped or renamed, table options.
_NO_ROWS = {"dropIndex": "drop index", "dropPrimaryKey": "drop primary key", "removeForeignKey": "drop foreign key",
            "removeUniqueConstraint": "drop unique constraint", "renameIndex": "rename index",
            "addOption": "set a table option", "setComment": "set the table comment"}
# Column setters that only say what a new column is (its type, size, comment); on an existing one, a type change.
_COLUMN_TYPE = frozenset({"setType", "setLength", "setPrecision", "setScale", "setUnsigned", "setFixed",
                          "setValues", "setPlatformOptions", "setPlatformOption", "setCustomSchemaOptions",
                          "setCustomSchemaOption", "setCharset", "setCollation"})
_COLUMN_PLAIN = frozenset({"setComment"})


def _name(node: Node | None) -> str | None:
    """A table or column named with a string literal; None for anything else."""
    names = php.strings(node)
    return names[0] if names is not None and len(names) == 1 else None


def _options(node: Node | None) -> dict[str, Node] | None:
    """A `['key' => value, ...]` literal's entries; None when any key is not a string literal (`...$more`)."""
    if node is None:
        return {}
    if node.type != "array_creation_expression":
        return None
    found: dict[str, Node] = {}
    for element in node.named_children:
        parts = [c for c in element.named_children if c.type != "comment"]
        if element.type == "comment":
            continue
        key = _name(parts[0]) if element.type == "array_element_initializer" and len(parts) == 2 else None
        if key is None:
            return None
        found[key] = parts[1]
    return found


def _scalar(node: Node) -> bool:
    """A literal value other than null: what a column default the database fills in is written with."""
    if node.type == "unary_op_expression" and node.named_children:
        node = node.named_children[-1]
    return node.type in ("integer", "float", "boolean") or (node.type in ("string", "encapsed_string")
                                                            and php.strings(node) is not None)


def _added(op: Op) -> Op:
    """`op` (an add_column) with its detail restated from its attributes."""
    how = "nullable" if op.nullable else "NOT NULL"
    if op.default:
        how += " with a default"
    return op._replace(detail=f"add column {op.table}.{op.column} ({how})")


def _apply(op: Op, options: dict[str, Node] | None, line: int) -> Op:
    """An added column's op with DBAL column options applied (`notnull`, `default`, `autoincrement`)."""
    if options is None:
        return Op("unknown", op.table, op.column, line=line,
                  detail=f"options of column {op.table}.{op.column} built at run time")
    if "columnDefinition" in options:
        return Op("unknown", op.table, op.column, line=line,
                  detail=f"column {op.table}.{op.column} defined by SQL text the reader does not read")
    if "notnull" in options:
        op = op._replace(nullable=php.constant(options["notnull"]) == "false")
    if "default" in options:
        op = op._replace(default=_scalar(options["default"]))
    if "autoincrement" in options and php.constant(options["autoincrement"]) != "false":
        op = op._replace(rewrites=True)  # every row gets a number, like `serial`
    return _added(op)


def schema(step: Step, items: list[Item]) -> State:
    """A call on the `Schema`; its ops are appended to `items`. Returns what the call gives back."""
    method, line = step.name or "", step.line
    table = _name(step.arg(0))
    if method == "createTable":
        items.append(table_named(Op("create_table", table, line=line, detail=f"create table {table}")))
        return State("table", table)
    if method == "getTable":
        return State("table", table)
    if method == "dropTable":
        items.append(table_named(Op("drop_table", table, line=line, detail=f"drop table {table}")))
        return VALUE
    if method == "renameTable":
        new = _name(step.arg(1))
        items.append(table_named(Op("rename_table", table, to=new, line=line, detail=f"rename table {table} to {new}")))
        return VALUE
    if method in ("createSequence", "createNamespace"):
        items.append(Op("additive", line=line, detail=f"create {method[6:].lower()} {table or '<dynamic>'}"))
        return VALUE
    if method == "dropSequence":
        items.append(Op("destructive", line=line, detail=f"drop sequence {table or '<dynamic>'}"))
        return VALUE
    if method in SCHEMA_QUESTIONS:
        return VALUE
    items.append(Op("unknown", line=line, detail=f"calls $schema->{method}(), which is not a Schema method the"
                    " reader knows"))
    return VALUE


def table(state: State, step: Step, items: list[Item]) -> State:
    """A call on a table of the `Schema`; its ops are appended to `items`. Returns what the call gives back."""
    method, line, name = step.name or "", step.line, state.table
    column = _name(step.arg(0))
    found: list[Op] = []
    result = state
    if method == "addColumn":
        op = Op("add_column", name, column, line=line, nullable=False)
        found.append(_apply(op, _options(step.arg(2, "options")), line))
        result = State("column", name, column, len(items) if found[0].action == "add_column" else None)
    elif method == "getColumn":
        result = State("column", name, column)
    elif method in ("dropColumn", "renameColumn", "changeColumn", "modifyColumn") and column is None:
        found.append(Op("unknown", name, line=line, detail=f"{method} on a column of {name} named at run time"))
    elif method == "dropColumn":
        found.append(Op("drop_column", name, column, line=line, detail=f"drop column {name}.{column}"))
    elif method == "renameColumn":
        new = _name(step.arg(1))
        found.append(Op("rename_column", name, column, to=new, line=line,
                        detail=f"rename column {name}.{column} to {new}"))
    elif method in ("changeColumn", "modifyColumn"):
        found.append(Op("alter_type", name, column, line=line, detail=f"change column {name}.{column}"))
    elif method in ("addIndex", "addUniqueIndex", "addUniqueConstraint", "setPrimaryKey"):
        found.append(_index(method, name, php.strings(step.arg(0)) or (), line))
    elif method in ("addForeignKeyConstraint", "addNamedForeignKeyConstraint"):
        local = php.strings(step.arg(1 if method == "addForeignKeyConstraint" else 2)) or ()
        found.append(Op("add_foreign_key", name, columns=local, line=line,
                        detail=f"add foreign key on {name}({', '.join(local)})"))
    elif method in _NO_ROWS:
        found.append(Op("additive", name, line=line, detail=f"{_NO_ROWS[method]} on {name} (holds no data)"))
    elif method not in TABLE_QUESTIONS:
        found.append(Op("unknown", name, line=line, detail=f"calls {method}() on table {name}, which is not a"
                        " Table method the reader knows"))
    items.extend(table_named(op) for op in found)
    return result


def _index(method: str, table: str | None, columns: tuple[str, ...], line: int) -> Op:
    listed = f"{table}({', '.join(columns)})"
    if method == "setPrimaryKey":
        return Op("add_primary_key", table, columns=columns, line=line, detail=f"add primary key on {listed}")
    if method == "addUniqueConstraint":
        return Op("add_unique", table, columns=columns, line=line, detail=f"add unique constraint on {listed}")
    unique = method == "addUniqueIndex"
    return Op("add_index", table, columns=columns, unique=unique, line=line,
              detail=f"create {'unique index' if unique else 'index'} on {listed}")


def column(state: State, step: Step, items: list[Item]) -> State:
    """A call on a column: one the migration adds changes that op, an existing one is altered."""
    method, line = step.name or "", step.line
    table_name, name = state.table, state.column
    if method.startswith(("get", "has", "is")) or method == "toArray":
        return VALUE
    if state.added is not None:
        added = items[state.added]
        if isinstance(added, Op) and added.action == "add_column":
            items[state.added] = _set(added, step)
            return state
    where = f"{table_name}.{name}"
    if name is None:
        op = Op("unknown", table_name, line=line, detail=f"{method}() on a column of {table_name} named at run time")
    elif method == "setNotnull":
        nullable = php.constant(step.arg(0)) == "false"
        op = (Op("additive", table_name, name, line=line, detail=f"drop NOT NULL on {where}") if nullable
              else Op("set_not_null", table_name, name, line=line, detail=f"set {where} NOT NULL"))
    elif method == "setDefault":
        op = Op("additive", table_name, name, line=line, detail=f"change default of {where}")
    elif method in _COLUMN_PLAIN:
        op = Op("additive", table_name, name, line=line, detail=f"change comment of {where}")
    elif method in _COLUMN_TYPE or method in ("setAutoincrement", "setColumnDefinition", "setOptions"):
        op = Op("alter_type", table_name, name, line=line, detail=f"change column {where} ({method})")
    else:
        op = Op("unknown", table_name, name, line=line, detail=f"calls {method}() on column {where}, which is not"
                " a Column method the reader knows")
    items.append(table_named(op))
    return state


def _set(op: Op, step: Step) -> Op:
    """A column this migration adds, given one more attribute (`->setNotnull(false)`)."""
    method = step.name or ""
    if method == "setNotnull":
        return _added(op._replace(nullable=php.constant(step.arg(0)) == "false"))
    if method == "setDefault":
        value = step.arg(0)
        return _added(op._replace(default=value is not None and _scalar(value)))
    if method == "setAutoincrement":
        return op._replace(rewrites=php.constant(step.arg(0)) != "false")
    if method == "setOptions":
        return _apply(op, _options(step.arg(0)), step.line)
    if method == "setColumnDefinition":
        return _apply(op, {"columnDefinition": step.node}, step.line)
    if method in _COLUMN_TYPE or method in _COLUMN_PLAIN:
        return op
    return Op("unknown", op.table, op.column, line=step.line, detail=f"calls {method}() on column"
              f" {op.table}.{op.column}, which is not a Column method the reader knows")
