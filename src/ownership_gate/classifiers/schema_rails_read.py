"""How a Rails migration's forward code becomes ops (which files are one: schema_rails)."""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers import schema_rails_ops as R
from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema_callread import Call, Lit, statement_calls, value
from ownership_gate.classifiers.schema_calls import Block, Stmt, fingerprint_of, parse
from ownership_gate.classifiers.schema_lex import Token
from ownership_gate.classifiers.schema_ops import Migration, Op, Unreadable

_WRAPPERS = frozenset({
    "up_only", "safety_assured", "transaction", "say_with_time", "with_lock_timeout",
    "with_statement_timeout", "suppress_messages", "with_lock_retries", "disable_statement_timeout",
})
_HARMLESS = frozenset({
    "say", "puts", "p", "pp", "print", "reset_column_information", "raise", "fail", "require",
    "require_relative", "sleep", "index_exists?", "column_exists?", "table_exists?",
    "foreign_key_exists?", "check_constraint_exists?", "index_name_exists?", "view_exists?",
    "disable_ddl_transaction!", "commit_db_transaction", "begin_db_transaction", "return",
    "lambda", "proc", "loop", "private", "protected", "public", "attr_accessor", "include",
    "extend", "table_name", "column_for", "columns", "indexes", "foreign_keys", "select_value",
    "select_values", "select_all", "select_rows", "select_one", "quote", "quote_table_name",
    "quote_column_name", "sanitize_sql", "sanitize_sql_array", "next", "break", "yield",
    "connection", "schema_migration", "migration_context", "up", "down",
})
# Gems that manage views, functions and triggers (scenic, fx): objects that hold no rows.
_OBJECTS = frozenset({
    "create_view", "update_view", "replace_view", "drop_view", "create_function", "update_function",
    "drop_function", "create_trigger", "update_trigger", "drop_trigger", "create_virtual_table",
    "drop_virtual_table", "create_aggregate", "drop_aggregate",
})
_MAX_DEPTH = 8


def _online_indexes(context: Context) -> bool:
    """Whether a schema dump in the change shows MySQL (indexes are built online)."""
    if "schema.rails.mysql" not in context.memo:
        mysql = False
        for change in context.changes:
            base = posixpath.basename(change.path)
            if base.endswith(("schema.rb", "structure.sql")) and "/db/" in f"/{change.path}":
                data = context.new(change) or b""
                mysql = mysql or b"ENGINE=InnoDB" in data or b'charset: "utf8' in data
        context.memo["schema.rails.mysql"] = mysql
    return bool(context.memo["schema.rails.mysql"])


def _def_name(block: Block) -> str:
    names = [t.text for t in block.head if isinstance(t, Token) and t.kind == "name"]
    if len(names) >= 2 and names[0] == "self":
        return names[1]
    return names[0] if names else ""


def _find_classes(statements: list[Stmt]) -> list[Block]:
    found = []
    for statement in statements:
        for node in statement.items:
            if isinstance(node, Block) and node.keyword == "class":
                found.append(node)
            elif isinstance(node, Block) and node.keyword == "module":
                found.extend(_find_classes(node.body))
    return found


class _Walker:
    def __init__(self, methods: dict[str, Block], online: bool) -> None:
        self.methods = methods
        self.online = online
        self.depth = 0
        self.tables: dict[str, str | None] = {}  # block parameter -> table (change_table)
        self.variables: dict[str, Lit] = {}  # local `sql = <<~SQL` strings
        self.directions: set[str] = set()  # `reversible do |dir|` parameters
        self.records: dict[str, str] = {}  # block parameter -> the table its records come from

    def body(self, statements: list[Stmt]) -> list[Op]:
        ops: list[Op] = []
        for statement in statements:
            ops.extend(self.statement(statement))
        return ops

    def statement(self, statement: Stmt) -> list[Op]:
        items = statement.items
        ops: list[Op] = []
        for node in items:
            if isinstance(node, Block) and node.keyword not in ("do", "{", "def", "class", "module"):
                ops.extend(self.body(node.body))
        if len(items) > 2 and isinstance(items[0], Token) and items[0].kind == "name" and (
            isinstance(items[1], Token) and items[1].text == "="
        ):
            assigned = value(items[2:])
            if isinstance(assigned, Lit):
                self.variables[items[0].text] = assigned
        calls = statement_calls(statement)
        for call in calls:
            ops.extend(self.call(call))
        if not calls:  # `5.times do ... end`: no call we can name, but its block runs
            for node in items:
                if isinstance(node, Block) and node.keyword in ("do", "{"):
                    ops.extend(self.body(node.body))
        return ops

    def walk(self, block: Block | None) -> list[Op]:
        return [] if block is None else self.body(block.body)

    def call(self, call: Call) -> list[Op]:
        receiver = call.receiver
        if len(receiver) == 1 and receiver[0] in self.directions:
            return self.walk(call.block) if call.name == "up" else []  # `dir.down` is the rollback
        if receiver and receiver[-1] in self.tables:
            found = R.table_method(self.tables[receiver[-1]], call, self.online)
            if found is None:
                return [Op("unknown", self.tables[receiver[-1]], line=call.line,
                           detail=f"unrecognised change_table method {call.name}")]
            return found
        if call.name in R.SQL_METHODS:
            return R.sql_call(self._resolve(call))
        if not receiver or receiver[-1] == "connection":
            return self.top(call)
        models = [r for r in receiver if r[:1].isupper()]
        table = R.table_of(models[-1]) if models else self.records.get(receiver[0])
        if call.name in R.DATA_METHODS:
            return [Op("data", table, line=call.line,
                       detail=f"{'.'.join(receiver)}.{call.name}: writes rows")]
        if call.block is not None and table is not None:
            # `Product.find_each do |product|`: the block's records are rows of `products`.
            self.records.update(dict.fromkeys(call.block.params, table))
        return self.walk(call.block)

    def _resolve(self, call: Call) -> Call:
        first = call.args[0] if call.args else None
        if isinstance(first, Call) and not first.args and not first.receiver and first.name in self.variables:
            return Call(call.name, call.receiver, [self.variables[first.name], *call.args[1:]],
                        call.kwargs, call.block, call.line)
        return call

    def top(self, call: Call) -> list[Op]:
        name, args, line = call.name, call.args, call.line
        table = R.text(args[0]) if args else None
        if name == "reversible":
            return self.reversible(call)
        if name in _WRAPPERS:
            return self.walk(call.block)
        if name == "change_table":
            return self.change_table(call, table)
        if name in R.NEUTRAL or name in _HARMLESS:
            return []
        handler = _TOP.get(name)
        if handler is not None:
            return handler(call, table, self.online)
        if name in self.methods:
            return self.inline(name, line)
        if name == "revert":
            return [Op("unknown", line=line, detail="revert runs other migration code backwards")]
        if name in _OBJECTS:
            return [Op("additive", None, line=line, detail=f"{name} {table or ''}".strip())]
        if not args and not call.kwargs and call.block is None:
            return []  # a local variable or an attribute read, not a call
        return [Op("unknown", table, line=line, detail=f"calls {name}, which is not a Rails migration method")]

    def reversible(self, call: Call) -> list[Op]:
        block = call.block
        if block is None:
            return []
        direction = block.params[0] if block.params else "dir"
        self.directions.add(direction)
        try:
            return self.body(block.body)
        finally:
            self.directions.discard(direction)

    def change_table(self, call: Call, table: str | None) -> list[Op]:
        block = call.block
        if block is None:
            return []
        param = block.params[0] if block.params else "t"
        self.tables[param] = table
        try:
            return self.body(block.body)
        finally:
            self.tables.pop(param, None)

    def inline(self, name: str, line: int) -> list[Op]:
        if self.depth >= _MAX_DEPTH:
            return [Op("unknown", line=line, detail=f"method {name} calls itself too deeply")]
        self.depth += 1
        try:
            return self.body(self.methods[name].body)
        finally:
            self.depth -= 1


def _create_table(call: Call, table: str | None, online: bool) -> list[Op]:
    ops = []
    force = call.kwargs.get("force")
    if force is not None and R.flag(force) is not False:
        ops.append(Op("drop_table", table, line=call.line,
                      detail=f"create_table {table}, force: drops it if it exists"))
    ops.append(Op("create_table", table, line=call.line, detail=f"create table {table}"))
    return ops


def _join_table(call: Call, table: str | None, online: bool) -> list[Op]:
    tables = sorted(t for t in (R.text(a) for a in call.args[:2]) if t)
    name = R.text(call.kwargs.get("table_name")) or "_".join(tables)
    action = "create_table" if call.name == "create_join_table" else "drop_table"
    return [Op(action, name, line=call.line, detail=f"{call.name} {name}")]


def _second(call: Call) -> str | None:
    return R.text(call.args[1]) if len(call.args) > 1 else None


def _third(call: Call) -> str | None:
    return R.text(call.args[2]) if len(call.args) > 2 else None


def _drop(call: Call, table: str | None, online: bool) -> list[Op]:
    if call.name == "drop_table":
        return [Op("drop_table", t, line=call.line, detail=f"drop table {t}") for t in R.names_of(call.args)]
    columns = R.names_of(call.args[1:]) if call.name == "remove_columns" else [_second(call)]
    return [Op("drop_column", table, c, line=call.line, detail=f"remove column {table}.{c}") for c in columns]


def _destructive(call: Call, table: str | None, online: bool) -> list[Op]:
    return [Op("destructive", table, line=call.line, detail=f"{call.name} {table or ''}".strip())]


_TOP = {
    "create_table": _create_table,
    "create_join_table": _join_table,
    "drop_join_table": _join_table,
    "drop_table": _drop,
    "remove_column": _drop,
    "remove_columns": _drop,
    "rename_table": lambda c, t, o: [Op("rename_table", t, to=_second(c), line=c.line,
                                        detail=f"rename table {t} to {_second(c)}")],
    "add_column": lambda c, t, o: [R.column(t, _second(c), c)],
    "add_reference": lambda c, t, o: R.reference(t, _second(c), c, o, "add_reference"),
    "add_belongs_to": lambda c, t, o: R.reference(t, _second(c), c, o, "add_reference"),
    "add_timestamps": lambda c, t, o: R.timestamps(t, c, "add timestamp"),
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
    "change_column_null": lambda c, t, o: [R._null(t, _second(c), c.args[2] if len(c.args) > 2 else None,
                                                   c.line, len(c.args) > 3)],
    "add_index": lambda c, t, o: [R.index(t, R.names(c.args[1] if len(c.args) > 1 else None), c, o)],
    "add_foreign_key": lambda c, t, o: [Op("add_foreign_key", t, columns=R.names(c.kwargs.get("column")),
                                           validated=R.flag(c.kwargs.get("validate")) is not False,
                                           line=c.line, detail=f"add foreign key on {t}")],
    "add_check_constraint": lambda c, t, o: [Op("add_check", t, validated=R.flag(c.kwargs.get("validate")) is not False,
                                                line=c.line, detail=f"add check constraint on {t}")],
    "add_exclusion_constraint": lambda c, t, o: [Op("add_check", t, line=c.line,
                                                    detail=f"add exclusion constraint on {t}")],
    "add_unique_constraint": lambda c, t, o: [
        Op("additive", t, line=c.line, detail=f"add unique constraint on {t} using an existing index")
        if "using_index" in c.kwargs else
        Op("add_unique", t, columns=R.names(c.args[1] if len(c.args) > 1 else None), line=c.line,
           detail=f"add unique constraint on {t}")],
    "drop_enum": _destructive,
    "rename_enum": _destructive,
    "rename_enum_value": _destructive,
    "disable_extension": _destructive,
    "drop_schema": _destructive,
}


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    statements = parse(text, "ruby")
    classes = _find_classes(statements)
    if not classes:
        # Everything in db/migrate runs as a migration: one without an
        # ActiveRecord class (a Sequel or ROM migration) cannot be judged here.
        raise Unreadable("no ActiveRecord migration class in the file")
    methods: dict[str, Block] = {}
    for cls in classes:
        for statement in cls.body:
            for node in statement.items:
                if isinstance(node, Block) and node.keyword == "def":
                    methods.setdefault(_def_name(node), node)
    forward = methods.get("change") or methods.get("up")
    rollback = methods.get("down") if "change" not in methods else None
    # Rails knows a migration by its version, not its class: the methods are what runs.
    fingerprint = fingerprint_of([m for m in methods.values() if m is not rollback])
    if forward is None:
        return Migration((), fingerprint=fingerprint)
    walker = _Walker(methods, _online_indexes(context))
    return Migration(tuple(walker.body(forward.body)), fingerprint=fingerprint)
