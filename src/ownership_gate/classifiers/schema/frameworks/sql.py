"""Raw SQL migrations: Flyway, golang-migrate, Diesel, Prisma, Atlas, Liquibase,
goose, dbmate, sql-migrate, Play evolutions, and `.sql` files in migration directories.

Only the forward direction counts: `*.down.sql`, `down.sql` and Flyway's
`U__` undo scripts are never read, and the rollback sections of
single-file formats (goose `-- +goose Down`, dbmate `-- migrate:down`,
sql-migrate `-- +migrate Down`, Play's `# --- !Downs`, Liquibase `--rollback` lines) are blanked
before parsing, keeping line numbers.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.schema.paths import in_test_dir
from ownership_gate.classifiers.schema.sql.api import sql_migration

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "sql"
EXTENSIONS: tuple[str, ...] = (".sql",)
FOLDER = ""

# Flyway: V1__x.sql, V1.2_3__x.sql, B5__baseline.sql; R__x.sql repeatable; U1__x.sql undo.
_FLYWAY = patterns.compile(r"^(?P<prefix>[VBRU])(?P<version>[0-9][0-9._]*)?__.+\.sql$", re.IGNORECASE)
# Play's evolutions are numbered scripts in `conf/evolutions/<database>/` (`11.sql`).
_MIGRATION_DIRS = frozenset({"migrations", "migration", "migrate", "schema_migrations", "evolutions"})
_SECTIONS = (
    # (forward marker, rollback marker), compared case-insensitively on stripped lines
    ("-- +goose up", "-- +goose down"),
    ("-- migrate:up", "-- migrate:down"),
    ("-- +migrate up", "-- +migrate down"),
    # Play evolutions: `# --- !Ups` and `# --- !Downs`, or written as SQL comments, `-- !Ups`.
    ("-- !ups", "-- !downs"),
    ("--- !ups", "--- !downs"),
    ("# --- !ups", "# --- !downs"),
)
_LIQUIBASE = patterns.compile(r"^\s*--\s*liquibase\s+formatted\s+sql", re.IGNORECASE)
_CHANGESET = patterns.compile(r"^\s*--\s*changeset\s", re.IGNORECASE)
_LIQUIBASE_ROLLBACK = patterns.compile(r"^\s*--\s*rollback\b", re.IGNORECASE)
_RUN_ON_CHANGE = patterns.compile(r"\brunOnChange\s*:\s*true\b", re.IGNORECASE)


def is_rollback(path: str) -> bool:
    base = posixpath.basename(path).lower()
    if base.endswith(".down.sql") or base == "down.sql":
        return True
    match = _FLYWAY.match(posixpath.basename(path))
    return match is not None and match["prefix"].upper() == "U"


def _is_sql(path: str) -> bool:
    return path.lower().endswith(".sql") and not in_test_dir(path) and not is_rollback(path)


def owns(path: str) -> bool:
    """A forward SQL migration by its location and name alone."""
    if not _is_sql(path):
        return False
    base = posixpath.basename(path)
    if _FLYWAY.match(base) or base.lower().endswith(".up.sql") or base.lower() == "up.sql":
        return True
    return _in_folder_named(path, _MIGRATION_DIRS)


def recorded_as(path: str) -> str | None:
    """What Flyway records a versioned migration as: its version and description, the file's name
    (`V1.0.0__init.sql`), wherever among its locations the file is. None for another file."""
    base = posixpath.basename(path)
    match = _FLYWAY.match(base)
    return base.lower() if match is not None and match["prefix"].upper() == "V" and match["version"] else None


def _in_folder_named(path: str, names: frozenset[str]) -> bool:
    """A folder on `path` (not the file) is named one of `names`, in any case."""
    return any(part.lower() in names for part in path.split("/")[:-1])


def sniffs(path: str) -> bool:
    """Any other `.sql` file: its content or an Atlas `atlas.sum` next to it may make it one."""
    return _is_sql(path)


def _repeatable(path: str, text: str) -> bool:
    match = _FLYWAY.match(posixpath.basename(path))
    if match is not None and match["prefix"].upper() == "R":
        return True
    return any(_CHANGESET.match(line) and _RUN_ON_CHANGE.search(line) for line in text.splitlines())


def forward_text(text: str) -> tuple[str, bool]:
    """The forward part of a file (rollback lines blanked) and whether it had markers."""
    lines = text.split("\n")
    lowered = [line.strip().lower() for line in lines]
    for up, down in _SECTIONS:
        if not any(line.startswith(up) or line.startswith(down) for line in lowered):
            continue
        keep, out = False, []
        for line, low in zip(lines, lowered, strict=True):
            if low.startswith(up):
                keep = True
                out.append("")
            elif low.startswith(down):
                keep = False
                out.append("")
            else:
                out.append(line if keep else "")
        return "\n".join(out), True
    if lowered and _LIQUIBASE.match(lines[0]):
        # Rollback lines are comments already; a multi-line rollback block is a
        # /* */ comment too, so the parser skips both without help.
        return text, True
    return text, False


def _atlas_directory(path: str, context: Context) -> bool:
    directory = posixpath.dirname(path)
    return posixpath.join(directory, "atlas.sum") in context.changed_paths if directory else (
        "atlas.sum" in context.changed_paths
    )


# Seed data: rows a developer's or a test environment's database starts with (`liquibase/seeds/`, `db/seed/`),
# loaded by hand or by a seeding step, not schema changes, though written in Liquibase's or Flyway's style.
_SEEDS = frozenset({"seed", "seeds", "seeders", "seed_data", "seed-data"})


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    from ownership_gate.classifiers.schema.ops import Migration  # with the first file read

    forward, marked = forward_text(text)
    if not (declared or owns(path) or marked or _atlas_directory(path, context)):
        return None  # a query, a report, a seed file: not a migration
    if not declared and _in_folder_named(path, _SEEDS):
        return None  # a seed file in a migration tool's format
    ops, fingerprint = sql_migration(forward)
    return Migration(tuple(ops), repeatable=_repeatable(path, text), fingerprint=fingerprint)
