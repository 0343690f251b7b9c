"""Walking a Laravel migration's forward code: each call it makes, as ops (the file: laravel_read.py).

Calls start from a class (`Schema::`, `DB::`, a model), `$this` or a
variable; a Blueprint variable is the one a `Schema::create` or
`Schema::table` closure receives. Methods of the migration class are
followed where they are called. Code the walker cannot follow is `unknown`:
a function or `Schema`/`DB` method it does not know, a class of the file,
another file (`require`), a method or function chosen at run time, a
Blueprint handed to other code. Schema changes in a loop or in a function
handed to a call that may run it many times (`each`, `chunk`, `array_map`)
are `unknown` too: how often they run, and on what, is known only then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from tree_sitter import Node

from ownership_gate.classifiers.schema.frameworks import laravel_ops as L
from ownership_gate.classifiers.schema.frameworks.laravel_calls import (
    DATA_METHODS,
    DB_METHODS,
    FUNCTIONS,
    ONCE_FUNCTIONS,
    RUNS_CODE,
    SCHEMA_METHODS,
    SQL_METHODS,
    VALUE_CLASSES,
)
from ownership_gate.classifiers.schema.ops import ACTIONS, PLACEHOLDER, Op, rows_op, table_named, table_of
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats import php
from ownership_gate.formats.php import Step

_LOOPS = frozenset({"foreach_statement", "for_statement", "while_statement", "do_statement"})
# Code that runs only sometimes, or one of its parts: what a variable holds after it depends on which part ran.
_BRANCHES = frozenset({"if_statement", "switch_statement", "try_statement", "match_expression",
                       "conditional_expression"})
_OPAQUE = {
    "require_expression": "runs another PHP file", "require_once_expression": "runs another PHP file",
    "include_expression": "runs another PHP file", "include_once_expression": "runs another PHP file",
    "shell_command_expression": "runs a shell command", "function_definition": "defines a function at run time",
    "class_declaration": "defines a class at run time", "anonymous_class": "defines a class at run time",
}
# Closures of these Schema and DB methods: the Blueprint's (its table: the first argument), or run once.
_BLUEPRINT_CALLS = {"create": 1, "table": 1, "whenTableHasColumn": 2, "whenTableDoesntHaveColumn": 2,
                    "whenTableHasIndex": 2, "whenTableDoesntHaveIndex": 2}
_RUN_ONCE = frozenset({"withoutForeignKeyConstraints", "transaction", "pretend"})
_MAX_DEPTH = 8

State = tuple[str, "str | None"]  # (schema | db | query | blueprint | this | class | value, table or class)


class Walker:
    """The ops of the code it is given, calls of the migration's methods followed."""

    def __init__(self, methods: dict[str, Node], classes: frozenset[str], aliases: dict[str, str]) -> None:
        self.methods = methods  # the migration's methods, by lower-case name (PHP ignores their case)
        self.classes = classes  # other classes the file declares
        self.aliases = aliases  # `use ... as S`: S -> the class it names
        self.depth = 0
        self.tables: dict[str, str | None] = {}  # Blueprint variable -> its table
        self.builders: dict[str, str] = {}  # variable -> "schema" or "db" (`$schema = Schema::connection('x')`)
        self.strings: dict[str, php.Text] = {}  # variable -> the literal text last assigned to it
        self.closures: dict[str, Node] = {}  # variable -> the closure assigned to it, read where it is used

    def method(self, node: Node) -> list[Op]:
        body = node.child_by_field_name("body")
        return self.node(body) if body is not None else []

    def body(self, nodes: Iterable[Node]) -> list[Op]:
        return [op for node in nodes for op in self.node(node)]

    def node(self, node: Node) -> list[Op]:
        kind = node.type
        if kind in php.CALLS:
            return self.call(node)[0]
        if kind in _LOOPS:
            return _repeated(self.body(node.named_children), "in a loop")
        if kind in php.CLOSURES:  # returned or stored away: it runs wherever it is called
            return _repeated(self.closure(node), "inside a closure")
        if kind in _BRANCHES:
            return self.branches(node)
        if kind == "assignment_expression":
            return self.assign(node)
        if kind == "augmented_assignment_expression":  # `$sql .= $more`: no longer the literal
            self._forget(php.variable(node.child_by_field_name("left")))
        if kind in _OPAQUE:
            return [Op("unknown", line=php.line(node), detail=f"`{_snippet(node)}` {_OPAQUE[kind]}")]
        if kind == "object_creation_expression":
            created = node.named_children[0] if node.named_children else None
            name = php.class_name(created) if created is not None else None
            if created is not None and created.type != "anonymous_class" and (name is None or name in self.classes):
                return [Op("unknown", line=php.line(node),
                           detail=f"`{_snippet(node)}` creates an object of a class the reader does not follow")]
        return self.body(php.statements(node))

    def branches(self, node: Node) -> list[Op]:
        """A conditional's parts, each read in turn; a variable any of them assigns is unknown after it
        (`$sql` set to a `DROP` in one branch and an `ADD` in the other holds either), so SQL run from it
        there fails closed."""
        tracked: tuple[dict[str, Any], ...] = (self.tables, self.builders, self.strings, self.closures)
        before = [dict(known) for known in tracked]
        ops = self.body(php.statements(node))
        changed = {name for known, was in zip(tracked, before, strict=True)
                   for name in known.keys() | was.keys() if known.get(name) is not was.get(name)}
        for name in changed:
            self._forget(name)
        return ops

    def assign(self, node: Node) -> list[Op]:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        name = php.variable(left)
        if right is None:
            return []
        if name is not None and right.type in php.CLOSURES:
            self._forget(name)
            self.closures[name] = right  # it runs where it is called or handed to a call
            return []
        if right.type in php.CALLS:
            ops, state = self.call(right)
        else:
            ops, state = self.node(right), ("value", None)
        if name is None:
            return ops + (self.node(left) if left is not None else [])
        self._forget(name)
        literal = php.string(right)
        if literal is not None:
            self.strings[name] = literal
        if state[0] in ("schema", "db"):
            self.builders[name] = state[0]
        return ops

    def _forget(self, name: str | None) -> None:
        for known in (self.tables, self.builders, self.strings, self.closures):
            known.pop(name or "", None)

    def closure(self, node: Node, table: tuple[str | None] | None = None) -> list[Op]:
        """The body of a closure, its parameters its own (the first bound to `table`'s Blueprint, if given)."""
        parameters = php.parameters(node)
        with self._scope(parameters, {parameters[0]: table[0]} if table is not None and parameters else {}, {}):
            if self.depth > _MAX_DEPTH:
                return [Op("unknown", line=php.line(node), detail="closures nested too deeply to read")]
            body = node.child_by_field_name("body")
            return self.node(body) if body is not None else []

    def invoke(self, function: Node, step: Step, what: str) -> list[Op]:
        """A method or closure of the file, read where `step` calls it: a Blueprint or builder handed to
        it is one inside too."""
        parameters = php.parameters(function)
        ops: list[Op] = []
        tables: dict[str, str | None] = {}
        builders: dict[str, str] = {}
        for index, argument in enumerate(step.args):
            variable = php.variable(argument) or ""
            parameter = parameters[index] if index < len(parameters) else None
            if parameter is not None and variable in self.tables:
                tables[parameter] = self.tables[variable]
            elif parameter is not None and variable in self.builders:
                builders[parameter] = self.builders[variable]
            else:
                ops.extend(self.node(argument))
        with self._scope(parameters, tables, builders):
            if self.depth > _MAX_DEPTH:
                return [*ops, Op("unknown", line=step.line, detail=f"{what} calls itself too deeply")]
            body = function.child_by_field_name("body")
            return ops + (self.node(body) if body is not None else [])

    @contextmanager
    def _scope(self, parameters: list[str], tables: dict[str, str | None], builders: dict[str, str]) -> Iterator[None]:
        """A function's own variables: its parameters shadow the caller's, and are gone when it returns."""
        saved = dict(self.tables), dict(self.builders), dict(self.strings), dict(self.closures)
        for name in parameters:
            self._forget(name)
        self.tables.update(tables)
        self.builders.update(builders)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            self.tables, self.builders, self.strings, self.closures = saved

    def _closure(self, node: Node | None) -> Node | None:
        """The closure written at `node`, or held in the variable written there."""
        if node is not None and node.type in php.CLOSURES:
            return node
        return self.closures.get(php.variable(node) or "")

    def call(self, node: Node) -> tuple[list[Op], State]:
        if node.type == "function_call_expression":
            return self.function(node), ("value", None)
        root, steps = php.chain(node)
        ops, state = self.start(root)
        for index, step in enumerate(steps):
            if state[0] == "blueprint":
                return ops + self.blueprint(state[1], steps[index:]), ("value", None)
            found, state = self.step(state, step)
            ops.extend(found)
        return ops, state

    def start(self, root: Node) -> tuple[list[Op], State]:
        """What a chain starts from: a class, `$this`, a Blueprint or builder variable, or any other value."""
        if root.type == "relative_scope":
            return [], ("class", php.text(root).lower())
        name = php.class_name(root)
        if name is not None:
            return [], ("class", self.aliases.get(name, name))
        variable = php.variable(root)
        if variable == "this":
            return [], ("this", None)
        if variable is not None and variable in self.tables:
            return [], ("blueprint", self.tables[variable])
        if variable is not None and variable in self.builders:
            return [], (self.builders[variable], None)
        if root.type in php.CALLS:
            return self.call(root)
        return self.node(root), ("value", None)

    def step(self, state: State, step: Step) -> tuple[list[Op], State]:
        kind, subject = state
        if step.name is None:
            return [Op("unknown", line=step.line, detail=f"`{_snippet(step.node)}` calls a method chosen at run"
                       " time")], ("value", None)
        if (kind == "class" and subject == "Schema") or kind == "schema":
            return self.schema(step)
        if (kind == "class" and subject == "DB") or kind == "db":
            return self.db(step)
        if kind == "this" or (kind == "class" and subject in ("self", "static")):
            return self.own(step), ("value", None)
        if kind == "class":
            return self.static(subject or "", step)
        if kind == "value" and _schema_like(step):
            return [Op("unknown", line=step.line, detail=f"calls {step.name} on a value the reader does not follow:"
                       " it may be a schema builder"), *self.arguments(step, step.name)], ("value", None)
        return self.query(subject if kind == "query" else None, step), (kind, subject)

    def static(self, name: str, step: Step) -> tuple[list[Op], State]:
        if name == "parent":
            return [Op("unknown", line=step.line, detail="runs the parent class's method")], ("value", None)
        if name in self.classes or name in RUNS_CODE:
            what = "a class of this file" if name in self.classes else "it runs other code"
            return [Op("unknown", line=step.line, detail=f"calls {name}::{step.name}: {what}, which the reader"
                       " does not follow"), *self.arguments(step, f"{name}::{step.name}")], ("value", None)
        if name in VALUE_CLASSES:
            return self.arguments(step, f"{name}::{step.name}"), ("value", None)
        table = table_of(name)  # a model: `User::where(...)->update(...)` writes rows of `users`
        return self.query(table, step), ("query", table)

    def query(self, table: str | None, step: Step) -> list[Op]:
        """A call on a query, a model or any other value: it writes rows if it is named for that."""
        method = step.name or ""
        ops = self.arguments(step, method)
        if method == "truncate" and table is not None:
            return [*ops, Op("truncate", table, line=step.line, detail=f"truncate {table}")]
        if method in DATA_METHODS:
            what = f"{method} rows of {table}" if table else f"{method}: writes rows"
            return [*ops, rows_op(method, table, step.line, what)]
        return ops

    def schema(self, step: Step) -> tuple[list[Op], State]:
        method, line = step.name or "", step.line
        table = L.names(step.arg(0))[0]
        if method in _BLUEPRINT_CALLS:
            closure = self._closure(step.arg(_BLUEPRINT_CALLS[method]))
            ops = [Op("create_table", table, line=line, detail=f"create table {table}")] if method == "create" else []
            if closure is None:
                ops.append(Op("unknown", table, line=line, detail=f"Schema::{method} is given a Blueprint closure"
                              " the reader cannot find"))
            else:
                ops.extend(self.closure(closure, (table,)))
            return [table_named(op) for op in ops], ("value", None)
        if method in ("drop", "dropIfExists"):
            return [table_named(Op("drop_table", table, line=line, detail=f"drop table {table}"))], ("value", None)
        if method == "dropColumns":
            return [table_named(op) for op in L.blueprint(table, [step._replace(name="dropColumn",
                                                                               args=step.args[1:])]) or []], (
                "value", None)
        if method == "rename":
            new = L.names(step.arg(1))[0]
            return [table_named(Op("rename_table", table, to=new, line=line,
                                   detail=f"rename table {table} to {new}"))], ("value", None)
        if method in ("dropAllTables", "dropAllViews", "dropAllTypes", "dropDatabaseIfExists"):
            return [Op("destructive", line=line, detail=f"Schema::{method}")], ("value", None)
        if method in ("createDatabase", "ensureExtensionExists", "ensureVectorExtensionExists"):
            return [Op("additive", line=line, detail=f"Schema::{method}")], ("value", None)
        if method in _RUN_ONCE:
            return self.arguments(step, method, once=True), ("value", None)
        if method == "connection":
            return self.arguments(step, method), ("schema", None)
        if method == "getConnection":
            return [], ("db", None)
        if method in SCHEMA_METHODS:
            return self.arguments(step, method), ("value", None)
        return [Op("unknown", line=line, detail=f"calls Schema::{method}, which is not a Laravel schema"
                   " method")], ("value", None)

    def db(self, step: Step) -> tuple[list[Op], State]:
        method, line = step.name or "", step.line
        if method in SQL_METHODS:
            return self.sql(step), ("value", None)
        if method == "table":
            return self.arguments(step, method), ("query", L.names(step.arg(0))[0])
        if method in ("connection", "query"):
            return self.arguments(step, method), ("db" if method == "connection" else "query", None)
        if method == "getSchemaBuilder":
            return [], ("schema", None)
        if method in _RUN_ONCE:
            return self.arguments(step, method, once=True), ("value", None)
        if method in DB_METHODS:
            return self.arguments(step, method), ("value", None)
        return [Op("unknown", line=line, detail=f"calls DB::{method}, which is not a Laravel database method"),
                *self.arguments(step, method)], ("value", None)

    def sql(self, step: Step) -> list[Op]:
        first = step.arg(0, "query")
        name = php.variable(first)
        text = self.strings.get(name) if name is not None else php.string(first)
        if text is None or not text.value.replace(php.HOLE, "").strip():
            return [Op("unknown", line=step.line, detail=f"DB::{step.name} runs SQL built at run time")]
        return sql_ops(text.value.replace(php.HOLE, PLACEHOLDER), text.line)

    def blueprint(self, table: str | None, steps: list[Step]) -> list[Op]:
        first = steps[0]
        chosen = next((s for s in steps if s.name is None), None)
        if chosen is not None:
            return [Op("unknown", table, line=chosen.line, detail=f"`{_snippet(chosen.node)}` calls a method chosen"
                       " at run time")]
        if first.name == "after":  # `$table->after('email', function ($table) { ... })`: columns placed there
            closure = self._closure(first.arg(1))
            return self.closure(closure, (table,)) if closure is not None else [
                Op("unknown", table, line=first.line, detail="after() is given a closure the reader cannot find")]
        ops = [op for step in steps for op in self.arguments(step, step.name or "", once=True)]
        found = L.blueprint(table, steps)
        if found is None:
            found = [Op("unknown", table, line=first.line, detail=f"unrecognised Blueprint method {first.name}()")]
        return ops + [table_named(op) for op in found]

    def own(self, step: Step) -> list[Op]:
        """`$this->helper(...)`, `self::helper(...)`: the migration's method, read where it is called."""
        name, line = step.name or "", step.line
        method = self.methods.get(name.lower())
        if method is None:
            if name == "getConnection":
                return []
            return [Op("unknown", line=line, detail=f"calls {name}, which is not a method of the migration")]
        return self.invoke(method, step, f"method {name}")

    def function(self, node: Node) -> list[Op]:
        step = php.function_step(node)
        if step.name is None:
            called = node.child_by_field_name("function")
            closure = self._closure(called)
            if closure is not None:  # `$deleteOld('pages')`: a closure of the method, called here
                return self.invoke(closure, step, f"closure {php.text(called)}" if called is not None else "closure")
            ops = self.node(called) if called is not None else []
            return [*ops, Op("unknown", line=step.line, detail=f"`{_snippet(node)}` calls a function chosen at"
                             " run time"), *self.arguments(step, "it")]
        name = step.name.lower()
        if name in ONCE_FUNCTIONS:
            return self.arguments(step, name, once=True)
        if name in FUNCTIONS:
            return self.arguments(step, name)
        return [Op("unknown", line=step.line, detail=f"calls {step.name}(), which the reader does not know"),
                *self.arguments(step, name, once=True)]

    def arguments(self, step: Step, callee: str, once: bool = False) -> list[Op]:
        """The ops of a call's arguments; a closure's are `unknown` unless the call runs it once."""
        ops: list[Op] = []
        for argument in step.args:
            value = argument.named_children[0] if argument.type == "variadic_unpacking" and \
                argument.named_children else argument
            variable = php.variable(value)
            closure = self._closure(argument)
            if closure is not None:
                found = self.closure(closure)
                ops.extend(found if once else _repeated(found, f"inside a function handed to {callee}"))
            elif variable is not None and (variable in self.tables or variable in self.builders):
                ops.append(Op("unknown", line=step.line, detail=f"hands ${variable} to {callee}: what is done with"
                              " it is not in the migration"))
            else:
                ops.extend(self.node(argument))
        return ops


def _schema_like(step: Step) -> bool:
    """A call named and shaped like one that changes the schema: `$builder->drop('users')`,
    `$builder->table('users', function ($table) { ... })`, `$connection->statement('...')`."""
    if step.name in ("create", "table"):
        return any(a.type in php.CLOSURES for a in step.args)
    return step.name in ("drop", "dropIfExists", "dropColumns", "dropAllTables", "dropAllViews", "dropAllTypes",
                         "statement", "unprepared")


def _repeated(ops: list[Op], where: str) -> list[Op]:
    return [Op("unknown", op.table, line=op.line,
               detail=f"{op.detail} {where}: how often it runs, and on what, is known only at run time")
            if op.action in ACTIONS else op for op in ops]


def _snippet(node: Node) -> str:
    text = " ".join(php.text(node).split())
    return text if len(text) <= 60 else text[:57] + "..."
