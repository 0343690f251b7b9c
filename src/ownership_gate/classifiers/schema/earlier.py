"""What a migration finds new because an added migration of the same change set, run before it, created it.

A migration added in a change has never run in production, so a table it
creates holds no production rows, and a later migration of the same change
that drops, renames or alters that table loses nothing. That holds only
where the order is certain from the file names: both added, in the same
folder, read by the same framework, named with versions it orders by
(Django's `0001_`, Rails', Ecto's and goose's numbers, Flyway's `V1_1__`,
the timestamps Knex, Sequelize, Laravel and Prisma sort by name, Doctrine's
`Version<timestamp>`). Anything
less certain seeds nothing: Alembic orders revisions by `down_revision`, not
by name, and a folder where one added migration has no version of the same
kind, or could not be read, or was moved there, has no known order at all.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from functools import reduce
from itertools import permutations
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema.ops import NOTHING, Created, Migration, Unreadable, created_after
from ownership_gate.model import Change

TYPE = "schema"
ADDED = ("added", "copied")  # new with the change: they never ran in production
_SETTLED = ("modified", "deleted")  # existed at the base: ran before any added migration where it ran
_MEMO = "schema.earlier"

# Frameworks that run pending migrations by their version read as a number (Rails, Ecto and goose parse
# it; Django's makemigrations numbers an app's next migration after its last one): 2 runs before 10.
_NUMBERED = frozenset({"rails", "ecto", "django", "goose"})
# Revisions ordered by what they name inside (Alembic's `down_revision`), and desired states (Prisma).
_UNORDERED = frozenset({"alembic", "prisma"})
_NUMBER = patterns.compile(r"^(\d+)_")
# Flyway: `V1__x.sql`, `V1.2__x.sql`, `V1_2__x.sql`; parts compared as numbers.
_FLYWAY = patterns.compile(r"^V(\d+(?:[._]\d+)*)__", re.IGNORECASE)
_FLYWAY_PARTS = patterns.compile(r"[._]")
# Doctrine: `Version20240101120000.php`, `Version20240101120000_add_users.php`; ordered by class name.
_DOCTRINE = patterns.compile(r"^Version(\d+)(?=[_.])")
# Any other leading version: `20240101000000`, Laravel's `2024_01_01_000000`, Diesel's `2024-01-01-000000`.
_LEADING = patterns.compile(r"^(\d+(?:[_-]\d+)*)(?=[_.-])")
_DIGIT = patterns.compile(r"\d")
_SEPARATORS = patterns.compile(r"[_-]")
# A migration that is a folder: Prisma's `<version>_<name>/migration.sql`, Diesel's `.../up.sql`.
_FOLDER_FILES = frozenset({"migration.sql", "up.sql"})
# An existence test in the forward code (`CREATE TABLE IF NOT EXISTS`, Ecto's `create_if_not_exists`, Knex's
# `createTableIfNotExists`, Rails' `if_not_exists: true` and `table_exists?`, Laravel's `Schema::hasTable`):
# the table may be there already, rows and all, so what such a file creates is not known to be new.
_EXISTENCE_TEST = patterns.compile(r"(?i)if[\W_]*not[\W_]*exists|has_?table|table_?exists|has_?column|column_?exists")
# Migrations sharing a version run in an order nobody states: every order is tried, up to this many.
_MAX_TIES = 4

# Reads an added migration's new side once for the change set: (its framework, its migration); raises Unreadable.
Read = Callable[[Change], "tuple[str | None, Migration | None]"]


class Place(NamedTuple):
    """Where a migration runs: after every migration of its `series` with a lower `version`."""

    series: tuple[str, str, str]  # (folder, framework, how its versions are written)
    version: tuple[int, ...]


def folder_and_name(path: str) -> tuple[str, str]:
    """The folder a migration is listed in, and its name there (a folder's, for Prisma and Diesel)."""
    folder, base = posixpath.split(path)
    if base.lower() in _FOLDER_FILES:
        return posixpath.split(folder)
    return folder, base


def place(path: str, framework: str) -> Place | None:
    """Where the migration at `path`, read by `framework`, runs; None when its name does not say."""
    if framework in _UNORDERED:
        return None
    folder, base = folder_and_name(path)
    flyway = _FLYWAY.match(base) if framework == "sql" else None
    if flyway is not None:
        parts = [int(p) for p in _FLYWAY_PARTS.split(flyway[1])]
        while len(parts) > 1 and parts[-1] == 0:
            parts.pop()  # Flyway's 1.0 is 1
        return Place((folder, framework, "flyway"), tuple(parts))
    if framework in _NUMBERED:
        number = _NUMBER.match(base)
        return Place((folder, framework, "number"), (int(number[1]),)) if number else None
    if framework == "doctrine":
        # Doctrine sorts versions by class name: versions of as many digits sort as their numbers do.
        named = _DOCTRINE.match(base)
        return Place((folder, framework, _DIGIT.sub("9", named[1])), (int(named[1]),)) if named else None
    leading = _LEADING.match(base)
    if leading is None:
        return None
    # Sorted by name: versions written alike (the same digits and separators) sort as their numbers do.
    version = leading[1]
    return Place((folder, framework, _DIGIT.sub("9", version)), tuple(int(p) for p in _SEPARATORS.split(version)))


def created_before(change: Change, framework: str | None, context: Context, read: Read) -> Created:
    """What the change set's added migrations that certainly run before `change` create; NOTHING when
    `change` is not an added migration or its order among them is not certain."""
    if change.status not in ADDED or framework is None:
        return NOTHING
    where = place(change.path, framework)
    if where is None:
        return NOTHING
    found = NOTHING
    for version, after in _series(where.series, context, read):
        if version >= where.version:
            break
        found = after
    return found


def _series(series: tuple[str, str, str], context: Context, read: Read) -> list[tuple[tuple[int, ...], Created]]:
    """(version, what is known new once every migration of that version ran), in running order; worked out
    once per series of a change set."""
    memo: dict[tuple[str, str, str], list[tuple[tuple[int, ...], Created]]] = context.memo.setdefault(_MEMO, {})
    if series not in memo:
        memo[series] = _steps(series, context, read)
    return memo[series]


def _steps(series: tuple[str, str, str], context: Context, read: Read) -> list[tuple[tuple[int, ...], Created]]:
    folder, framework, _ = series
    by_version: dict[tuple[int, ...], list[Migration | None]] = {}
    for change in context.claimed(TYPE):
        if change.is_submodule or change.is_symlink or folder_and_name(change.path)[0] != folder:
            continue
        if change.status in _SETTLED:
            continue
        if change.status not in ADDED:
            return []  # moved into the folder: it may run anywhere among the others
        try:
            reader, migration = read(change)
        except Unreadable:
            reader, migration = framework, None  # what it does is unknown: where it runs, nothing is known new
        else:
            if migration is None:
                continue  # no migration (a helper module next to them)
        where = place(change.path, reader) if reader is not None else None
        if where is None or where.series != series:
            return []  # a migration whose place among these the names do not tell
        by_version.setdefault(where.version, []).append(migration)
    steps: list[tuple[tuple[int, ...], Created]] = []
    known = NOTHING
    for version in sorted(by_version):
        known = _step(known, by_version[version])
        steps.append((version, known))
    return steps


def _step(before: Created, tied: Sequence[Migration | None]) -> Created:
    """What is known new after migrations of one version ran, in whichever order: what every order leaves new."""
    if len(tied) > _MAX_TIES:
        return NOTHING
    outcomes = [reduce(_ran, order, before) for order in permutations(tied)]
    return Created(frozenset.intersection(*(o.tables for o in outcomes)),
                   frozenset.intersection(*(o.columns for o in outcomes)))


def _ran(before: Created, migration: Migration | None) -> Created:
    if migration is None:
        return NOTHING
    guarded = migration.fingerprint is None or _EXISTENCE_TEST.search(migration.fingerprint) is not None
    return created_after(migration.ops, before, creates=not guarded)
