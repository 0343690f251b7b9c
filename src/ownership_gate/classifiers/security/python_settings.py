"""Python configuration files (Django settings, Flask config classes, gunicorn and Celery configs) read with `ast`.

A setting is a top-level or class-level assignment (`ALLOWED_HOSTS = [...]`), a string
key of a dict one builds (`REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]`), or a
list or dict an earlier statement built and this one changes in place
(`CSP_SCRIPT_SRC.append(CDN_HOST)`, `ALLOWED_HOSTS += [...]`, `MIDDLEWARE.insert(0, ...)`;
it counts as another assignment to the name, `CSP_SCRIPT_SRC#2`),
compared by value whatever its layout: an entry added to a list written
over several lines changes the setting, and re-wrapping it changes nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

_SHOWN = 80  # characters of a value a finding shows
# Methods that change a list, set or dict where it stands.
_IN_PLACE = frozenset({"append", "extend", "insert", "remove", "update", "add", "discard", "pop", "clear",
                       "setdefault"})


class Setting(NamedTuple):
    value: str  # as `ast.unparse` writes it: one layout for every way of writing it
    line: int


def settings(text: str) -> dict[str, Setting] | None:
    """Every setting of the file by name (`NAME`, or `NAME.KEY` for a key of a dict); None when the file
    is no Python `ast` can read."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found: dict[str, Setting] = {}
    for node in _statements(tree.body):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets, value = [node.target], node.value
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)
              and node.value.func.attr in _IN_PLACE):
            targets, value = [node.value.func.value], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                _add(found, _unique(found, target.id), value)
    return found


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The file's statements, those under an `if`, `try`, `with` or `for` at its top included (settings
    chosen by environment, `if DEBUG: ALLOWED_HOSTS = [...]`), and a class's (Flask's `class Config:
    SECRET_KEY = ...`); not the bodies of functions."""
    for node in body:
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            nested = getattr(node, field, None)
            if isinstance(nested, list):
                yield from _statements(nested)
        for handler in getattr(node, "handlers", None) or ():
            yield from _statements(handler.body)


def _unique(found: dict[str, Setting], name: str) -> str:
    """`name`, or `name#2`, `name#3`, ... for the second and later assignments to it (one per branch)."""
    if name not in found:
        return name
    count = 2
    while f"{name}#{count}" in found:
        count += 1
    return f"{name}#{count}"


def shown(setting: Setting | None) -> str | None:
    return None if setting is None else setting.value[:_SHOWN]


def _add(found: dict[str, Setting], name: str, value: ast.expr) -> None:
    try:
        found[name] = Setting(ast.unparse(value), value.lineno)
    except RecursionError:
        return
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                _add(found, f"{name}.{key.value}", item)
