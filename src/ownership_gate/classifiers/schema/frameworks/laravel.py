"""Laravel migrations (`database/migrations/*.php`): the `up` method of the migration class.

The file is read with tree-sitter-php. `down` is never read. Methods of
the migration class are followed where `up` calls them; a function,
`Schema` or `DB` method or class the reader does not know, a table named
at run time and schema changes in a loop cannot be judged and are
`unknown` (laravel_read.py, laravel_walk.py). As for Rails, index builds
follow PostgreSQL's rule: blocking, unless `->online()` says otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "laravel"
EXTENSIONS: tuple[str, ...] = (".php",)
FOLDER = "database/migrations/"


def owns(path: str) -> bool:
    """A PHP file under a `database/migrations/` folder, not in tests: Laravel runs every one there."""
    return path.endswith(".php") and (path.startswith(FOLDER) or f"/{FOLDER}" in path) and not in_test_dir(path)


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import laravel_read

    return laravel_read.read(text)
