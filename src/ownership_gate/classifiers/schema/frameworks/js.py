"""JavaScript/TypeScript migrations: Sequelize, Knex, TypeORM and MikroORM.

Only `up` is read (`down` is the rollback path), with tree-sitter
(js_read.py). Calls are followed from the object `up` receives
(`queryInterface`, `knex`, `queryRunner`, `this`): a known method becomes
ops, a callback (`transaction`, `then`, `Promise.all`) is looked into, and
a method on that object that is not known is `unknown`, so a migration
written with an unfamiliar API is never silently passed.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "js"
EXTENSIONS: tuple[str, ...] = (".js", ".cjs", ".mjs", ".ts", ".cts", ".mts")
FOLDER = "migration"
_DIRECTORIES = frozenset({"migrations", "migration"})


def owns(path: str) -> bool:
    if FOLDER not in path:
        return False  # quick answer for the many other `.js`/`.ts` files of a change
    directory, base = posixpath.split(path)
    return (
        base.endswith(EXTENSIONS) and not base.endswith((".d.ts", ".test.ts", ".spec.ts", ".test.js", ".spec.js"))
        and base not in ("index.js", "index.ts")
        and any(part in _DIRECTORIES for part in directory.split("/")) and not in_test_dir(path)
    )


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import js_read

    return js_read.read(text, path, context, declared)
