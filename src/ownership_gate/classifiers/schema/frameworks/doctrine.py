"""Doctrine Migrations (Symfony and other PHP projects): `Version<digits>.php` classes extending
`AbstractMigration`, in a `migrations/`, `Migrations/`, `DoctrineMigrations/` or `migration/` folder.

The file is read with tree-sitter-php (doctrine_read.py). Only the forward
side runs: `up()` (with `preUp()`, `postUp()` and a constructor), never
`down()`. The SQL it queues with `$this->addSql(...)` or runs on
`$this->connection` is read by the SQL reader, all of a file's SQL in one
dialect; calls on the `Schema` object become ops (doctrine_ops.py); code
the reader cannot follow is `unknown` (doctrine_walk.py).
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "doctrine"
EXTENSIONS: tuple[str, ...] = (".php",)
FOLDER = "/Version"  # the folder before the file name, then Doctrine's class name

# `Version20240101120000.php`, `Version20240101120000_add_users.php`: what Doctrine's finders look for.
_NAME = re.compile(r"^Version\d+\w*\.php$")
_FOLDERS = frozenset({"migrations", "doctrinemigrations", "migration"})
# `organize_migrations: BY_YEAR` / `BY_YEAR_AND_MONTH` files them under `2024/` and `2024/01/`.
_DATED = re.compile(r"^\d{2,4}$")


def _in_migrations_folder(directory: str) -> bool:
    for _ in range(3):
        directory, folder = posixpath.split(directory)
        if folder.lower() in _FOLDERS:
            return True
        if not _DATED.match(folder):
            return False
    return False


def owns(path: str) -> bool:
    return False  # a PHP file is a Doctrine migration only if its content says so (see `read`)


def sniffs(path: str) -> bool:
    """A `Version<digits>.php` file in a Doctrine migrations folder (or a year or month under it), not in tests."""
    directory, base = posixpath.split(path)
    return bool(_NAME.match(base)) and _in_migrations_folder(directory) and not in_test_dir(path)


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import doctrine_read

    return doctrine_read.read(text, declared)
