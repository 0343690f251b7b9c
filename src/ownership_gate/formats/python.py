"""Python, read with `ast`: whether two versions of a file are the same program.

Layout, comments and the rewrites a linter makes without changing what runs
do not count: an `else`/`elif` after a branch that returns, raises,
continues or breaks; exception chaining (`raise X from e`, which only
changes the traceback); the name a handler binds for the exception.
"""

from __future__ import annotations

import ast
import warnings

# Statements after which nothing else in the block runs.
_ENDS_BLOCK = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_EXCEPTION = "_exception"  # what every handler's exception name becomes


def tree(text: str, filename: str = "<unknown>") -> ast.Module:
    """The syntax tree of `text`, without the warnings old code draws (invalid escape
    sequences); raises what `ast.parse` raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=filename)


def parse(text: str) -> ast.Module | None:
    """The syntax tree of `text`; None when it is not valid Python."""
    try:
        return tree(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def same_program(old_text: str, new_text: str, *, errors_count: bool = True) -> bool:
    """Whether both texts parse to the same program once the linter rewrites are undone.

    With `errors_count=False` what a `raise` raises does not count either:
    the same conditions lead to an error, only its type or message changed.
    """
    old_tree, new_tree = parse(old_text), parse(new_text)
    if old_tree is None or new_tree is None:
        return False
    return canonical(old_tree, errors_count=errors_count) == canonical(new_tree, errors_count=errors_count)


def canonical(tree: ast.AST, *, errors_count: bool = True) -> str:
    """`tree` (changed in place) without what a linter may rewrite, as a comparable string."""
    tree = LintNeutral(errors_count=errors_count).visit(tree)
    return ast.dump(tree)


class LintNeutral(ast.NodeTransformer):
    """Undoes the rewrites that leave a program doing what it did (see the module's docstring)."""

    def __init__(self, *, errors_count: bool = True) -> None:
        self.errors_count = errors_count

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                setattr(node, field, _flatten(statements))
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.Raise:
        node.cause = None
        if not self.errors_count and node.exc is not None:
            # What is raised does not count, but the calls made to build it do (`raise Denied(grant(user))`).
            top = node.exc
            made: list[ast.expr] = [n for n in ast.walk(top) if isinstance(n, ast.Call) and n is not top]
            node.exc = ast.Tuple(elts=made, ctx=ast.Load()) if made else None
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST | None:
        return node if self.errors_count else None  # an error type imported for the raise

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        return node if self.errors_count else None

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        self.generic_visit(node)
        if node.name is None:
            return node
        old = node.name
        used = any(isinstance(n, ast.Name) and n.id == old for s in node.body for n in ast.walk(s))
        node.name = _EXCEPTION if used else None
        if used:
            _rename(node.body, old, _EXCEPTION)
        return node


def _flatten(statements: list[ast.stmt]) -> list[ast.stmt]:
    """`if a: return x / else: rest` is `if a: return x` followed by `rest`."""
    result: list[ast.stmt] = []
    for statement in statements:
        result.append(statement)
        if isinstance(statement, ast.If) and statement.orelse and _ends(statement.body):
            rest = statement.orelse
            statement.orelse = []
            result.extend(_flatten(rest))
    return result


def _ends(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], _ENDS_BLOCK)


def _rename(body: list[ast.stmt], old: str, new: str) -> None:
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and node.id == old:
                node.id = new
