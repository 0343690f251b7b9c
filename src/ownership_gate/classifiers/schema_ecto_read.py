"""How a Ecto migration's forward code becomes ops (which files are one: schema_ecto)."""

from __future__ import annotations

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema_callread import Call, Lit, Value, statement_calls
from ownership_gate.classifiers.schema_calls import Block, Stmt, fingerprint_of, parse
from ownership_gate.classifiers.schema_lex import Token
from ownership_gate.classifiers.schema_ops import Migration, Op, Unreadable
from ownership_gate.classifiers.schema_sqlapi import sql_ops

_HARMLESS = frozenset({"flush", "from", "use", "import", "alias", "require", "def", "defp", "@", "puts", "info",
                       "debug", "warn", "warning", "error", "inspect"})
_DATA = frozenset({"update_all", "insert_all", "delete_all", "insert", "insert!", "update", "update!",
                   "delete", "delete!", "insert_or_update", "stream"})
_SQL = frozenset({"query", "query!", "execute"})
_MAX_DEPTH = 8
# Modules whose functions compute values; calling them changes no table.
_VALUE_MODULES = frozenset({"IO", "Logger", "Enum", "Application", "Code", "String", "Map", "Keyword",
                            "List", "Integer", "DateTime", "NaiveDateTime", "Date", "System", "Ecto",
                            "Kernel", "Process", "File", "Path", "Jason", "Base"})
Body = Block | Call


def _text(value: Value | None) -> str | None:
    if isinstance(value, Lit) and isinstance(value.value, str) and not value.dynamic:
        return value.value
    return None


def _flag(value: Value | None) -> bool | None:
    return value.value if isinstance(value, Lit) and isinstance(value.value, bool) else None


def _names(value: Value | None) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(t for t in (_text(v) for v in value) if t)
    single = _text(value)
    return (single,) if single else ()


def _target(call: Call) -> tuple[str, Call | None, str | None]:
    """(kind, inner call, table) of `create table(:x)`, `drop index(:x, [...])`, ..."""
    inner = call.args[0] if call.args and isinstance(call.args[0], Call) else None
    if inner is None:
        return "", None, None
    return inner.name, inner, _text(inner.args[0]) if inner.args else None


def _column(table: str | None, call: Call) -> Op:
    name = _text(call.args[0]) if call.args else None
    null = _flag(call.kwargs.get("null"))
    default = "default" in call.kwargs
    nullable = null is not False and _flag(call.kwargs.get("primary_key")) is not True
    how = ("nullable" if nullable else "NOT NULL") + (" with a default" if default else "")
    return Op("add_column", table, name, nullable=nullable, default=default, line=call.line,
              detail=f"add column {table}.{name} ({how})")


def _alter(table: str | None, block: Block | None) -> list[Op]:
    ops: list[Op] = []
    for statement in block.body if block else []:
        for call in statement_calls(statement):
            name = _text(call.args[0]) if call.args else None
            where, line = f"{table}.{name}", call.line
            if call.name in ("add", "add_if_not_exists"):
                ops.append(_column(table, call))
            elif call.name in ("remove", "remove_if_exists"):
                ops.append(Op("drop_column", table, name, line=line, detail=f"remove column {where}"))
            elif call.name == "modify":
                ops.extend(_modify(table, name, call))
            elif call.name == "timestamps":
                shaped = Call("add", [], [], {"null": Lit(False, "const", line), **call.kwargs}, line=line)
                for column in ("inserted_at", "updated_at"):
                    ops.append(_column(table, Call("add", [], [Lit(column, "symbol", line)], shaped.kwargs, line=line)))
            else:
                ops.append(Op("unknown", table, line=line, detail=f"unrecognised alter step {call.name}"))
    return ops


def _modify(table: str | None, name: str | None, call: Call) -> list[Op]:
    where, line = f"{table}.{name}", call.line
    new_type = call.args[1] if len(call.args) > 1 else None
    old = call.kwargs.get("from")
    old_type = old[0] if isinstance(old, list) and old else old
    if old is None or repr(old_type) != repr(new_type):
        return [Op("alter_type", table, name, line=line, detail=f"modify {where} (the column is redefined)")]
    if _flag(call.kwargs.get("null")) is False:
        return [Op("set_not_null", table, name, line=line, detail=f"modify {where} to NOT NULL")]
    return [Op("additive", table, name, line=line, detail=f"modify {where} (same type)")]


def _index(call: Call, inner: Call, table: str | None) -> Op:
    columns = _names(inner.args[1]) if len(inner.args) > 1 else ()
    unique = inner.name == "unique_index" or _flag(inner.kwargs.get("unique")) is True
    concurrent = _flag(inner.kwargs.get("concurrently")) is True
    how = "unique index" if unique else "index"
    return Op("add_index", table, columns=columns, unique=unique, concurrent=concurrent, line=call.line,
              detail=f"create {how} on {table}({', '.join(columns)})" + (" concurrently" if concurrent else ""))


def _call(call: Call, functions: dict[str, Body], depth: int = 0, assigned: bool = False) -> list[Op]:
    name, line = call.name, call.line
    kind, inner, table = _target(call)
    if name in ("create", "create_if_not_exists"):
        if kind == "table":
            return [Op("create_table", table, line=line, detail=f"create table {table}")]
        if kind in ("index", "unique_index") and inner is not None:
            return [_index(call, inner, table)]
        if kind == "constraint" and inner is not None:
            validated = _flag(inner.kwargs.get("validate")) is not False
            return [Op("add_check", table, validated=validated, line=line, detail=f"create constraint on {table}")]
    if name in ("drop", "drop_if_exists"):
        if kind == "table":
            return [Op("drop_table", table, line=line, detail=f"drop table {table}")]
        if kind in ("index", "unique_index", "constraint"):
            return []
    if name == "alter" and kind == "table":
        return _alter(table, call.block)
    if name == "rename" and kind == "table":
        to = call.kwargs.get("to")
        if len(call.args) > 1:
            old = _text(call.args[1])
            return [Op("rename_column", table, old, to=_text(to), line=line,
                       detail=f"rename column {table}.{old} to {_text(to)}")]
        new = _text(to.args[0]) if isinstance(to, Call) and to.args else None
        return [Op("rename_table", table, to=new, line=line, detail=f"rename table {table} to {new}")]
    if name == "execute":
        first = call.args[0] if call.args else None
        if isinstance(first, Lit) and isinstance(first.value, str):
            return sql_ops(first.value, first.body_line or first.line)
        return [Op("unknown", line=line, detail="execute runs code or SQL built at run time")]
    if call.receiver:
        if name in _SQL:
            return _call(Call("execute", [], call.args, line=line), functions, depth)
        if name in _DATA:
            return [Op("data", line=line, detail=f"{'.'.join(call.receiver)}.{name}: writes rows")]
        if not assigned and call.receiver[0][:1].isupper() and call.receiver[0] not in _VALUE_MODULES:
            # `Oban.Migrations.up()`: another library's migration, which this file does not hold.
            return [Op("unknown", table, line=line, detail=(
                f"calls {'.'.join(call.receiver)}.{name}, which cannot be read here"))]
        return []  # Application.get_env, Enum.map...: values, not database commands
    if name in functions and depth < _MAX_DEPTH:
        return _body(functions[name], functions, depth + 1)
    if name in _HARMLESS or (not call.args and not call.kwargs and call.block is None):
        return []
    return [Op("unknown", table, line=line, detail=f"calls {name}, which is not an Ecto migration command")]


def _body(body: Body, functions: dict[str, Body], depth: int = 0) -> list[Op]:
    if isinstance(body, Call):
        return _call(body, functions, depth)  # `def up, do: Oban.Migrations.up()`
    ops: list[Op] = []
    for statement in body.body:
        assigned = any(isinstance(n, Token) and n.kind == "op" and n.text == "=" for n in statement.items)
        for call in statement_calls(statement):
            ops.extend(_call(call, functions, depth, assigned))
    return ops


def _functions(statements: list[Stmt], found: dict[str, Body]) -> dict[str, Body]:
    """Every `def`/`defp` (with a `do` block or `do:`), by name, in the file's modules."""
    for statement in statements:
        for call in statement_calls(statement):
            if call.name in ("def", "defp") and call.args and isinstance(call.args[0], Call):
                body = call.block or call.args[0].kwargs.get("do") or call.kwargs.get("do")
                if isinstance(body, (Block, Call)):
                    found.setdefault(call.args[0].name, body)
            elif call.name == "defmodule" and call.block:
                _functions(call.block.body, found)
    return found


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    statements = parse(text, "elixir")
    functions = _functions(statements, {})
    forward = functions.get("change") or functions.get("up")
    if forward is None:
        if declared or "Ecto.Migration" in text:
            raise Unreadable("no change/0 or up/0 in the migration module")
        return None
    rollback = functions.get("down") if "change" not in functions else None
    # Ecto knows a migration by its version, not its module: the functions are what runs.
    bodies = [b for b in functions.values() if isinstance(b, Block) and b is not rollback]
    fingerprint = fingerprint_of(bodies)
    return Migration(tuple(_body(forward, functions)), fingerprint=fingerprint)
