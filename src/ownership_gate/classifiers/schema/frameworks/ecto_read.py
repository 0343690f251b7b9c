"""How an Ecto migration's forward code becomes ops (which files are one: schema_ecto).

`change` (or `up`) is read from its tree-sitter tree, statement by
statement, and a `def`/`defp` of the file is read where it is called.
Whatever this reader cannot account for is `unknown`: a call that is neither
an Ecto migration command nor a function of the file (`apply/3`, an
imported macro, `quote`/`unquote`, another library's migration such as
`Oban.Migrations.up()`), code evaluated at run time (`Code.eval_string`),
control flow (`if`, `case`, `for`), and migration commands inside a function
handed to other code (`Enum.each(tables, fn t -> drop table(t) end)`), which
runs them any number of times.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from tree_sitter import Node

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.schema.ops import ACTIONS, PLACEHOLDER, Migration, Op, Unreadable, rows_op, table_named
from ownership_gate.classifiers.schema.paths import leading_version
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats import elixir
from ownership_gate.formats.elixir import Call, Lit, Opaque, Value
from ownership_gate.formats.treesitter import text as source

_HARMLESS = frozenset({"flush", "from", "use", "import", "alias", "require", "puts", "info", "debug", "warn",
                       "warning", "error", "inspect", "repo", "prefix", "direction"})
_DATA = frozenset({"update_all", "insert_all", "delete_all", "insert", "insert!", "update", "update!",
                   "delete", "delete!", "insert_or_update", "stream"})
_SQL = frozenset({"query", "query!", "execute"})
_MAX_DEPTH = 8
# Modules whose functions compute values; calling them changes no table.
_VALUE_MODULES = frozenset({"IO", "Logger", "Enum", "Application", "String", "Map", "Keyword", "List",
                            "Integer", "DateTime", "NaiveDateTime", "Date", "System", "Ecto", "Process",
                            "File", "Path", "Jason", "Base"})
_RUNS_COMMANDS = frozenset({("System", "cmd"), ("System", "shell")})
_MIGRATION = ("Ecto", "Migration")


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


def _column(table: str | None, name: str | None, call: Call) -> Op:
    null = _flag(call.kwargs.get("null"))
    default = "default" in call.kwargs
    nullable = null is not False and _flag(call.kwargs.get("primary_key")) is not True
    how = ("nullable" if nullable else "NOT NULL") + (" with a default" if default else "")
    return Op("add_column", table, name, nullable=nullable, default=default, line=call.line,
              detail=f"add column {table}.{name} ({how})")


# The type a column was given by the folder's earlier migrations (None when they do not say).
Earlier = Callable[[str | None, str | None], Value | None]


def _alter(table: str | None, block: Node | None, earlier: Earlier | None = None) -> list[Op]:
    ops: list[Op] = []
    for statement in elixir.statements(block) if block is not None else []:
        call = _bare(statement) if statement.type == "identifier" else elixir.call(statement)
        if call is None:
            if any(elixir.outer_calls(statement)):
                ops.append(Op("unknown", table, line=elixir.line(statement), detail="unrecognised alter step"))
            continue
        name = _text(call.args[0]) if call.args else None
        where, line = f"{table}.{name}", call.line
        if call.name in ("add", "add_if_not_exists") and not call.receiver:
            ops.append(_column(table, name, call))
        elif call.name in ("remove", "remove_if_exists") and not call.receiver:
            ops.append(Op("drop_column", table, name, line=line, detail=f"remove column {where}"))
        elif call.name == "modify" and not call.receiver:
            ops.append(_modify(table, name, call, earlier))
        elif call.name == "timestamps" and not call.receiver:
            shaped = Call("add", (), (), {"null": Lit(False, "const", line), **call.kwargs}, None, line, call.node)
            ops.extend(_column(table, column, shaped) for column in ("inserted_at", "updated_at"))
        else:
            ops.append(Op("unknown", table, line=line, detail=f"unrecognised alter step {call.name}"))
    return ops


def _same(old: Value | None, new: Value | None) -> bool:
    if isinstance(old, Lit) and isinstance(new, Lit):
        return (old.value, old.kind) == (new.value, new.kind)
    if isinstance(old, Call) and isinstance(new, Call):
        return elixir.fingerprint([old.node]) == elixir.fingerprint([new.node])
    return False


# Options of `modify` that change what a column holds even at the same type (`size: 50` narrows a string).
_SHAPING = ("size", "precision", "scale", "type")


def _modify(table: str | None, name: str | None, call: Call, earlier: Earlier | None = None) -> Op:
    """`modify :size, :integer, null: true`: the type it states is compared with the one before, from its
    `from:`, or else from the folder's earlier migrations that gave the column its type; the same type is no
    rewrite, and only `null: false` then constrains existing rows."""
    where, line = f"{table}.{name}", call.line
    new_type = call.args[1] if len(call.args) > 1 else None
    old = call.kwargs.get("from")
    old_type = old[0] if isinstance(old, list) and old else old  # `from: {:string, null: true}`
    how = "same type"
    if old is None and earlier is not None and not any(k in call.kwargs for k in _SHAPING):
        old_type, how = earlier(table, name), "same type as its earlier migrations give it"
    if old_type is None or not _same(old_type, new_type):
        return Op("alter_type", table, name, line=line, detail=f"modify {where} (the column is redefined)")
    if _flag(call.kwargs.get("null")) is False:
        return Op("set_not_null", table, name, line=line, detail=f"modify {where} to NOT NULL")
    return Op("additive", table, name, line=line, detail=f"modify {where} ({how})")


def _index(call: Call, inner: Call, table: str | None) -> Op:
    columns = _names(inner.args[1]) if len(inner.args) > 1 else ()
    unique = inner.name == "unique_index" or _flag(inner.kwargs.get("unique")) is True
    concurrent = _flag(inner.kwargs.get("concurrently")) is True
    how = "unique index" if unique else "index"
    return Op("add_index", table, columns=columns, unique=unique, concurrent=concurrent, line=call.line,
              detail=f"create {how} on {table}({', '.join(columns)})" + (" concurrently" if concurrent else ""))


def _command(call: Call, earlier: Earlier | None = None) -> list[Op] | None:
    """Ops of an Ecto migration command; None for any other call."""
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
        return _alter(table, call.block, earlier)
    if name == "rename" and kind == "table":
        to = call.kwargs.get("to")
        if len(call.args) > 1:
            old = _text(call.args[1])
            return [Op("rename_column", table, old, to=_text(to), line=line,
                       detail=f"rename column {table}.{old} to {_text(to)}")]
        new = _text(to.args[0]) if isinstance(to, Call) and to.args else None
        return [Op("rename_table", table, to=new, line=line, detail=f"rename table {table} to {new}")]
    return None


def _execute(first: Value | None, line: int) -> list[Op]:
    """`execute "SQL"` (of `execute(up, down)` only the first): its statements."""
    if isinstance(first, Lit) and first.kind == "string" and isinstance(first.value, str):
        return sql_ops(first.value.replace(elixir.HOLE, PLACEHOLDER), first.line)
    return [Op("unknown", line=line, detail="execute runs code or SQL built at run time")]


class _Reader:
    def __init__(self, functions: dict[str, list[Node]], earlier: Earlier | None = None) -> None:
        self.functions = functions
        self.depth = 0
        self.earlier = earlier

    def body(self, node: Node) -> list[Op]:
        return [op for statement in elixir.statements(node) for op in self.statement(statement)]

    def statement(self, node: Node) -> list[Op]:
        if node.type == "identifier":  # a call without parentheses or arguments: `flush`
            return self.call(_bare(node))
        return [op for found in elixir.outer_calls(node) for op in self.call(elixir.call(found))]

    def call(self, call: Call | None) -> list[Op]:
        if call is None:
            return []
        name, line = call.name, call.line
        if (not call.receiver or call.receiver == _MIGRATION) and name == "execute":
            return _execute(call.args[0] if call.args else None, line)
        if not call.receiver or call.receiver == _MIGRATION:
            found = _command(call, self.earlier)
            if found is not None:
                return [table_named(op) for op in found]
        if call.receiver:
            return self.remote(call)
        if name in self.functions:
            return self.local(name, line)
        if name in _HARMLESS:
            return self.handed(call)
        return [Op("unknown", line=line, detail=f"calls {name}, which is not an Ecto migration command")]

    def remote(self, call: Call) -> list[Op]:
        module, line, qualified = call.receiver[0], call.line, ".".join((*call.receiver, call.name))
        if call.name in _SQL:
            return _execute(call.args[0] if call.args else None, line)
        if call.name in _DATA:
            return [rows_op(call.name, None, line, f"{qualified}: writes rows")]
        if ((module[:1].isupper() or module[:1] == ":") and module not in _VALUE_MODULES) or (
                (module, call.name) in _RUNS_COMMANDS):
            # `Oban.Migrations.up()`: another library's migration, which this file does not hold.
            return [Op("unknown", line=line, detail=f"calls {qualified}, which cannot be read here")]
        return self.handed(call)  # Application.get_env, Enum.map...: values, not database commands

    def local(self, name: str, line: int) -> list[Op]:
        if self.depth >= _MAX_DEPTH:
            return [Op("unknown", line=line, detail=f"calls {name} nested too deeply to read")]
        self.depth += 1
        try:
            return [op for body in self.functions[name] for op in self.body(body)]
        finally:
            self.depth -= 1

    def handed(self, call: Call) -> list[Op]:
        """Functions handed to a call (`fn t -> drop table(t) end`, `&drop_old/1`) run when it
        decides, any number of times: their migration commands cannot be judged one by one."""
        ops: list[Op] = []
        for child in call.node.named_children:
            for argument in child.named_children if child.type == "arguments" else ():
                if argument.type == "anonymous_function":
                    ops.extend(op for clause in argument.named_children
                               for body in clause.named_children if body.type == "body"
                               for statement in body.named_children for op in self.statement(statement))
                elif argument.type == "unary_operator" and elixir.operator(argument) == "&":
                    ops.extend(self.captured(argument))
        return [Op("unknown", op.table, line=op.line, detail=f"{op.detail} inside a function handed to "
                   f"{'.'.join((*call.receiver, call.name))}: how often it runs is known only at run time")
                if op.action in ACTIONS else op for op in ops]

    def captured(self, node: Node) -> list[Op]:
        """`&drop_old/1`, `&Helpers.drop/1`: the function is called as if written in place."""
        operand = node.child_by_field_name("operand")
        if operand is None or operand.type != "binary_operator" or elixir.operator(operand) != "/":
            return []
        target = operand.child_by_field_name("left")
        if target is None:
            return []
        return self.call(_bare(target) if target.type == "identifier" else elixir.call(target))


def _bare(node: Node) -> Call:
    """A name written alone, as the call it is in a statement: `timestamps`, `flush`."""
    return Call(source(node), (), (), {}, None, elixir.line(node), node)


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    try:
        tree = elixir.parse(text)
    except ValueError as exc:
        raise Unreadable(str(exc)) from None
    functions = elixir.functions(tree)
    forward = functions.get("change") or functions.get("up")
    if forward is None:
        if declared or "Ecto.Migration" in text:
            raise Unreadable("no change/0 or up/0 in the migration module")
        return None
    reader = _Reader(functions, _earlier_types(path, context))
    ops = tuple(op for body in forward for op in reader.body(body))
    # Ecto knows a migration by its version, not its module: its functions and attributes are what runs.
    ran = [n for n in elixir.module_items(tree) if (elixir.definition(n) or ("",))[0] != "down"]
    return Migration(ops, fingerprint=elixir.fingerprint(ran))


def _earlier_types(path: str, context: Context) -> Earlier:
    """The column types the migrations before this one in its folder gave (read once, when a `modify`
    without `from:` asks): `add` and `modify` in `create table` and `alter table` blocks of their
    `change`/`up`, in the order of their versions; a column removed, renamed or in a table dropped or
    renamed is forgotten, and so is every column once a migration holds anything else this reader
    cannot follow (a helper, SQL), which may have changed any of them."""
    known: dict[tuple[str, str], Value] | None = None

    def lookup(table: str | None, column: str | None) -> Value | None:
        nonlocal known
        if known is None:
            known = _read_earlier(path, context)
        return known.get((table or "", column or ""))

    return lookup


def _read_earlier(path: str, context: Context) -> dict[tuple[str, str], Value]:
    own = leading_version(path)
    directory = posixpath.dirname(path)
    names = context.old_names(directory)
    if own is None or names is None:
        return {}
    earlier = sorted((version[1], name) for name in names
                     if (version := leading_version(posixpath.join(directory, name))) is not None
                     and version[1] < own[1] and name.endswith((".exs", ".ex")))
    paths = [posixpath.join(directory, name) for _, name in earlier]
    context.read_old_files(paths)
    types: dict[tuple[str, str], Value] = {}
    for other in paths:
        text = text_of(context.old_file(other))
        try:
            tree = elixir.parse(text) if text is not None else None
        except ValueError:
            tree = None
        if tree is None:
            types.clear()
            continue
        functions = elixir.functions(tree)
        for body in functions.get("change") or functions.get("up") or []:
            bound: dict[str, Value] = {}
            for statement in elixir.statements(body):
                _remember(statement, types, bound)
    return types


_ROWS_ONLY = ("data", "delete_rows", "truncate", "add_index")


def _forget(types: dict[tuple[str, str], Value], table: str) -> None:
    """Forget every column type known of `table`."""
    for key in [k for k in types if k[0] == table]:
        del types[key]


def _remember(statement: Node, types: dict[tuple[str, str], Value], bound: dict[str, Value]) -> None:
    """What one top-level statement of an earlier migration says of its tables' column types; `bound`
    holds the values its variables were given (`query = \"\"\"INSERT ...\"\"\"`, then `execute(query)`)."""
    if statement.type == "binary_operator" and elixir.operator(statement) == "=":
        left, right = statement.child_by_field_name("left"), statement.child_by_field_name("right")
        if left is not None and right is not None and left.type == "identifier":
            bound[source(left)] = elixir.value(right)
            return
    call = elixir.call(statement) if statement.type != "identifier" else _bare(statement)
    if call is None or (call.receiver and call.receiver != _MIGRATION):
        types.clear()
        return
    if call.name == "execute":  # its SQL, read: a statement on a table forgets that table's columns
        first = call.args[0] if call.args else None
        if isinstance(first, (Opaque, Call)):
            name = first.text if isinstance(first, Opaque) else (first.name if not first.args else "")
            first = bound.get(name, first)
        for op in _execute(first, call.line):
            if op.action in _ROWS_ONLY or (op.action in ("additive", "create_table") and not op.column):
                continue  # rows moved, a table or an extension made: no column's type changed
            if op.table:
                _forget(types, op.table)
            else:
                types.clear()
        return
    kind, _, table = _target(call)
    if call.name in ("create", "create_if_not_exists", "alter") and kind == "table" and table:
        if call.name != "alter":
            _forget(types, table)
        for inner in elixir.statements(call.block) if call.block is not None else []:
            step = elixir.call(inner) if inner.type != "identifier" else _bare(inner)
            column = _text(step.args[0]) if step is not None and step.args else None
            if step is None or step.receiver:
                continue
            if step.name in ("add", "add_if_not_exists", "modify") and column and len(step.args) > 1:
                types[(table, column)] = step.args[1]
            elif step.name in ("remove", "remove_if_exists") and column:
                types.pop((table, column), None)
    elif call.name in ("drop", "drop_if_exists", "rename") and kind == "table" and table:
        _forget(types, table)
    elif kind not in ("index", "unique_index", "constraint") and call.name not in _HARMLESS:
        types.clear()  # code the reader cannot follow may have changed any column
