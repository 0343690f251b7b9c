"""goose migrations written in Go (`migrations/*.go` registering `goose.AddMigration(up, down)`).

The SQL the forward function runs (`tx.Exec("...")`, `tx.ExecContext(ctx, ...)`) is read as SQL;
the down function is never read.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "goose"
EXTENSIONS: tuple[str, ...] = (".go",)
FOLDER = "migration"  # in `migrations/` and `migration/`


def owns(path: str) -> bool:
    return False  # a Go file is a migration only if it registers one (see `read`)


def sniffs(path: str) -> bool:
    """A Go file in a `migrations` or `migration` folder, not a test."""
    return (path.endswith(".go") and not path.endswith("_test.go") and not in_test_dir(path)
            and posixpath.basename(posixpath.dirname(path)) in ("migrations", "migration"))


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import goose_read

    return goose_read.read(text, path, declared)
