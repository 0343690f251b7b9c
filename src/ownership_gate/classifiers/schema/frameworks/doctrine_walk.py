"""Walking a Doctrine migration's forward code: each call it makes, as ops and SQL (the file: doctrine_read.py).

Calls start from `$this` (the migration: `addSql`, its own methods), its
`connection`, the `Schema` its forward methods receive, a table or column
of that Schema, a class or any other value; a variable keeps what it was
set to. What the walker cannot follow is `unknown`: a function or method
it does not know, another file (`require`), the service container, a
method or function chosen at run time, the connection or the Schema handed
to other code, SQL built at run time, and a schema change in a loop or a
closure (how often it runs, and on what, is known only then). The SQL is
collected as `Sql` items and read all at once (doctrine_read.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from tree_sitter import Node

from ownership_gate.classifiers.schema.frameworks import doctrine_ops as D
from ownership_gate.classifiers.schema.frameworks.doctrine_ops import VALUE, Item, Sql, State
from ownership_gate.classifiers.schema.frameworks.laravel_calls import FUNCTIONS, VALUE_CLASSES
from ownership_gate.classifiers.schema.ops import ACTIONS, PLACEHOLDER, Op, rows_op, table_named
from ownership_gate.formats import php, treesitter
from ownership_gate.formats.php import Step

# The migration's own methods that run nothing forward: conditions, output, questions.
_THIS_PLAIN = frozenset({"skipIf", "abortIf", "warnIf", "write", "throwIrreversibleMigrationException",
                         "getDescription", "isTransactional"})
# Connection methods that run the SQL text they are given (reads too: a query can write, `SELECT ... INTO`).
_SQL_METHODS = frozenset({
    "executeStatement", "executeQuery", "executeUpdate", "executeCacheQuery", "exec", "query", "prepare",
    "fetchAll", "fetchAllAssociative", "fetchAllAssociativeIndexed", "fetchAllKeyValue", "fetchAllNumeric",
    "fetchAssociative", "fetchNumeric", "fetchOne", "fetchFirstColumn", "fetchColumn", "fetchAssoc", "fetchArray",
    "iterateAssociative", "iterateNumeric", "iterateColumn", "iterateKeyValue", "iterateAssociativeIndexed",
})
# Connection methods that write rows of the table they name first.
_ROW_METHODS = frozenset({"insert", "update", "delete"})
# Connection methods that run no SQL of the caller's: questions, transactions, quoting.
_CONNECTION_PLAIN = frozenset({
    "getDatabasePlatform", "getDatabase", "getParams", "getDriver", "quote", "quoteIdentifier",
    "quoteSingleIdentifier", "lastInsertId", "isTransactionActive", "beginTransaction", "commit", "rollBack",
    "isAutoCommit", "setAutoCommit", "getTransactionNestingLevel", "getServerVersion", "convertToDatabaseValue",
    "convertToPHPValue", "getConfiguration", "getEventManager", "getExpressionBuilder", "createExpressionBuilder",
    "ping", "close", "connect", "isConnected", "getTransactionIsolation", "setTransactionIsolation",
    "isRollbackOnly", "setRollbackOnly", "createSavepoint", "releaseSavepoint", "rollbackSavepoint",
})
# DBAL's query builder (`$this->connection->createQueryBuilder()`) builds SELECT, INSERT, UPDATE and DELETE
# only, never a schema change. Its methods that start the statement, naming its table first.
_QUERY_VERBS = frozenset({"select", "addSelect", "insert", "update", "delete"})
# Its methods that describe the statement further.
_QUERY_PARTS = frozenset({
    "from", "where", "andWhere", "orWhere", "having", "andHaving", "orHaving", "join", "innerJoin", "leftJoin",
    "rightJoin", "set", "values", "setValue", "setParameter", "setParameters", "setMaxResults", "setFirstResult",
    "orderBy", "addOrderBy", "groupBy", "addGroupBy", "distinct", "resetWhere", "resetOrderBy", "resetGroupBy",
    "resetHaving", "forUpdate", "union", "addUnion",
})
# Its methods that give something else: an expression builder (`$qb->expr()->eq(...)`, which writes SQL
# conditions as text), a parameter's placeholder, the SQL or the parameters so far.
_QUERY_VALUES = frozenset({"expr", "createNamedParameter", "createPositionalParameter", "getSQL", "getParameters",
                           "getParameter", "getMaxResults", "getFirstResult"})
# Its methods that run the statement.
_QUERY_RUNS = frozenset({
    "executeQuery", "executeStatement", "execute", "fetchAllAssociative", "fetchAssociative", "fetchOne",
    "fetchAllNumeric", "fetchNumeric", "fetchFirstColumn", "fetchAllKeyValue", "fetchAllAssociativeIndexed",
})
# Schema manager methods that only ask.
_MANAGER_PLAIN = re.compile(r"^(?:list|introspect|tablesExist|tableExists|getSchemaSearchPaths|"
                            r"getExistingSchemaSearchPaths|createSchemaConfig|createComparator|getDatabasePlatform)")
# Method names that change a schema or write rows, called on a value the reader does not follow.
_WRITES = re.compile(r"^(?:add|drop|rename|create|remove|change|modify|alter|execute|exec|insert|update|delete|"
                     r"truncate|persist|flush|prepare|query|migrate|statement)(?:[A-Z_]|$)|^set(?:Notnull|Default|"
                     r"Type|Length|Autoincrement|ColumnDefinition|PrimaryKey)$")
# PHP functions beside those laravel_calls lists that only compute values.
_FUNCTIONS = FUNCTIONS | frozenset({"getenv", "version_compare", "phpversion", "extension_loaded", "array_flip",
                                    "array_key_exists", "ucwords", "lcfirst", "str_contains", "mb_strlen"})
_VALUE_CLASSES = VALUE_CLASSES | frozenset({"Type", "Types", "Uuid", "Ulid", "DateTimeZone", "DateInterval",
                                            "DateTimeImmutable", "Json"})
# The parent's methods an AbstractMigration subclass may call: they run nothing.
_PARENT_PLAIN = frozenset({"__construct", "preup", "postup", "up"})
_LOOPS = frozenset({"foreach_statement", "for_statement", "while_statement", "do_statement"})
# Code that may or may not run: what a variable is set to inside is not known after it.
_BRANCHES = frozenset({"if_statement", "switch_statement", "try_statement"})
_OPAQUE = {
    "require_expression": "runs another PHP file", "require_once_expression": "runs another PHP file",
    "include_expression": "runs another PHP file", "include_once_expression": "runs another PHP file",
    "shell_command_expression": "runs a shell command", "function_definition": "defines a function at run time",
    "class_declaration": "defines a class at run time", "anonymous_class": "defines a class at run time",
}
# What handed to code the reader does not read lets that code change the schema.
_HANDLES = frozenset({"this", "connection", "schema", "table", "column", "manager"})
_MAX_DEPTH = 8


class Walker:
    """The ops and SQL of the code it is given, calls of the migration's own methods followed."""

    def __init__(self, methods: dict[str, Node], plain_parent: bool) -> None:
        self.methods = methods  # the migration's methods, by lower-case name (PHP ignores their case)
        self.plain_parent = plain_parent  # it extends AbstractMigration, whose methods run nothing
        self.items: list[Item] = []
        self.depth = 0
        self.variables: dict[str, State] = {}
        self.strings: dict[str, php.Text] = {}  # variable -> the literal text last assigned to it

    def forward(self, method: Node, schema: bool) -> None:
        """One forward method; with `schema` (`up`, `preUp`, `postUp`) its first parameter is the Schema."""
        parameters = php.parameters(method)
        with self._scope({parameters[0]: State("schema")} if parameters and schema else {}, {}):
            body = method.child_by_field_name("body")
            if body is not None:
                self.node(body)

    def node(self, node: Node) -> None:
        kind = node.type
        if kind in php.CALLS:
            self.call(node)
        elif kind in _LOOPS:
            start = len(self.items)
            with self._maybe():
                self._loop(node)
            self._repeated(start, "in a loop")
        elif kind in _BRANCHES:
            with self._maybe():
                self._children(node)
        elif kind in php.CLOSURES:
            self.closure(node)
        elif kind == "assignment_expression":
            self.assign(node)
        elif kind == "augmented_assignment_expression":  # `$sql .= $more`: no longer the literal
            self._forget(php.variable(node.child_by_field_name("left")))
            self._children(node)
        elif kind in _OPAQUE:
            self.items.append(Op("unknown", line=php.line(node), detail=f"`{_snippet(node)}` {_OPAQUE[kind]}"))
        elif kind in ("member_access_expression", "variable_name") and self._handle(node) is not None:
            # `[$this, 'drop']`, `$tables[] = $table`: used where the reader cannot follow what is done with it
            self.items.append(Op("unknown", line=php.line(node), detail=f"uses {self._handle(node)} where the"
                                 " reader cannot follow what is done with it"))
        elif kind == "member_access_expression":
            self.member(node)
        elif kind == "object_creation_expression":
            arguments = next((c for c in node.named_children if c.type == "arguments"), None)
            for argument in arguments.named_children if arguments is not None else ():
                value = argument.named_children[-1] if argument.named_children else argument
                if self._handle(value) is not None:
                    self.items.append(Op("unknown", line=php.line(node), detail=f"hands {self._handle(value)} to"
                                         f" `{_snippet(node)}`: what is done with it is not in the migration"))
                else:
                    self.node(value)
            for child in node.named_children:
                if child.type != "arguments":
                    self.node(child)
        else:
            self._children(node)

    def _loop(self, node: Node) -> None:
        """A loop's code; the variables `foreach` sets (`as $key => $sql`) hold each element in turn."""
        body = node.child_by_field_name("body") if node.type == "foreach_statement" else None
        children = php.statements(node)
        if body is None or not children:
            self._children(node)
            return
        self.node(children[0])  # what it loops over
        for child in children[1:]:
            if child.id != body.id:
                for inner in treesitter.walk(child):
                    self._forget(php.variable(inner))
        self.node(body)

    def _children(self, node: Node) -> None:
        for child in php.statements(node):
            self.node(child)

    def closure(self, node: Node) -> None:
        """A closure's body, read where it is written: it may run any number of times, on anything."""
        start = len(self.items)
        parameters = php.parameters(node)
        with self._scope({**{k: v for k, v in self.variables.items() if k not in parameters}},
                         {k: v for k, v in self.strings.items() if k not in parameters}):
            if self.depth > _MAX_DEPTH:
                self.items.append(Op("unknown", line=php.line(node), detail="closures nested too deeply to read"))
            else:
                body = node.child_by_field_name("body")
                if body is not None:
                    self.node(body)
        self._repeated(start, "inside a closure")

    def assign(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        name = php.variable(left)
        if right is None:
            return
        literal = php.string(right)
        state = self.value(right)
        if name is None:
            if left is not None:
                for inner in treesitter.walk(left):  # `[$a, $b] = ...`: each is set to what the reader cannot tell
                    self._forget(php.variable(inner))
                self.node(left)
            return
        self._forget(name)
        right_name = php.variable(right)
        if literal is not None:
            self.strings[name] = literal
        elif right_name is not None and right_name in self.strings:
            self.strings[name] = self.strings[right_name]
        if state.kind != "value":
            self.variables[name] = state

    def _forget(self, name: str | None) -> None:
        self.variables.pop(name or "", None)
        self.strings.pop(name or "", None)

    @contextmanager
    def _maybe(self) -> Iterator[None]:
        """Code that may run or not, or run again: a variable it sets is forgotten after it (either
        branch of an `if` may have set it, or none)."""
        variables, strings = dict(self.variables), dict(self.strings)
        yield
        for name in {*variables, *strings, *self.variables, *self.strings}:
            if self.variables.get(name) != variables.get(name) or self.strings.get(name) != strings.get(name):
                self._forget(name)

    @contextmanager
    def _scope(self, variables: dict[str, State], strings: dict[str, php.Text]) -> Iterator[None]:
        """A function's own variables, gone when it returns."""
        saved = self.variables, self.strings
        self.variables, self.strings = variables, strings
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            self.variables, self.strings = saved

    def value(self, node: Node) -> State:
        """What an expression is to the reader; the ops of what it runs are recorded on the way."""
        if node.type == "parenthesized_expression" and node.named_children:
            return self.value(node.named_children[0])
        if node.type in php.CALLS:
            return self.call(node)
        if node.type == "member_access_expression":
            return self.member(node)
        name = php.variable(node)
        if name == "this":
            return State("this")
        if name is not None:
            return self.variables.get(name, VALUE)
        self.node(node)
        return VALUE

    def member(self, node: Node) -> State:
        """`$this->connection`, `$this->sm`, `$this->container`, or a property of any other value."""
        holder = node.child_by_field_name("object")
        field = node.child_by_field_name("name")
        prop = php.text(field) if field is not None and field.type == "name" else None
        if holder is not None and php.variable(holder) == "this":
            if prop == "connection":
                return State("connection")
            if prop == "sm":
                return State("manager")
            if prop == "container":
                self.items.append(Op("unknown", line=php.line(node), detail="uses the service container: the"
                                     " application code it runs is not in the migration"))
            return VALUE
        if holder is not None:
            self.node(holder)
        if field is not None and field.type != "name":
            self.node(field)
        return VALUE

    def call(self, node: Node) -> State:
        if node.type == "function_call_expression":
            self.function(node)
            return VALUE
        root, steps = php.chain(node)
        state = self.start(root)
        for step in steps:
            state = self.step(state, step)
        return state

    def start(self, root: Node) -> State:
        """What a chain starts from: a class, `$this`, a tracked variable, or any other value."""
        if root.type == "relative_scope":
            return State("class", name=php.text(root).lower())
        name = php.class_name(root)
        if name is not None:
            return State("class", name=name)
        return self.value(root)

    def step(self, state: State, step: Step) -> State:
        kind = state.kind
        if step.name is None:
            self.items.append(Op("unknown", line=step.line, detail=f"`{_snippet(step.node)}` calls a method chosen"
                                 " at run time"))
            self.arguments(step, "it")
            return VALUE
        if kind == "this" or (kind == "class" and state.name in ("self", "static")):
            return self.own(step)
        if kind == "class":
            return self.static(state.name or "", step)
        if kind == "connection":
            return self.connection(step)
        if kind in ("schema", "table", "column"):
            # A table given to a table (a foreign key's) stays there.
            self.arguments(step, step.name, handing=False, known=True)
            if kind == "schema":
                return D.schema(step, self.items)
            return D.table(state, step, self.items) if kind == "table" else D.column(state, step, self.items)
        if kind == "manager":
            self.arguments(step, step.name, known=True)
            if not _MANAGER_PLAIN.match(step.name):
                self.items.append(Op("unknown", line=step.line, detail=f"calls the schema manager's {step.name}(),"
                                     " which changes the database outside the migration's Schema"))
            return VALUE
        if kind == "statement":
            self.arguments(step, step.name)
            return state  # a prepared statement run with values: its SQL was read where it was prepared
        if kind == "query":
            return self.query(state, step)
        if _WRITES.match(step.name):
            self.items.append(Op("unknown", line=step.line, detail=f"calls {step.name}() on a value the reader does"
                                 " not follow: it may change the schema or rows"))
        self.arguments(step, step.name)
        return VALUE

    def own(self, step: Step) -> State:
        """`$this->addSql(...)`, a condition or output of the migration, or a method of the file."""
        name = step.name or ""
        if name == "addSql":
            self.sql(step, "addSql")
            return VALUE
        if name in _THIS_PLAIN:
            self.arguments(step, name, known=True)
            return VALUE
        method = self.methods.get(name.lower())
        if method is None:
            self.items.append(Op("unknown", line=step.line, detail=f"calls {name}, which is not a method of the"
                                 " migration"))
            self.arguments(step, name)
            return VALUE
        self.invoke(method, step, name)
        return VALUE

    def invoke(self, method: Node, step: Step, name: str) -> None:
        """A method of the file, read where it is called, what it is handed bound to its parameters."""
        parameters = php.parameters(method)
        variables: dict[str, State] = {}
        strings: dict[str, php.Text] = {}
        for index, argument in enumerate(step.args):
            literal = php.string(argument)
            state = self.value(argument)
            parameter = parameters[index] if index < len(parameters) else None
            if parameter is None:
                continue
            if state.kind != "value":
                variables[parameter] = state
            if literal is not None:
                strings[parameter] = literal
        with self._scope(variables, strings):
            if self.depth > _MAX_DEPTH:
                self.items.append(Op("unknown", line=step.line, detail=f"method {name} calls itself too deeply"))
            else:
                body = method.child_by_field_name("body")
                if body is not None:
                    self.node(body)
        for argument in step.args:  # a parameter taken by reference may have changed it
            self.strings.pop(php.variable(argument) or "", None)

    def static(self, name: str, step: Step) -> State:
        method = step.name or ""
        if name == "parent" and self.plain_parent and method.lower() in _PARENT_PLAIN:
            self.arguments(step, f"parent::{method}", handing=False, known=True)
            return VALUE
        if name in _VALUE_CLASSES:
            self.arguments(step, f"{name}::{method}")
            return VALUE
        what = "the parent class" if name == "parent" else name
        self.items.append(Op("unknown", line=step.line, detail=f"calls {what}::{method}, which the reader does not"
                             " follow"))
        self.arguments(step, f"{name}::{method}")
        return VALUE

    def connection(self, step: Step) -> State:
        method, line = step.name or "", step.line
        if method in _SQL_METHODS:
            self.sql(step, f"connection->{method}")
            return State("statement") if method == "prepare" else VALUE
        if method in _ROW_METHODS:
            self.arguments(step, method, first=1, known=True)
            names = php.strings(step.arg(0, "table"))
            table = names[0] if names is not None and len(names) == 1 else None
            what = f"{method} rows of {table}" if table else f"{method}: writes rows of a table named at run time"
            self.items.append(table_named(rows_op(method, table, line, what)))
            return VALUE
        if method in ("createSchemaManager", "getSchemaManager"):
            return State("manager")
        if method == "createQueryBuilder":
            return State("query")
        if method == "transactional":  # runs the closure it is given, once, in a transaction
            self.arguments(step, method, known=True)
            return VALUE
        if method in _CONNECTION_PLAIN:
            self.arguments(step, method, known=True)
            return VALUE
        self.items.append(Op("unknown", line=line, detail=f"calls connection->{method}(), which the reader does not"
                             " know"))
        self.arguments(step, method)
        return VALUE

    def query(self, state: State, step: Step) -> State:
        """A step of a DBAL query builder's chain: the statement it builds (`update('short_urls')`), a part of it,
        or running it, which writes the rows of its table for an INSERT, UPDATE or DELETE."""
        method, line = step.name or "", step.line
        if method in _QUERY_VERBS:
            self.arguments(step, method, first=1, known=True)
            if method == "addSelect":
                return state
            names = php.strings(step.arg(0, "table")) if method != "select" else None
            return State("query", table=names[0] if names is not None and len(names) == 1 else None, name=method)
        if method in _QUERY_PARTS or method in _QUERY_VALUES:
            self.arguments(step, method, known=True)
            return state if method in _QUERY_PARTS else VALUE
        if method in _QUERY_RUNS:
            self.arguments(step, method, known=True)
            verb = state.name or "select"
            if verb != "select":
                table = state.table
                what = f"{verb} rows of {table}" if table else f"{verb}: writes rows of a table named at run time"
                self.items.append(table_named(rows_op(verb, table, line, what)))
            return VALUE
        self.items.append(Op("unknown", line=line, detail=f"calls {method}() on a query builder, which the reader"
                             " does not know"))
        self.arguments(step, method)
        return VALUE

    def sql(self, step: Step, callee: str) -> None:
        """The SQL text a call runs: a literal, a `.` of literals, or a variable set to one."""
        first = step.arg(0, "sql") or step.arg(0, "query")
        name = php.variable(first)
        text = self.strings.get(name) if name is not None else php.string(first)
        self.arguments(step, callee, first=1, known=True)
        if text is None or not text.value.replace(php.HOLE, "").strip():
            if first is not None and name is None:
                self.node(first)
            self.items.append(Op("unknown", line=step.line, detail=f"{callee} runs SQL built at run time"))
            return
        self.items.append(Sql(text.value.replace(php.HOLE, PLACEHOLDER), text.line))

    def function(self, node: Node) -> None:
        step = php.function_step(node)
        if step.name is None:
            called = node.child_by_field_name("function")
            if called is not None:
                self.node(called)
            self.items.append(Op("unknown", line=step.line, detail=f"`{_snippet(node)}` calls a function chosen at"
                                 " run time"))
        elif step.name.lower() not in _FUNCTIONS:
            self.items.append(Op("unknown", line=step.line, detail=f"calls {step.name}(), which the reader does not"
                                 " know"))
        self.arguments(step, step.name or "it")

    def arguments(self, step: Step, callee: str, first: int = 0, handing: bool = True, known: bool = False) -> None:
        """The ops of a call's arguments from the `first`; the migration, its connection, the Schema or a
        table handed over (`handing`) is `unknown`: what is done with it is not in the migration. Unless the
        call is `known` to take its arguments by value, a variable handed over may be changed by reference
        (`preg_match($pattern, $text, $sql)`): its text is forgotten."""
        if step.name == "extract" and not known:
            self.variables, self.strings = {}, {}  # it may set any variable
        for argument in step.args[first:]:
            if not known:
                self.strings.pop(php.variable(argument) or "", None)
            value = argument.named_children[0] if argument.type == "variadic_unpacking" and \
                argument.named_children else argument
            handed = self._handle(value) if handing else None
            if handed is None and not handing and php.variable(value) is not None:
                continue  # a variable handed where the reader knows what is done with it
            if handed is not None:
                self.items.append(Op("unknown", line=step.line, detail=f"hands {handed} to {callee}: what is done"
                                     " with it is not in the migration"))
            else:
                self.node(argument)

    def _handle(self, node: Node) -> str | None:
        """`node`'s text when it is the migration, its connection, the Schema or a part of it."""
        name = php.variable(node)
        if name == "this" or (name is not None and self.variables.get(name, VALUE).kind in _HANDLES):
            return f"${name}"
        if node.type == "member_access_expression":
            holder, field = node.child_by_field_name("object"), node.child_by_field_name("name")
            if holder is not None and php.variable(holder) == "this" and field is not None and \
                    php.text(field) in ("connection", "sm"):
                return php.text(node)
        return None

    def _repeated(self, start: int, where: str) -> None:
        """What ran from `start` on runs in a loop or a closure: a schema change there is `unknown`."""
        for index in range(start, len(self.items)):
            item = self.items[index]
            if isinstance(item, Sql):
                self.items[index] = item if item.where else item._replace(where=where)
            else:
                self.items[index] = repeated(item, where)


def repeated(op: Op, where: str) -> Op:
    if op.action not in ACTIONS:
        return op
    return Op("unknown", op.table, line=op.line,
              detail=f"{op.detail} {where}: how often it runs, and on what, is known only at run time")


def _snippet(node: Node) -> str:
    text = " ".join(php.text(node).split())
    return text if len(text) <= 60 else text[:57] + "..."
