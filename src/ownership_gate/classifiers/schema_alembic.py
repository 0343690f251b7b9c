"""Alembic revisions (`versions/*.py`): the `op.*` calls of `upgrade()`, read with `ast`.

`downgrade()` is the rollback path and is never read. Helper functions
defined in the same file are followed; helpers imported from elsewhere
cannot be seen and make the revision `unknown`.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema_paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema_ops import Migration

NAME = "alembic"
EXTENSIONS: tuple[str, ...] = (".py",)


def owns(path: str) -> bool:
    if "versions/" not in path:
        return False  # quick answer for the many other `.py` files of a change
    directory, base = posixpath.split(path)
    return (
        base.endswith(".py") and base != "__init__.py"
        and posixpath.basename(directory) == "versions" and not in_test_dir(path)
    )


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers import schema_alembic_read

    return schema_alembic_read.read(text, path, context, declared)
