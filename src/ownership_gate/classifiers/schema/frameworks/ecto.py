"""Ecto migrations (`priv/*/migrations/*.exs`): `change`, or `up` without it.

`down` is never read, and of `execute(up, down)` only the first argument.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir, leading_version

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "ecto"
EXTENSIONS: tuple[str, ...] = (".exs", ".ex")
FOLDER = "migrations/"


def owns(path: str) -> bool:
    if FOLDER not in path:
        return False  # quick answer for the many other `.ex` files of a change
    directory = posixpath.dirname(path)
    return (
        path.endswith(EXTENSIONS) and posixpath.basename(directory) == "migrations"
        and not in_test_dir(path)
    )


def sniffs(path: str) -> bool:
    return False


# Rails and Ecto know a migration that ran by the leading number of its file name.
recorded_as = leading_version


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import ecto_read

    return ecto_read.read(text, path, context, declared)
