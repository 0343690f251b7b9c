"""How a goose Go migration's forward function becomes ops (which files are one: schema_goose).

The file registers its functions with goose (`AddMigration`, `AddMigrationContext`, the `NoTx` and
`Named` forms); the first function handed over runs forward. Its SQL (a string literal, a constant
of the file, a `+` of them or a `fmt.Sprintf` template, given to `Exec`, `ExecContext`, `Query`,
`Prepare`, ...) is read as any SQL migration, values filled in at run time as placeholders,
and functions of the file it calls are read where they are called. SQL built at run time (a
variable, `fmt.Sprintf`) is `unknown`, and so is a forward function that runs no SQL this reader
can see but does more than return.
"""

from __future__ import annotations

import ast
import re

from tree_sitter import Node

from ownership_gate.classifiers.schema.ops import PLACEHOLDER, Migration, Op, Unreadable
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats import treesitter

_REGISTER = frozenset({
    "AddMigration", "AddMigrationContext", "AddMigrationNoTx", "AddMigrationNoTxContext",
    "AddNamedMigration", "AddNamedMigrationContext", "AddNamedMigrationNoTx", "AddNamedMigrationNoTxContext",
})
_RUNS_SQL = frozenset({"Exec", "ExecContext", "MustExec", "MustExecContext", "Query", "QueryContext",
                       "QueryRow", "QueryRowContext", "Prepare", "PrepareContext"})
_STRINGS = ("raw_string_literal", "interpreted_string_literal")
# A formatting verb of `fmt.Sprintf` (`%s`, `%d`, `%q`, `%v`): a value filled in at run time.
_VERB = re.compile(r"%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[svdqxXfgt]")
_MAX_DEPTH = 8


def read(text: str, path: str, declared: bool = False) -> Migration | None:
    tree = treesitter.parse("go", text.encode("utf-8"))
    root = tree.root_node
    if treesitter.has_errors(root):
        raise Unreadable("the Go file does not parse", treesitter.error_line(root))
    functions = {name.text.decode(): node for node in root.children if node.type == "function_declaration"
                 and (name := node.child_by_field_name("name")) is not None and name.text is not None}
    forward = _forward(root)
    if forward is None:
        if declared:  # the policy says everything here runs as a migration
            return Migration((Op("unknown", line=1, detail="registers no migration with goose"),))
        return None  # registers nothing with goose: not a migration
    constants = _constants(root)
    if forward.type == "identifier":
        if forward.text == b"nil":
            return Migration(())
        defined = functions.get(forward.text.decode() if forward.text else "")
        if defined is None:
            return Migration((Op("unknown", line=treesitter.line(forward),
                                 detail="the forward function is defined outside this file"),))
        forward = defined
    body = forward.child_by_field_name("body")
    ops = _ops(body, functions, constants, 0) if body is not None else []
    if not ops and body is not None and not _only_returns(body):
        ops = [Op("unknown", line=treesitter.line(body), detail="runs no SQL this reader can see")]
    return Migration(tuple(ops))


def _forward(root: Node) -> Node | None:
    """The function (a name or a literal) the file registers to run forward."""
    for call in _calls(root):
        name = _called(call)
        if name is None or name.text is None or name.text.decode() not in _REGISTER:
            continue
        arguments = call.child_by_field_name("arguments")
        for argument in arguments.named_children if arguments is not None else ():
            if argument.type in ("identifier", "func_literal"):
                return argument
    return None


def _called(call: Node) -> Node | None:
    """The name a call calls: `AddMigration` of `goose.AddMigration(...)`, `up` of `up(...)`."""
    function = call.child_by_field_name("function")
    if function is not None and function.type == "selector_expression":
        return function.child_by_field_name("field")
    return function


def _calls(node: Node) -> list[Node]:
    return [inner for inner in treesitter.walk(node) if inner.type == "call_expression"]


def _constants(root: Node) -> dict[str, Node]:
    """The file's string constants (`const dropSQL = "..."`), by name."""
    found: dict[str, Node] = {}
    for node in root.children:
        if node.type != "const_declaration":
            continue
        for spec in node.named_children:
            names = [c for c in spec.named_children if c.type == "identifier"]
            value = spec.child_by_field_name("value")
            literal = value.named_children[0] if value is not None and value.named_children else None
            if len(names) == 1 and literal is not None and literal.type in _STRINGS and names[0].text:
                found[names[0].text.decode()] = literal
    return found


def _ops(body: Node, functions: dict[str, Node], constants: dict[str, Node], depth: int) -> list[Op]:
    if depth > _MAX_DEPTH:
        raise Unreadable("calls its own functions too deeply to read", treesitter.line(body))
    ops: list[Op] = []
    prepared = _prepared(body)
    for call in _calls(body):
        function = call.child_by_field_name("function")
        if function is None or function.text is None:
            continue
        arguments = call.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        if function.type == "identifier" and function.text.decode() in functions:
            called = functions[function.text.decode()].child_by_field_name("body")
            if called is not None:
                ops += _ops(called, functions, constants, depth + 1)
            continue
        field = function.child_by_field_name("field") if function.type == "selector_expression" else None
        if field is None or field.text is None or field.text.decode() not in _RUNS_SQL:
            continue
        receiver = function.child_by_field_name("operand")
        if receiver is not None and receiver.text in prepared:
            continue  # a prepared statement run with values: its SQL was read where it was prepared
        ops += _statement(call, args, constants)
    return ops


def _prepared(body: Node) -> set[bytes]:
    """The names given a prepared statement (`stmt, err := tx.Prepare("...")`)."""
    names: set[bytes] = set()
    for node in treesitter.walk(body):
        if node.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or not right.named_children:
            continue
        value = right.named_children[0]
        called = _called(value) if value.type == "call_expression" else None
        if called is not None and called.text in (b"Prepare", b"PrepareContext") and left.named_children:
            first = left.named_children[0]
            if first.text:
                names.add(first.text)
    return names


def _statement(call: Node, args: list[Node], constants: dict[str, Node]) -> list[Op]:
    """The ops of one `Exec`-like call: its first argument that is SQL (the context comes before it)."""
    for argument in args:
        if argument.type == "identifier" and argument.text in (b"ctx", b"context"):
            continue  # the context argument of ExecContext
        sql = _sql(argument, constants)
        if sql is None or not sql.replace(PLACEHOLDER, "").strip():
            break
        return sql_ops(sql, treesitter.line(argument))
    return [Op("unknown", line=treesitter.line(call), detail="runs SQL built at run time")]


def _sql(node: Node, constants: dict[str, Node]) -> str | None:
    """The SQL text of a literal, a constant of the file or a `+` of them; a value joined in from
    elsewhere (`consts.Separator`) stands as a placeholder. None when no part is written here."""
    if node.type == "parenthesized_expression" and node.named_children:
        return _sql(node.named_children[0], constants)
    if node.type == "identifier" and node.text and node.text.decode() in constants:
        node = constants[node.text.decode()]
    if node.type in _STRINGS:
        return _value(node)
    if node.type == "call_expression" and node.text and node.text.startswith(b"fmt.Sprintf("):
        arguments = node.child_by_field_name("arguments")
        template = _sql(arguments.named_children[0], constants) if arguments and arguments.named_children else None
        return None if template is None else _VERB.sub(PLACEHOLDER, template).replace("%%", "%")
    operator = node.child_by_field_name("operator")
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if node.type == "binary_expression" and operator is not None and operator.text == b"+" and left and right:
        parts = [_sql(left, constants), _sql(right, constants)]
        if all(part is None for part in parts):
            return None
        return "".join(PLACEHOLDER if part is None else part for part in parts)
    return None


def _value(literal: Node) -> str | None:
    text = literal.text.decode("utf-8", "replace") if literal.text else ""
    if literal.type == "raw_string_literal":
        return text[1:-1]
    try:
        value = ast.literal_eval(text)  # Go's escapes in a double-quoted string are Python's too
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _only_returns(body: Node) -> bool:
    """The function does nothing but return (`return nil`)."""
    statements = [n for n in body.named_children if n.type != "comment"]
    if len(statements) == 1 and statements[0].type == "statement_list":
        statements = [n for n in statements[0].named_children if n.type != "comment"]
    return all(n.type == "return_statement" for n in statements)
