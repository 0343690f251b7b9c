"""Alembic revisions (`versions/*.py`): the `op.*` calls of `upgrade()`, read with `ast`.

`downgrade()` is the rollback path and is never read. Helper functions
defined in the same file are followed; helpers imported from elsewhere
cannot be seen and make the revision `unknown`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import python_module_in

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "alembic"
EXTENSIONS: tuple[str, ...] = (".py",)
FOLDER = "versions/"


def owns(path: str) -> bool:
    return python_module_in(path, "versions")


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import alembic_read

    return alembic_read.read(text, path, context, declared)
