"""Sequelize, Knex, TypeORM and MikroORM method calls to `Op`s."""

from __future__ import annotations

import re

from ownership_gate.classifiers.schema.ops import PLACEHOLDER, Op, rows_op, table_named
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats.javascript import Chain, New, Opaque, Segment, Str, Value

_INTERPOLATION = re.compile(r"\$\{(\w*)\}")
_SQL = frozenset({"query", "raw", "addSql", "execute", "executeQuery", "runSql"})  # runSql: db-migrate
_DATA = frozenset({"bulkInsert", "bulkUpdate", "bulkDelete", "insert", "upsert", "update", "delete",
                   "del", "increment", "decrement", "save", "remove", "softDelete", "restore", "merge"})
# Calls whose callbacks run once, with the same migration object: read as if written in place.
WRAPPERS = frozenset({"transaction", "then", "catch", "finally"})
# Calls that return the object migrations are written with: Sequelize's `sequelize.getQueryInterface()`,
# which umzug's migrations (`up({ context: sequelize })`) call before every schema call.
HANDLES = frozenset({"getQueryInterface"})
_NEUTRAL = frozenset({
    "removeIndex", "dropIndex", "removeConstraint", "dropForeignKey", "dropForeignKeys",
    "dropUniqueConstraint", "dropUniqueConstraints", "dropPrimaryKey", "dropCheckConstraint",
    "dropCheckConstraints", "dropExclusionConstraint", "hasTable", "hasColumn", "hasSchema",
    "describeTable", "getTable", "getTables", "showAllTables", "startTransaction",
    "commitTransaction", "rollbackTransaction", "release", "connect", "select", "from", "where",
    "first", "pluck", "count", "fn", "ref", "dropView", "dropFunction", "dropTrigger", "dropType",
    "createView", "createFunction", "createTrigger", "createSchema", "createSchemaIfNotExists",
    "createExtension", "createExtensionIfNotExists", "createDatabase", "createEnum", "log",
    "changeColumnComment", "setComment", "withSchema", "getRepository", "createQueryBuilder",
    "commit", "rollback", "getDialect", "createMaterializedView", "dropMaterializedView", "refreshMaterializedView",
})
_DESTRUCTIVE = frozenset({"dropAllTables", "dropSchema", "dropSchemaIfExists", "dropDatabase",
                          "dropAllEnums", "dropEnum", "dropExtension"})
_KNEX_TYPES = frozenset({
    "increments", "bigIncrements", "integer", "bigInteger", "bigint", "tinyint", "smallint",
    "mediumint", "text", "string", "float", "double", "decimal", "boolean", "date", "datetime",
    "time", "timestamp", "binary", "enum", "enu", "json", "jsonb", "uuid", "specificType",
    "geometry", "geography", "point", "real", "char", "varchar",
})


def text(value: Value | None, variables: dict[str, Str] | None = None) -> str | None:
    if isinstance(value, Str) and not value.dynamic:
        return value.value
    if isinstance(value, Str) and variables is not None:
        filled = fill(value, variables)
        return None if PLACEHOLDER in filled else filled
    if isinstance(value, Opaque) and variables and value.text in variables:
        return variables[value.text].value
    return None


def fill(value: Str, variables: dict[str, Str]) -> str:
    """A template's text with `${name}` replaced by the file's string constants, other values
    by a placeholder."""
    if not value.dynamic:
        return value.value

    def constant(match: re.Match[str]) -> str:
        known = variables.get(match[1])
        return known.value if known is not None and not known.dynamic else PLACEHOLDER

    return _INTERPOLATION.sub(constant, value.value)


def strings(value: Value | None) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(t for t in (text(v) for v in value) if t)
    single = text(value)
    return (single,) if single else ()


def _arg(segment: Segment, index: int) -> Value | None:
    args = segment.args or ()
    return args[index] if index < len(args) else None


def _sql(segment: Segment, line: int, variables: dict[str, Str]) -> list[Op]:
    first = _arg(segment, 0)
    if isinstance(first, Opaque) and first.text in variables:
        first = variables[first.text]
    if isinstance(first, Str):
        return sql_ops(fill(first, variables), first.line)
    return [Op("unknown", line=line, detail=f"{segment.name}() runs SQL built at run time")]


def _options(value: Value | None) -> dict[str, Value]:
    if isinstance(value, New) and value.args and isinstance(value.args[0], dict):
        return value.args[0]
    return value if isinstance(value, dict) else {}


def _column(table: str | None, name: str | None, attrs: Value | None, line: int) -> list[Op]:
    """Sequelize `{type, allowNull, defaultValue}` or TypeORM `new TableColumn({...})`."""
    options = _options(attrs)
    if isinstance(attrs, New):
        name = name or text(options.get("name"))
        nullable = options.get("isNullable") is True  # TypeORM columns are NOT NULL by default
        default = "default" in options or options.get("isGenerated") is True
        unique = options.get("isUnique") is True
    else:
        nullable = options.get("allowNull") is not False and options.get("primaryKey") is not True
        default = "defaultValue" in options or options.get("autoIncrement") is True
        unique = options.get("unique") is True
    how = ("nullable" if nullable else "NOT NULL") + (" with a default" if default else "")
    ops = [Op("add_column", table, name, nullable=nullable, default=default, line=line,
              detail=f"add column {table}.{name} ({how})")]
    if unique:
        ops.append(Op("add_index", table, columns=(name or "?",), unique=True, line=line,
                      detail=f"add column {table}.{name} builds a unique index"))
    return ops


def _index(table: str | None, segment: Segment, line: int) -> Op:
    second, third = _arg(segment, 1), _arg(segment, 2)
    options = {**_options(second), **_options(third)}
    columns = strings(second) or strings(options.get("fields")) or strings(options.get("columnNames"))
    unique = options.get("unique") is True or options.get("isUnique") is True
    concurrent = options.get("concurrently") is True
    how = "unique index" if unique else "index"
    return Op("add_index", table, columns=columns, unique=unique, concurrent=concurrent, line=line,
              detail=f"add {how} on {table}({', '.join(columns)})" + (" concurrently" if concurrent else ""))


def _constraint(table: str | None, segment: Segment, line: int) -> Op:
    options = {**_options(_arg(segment, 1)), **_options(_arg(segment, 2))}
    kind = (text(options.get("type")) or "").lower()
    columns = strings(options.get("fields")) or strings(_arg(segment, 1))
    action = {"unique": "add_unique", "foreign key": "add_foreign_key", "primary key": "add_primary_key",
              "check": "add_check"}.get(kind, "unknown")
    return Op(action, table, columns=columns, line=line, detail=f"add {kind or 'a'} constraint on {table}")


def _schema(method: str, segment: Segment, table: str | None, line: int) -> list[Op] | None:
    second = _arg(segment, 1)
    if method in ("createTable", "createTableIfNotExists", "createTableLike"):
        name = table or text(_options(_arg(segment, 0)).get("name"))
        return [Op("create_table", name, line=line, detail=f"create table {name}")]
    if method in ("dropTable", "dropTableIfExists"):
        return [Op("drop_table", table, line=line, detail=f"drop table {table}")]
    if method == "renameTable":
        return [Op("rename_table", table, to=text(second), line=line, detail=f"rename table {table} to {text(second)}")]
    if method == "addColumn":
        return _column(table, text(second), _arg(segment, 2) if text(second) else second, line)
    if method == "addColumns":
        return [op for item in (second if isinstance(second, list) else []) for op in _column(table, None, item, line)]
    if method in ("removeColumn", "dropColumn", "dropColumns"):
        names = strings(second) or (text(_options(second).get("name")),)
        return [Op("drop_column", table, n, line=line, detail=f"drop column {table}.{n}") for n in names]
    if method == "renameColumn":
        return [Op("rename_column", table, text(second), to=text(_arg(segment, 2)), line=line,
                   detail=f"rename column {table}.{text(second)} to {text(_arg(segment, 2))}")]
    if method in ("changeColumn", "changeColumns"):
        name = text(second) or text(_options(second).get("name"))
        return [Op("alter_type", table, name, line=line, detail=f"redefine column {table}.{name}")]
    if method in ("addIndex", "createIndex") and segment.args and len(segment.args) > 1:
        return [_index(table, segment, line)]
    if method == "addConstraint":
        return [_constraint(table, segment, line)]
    if method in ("createForeignKey", "createForeignKeys"):
        return [Op("add_foreign_key", table, columns=strings(_options(second).get("columnNames")), line=line,
                   detail=f"add foreign key on {table}")]
    if method in ("createUniqueConstraint", "createUniqueConstraints"):
        return [Op("add_unique", table, columns=strings(_options(second).get("columnNames")), line=line,
                   detail=f"add unique constraint on {table}")]
    if method == "createPrimaryKey":
        return [Op("add_primary_key", table, columns=strings(second), line=line, detail=f"add primary key on {table}")]
    if method in ("createCheckConstraint", "createCheckConstraints", "createExclusionConstraint"):
        return [Op("add_check", table, line=line, detail=f"add check constraint on {table}")]
    if method in ("clearTable", "truncate"):
        return [Op("truncate", table, line=line, detail=f"empty table {table}")]
    return None


def method_ops(chain: Chain, variables: dict[str, Str]) -> list[Op]:
    """Ops for a chain rooted at the migration's object.

    A chain may hold several steps (`knex.schema.createTable(..).createTable(..)`);
    it ends at a builder whose later calls configure it (Kysely), at a data
    write (later calls are its `where`/`returning`), or at an unknown call.
    Callbacks (`alterTable`'s, a wrapper's) are the caller's to read.
    """
    line = chain.line
    calls = chain.calls()
    root_table = text(chain.root_args[0]) if chain.root_args else None  # knex('users')
    ops: list[Op] = []
    for index, segment in enumerate(calls):
        method = segment.name
        table = text(_arg(segment, 0), variables)
        if method in _SQL:
            ops.extend(_sql(segment, line, variables))
        elif (method in ("alterTable", "table") and len(segment.args or []) > 1) or method in WRAPPERS or (
            method in HANDLES and not segment.args
        ):
            continue
        elif method == "alterTable":
            return ops + [table_named(op) for op in _kysely_alter(table, calls[index + 1 :], line)]
        elif method == "createTable" and len(segment.args or []) == 1:
            return [*ops, table_named(Op("create_table", table, line=line, detail=f"create table {table}"))]
        elif (found := _schema(method or "", segment, table, line)) is not None:
            ops.extend(table_named(op) for op in found)
        elif method in _DESTRUCTIVE:
            ops.append(Op("destructive", table, line=line, detail=f"{method} {table or ''}".strip()))
        elif method in _DATA:
            target = root_table or table
            return [*ops, rows_op(method, target, line, f"{method} rows of {target or 'a table'}")]
        elif method not in _NEUTRAL:
            return [*ops, Op("unknown", table or root_table, line=line,
                             detail=f"unrecognised migration call {method}()")]
    if root_table is not None and not calls:
        return [Op("unknown", root_table, line=line, detail=f"unrecognised use of table {root_table}")]
    return ops


def _kysely_alter(table: str | None, steps: list[Segment], line: int) -> list[Op]:
    ops: list[Op] = []
    for segment in steps:
        name = text(_arg(segment, 0))
        if segment.name == "addColumn":
            ops.append(Op("add_column", table, name, nullable=True, line=line, detail=f"add column {table}.{name}"))
        elif segment.name == "dropColumn":
            ops.append(Op("drop_column", table, name, line=line, detail=f"drop column {table}.{name}"))
        elif segment.name == "renameColumn":
            ops.append(Op("rename_column", table, name, line=line, detail=f"rename column {table}.{name}"))
        elif segment.name == "alterColumn":
            ops.append(Op("alter_type", table, name, line=line, detail=f"alter column {table}.{name}"))
        elif segment.name not in ("execute", "ifExists", "ifNotExists"):
            ops.append(Op("unknown", table, line=line, detail=f"unrecognised alterTable step {segment.name}()"))
    return ops


class TableCalls:
    """A Knex table builder call inside `alterTable('t', (t) => ...)`."""

    def __init__(self, table: str | None, chain: Chain) -> None:
        self.table = table
        self.chain = chain
        self.calls = chain.calls()
        self.names = {s.name for s in self.calls}

    def ops(self) -> list[Op]:
        return [table_named(op) for op in self._ops()]

    def _ops(self) -> list[Op]:
        if not self.calls:
            return []
        first = self.calls[0]
        method, line, table = first.name, self.chain.line, self.table
        column = text(_arg(first, 0))
        if method in _KNEX_TYPES:
            return self.column(column or ("id" if "ncrements" in method else None))
        if method == "timestamps":
            default = _arg(first, 1) is True
            return [Op("add_column", table, c, nullable=not default, default=default, line=line,
                       detail=f"add column {table}.{c}") for c in ("created_at", "updated_at")]
        if method in ("dropColumn", "dropColumns"):
            named: list[str | None] = [c for a in first.args or () for c in strings(a) or (None,)]
            return [Op("drop_column", table, c, line=line, detail=f"drop column {table}.{c}") for c in named]
        if method == "dropTimestamps":
            return [Op("drop_column", table, c, line=line, detail=f"drop column {table}.{c}")
                    for c in ("created_at", "updated_at")]
        if method == "renameColumn":
            return [Op("rename_column", table, column, to=text(_arg(first, 1)), line=line,
                       detail=f"rename column {table}.{column} to {text(_arg(first, 1))}")]
        if method in ("index", "unique", "primary", "foreign"):
            columns = strings(_arg(first, 0))
            action = {"index": "add_index", "unique": "add_unique", "primary": "add_primary_key",
                      "foreign": "add_foreign_key"}[method]
            return [Op(action, table, columns=columns, line=line,
                       detail=f"add {method} on {table}({', '.join(columns)})")]
        if method == "dropNullable":
            return [Op("set_not_null", table, column, line=line, detail=f"set {table}.{column} NOT NULL")]
        if method == "check":
            return [Op("add_check", table, line=line, detail=f"add check constraint on {table}")]
        if method in ("dropIndex", "dropUnique", "dropForeign", "dropPrimary", "dropChecks", "setNullable", "comment"):
            return []
        return [Op("unknown", table, line=line, detail=f"unrecognised table builder call {method}()")]

    def column(self, name: str | None) -> list[Op]:
        table, line, names = self.table, self.chain.line, self.names
        where = f"{table}.{name}"
        if "alter" in names:
            ops = [Op("alter_type", table, name, line=line, detail=f"alter column {where}")]
            if "notNullable" in names:
                ops.append(Op("set_not_null", table, name, line=line, detail=f"set {where} NOT NULL"))
            return ops
        nullable = "notNullable" not in names and "primary" not in names
        default = "defaultTo" in names or self.calls[0].name in ("increments", "bigIncrements")
        ops = [Op("add_column", table, name, nullable=nullable, default=default, line=line,
                  detail=f"add column {where} ({'nullable' if nullable else 'NOT NULL'}"
                  + (" with a default)" if default else ")"))]
        if "unique" in names or "index" in names:
            ops.append(Op("add_index", table, columns=(name or "?",), unique="unique" in names, line=line,
                          detail=f"add {'unique ' if 'unique' in names else ''}index on {where}"))
        return ops
