"""Whether a Django migration's `class Migration` and its `operations` are what the file shows.

Django runs the class named `Migration` and the list in its `operations`.
Anything that changes either out of sight of a reader (a base class from
elsewhere, methods, code in the class body, `Migration` or the operations
list changed after they are written, `exec`, `globals()`, `importlib`)
makes the migration `unknown`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ownership_gate.classifiers.schema.frameworks.pyast import dotted, dynamic
from ownership_gate.classifiers.schema.ops import Op, Unreadable

_BASES = frozenset({"migrations.Migration", "Migration", "django.db.migrations.Migration"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Methods of Django's Migration that a subclass could override to run something else.
_MIGRATION_METHODS = frozenset({"apply", "unapply", "mutate_state", "suggest_name"})


def _bound(statement: ast.stmt) -> list[str]:
    """Names a module-level statement binds."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in statement.names]
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in statement.items if i.optional_vars is not None]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def migration_class(tree: ast.Module) -> ast.ClassDef | None:
    """The class Django runs: the last module-level binding of `Migration`, which must be a class."""
    last: ast.stmt | None = None
    for statement in tree.body:
        if "Migration" in _bound(statement):
            last = statement
    if last is None:
        return None
    if not isinstance(last, ast.ClassDef):
        raise Unreadable("`Migration` is bound to something other than a class of this file", last.lineno)
    return last


def _unknown(node: ast.AST, detail: str) -> Op:
    return Op("unknown", line=getattr(node, "lineno", None), detail=detail)


def _class_problems(cls: ast.ClassDef, bases: frozenset[str]) -> list[Op]:
    ops = [_unknown(base, f"class Migration inherits from {dotted(base) or ast.unparse(base)},"
                          " which this file does not show")
           for base in cls.bases if dotted(base) not in bases]
    ops += [_unknown(k, "class Migration sets a metaclass") for k in cls.keywords]
    ops += [_unknown(d, "class Migration is decorated") for d in cls.decorator_list]
    for statement in cls.body:
        if isinstance(statement, ast.Pass) or (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
            continue
        if isinstance(statement, ast.Assign) and all(isinstance(t, ast.Name) for t in statement.targets):
            continue
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            continue
        if _orders_only(statement):
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name in _MIGRATION_METHODS or statement.name.startswith("__"):
                ops.append(_unknown(statement, f"class Migration overrides {statement.name}(), which can change"
                                               " what it runs"))
            continue  # RunPython code kept in the class
        ops.append(_unknown(statement, "class Migration runs code in its body, which can change what it runs"))
    return ops


# What decides only when a migration runs, among the others: not what it does.
_ORDERING = frozenset({"dependencies", "run_before"})


def _orders_only(statement: ast.stmt) -> bool:
    """A class-body statement that only adds to `dependencies` or `run_before`, perhaps under a condition
    (`if global_apps.is_installed("comments"): dependencies.append(("comments", "0001_initial"))`): it
    orders the migration among others, and its operations stay what the file shows."""
    if isinstance(statement, ast.If):
        return all(_orders_only(s) for s in (*statement.body, *statement.orelse))
    if isinstance(statement, ast.AugAssign):
        return isinstance(statement.target, ast.Name) and statement.target.id in _ORDERING
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr in ("append", "extend", "insert") and isinstance(call.func.value, ast.Name)
            and call.func.value.id in _ORDERING)


def _nodes(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.AST | None, bool]]:
    """(node, parent, inside a function) for every node of the module."""
    stack: list[tuple[ast.AST, ast.AST | None, bool]] = [(tree, None, False)]
    while stack:
        node, parent, in_function = stack.pop()
        yield node, parent, in_function
        inner = in_function or isinstance(node, _FUNCTIONS)
        stack.extend((child, node, inner) for child in reversed(list(ast.iter_child_nodes(node))))


def module_problems(tree: ast.Module, cls: ast.ClassDef, operations: ast.expr | None,
                    bases: frozenset[str] = _BASES) -> list[Op]:
    """`unknown` ops for whatever may change the class or its operations out of sight (`bases`: the classes a
    migration of its framework inherits from)."""
    ops = _class_problems(cls, bases)
    constant = operations.id if isinstance(operations, ast.Name) else None
    for node, parent, in_function in _nodes(tree):
        # A function reading a model field by name is ordinary data-migration code.
        computed = dynamic(node, reflection=not in_function)
        if computed is not None:
            ops.append(_unknown(node, f"uses {computed}, which reaches code by a name computed at run time"))
        elif isinstance(node, ast.Name) and node.id == "Migration" and not (
                isinstance(parent, ast.ClassDef) and node in parent.bases):
            ops.append(_unknown(node, "changes class Migration outside its definition"))
        elif isinstance(node, ast.Name) and node.id == constant and node is not operations and not (
                isinstance(parent, ast.Assign) and parent in tree.body and node in parent.targets):
            ops.append(_unknown(node, f"changes the operations list {constant} after it is written"))
    return ops
