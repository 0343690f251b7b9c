"""Small `ast` helpers shared by the Django and Alembic readers."""

from __future__ import annotations

import ast
import copy
import re
import sys

from ownership_gate.classifiers.schema.ops import PLACEHOLDER, Op, Unreadable
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats import python

# The Python that reads the migration: syntax newer than it (3.12's f-strings, 3.14's `except A, B:`) does not
# parse, and the message says which Python read it.
_READER = f"Python {sys.version_info.major}.{sys.version_info.minor}"


def parse(text: str, path: str) -> ast.Module:
    try:
        return python.tree(text, path)
    except SyntaxError as exc:
        raise Unreadable(f"Python syntax error as {_READER} reads it (syntax of a newer Python needs ownership-gate"
                         f" run on that Python): {exc.msg}", exc.lineno) from None
    except (ValueError, MemoryError) as exc:
        raise Unreadable(f"cannot parse Python: {exc}") from None


_ROLLBACK_KEYWORDS = frozenset({"reverse_sql", "reverse_code", "hints", "elidable"})


class _Code(ast.NodeTransformer):
    """Drops what changes no behaviour: imports, docstrings and type annotations."""

    def visit_Import(self, node: ast.Import) -> None:
        return None

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return None

    def visit_Expr(self, node: ast.Expr) -> ast.Expr | None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.returns = None
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        # Django's rollback arguments: `RunSQL(sql, reverse_sql)`, `RunPython(code, reverse_code)`.
        if last(dotted(node.func)) in ("RunSQL", "RunPython"):
            node.args = node.args[:1]
            node.keywords = [k for k in node.keywords if k.arg not in _ROLLBACK_KEYWORDS]
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.Assign | None:
        if node.value is None:
            return None
        self.generic_visit(node)
        return ast.Assign(targets=[node.target], value=node.value)


def fingerprint(nodes: list[ast.stmt]) -> str:
    """The code of `nodes` without layout, comments, imports, docstrings, annotations or the
    rewrites a linter makes without changing what runs (`else` after `return`, `raise ... from`)."""
    module = _Code().visit(ast.Module(body=copy.deepcopy(nodes), type_ignores=[]))
    return python.canonical(module)


def dotted(node: ast.expr) -> str:
    """`a.b.c` for a name or attribute chain, '' for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        return ".".join([inner + "()", *reversed(parts)]) if inner else ""
    return ""


# Names and attributes that reach code or objects by a name computed at run time, and the
# modules that do: `getattr(op, "drop_" + "table")` hides an operation from any reader.
REFLECTION = frozenset({"getattr", "setattr", "delattr", "vars", "locals", "methodcaller", "attrgetter"})
DYNAMIC_NAMES = REFLECTION | frozenset({
    "globals", "exec", "eval", "compile", "__import__", "__builtins__", "importlib", "import_module",
})
DYNAMIC_ATTRIBUTES = frozenset({
    "__dict__", "__getattribute__", "__getattr__", "__setattr__", "__globals__", "__builtins__",
    "__class__", "__subclasses__", "__code__", "__func__", "__self__", "__enter__", "__call__",
    "__wrapped__",
})
DYNAMIC_MODULES = frozenset({"importlib", "imp", "runpy", "builtins", "code", "operator"})


def dynamic(node: ast.AST, reflection: bool = True) -> str | None:
    """What in `node` reaches code by a computed name (`exec`, `globals`, `sys.modules`), if anything.

    `reflection=False` lets `getattr`/`setattr` pass: data migrations read fields by name.
    """
    if isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES and (reflection or node.id not in REFLECTION):
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRIBUTES:
        return node.attr
    if isinstance(node, ast.Attribute) and dotted(node) == "sys.modules":
        return "sys.modules"
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        return next((f"import {m}" for m in modules if m.split(".")[0] in DYNAMIC_MODULES), None)
    return None


def last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def arg(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """An argument given by position or by keyword."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return None


def string(node: ast.expr | None, constants: dict[str, ast.expr] | None = None) -> str | None:
    if isinstance(node, ast.Name) and constants and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def boolean(node: ast.expr | None) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def strings(node: ast.expr | None, constants: dict[str, ast.expr] | None = None) -> tuple[str, ...]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return tuple(s for s in (string(e, constants) for e in node.elts) if s is not None)
    single = string(node, constants)
    return (single,) if single is not None else ()


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level `NAME = <expr>` assignments (SQL kept in constants, table names)."""
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            found[node.target.id] = node.value
    return found


def sql_text(node: ast.expr | None, constants: dict[str, ast.expr]) -> str | None:
    """Literal SQL in a string, an f-string (values replaced), `a + b` or a constant."""
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else PLACEHOLDER
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = sql_text(node.left, constants), sql_text(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = sql_text(node.left, constants)
        return None if template is None else template.replace("%s", PLACEHOLDER)
    if isinstance(node, ast.Call):
        func = dotted(node.func)
        if last(func) == "format" and isinstance(node.func, ast.Attribute):
            template = sql_text(node.func.value, constants)
            if template is not None:
                return _unformat(template)
        if last(func) in ("text", "dedent") and node.args:
            return sql_text(node.args[0], constants)
        if last(func) in ("strip", "dedent") and isinstance(node.func, ast.Attribute):
            return sql_text(node.func.value, constants)
    return None


def _unformat(template: str) -> str:
    out, depth = [], 0
    for char in template:
        if char == "{":
            depth += 1
            if depth == 1:
                out.append(PLACEHOLDER)
        elif char == "}" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


def sql_node_ops(node: ast.expr | None, constants: dict[str, ast.expr], line: int) -> list[Op]:
    """Ops for SQL given as a Python expression; dynamic SQL is `unknown`."""
    text = sql_text(node, constants)
    if text is None:
        return [Op("unknown", line=line, detail="executes SQL built at run time")]
    start = node.lineno if isinstance(node, ast.expr) and hasattr(node, "lineno") else line
    return sql_ops(text, start)


# Calls that run another program: what it does to the database is not in the file.
_RUNS_PROGRAMS = re.compile(
    r"os\.(?:system|popen|exec\w*|spawn\w*|posix_spawnp?)"
    r"|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)"
)
_PROGRAM_MODULES = frozenset({"os", "subprocess"})


def program_names(tree: ast.Module) -> dict[str, str]:
    """Names bound to `os` or `subprocess` or their functions (`import subprocess as sp`,
    `from os import system`) -> the module's own name for them."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.asname, alias.name) for alias in node.names
                         if alias.name in _PROGRAM_MODULES and alias.asname)
        elif isinstance(node, ast.ImportFrom) and node.module in _PROGRAM_MODULES:
            found.update((alias.asname or alias.name, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def runs_program(name: str, aliases: dict[str, str], line: int) -> list[Op]:
    """`unknown` when the dotted call `name` runs another program, whether or not its value is used."""
    head, dot, rest = name.partition(".")
    program = aliases.get(name) or (f"{aliases[head]}{dot}{rest}" if head in aliases else name)
    if not _RUNS_PROGRAMS.fullmatch(program):
        return []
    return [Op("unknown", line=line,
               detail=f"runs another program with {program}(), whose effect on the database cannot be read")]
