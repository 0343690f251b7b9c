"""How a Alembic migration's forward code becomes ops (which files are one: alembic.py)."""

from __future__ import annotations

import ast
import builtins

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema.frameworks.alembic_ops import OpReader
from ownership_gate.classifiers.schema.frameworks.alembic_uses import calls, class_uses, indirect_uses
from ownership_gate.classifiers.schema.frameworks.pyast import (
    dotted,
    dynamic,
    fingerprint,
    module_constants,
    parse,
    program_names,
    runs_program,
)
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable

# Imports whose functions cannot change the database on their own.
_HARMLESS_MODULES = frozenset({
    "alembic", "sqlalchemy", "sa", "typing", "logging", "datetime", "json", "uuid", "re", "os",
    "sys", "textwrap", "enum", "collections", "itertools", "functools", "decimal", "time",
    "sqlalchemy_utils", "geoalchemy2", "sqlmodel", "psycopg2", "__future__", "warnings",
    "string", "random", "hashlib", "math", "pathlib", "dataclasses",
})
_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 8


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> the module it comes from, for project (non-library) imports."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found[alias.asname or alias.name] = node.module or "."
    return {k: v for k, v in found.items() if v.split(".")[0] not in _HARMLESS_MODULES}


class _Walker:
    def __init__(self, tree: ast.Module) -> None:
        self.constants = module_constants(tree)
        self.functions = {
            n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.imports = _imports(tree)
        self.program_names = program_names(tree)
        self.reader = OpReader(self.constants, tree)
        self.depth = 0

    def body(self, statements: list[ast.stmt]) -> list[Op]:
        ops: list[Op] = []
        for statement in statements:
            ops.extend(self.statement(statement))
        return ops

    def statement(self, node: ast.stmt) -> list[Op]:
        """The ops of one statement and of the blocks it holds, whatever its kind."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[node.name] = node  # a nested helper, called later by name
            return self.expressions([*node.decorator_list, *node.args.defaults,
                                     *(d for d in node.args.kw_defaults if d is not None)])
        if isinstance(node, ast.ClassDef):
            return class_uses(node, self.reader)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return []
        if isinstance(node, (ast.With, ast.AsyncWith)):
            ops: list[Op] = []
            for item in node.items:
                ops.extend(self.expression(item.context_expr, "with"))
                if item.optional_vars is not None:
                    ops.extend(self.expression(item.optional_vars))
                self.reader.enter_with(item)
            return ops + self.body(node.body)
        ops = []
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                ops.extend(self.expression(value, _role(node, field)))
            elif isinstance(value, list):
                ops.extend(self.block(value))
        if isinstance(node, ast.Assign):
            self.reader.remember(node.targets, node.value)
        return ops

    def block(self, items: list[ast.AST]) -> list[Op]:
        ops: list[Op] = []
        for item in items:
            if isinstance(item, ast.stmt):
                ops.extend(self.statement(item))
            elif isinstance(item, ast.expr):
                ops.extend(self.expression(item))
            elif isinstance(item, ast.ExceptHandler):
                ops.extend(self.expressions([item.type] if item.type is not None else []) + self.body(item.body))
            elif isinstance(item, ast.match_case):
                ops.extend(self.expressions([item.guard] if item.guard is not None else []) + self.body(item.body))
        return ops

    def expressions(self, nodes: list[ast.expr]) -> list[Op]:
        return [op for node in nodes for op in self.expression(node)]

    def expression(self, node: ast.expr, role: str = "value") -> list[Op]:
        """Every call in `node`, lambdas and comprehensions included, in evaluation order."""
        ops = indirect_uses(node, self.reader, self.functions, role)
        effect = {id(call) for call in _chain(node)} if role == "discarded" else set()
        for call in calls(node):
            ops.extend(self.call(call, discarded=id(call) in effect))
        return ops

    def call(self, call: ast.Call, discarded: bool = False) -> list[Op]:
        name = dotted(call.func)
        root = name.split(".")[0].split("(")[0]
        found = self.reader.read(call, name, root)
        if found is not None:
            return found
        if name in self.functions:
            return self.inline(self.functions[name], call)
        program = runs_program(name, self.program_names, call.lineno)
        if program:
            return program
        if discarded and root in self.imports and root not in _BUILTINS:
            # Called for its effect, from code this file does not hold.
            return [Op("unknown", line=call.lineno,
                       detail=f"calls {name}() from {self.imports[root]}, which cannot be read here")]
        return []

    def inline(self, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> list[Op]:
        if self.depth >= _MAX_DEPTH:
            return [Op("unknown", line=call.lineno, detail=f"helper {function.name}() calls itself too deeply")]
        self._bind_parameters(function, call)
        self.depth += 1
        try:
            return self.body(function.body)
        finally:
            self.depth -= 1

    def _bind_parameters(self, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> None:
        """A connection handed to a helper is a connection under its parameter's name."""
        parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        given = list(zip(parameters, call.args, strict=False))
        given += [(k.arg, k.value) for k in call.keywords if k.arg is not None]
        self.reader.binds.update(name for name, value in given if self.reader.is_bind(value))

    def module(self, tree: ast.Module) -> list[Op]:
        """What runs when the revision is imported: everything but the bodies of its functions."""
        return self.body(tree.body)


def _role(statement: ast.stmt, field: str) -> str:
    """How a statement uses its expression `field`: for its effect, stored in names, or otherwise."""
    if isinstance(statement, ast.Expr):
        return "discarded"
    if field == "value" and isinstance(statement, ast.Assign) and all(
            isinstance(t, ast.Name) for t in statement.targets):
        return "assigned"
    if field == "value" and isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return "assigned"
    return "value"


def _chain(node: ast.expr) -> list[ast.Call]:
    """The calls of `a.b(x).c(y)`, innermost first."""
    calls: list[ast.Call] = []
    while True:
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return list(reversed(calls))


def _dynamic_imports(tree: ast.Module) -> list[Op]:
    """`import importlib` and the like, anywhere in the file."""
    return [Op("unknown", line=node.lineno, detail=f"uses {found}, which reaches code by a name computed at run time")
            for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            and (found := dynamic(node)) is not None]


def _rebinds_upgrade(tree: ast.Module) -> bool:
    """`upgrade = ...` or `from x import upgrade`: the forward code is not a function of this file."""
    for node in tree.body:
        names: list[str] = []
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.asname or alias.name for alias in node.names]
        if any(name == "upgrade" or name.startswith("upgrade_") for name in names):
            return True
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    tree = parse(text, path)
    upgrades = [
        n for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (n.name == "upgrade" or n.name.startswith("upgrade_"))
    ]
    if _rebinds_upgrade(tree):
        raise Unreadable("upgrade is bound to code that is not a function of this file")
    if not upgrades:
        if declared:
            raise Unreadable("no upgrade() function")
        return None
    walker = _Walker(tree)
    ops = _dynamic_imports(tree) + walker.module(tree)
    for function in upgrades:
        ops.extend(walker.body(function.body))
    forward = [n for n in tree.body if not (
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("downgrade"))]
    return Migration(tuple(ops), fingerprint=fingerprint(forward))
