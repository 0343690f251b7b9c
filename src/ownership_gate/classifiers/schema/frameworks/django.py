"""Django migrations (`<app>/migrations/*.py`): the `operations` list, read with `ast`.

Django migrations have no separate rollback code to skip: the operations
are the forward direction, `RunPython`'s and `RunSQL`'s reverse arguments
are ignored, and of `SeparateDatabaseAndState` only `database_operations`
touch the database. Subjects use Django's default table name,
`<app_label>_<model>` (`blog_post.title`), or `db_table` when the same
migration sets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import python_module_in

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "django"
EXTENSIONS: tuple[str, ...] = (".py",)
FOLDER = "migrations/"


def owns(path: str) -> bool:
    return python_module_in(path, "migrations")


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import django_read

    return django_read.read(text, path, context, declared)
