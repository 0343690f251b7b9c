"""formats.python: two versions of a Python file that are the same program, and ones that are not."""

from __future__ import annotations

import pytest

from ownership_gate.formats.python import same_program

# What ruff's flake8-bugbear and flake8-return fixes and black make of real code.
SAME = [
    # B904: exception chaining, and the handler's name it needs.
    ("try:\n    f()\nexcept KeyError:\n    raise ValueError('no')\n",
     "try:\n    f()\nexcept KeyError as e:\n    raise ValueError('no') from e\n"),
    # A handler's exception renamed.
    ("try:\n    f()\nexcept ValueError as error:\n    raise Bad({'password': error})\n",
     "try:\n    f()\nexcept ValueError as e:\n    raise Bad({'password': e}) from e\n"),
    # RET505/RET506: `elif`/`else` after a branch that returns or raises.
    ("def f(u):\n    if not u:\n        raise Denied()\n    elif u.is_superuser:\n        raise Denied('admin')\n    return u\n",
     "def f(u):\n    if not u:\n        raise Denied()\n    if u.is_superuser:\n        raise Denied('admin')\n    return u\n"),
    ("def f(k):\n    if k:\n        return k\n    else:\n        log('temporary key')\n        return make()\n",
     "def f(k):\n    if k:\n        return k\n    log('temporary key')\n    return make()\n"),
    # black: rewrapped call, a string split over lines in parentheses.
    ("raise Bad(f'Unable to load key. {e}')\n", "raise Bad(\n    f'Unable to load key. {e}'\n)\n"),
    ("x = 1  # a comment\n", "# another comment\nx = (1)\n"),
]

DIFFERENT = [
    # `else` after a branch that does not end: the else-branch is conditional.
    ("if a:\n    log()\nelse:\n    deny()\n", "if a:\n    log()\ndeny()\n"),
    # A changed condition, a changed message, another error.
    ("if not user.is_staff:\n    raise Denied()\n", "if not user.is_active:\n    raise Denied()\n"),
    ("raise Denied('no')\n", "raise Denied('not allowed')\n"),
    # The handler's name used for something other than the cause.
    ("try:\n    f()\nexcept E:\n    pass\n", "try:\n    f()\nexcept E as e:\n    report(e)\n"),
    # Not Python at all.
    ("x = 1\n", "x = = 1\n"),
]


@pytest.mark.parametrize(("old", "new"), SAME)
def test_linter_rewrites_are_the_same_program(old: str, new: str) -> None:
    assert same_program(old, new)


@pytest.mark.parametrize(("old", "new"), DIFFERENT)
def test_changes_to_what_runs_are_not(old: str, new: str) -> None:
    assert not same_program(old, new)


def test_what_is_raised_need_not_count() -> None:
    old = "def get(t):\n    if not t:\n        raise Exception('Invalid token')\n    return t\n"
    other_error = ("from app.errors import AppError\n\n"
                   "def get(t):\n    if not t:\n        raise AppError(401, message='Invalid token')\n    return t\n")
    other_condition = "def get(t):\n    if t is None:\n        raise Exception('Invalid token')\n    return t\n"
    assert not same_program(old, other_error)
    assert same_program(old, other_error, errors_count=False)
    assert not same_program(old, other_condition, errors_count=False)
