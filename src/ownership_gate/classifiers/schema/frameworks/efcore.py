"""Entity Framework Core migrations (`Migrations/<timestamp>_<Name>.cs`): the `Up` method of the migration class.

The file is read with tree-sitter-c-sharp (efcore_read.py). `Down` is never
read. `dotnet ef migrations add` writes two more files beside each migration,
`<timestamp>_<Name>.Designer.cs` (the model the migration was made against)
and `<Context>ModelSnapshot.cs` (the current model): generated metadata that
runs nothing against the database, never claimed.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "efcore"
EXTENSIONS: tuple[str, ...] = (".cs",)
FOLDER = ""  # `Migrations/` as `dotnet ef` names it, `migrations/` as others do: no one text is in every path

# Generated beside the migrations: the target model of each, and the model snapshot.
_GENERATED = (".designer.cs", "modelsnapshot.cs")
# .NET test projects: `MyApp.Tests/`, `MyApp.IntegrationTests/`, `UnitTests/`.
_TEST_PROJECTS = (".tests", ".test", ".specs", "unittests", "integrationtests", "functionaltests")


def _in_migrations(path: str) -> bool:
    """A `.cs` file (not a generated one) under a `Migrations` folder, at any depth, outside tests."""
    lower = path.lower()
    if not lower.endswith(".cs") or lower.endswith(_GENERATED) or "migrations/" not in lower:
        return False  # quick answer for the many other `.cs` files of a change
    folders = lower.split("/")[:-1]
    if not any(f == "migrations" or f.endswith(".migrations") for f in folders):
        return False
    return not in_test_dir(lower) and not any(f.endswith(_TEST_PROJECTS) for f in folders)


def _versioned(path: str) -> bool:
    """Named as `dotnet ef` names a migration: `20240517093012_AddOrders.cs`."""
    base = posixpath.basename(path)
    return len(base) > 18 and base[:14].isascii() and base[:14].isdigit() and base[14] == "_"


def owns(path: str) -> bool:
    return _in_migrations(path) and _versioned(path)


def sniffs(path: str) -> bool:
    """Any other `.cs` file there: a migration named by hand, or a helper (its content decides)."""
    return _in_migrations(path) and not _versioned(path)


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    if path.lower().endswith(_GENERATED):
        return None  # generated metadata, even in a location the policy declares
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import efcore_read

    return efcore_read.read(text, declared)
