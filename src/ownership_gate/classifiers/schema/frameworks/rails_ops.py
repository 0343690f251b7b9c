"""Rails migration methods (`add_column`, `change_table`, ...) to `Op`s."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ownership_gate.classifiers.schema.ops import PLACEHOLDER, Op
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats.ruby import HOLE, Call, Lit, Value

# Column types of `t.<type>` and `add_column`; any of them adds a column.
COLUMN_TYPES = frozenset({
    "string", "text", "integer", "bigint", "float", "decimal", "numeric", "datetime", "timestamp",
    "timestamptz", "time", "date", "binary", "blob", "boolean", "json", "jsonb", "uuid", "inet",
    "cidr", "macaddr", "hstore", "xml", "tsvector", "ltree", "point", "line", "lseg", "box",
    "path", "polygon", "circle", "bit", "bit_varying", "money", "interval", "int4range",
    "int8range", "tsrange", "tstzrange", "numrange", "daterange", "citext", "virtual", "enum",
    "column", "smallint", "primary_key", "oid", "serial", "bigserial",
})
# Methods that change nothing a running application depends on.
NEUTRAL = frozenset({
    "remove_index", "rename_index", "remove_foreign_key", "remove_check_constraint",
    "remove_unique_constraint", "remove_exclusion_constraint", "change_column_comment",
    "change_table_comment", "validate_foreign_key", "validate_check_constraint",
    "validate_constraint", "create_enum", "add_enum_value", "enable_extension", "create_schema",
    "change_column_default",
})
DATA_METHODS = frozenset({
    "update_all", "update_column", "update_columns", "update", "update!", "save", "save!",
    "delete_all", "destroy_all", "destroy", "destroy!", "delete", "insert_all", "insert_all!",
    "upsert_all", "upsert", "insert", "insert!", "create", "create!", "find_or_create_by",
    "find_or_create_by!", "increment!", "decrement!", "touch", "update_attribute", "toggle!",
    "update_counters", "update_column_in_batches", "backfill_column", "backfill_column_in_background",
})
SQL_METHODS = frozenset({"execute", "exec_query", "exec_update", "exec_delete", "exec_insert",
                         "exec_update_in_batches"})


def text(value: Value | None) -> str | None:
    if isinstance(value, Lit) and isinstance(value.value, str) and not value.dynamic:
        return value.value
    return None


def names(value: Value | None) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(t for t in (text(v) for v in value) if t)
    single = text(value)
    return (single,) if single else ()


def flag(value: Value | None) -> bool | None:
    if isinstance(value, Lit) and isinstance(value.value, bool):
        return value.value
    return None


def sql_call(call: Call) -> list[Op]:
    first = call.args[0] if call.args else call.kwargs.get("sql")
    if isinstance(first, Lit) and isinstance(first.value, str):
        return sql_ops(first.value.replace(HOLE, PLACEHOLDER), first.body_line or first.line)
    return [Op("unknown", line=call.line, detail=f"{call.name} runs SQL built at run time")]


def column(table: str | None, name: str | None, call: Call, what: str = "add column") -> Op:
    null = flag(call.kwargs.get("null"))
    default = "default" in call.kwargs and not (
        isinstance(call.kwargs["default"], Lit) and call.kwargs["default"].value is None
    )
    nullable = null is not False
    how = "nullable" if nullable else "NOT NULL"
    if default:
        how += " with a default"
    return Op("add_column", table, name, nullable=nullable, default=default, line=call.line,
              detail=f"{what} {table}.{name} ({how})")


def index(table: str | None, columns: tuple[str, ...], call: Call, online: bool, what: str = "add_index") -> Op:
    options = call.kwargs
    unique = flag(options.get("unique")) is True
    concurrent = text(options.get("algorithm")) == "concurrently"
    how = "unique index" if unique else "index"
    return Op("add_index", table, columns=columns, unique=unique, concurrent=concurrent or online,
              line=call.line, detail=f"add {how} on {table}({', '.join(columns)})"
              + (" concurrently" if concurrent else "") + (f" ({what})" if what != "add_index" else ""))


def reference(table: str | None, ref: str | None, call: Call, online: bool, what: str) -> list[Op]:
    """`add_reference`/`t.references`: a `<ref>_id` column, and by default an index on it."""
    polymorphic = flag(call.kwargs.get("polymorphic")) is True
    columns = [f"{ref}_id"] + ([f"{ref}_type"] if polymorphic else [])
    ops = [column(table, c, call) for c in columns]
    wanted = call.kwargs.get("index")
    if flag(wanted) is not False:
        options = Call(call.name, kwargs=wanted if isinstance(wanted, dict) else {}, line=call.line)
        ops.append(index(table, tuple(columns), options, online, what))
    return ops


def timestamps(table: str | None, call: Call, what: str) -> list[Op]:
    options = dict(call.kwargs)
    options.setdefault("null", Lit(False, "const", call.line))  # Rails 5+: NOT NULL unless told
    shaped = Call(call.name, kwargs=options, line=call.line)
    return [column(table, c, shaped, what) for c in ("created_at", "updated_at")]


def table_method(table: str | None, call: Call, online: bool) -> list[Op] | None:
    """`t.<method>` inside `change_table`; None when the method is not known."""
    method, args, line = call.name, call.args, call.line
    if method in COLUMN_TYPES:
        targets = [text(a) for a in args if text(a)]
        if method == "column":
            targets = targets[:1]
        return [column(table, c, call) for c in targets]
    if method in ("references", "belongs_to"):
        return [op for ref in names_of(args) for op in reference(table, ref, call, online, "t.references")]
    if method == "timestamps":
        return timestamps(table, call, "add timestamp")
    if method == "index":
        return [index(table, names(args[0] if args else None), call, online, "t.index")]
    if method == "remove":
        return [Op("drop_column", table, c, line=line, detail=f"remove column {table}.{c}") for c in names_of(args)]
    if method in ("remove_references", "remove_belongs_to"):
        return [Op("drop_column", table, f"{c}_id", line=line, detail=f"remove reference {table}.{c}_id")
                for c in names_of(args)]
    if method == "remove_timestamps":
        return [Op("drop_column", table, c, line=line, detail=f"remove column {table}.{c}")
                for c in ("created_at", "updated_at")]
    if method == "rename":
        old, new = text(args[0]) if args else None, text(args[1]) if len(args) > 1 else None
        return [Op("rename_column", table, old, to=new, line=line, detail=f"rename column {table}.{old} to {new}")]
    if method == "change":
        name = text(args[0]) if args else None
        return [Op("alter_type", table, name, line=line, detail=f"change column {table}.{name}")]
    if method == "change_null":
        return [_null(table, text(args[0]) if args else None, args[1] if len(args) > 1 else None, line, len(args) > 2)]
    if method == "foreign_key":
        return [Op("add_foreign_key", table, columns=names(call.kwargs.get("column")),
                   validated=flag(call.kwargs.get("validate")) is not False, line=line,
                   detail=f"add foreign key on {table}")]
    if method == "check_constraint":
        return [Op("add_check", table, validated=flag(call.kwargs.get("validate")) is not False, line=line,
                   detail=f"add check constraint on {table}")]
    if method in ("remove_index", "rename_index", "change_default", "remove_foreign_key",
                  "remove_check_constraint", "comment", "change_comment"):
        return []
    return None


def names_of(args: Sequence[Value]) -> list[str]:
    return [n for a in args for n in names(a)]


def _null(table: str | None, name: str | None, value: Value | None, line: int, backfill: bool) -> Op:
    where = f"{table}.{name}"
    if flag(value) is False:
        detail = f"set {where} NOT NULL" + (" (filling NULLs with a default first)" if backfill else "")
        return Op("set_not_null", table, name, line=line, detail=detail)
    return Op("additive", table, name, line=line, detail=f"allow NULL in {where}")


def _create_table(call: Call, table: str | None, online: bool) -> list[Op]:
    ops = []
    force = call.kwargs.get("force")
    if force is not None and flag(force) is not False:
        ops.append(Op("drop_table", table, line=call.line,
                      detail=f"create_table {table}, force: drops it if it exists"))
    ops.append(Op("create_table", table, line=call.line, detail=f"create table {table}"))
    return ops


def _join_table(call: Call, table: str | None, online: bool) -> list[Op]:
    tables = sorted(t for t in (text(a) for a in call.args[:2]) if t)
    name = text(call.kwargs.get("table_name")) or "_".join(tables)
    action = "create_table" if call.name == "create_join_table" else "drop_table"
    return [Op(action, name, line=call.line, detail=f"{call.name} {name}")]


def _second(call: Call) -> str | None:
    return text(call.args[1]) if len(call.args) > 1 else None


def _third(call: Call) -> str | None:
    return text(call.args[2]) if len(call.args) > 2 else None


def _drop(call: Call, table: str | None, online: bool) -> list[Op]:
    if call.name == "drop_table":
        return [Op("drop_table", t, line=call.line, detail=f"drop table {t}") for t in names_of(call.args)]
    columns = names_of(call.args[1:]) if call.name == "remove_columns" else [_second(call)]
    return [Op("drop_column", table, c, line=call.line, detail=f"remove column {table}.{c}") for c in columns]


def _destructive(call: Call, table: str | None, online: bool) -> list[Op]:
    return [Op("destructive", table, line=call.line, detail=f"{call.name} {table or ''}".strip())]


# Migration methods called on the migration (or its connection) -> their ops.
TOP: dict[str, Callable[[Call, str | None, bool], list[Op]]] = {
    "create_table": _create_table,
    "create_join_table": _join_table,
    "drop_join_table": _join_table,
    "drop_table": _drop,
    "remove_column": _drop,
    "remove_columns": _drop,
    "rename_table": lambda c, t, o: [Op("rename_table", t, to=_second(c), line=c.line,
                                        detail=f"rename table {t} to {_second(c)}")],
    "add_column": lambda c, t, o: [column(t, _second(c), c)],
    "add_reference": lambda c, t, o: reference(t, _second(c), c, o, "add_reference"),
    "add_belongs_to": lambda c, t, o: reference(t, _second(c), c, o, "add_reference"),
    "add_timestamps": lambda c, t, o: timestamps(t, c, "add timestamp"),
    "remove_reference": lambda c, t, o: [Op("drop_column", t, f"{_second(c)}_id", line=c.line,
                                            detail=f"remove reference {t}.{_second(c)}_id")],
    "remove_belongs_to": lambda c, t, o: [Op("drop_column", t, f"{_second(c)}_id", line=c.line,
                                             detail=f"remove reference {t}.{_second(c)}_id")],
    "remove_timestamps": lambda c, t, o: [Op("drop_column", t, n, line=c.line, detail=f"remove column {t}.{n}")
                                          for n in ("created_at", "updated_at")],
    "rename_column": lambda c, t, o: [Op("rename_column", t, _second(c), to=_third(c), line=c.line,
                                         detail=f"rename column {t}.{_second(c)} to {_third(c)}")],
    "change_column": lambda c, t, o: [Op("alter_type", t, _second(c), line=c.line,
                                         detail=f"change column {t}.{_second(c)}")],
    "change_column_null": lambda c, t, o: [_null(t, _second(c), c.args[2] if len(c.args) > 2 else None,
                                                   c.line, len(c.args) > 3)],
    "add_index": lambda c, t, o: [index(t, names(c.args[1] if len(c.args) > 1 else None), c, o)],
    "add_foreign_key": lambda c, t, o: [Op("add_foreign_key", t, columns=names(c.kwargs.get("column")),
                                           validated=flag(c.kwargs.get("validate")) is not False,
                                           line=c.line, detail=f"add foreign key on {t}")],
    "add_check_constraint": lambda c, t, o: [Op("add_check", t, validated=flag(c.kwargs.get("validate")) is not False,
                                                line=c.line, detail=f"add check constraint on {t}")],
    "add_exclusion_constraint": lambda c, t, o: [Op("add_check", t, line=c.line,
                                                    detail=f"add exclusion constraint on {t}")],
    "add_unique_constraint": lambda c, t, o: [
        Op("additive", t, line=c.line, detail=f"add unique constraint on {t} using an existing index")
        if "using_index" in c.kwargs else
        Op("add_unique", t, columns=names(c.args[1] if len(c.args) > 1 else None), line=c.line,
           detail=f"add unique constraint on {t}")],
    "drop_enum": _destructive,
    "rename_enum": _destructive,
    "rename_enum_value": _destructive,
    "disable_extension": _destructive,
    "drop_schema": _destructive,
}
