"""Walking a Rails migration's forward code: each call it makes, as ops (the file: rails_read.py).

Methods of the migration class are followed where they are called, and
they win over the Rails method they shadow, as in Ruby. A call on the
migration that is neither (a helper from a gem or the app), dynamic
dispatch (`send`, `instance_eval`, `method(:x)`) and code that defines
code at run time cannot be judged and are `unknown`.
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from ownership_gate.classifiers.schema.frameworks import rails_ops as R
from ownership_gate.classifiers.schema.ops import Op, rows_op, table_of
from ownership_gate.formats import ruby
from ownership_gate.formats.ruby import Block, Call, Expr, Lit, Value

_WRAPPERS = frozenset({
    "up_only", "safety_assured", "transaction", "say_with_time", "with_lock_timeout",
    "with_statement_timeout", "suppress_messages", "with_lock_retries", "disable_statement_timeout",
})
_HARMLESS = frozenset({
    "say", "puts", "p", "pp", "print", "reset_column_information", "raise", "fail", "require",
    "require_relative", "sleep", "index_exists?", "column_exists?", "table_exists?",
    "foreign_key_exists?", "check_constraint_exists?", "index_name_exists?", "view_exists?",
    "disable_ddl_transaction!", "commit_db_transaction", "begin_db_transaction", "lambda", "proc",
    "loop", "private", "protected", "public", "attr_accessor", "table_name", "column_for", "columns",
    "indexes", "foreign_keys", "select_value", "select_values", "select_all", "select_rows", "select_one",
    "quote", "quote_table_name", "quote_column_name", "sanitize_sql", "sanitize_sql_array", "connection",
    "schema_migration", "migration_context", "up", "down",
})
# Gems that manage views, functions and triggers (scenic, fx): objects that hold no rows.
_OBJECTS = frozenset({
    "create_view", "update_view", "replace_view", "drop_view", "create_function", "update_function",
    "drop_function", "create_trigger", "update_trigger", "drop_trigger", "create_virtual_table",
    "drop_virtual_table", "create_aggregate", "drop_aggregate",
})
_MAX_DEPTH = 8
# Code in a method whose effect the walker cannot follow.
_OPAQUE = {
    "method": "defines a method at run time", "singleton_method": "defines a method at run time",
    "class": "defines a class at run time", "module": "defines a module at run time",
    "singleton_class": "changes the object's class at run time", "alias": "renames a method at run time",
    "undef": "removes a method at run time", "subshell": "runs a shell command",
    "super": "runs the parent class's method",
}


class Walker:
    """The ops of the code it is given, calls of the file's methods followed."""

    def __init__(self, methods: dict[str, Node], online: bool) -> None:
        self.methods = methods
        self.online = online
        self.depth = 0
        self.locals: frozenset[str] = frozenset()  # a bare one of these names is a variable, not a call
        self.tables: dict[str, str | None] = {}  # block parameter -> table (change_table)
        self.variables: dict[str, Lit] = {}  # local `sql = <<~SQL` strings
        self.directions: set[str] = set()  # `reversible do |dir|` parameters
        self.records: dict[str, str] = {}  # block parameter -> the table its records come from

    def method(self, node: Node) -> list[Op]:
        outer = self.locals
        self.locals = ruby.locals_of(node)
        try:
            return self.body(ruby.statements(node))
        finally:
            self.locals = outer

    def body(self, nodes: Iterable[Node]) -> list[Op]:
        ops: list[Op] = []
        for node in nodes:
            ops.extend(self.node(node))
        return ops

    def node(self, node: Node) -> list[Op]:
        kind = node.type
        if kind == "call":
            return self.call(node)
        if kind == "identifier":
            name = ruby.text(node)
            if name in self.locals and name not in self.methods:
                return []
            return self.dispatch(Call(name, line=ruby.line(node)))
        if kind in ("assignment", "operator_assignment"):
            return self.assign(node)
        if kind in _OPAQUE:
            return [Op("unknown", line=ruby.line(node), detail=f"`{ruby.snippet(node)}` {_OPAQUE[kind]}")]
        return self.body(ruby.children(node))  # conditions, branches, operands, string interpolations

    def call(self, node: Node) -> list[Op]:
        call = ruby.call(node)
        assert call is not None
        if call.name in ruby.INDIRECT:
            return [Op("unknown", line=call.line,
                       detail=f"`{ruby.snippet(node)}` calls {call.name}: what it runs is decided at run time")]
        receiver = node.child_by_field_name("receiver")
        ops = self.node(receiver) if receiver is not None else []
        arguments = node.child_by_field_name("arguments")
        if arguments is not None:
            items = ruby.children(arguments)
            if call.name in R.SQL_METHODS and items and items[0].type == "identifier":
                items = items[1:]  # the SQL itself: read from its variable, or reported by sql_call
            ops.extend(self.body(items))
        return ops + self.dispatch(call)

    def assign(self, node: Node) -> list[Op]:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        ops = self.node(right) if right is not None else []
        if left is not None and left.type == "identifier" and right is not None:
            assigned = ruby.value(right)
            if isinstance(assigned, Lit):
                self.variables[ruby.text(left)] = assigned
        elif left is not None and left.type == "call":
            setter = ruby.call(left)
            receiver = left.child_by_field_name("receiver")
            ops.extend(self.node(receiver) if receiver is not None else [])
            ops.extend(self.dispatch(setter._replace(name=setter.name + "=")) if setter else [])
        elif left is not None:
            ops.extend(self.node(left))
        return ops

    def walk(self, block: Block | None) -> list[Op]:
        return [] if block is None else self.body(block.body)

    def dispatch(self, call: Call) -> list[Op]:
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
        if not receiver or receiver == ("self",) or receiver[-1] == "connection":
            return self.top(call)
        models = [r for r in receiver if r[:1].isupper()]
        table = table_of(models[-1]) if models else self.records.get(receiver[0])
        fields = _mongo_fields(call, table, f"{'.'.join(receiver)}.{call.name}")
        if fields:
            return fields
        if call.name in R.DATA_METHODS:
            return [rows_op(call.name, table, call.line, f"{'.'.join(receiver)}.{call.name}: writes rows")]
        if call.block is not None and table is not None:
            # `Product.find_each do |product|`: the block's records are rows of `products`.
            self.records.update(dict.fromkeys(call.block.params, table))
        return self.walk(call.block)

    def _resolve(self, call: Call) -> Call:
        first = call.args[0] if call.args else None
        if isinstance(first, Expr) and first.node.type == "identifier" and ruby.text(first.node) in self.variables:
            return call._replace(args=(self.variables[ruby.text(first.node)], *call.args[1:]))
        return call

    def top(self, call: Call) -> list[Op]:
        """A call on the migration: a method of the file first, as Ruby looks them up."""
        name, args, line = call.name, call.args, call.line
        table = R.text(args[0]) if args else None
        if name in self.methods:
            return self.inline(name, line)
        if name == "reversible":
            return self.reversible(call)
        if name in _WRAPPERS or name in _HARMLESS:
            return self.walk(call.block)
        if name == "change_table":
            return self.change_table(call, table)
        if name in R.NEUTRAL:
            return []
        handler = R.TOP.get(name)
        if handler is not None:
            return handler(call, table, self.online) + self.walk(call.block)
        if name == "revert":
            return [Op("unknown", line=line, detail="revert runs other migration code backwards")]
        if name in _OBJECTS:
            return [Op("additive", None, line=line, detail=f"{name} {table or ''}".strip())]
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
            return self.method(self.methods[name])
        finally:
            self.depth -= 1


def _mongo_fields(call: Call, table: str | None, called: str) -> list[Op]:
    """A field taken out of every document it matches, or renamed in them (a Mongoid migration): MongoDB's
    `$unset` and `$rename` update operators (`Edition.update_all("$unset" => {"history" => true})`) and
    Mongoid's `unset(:history)` and `rename(history: :log)` on a model's documents. Like a dropped or renamed
    column, the values are gone from where the code reads them."""
    hashes = [v for v in (*call.args, dict(call.kwargs)) if isinstance(v, dict)]
    removed = [name for h in hashes for name in _keys(h.get("$unset"))]
    renamed = [(old, R.text(new)) for h in hashes for old, new in _pairs(h.get("$rename"))]
    if call.name == "unset":
        removed += [name for value in call.args for name in R.names(value)]
    elif call.name == "rename":
        renamed += [(old, R.text(new)) for h in hashes for old, new in h.items()]
    ops = [Op("drop_column", table, name, line=call.line, detail=f"{called}: removes {name} from every document")
           for name in removed]
    ops += [Op("rename_column", table, old, line=call.line, to=new,
               detail=f"{called}: renames {old} to {new} in every document") for old, new in renamed]
    return ops


def _keys(value: Value | None) -> list[str]:
    return list(value) if isinstance(value, dict) else []


def _pairs(value: Value | None) -> list[tuple[str, Value]]:
    return list(value.items()) if isinstance(value, dict) else []

