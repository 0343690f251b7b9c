"""`schema` findings: what a migration does to the database, forward only (see the README, *Schema*).

Each migration framework is one `schema_*` module in `FRAMEWORKS`; it
finds its files by path (and, for SQL, by content) and translates the
forward direction into `Op`s, which `schema_ops.judge` weighs with one
set of rules. This module picks the files by path alone (each framework's
reader loads only when a file is read); `schema_judge` reads a change and
adds what no single file can tell:

- an edited, renamed or deleted migration that existed at the base may
  already have run in production, so the edit itself is reported;
- a schema dump (`db/schema.rb`, `db/structure.sql`) is explained by a
  migration in the same change, and is `unknown` without one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import ownership_gate.classifiers.schema.frameworks.alembic as schema_alembic
import ownership_gate.classifiers.schema.frameworks.django as schema_django
import ownership_gate.classifiers.schema.frameworks.ecto as schema_ecto
import ownership_gate.classifiers.schema.frameworks.js as schema_js
import ownership_gate.classifiers.schema.frameworks.prisma as schema_prisma
import ownership_gate.classifiers.schema.frameworks.rails as schema_rails
import ownership_gate.classifiers.schema.frameworks.sql as schema_sqlfiles
from ownership_gate.classifiers.schema.paths import in_test_dir
from ownership_gate.model import Change, Finding
from ownership_gate.paths.pattern_index import setting_matches

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import ChangedPaths, Context
    from ownership_gate.classifiers.schema.ops import Migration

TYPE = "schema"
KINDS: tuple[str, ...] = ("destructive", "risky", "additive", "data", "unknown")
SETTINGS: Mapping[str, str] = {"migrations": "patterns"}

MAX_MIGRATION_BYTES = 4 * 1024 * 1024


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
# file two frameworks could claim (Alembic's `versions/` inside `migrations/`).
FRAMEWORKS: tuple[Framework, ...] = (
    schema_rails,
    schema_alembic,
    schema_django,
    schema_js,
    schema_ecto,
    schema_prisma,
    schema_sqlfiles,
)

_DUMPS = ("schema.rb", "structure.sql")


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


def _frameworks_for(path: str) -> tuple[Framework, ...]:
    """The frameworks that may claim `path` by its extension, in FRAMEWORKS order."""
    dot = path.rfind(".")
    return _BY_EXTENSION.get(path[dot:].lower(), _ANY_EXTENSION) if dot >= 0 else _ANY_EXTENSION


def _declared(path: str, settings: Mapping[str, Any]) -> bool:
    return setting_matches(settings, "migrations", path)


def is_dump(path: str) -> bool:
    """Rails' and Ecto's schema dumps, regenerated from the database after migrating."""
    if not path.endswith(_DUMPS):
        return False
    directory, base = posixpath.split(path)
    if not any(base == d or base.endswith("_" + d) for d in _DUMPS):
        return False
    parent = posixpath.basename(directory)
    return parent == "db" or posixpath.basename(posixpath.dirname(directory)) == "priv"


def readers(path: str, settings: Mapping[str, Any]) -> list[tuple[Framework, bool]]:
    """(framework, declared) pairs that may read `path`, most specific first."""
    if _declared(path, settings):
        lower = path.lower()
        return [(f, True) for f in FRAMEWORKS if lower.endswith(f.EXTENSIONS)]
    return [(f, False) for f in _frameworks_for(path) if f.owns(path) or f.sniffs(path)]


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for name, group in paths.by_name.items():
        if name.endswith(_DUMPS):
            found.update(p for p in group if is_dump(p))
        frameworks = _frameworks_for(name)  # by the file name's extension
        joined = "\0".join(group) if frameworks else ""
        for framework in frameworks:
            folder = framework.FOLDER
            if folder in joined:  # one scan turns away a name's many files outside any migration folder
                found.update(p for p in group if folder in p and (framework.owns(p) or framework.sniffs(p)))
    if settings.get("migrations"):
        found.update(p for p in paths.all if _declared(p, settings))
    return found


def is_migration_path(path: str, settings: Mapping[str, Any]) -> bool:
    """A migration by location alone, not test code: what can explain a dump."""
    return not is_dump(path) and (
        _declared(path, settings)
        or any(f.owns(path) for f in _frameworks_for(path))
        or (schema_sqlfiles.is_rollback(path) and not in_test_dir(path))
    )


def classify(change: Change, context: Context) -> list[Finding]:
    # Reading and judging (and each framework's parser) load with the first
    # migration of a change set, not with the hook's first ordinary file.
    from ownership_gate.classifiers.schema import judge

    if change.is_submodule or change.is_symlink:
        return []  # no migration text to read
    return judge.classify(change, context)
