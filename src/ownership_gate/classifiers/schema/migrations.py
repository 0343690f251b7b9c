"""Which files are migrations, and which framework reads each: the framework registry and the path lookups
the classifier and the judge share."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import ownership_gate.classifiers.schema.frameworks.alembic as schema_alembic
import ownership_gate.classifiers.schema.frameworks.django as schema_django
import ownership_gate.classifiers.schema.frameworks.doctrine as schema_doctrine
import ownership_gate.classifiers.schema.frameworks.ecto as schema_ecto
import ownership_gate.classifiers.schema.frameworks.efcore as schema_efcore
import ownership_gate.classifiers.schema.frameworks.goose as schema_goose
import ownership_gate.classifiers.schema.frameworks.js as schema_js
import ownership_gate.classifiers.schema.frameworks.laravel as schema_laravel
import ownership_gate.classifiers.schema.frameworks.liquibase as schema_liquibase
import ownership_gate.classifiers.schema.frameworks.prisma as schema_prisma
import ownership_gate.classifiers.schema.frameworks.rails as schema_rails
import ownership_gate.classifiers.schema.frameworks.sql as schema_sqlfiles
from ownership_gate.classifiers.schema.paths import in_test_dir
from ownership_gate.paths.pattern_index import setting_matches

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

class Framework(Protocol):
    """One migration framework; a module with these names satisfies it.

    `owns` and `sniffs` claim only paths that end, in any case, with one of
    `EXTENSIONS`: the classifier asks a framework about no other path.
    """

    NAME: str
    EXTENSIONS: tuple[str, ...]
    FOLDER: str  # text in every path `owns` or `sniffs` claims ("" when there is none)

    def owns(self, path: str) -> bool:
        """Path-only: a forward migration of this framework by location and name."""
        ...

    def sniffs(self, path: str) -> bool:
        """Path-only: a file whose content may still make it one of this framework's."""
        ...

    def read(self, text: str, path: str, context: Context, declared: bool) -> Migration | None:
        """The forward ops, or None when the content shows it is no migration."""
        ...


# A new framework is one module and one line here; order decides who reads a
# file two frameworks could claim (Alembic's `versions/` inside `migrations/`;
# a Doctrine `Version*.php` in Laravel's `database/migrations/`, which Doctrine
# reads only when its content is Doctrine's).
FRAMEWORKS: tuple[Framework, ...] = (
    schema_rails,
    schema_alembic,
    schema_django,
    schema_js,
    schema_ecto,
    schema_prisma,
    schema_goose,
    schema_doctrine,
    schema_laravel,
    schema_efcore,
    schema_liquibase,
    schema_sqlfiles,
)

DUMPS = ("schema.rb", "structure.sql")


def _last_suffixes(framework: Framework) -> set[str] | None:
    """`.sql` for `.up.sql`; None when an extension has no dot to key on."""
    if any("." not in e for e in framework.EXTENSIONS):
        return None
    return {e[e.rfind(".") :].lower() for e in framework.EXTENSIONS}


def _by_extension(frameworks: tuple[Framework, ...]) -> tuple[dict[str, tuple[Framework, ...]], tuple[Framework, ...]]:
    """Frameworks by the last suffix of their extensions, and those asked about every path."""
    suffixes = [(f, _last_suffixes(f)) for f in frameworks]
    keys = set().union(*(own for _, own in suffixes if own is not None))
    table = {key: tuple(f for f, own in suffixes if own is None or key in own) for key in keys}
    return table, tuple(f for f, own in suffixes if own is None)


# Most changed files are no migration; their extension alone turns them away.
_BY_EXTENSION, _ANY_EXTENSION = _by_extension(FRAMEWORKS)


def frameworks_for(path: str) -> tuple[Framework, ...]:
    """The frameworks that may claim `path` by its extension, in FRAMEWORKS order."""
    dot = path.rfind(".")
    return _BY_EXTENSION.get(path[dot:].lower(), _ANY_EXTENSION) if dot >= 0 else _ANY_EXTENSION


def declared(path: str, settings: Mapping[str, Any]) -> bool:
    return setting_matches(settings, "migrations", path)


def is_dump(path: str) -> bool:
    """Rails' and Ecto's schema dumps, regenerated from the database after migrating."""
    if not path.endswith(DUMPS):
        return False
    directory, base = posixpath.split(path)
    if not any(base == d or base.endswith("_" + d) for d in DUMPS):
        return False
    parent = posixpath.basename(directory)
    return parent == "db" or posixpath.basename(posixpath.dirname(directory)) == "priv"


def readers(path: str, settings: Mapping[str, Any]) -> list[tuple[Framework, bool]]:
    """(framework, declared) pairs that may read `path`, most specific first."""
    if declared(path, settings):
        lower = path.lower()
        return [(f, True) for f in FRAMEWORKS if lower.endswith(f.EXTENSIONS)]
    return [(f, False) for f in frameworks_for(path) if f.owns(path) or f.sniffs(path)]


def is_migration_path(path: str, settings: Mapping[str, Any]) -> bool:
    """A migration by location alone, not test code: what can explain a dump."""
    return not is_dump(path) and (
        declared(path, settings)
        or any(f.owns(path) for f in frameworks_for(path))
        or (schema_sqlfiles.is_rollback(path) and not in_test_dir(path))
    )
