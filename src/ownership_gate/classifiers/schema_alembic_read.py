"""How a Alembic migration's forward code becomes ops (which files are one: schema_alembic)."""

from __future__ import annotations

import ast
import builtins

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema_alembic_ops import OpReader
from ownership_gate.classifiers.schema_ops import Migration, Op, Unreadable
from ownership_gate.classifiers.schema_pyast import dotted, fingerprint, module_constants, parse

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
        self.reader = OpReader(self.constants)
        self.depth = 0

    def body(self, statements: list[ast.stmt]) -> list[Op]:
        ops: list[Op] = []
        for statement in statements:
            ops.extend(self.statement(statement))
        return ops

    def statement(self, node: ast.stmt) -> list[Op]:
        ops: list[Op] = []
        if isinstance(node, ast.With):
            for item in node.items:
                ops.extend(self.expression(item.context_expr))
                self.reader.enter_with(item)
            return ops + self.body(node.body)
        if isinstance(node, (ast.If, ast.For, ast.While, ast.Try)):
            if isinstance(node, ast.For):
                ops.extend(self.expression(node.iter))
            for block in ("body", "orelse", "finalbody"):
                ops.extend(self.body(getattr(node, block, [])))
            for handler in getattr(node, "handlers", []):
                ops.extend(self.body(handler.body))
            return ops
        value = getattr(node, "value", None) if isinstance(
            node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)) else None
        if value is None:
            return ops
        if isinstance(node, ast.Assign):
            self.reader.remember(node.targets, value)
        return self.expression(value, discarded=isinstance(node, ast.Expr))

    def expression(self, node: ast.expr, discarded: bool = False) -> list[Op]:
        if isinstance(node, ast.Await):
            node = node.value
        ops: list[Op] = []
        for call in _chain(node):
            ops.extend(self.call(call, discarded))
        return ops

    def call(self, call: ast.Call, discarded: bool = False) -> list[Op]:
        name = dotted(call.func)
        root = name.split(".")[0].split("(")[0]
        found = self.reader.read(call, name, root)
        if found is not None:
            return found
        if name in self.functions:
            return self.inline(self.functions[name], call)
        if discarded and root in self.imports and root not in _BUILTINS:
            # Called for its effect, from code this file does not hold.
            return [Op("unknown", line=call.lineno,
                       detail=f"calls {name}() from {self.imports[root]}, which cannot be read here")]
        return []

    def inline(self, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> list[Op]:
        if self.depth >= _MAX_DEPTH:
            return [Op("unknown", line=call.lineno, detail=f"helper {function.name}() calls itself too deeply")]
        self.depth += 1
        try:
            return self.body(function.body)
        finally:
            self.depth -= 1


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


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    tree = parse(text, path)
    upgrades = [
        n for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (n.name == "upgrade" or n.name.startswith("upgrade_"))
    ]
    if not upgrades:
        if declared:
            raise Unreadable("no upgrade() function")
        return None
    walker = _Walker(tree)
    ops: list[Op] = []
    for function in upgrades:
        ops.extend(walker.body(function.body))
    forward = [n for n in tree.body if not (
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("downgrade"))]
    return Migration(tuple(ops), fingerprint=fingerprint(forward))
