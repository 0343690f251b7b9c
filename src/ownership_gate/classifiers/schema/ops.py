"""The shared vocabulary of schema changes and the one place that judges them.

Every migration framework translates its file into `Op`s (what the forward
direction does to the database); `judge` turns them into `schema`
findings. Keeping the judgement here means Rails' `add_index`, Alembic's
`op.create_index` and a raw `CREATE INDEX` are weighed by the same rule,
which follows the rule families of squawk and Atlas' migrate lint:

- destructive (Atlas DS1xx, BC1xx; squawk ban-drop-*, renaming-*,
  changing-column-type): data or names that running code relies on go away.
- risky (Atlas MF1xx, PG1xx; squawk adding-required-field,
  require-concurrent-index-creation, disallowed-unique-constraint,
  adding-foreign-key-constraint, constraint-missing-not-valid): the
  statement may fail on existing rows or lock a busy table.
- additive: new objects, nullable or defaulted columns, concurrent indexes,
  and anything that only touches objects created earlier in the same file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ownership_gate.model import Finding

TYPE = "schema"
PLACEHOLDER = "placeholder_value"  # stands in for a value interpolated into SQL or a name

# Verdicts a framework can state directly, when no rule needs the context.
DIRECT = ("destructive", "risky", "additive", "data", "unknown")

# Actions judged with the context of the file (what it created before).
ACTIONS = (
    "create_table", "drop_table", "rename_table", "truncate", "delete_rows",
    "add_column", "drop_column", "rename_column", "alter_type", "set_not_null",
    "add_index", "add_unique", "add_primary_key", "add_foreign_key", "add_check",
)


# Calls that delete rows, in each framework's words (`delete_all`, Knex's `del`, TypeORM's `remove`, Ecto's
# `Repo.delete_all`, Laravel's `forceDelete`): what they take away no rollback brings back.
DELETES = frozenset({
    "delete", "delete!", "delete_all", "delete_by", "destroy", "destroy!", "destroy_all", "destroy_by", "del",
    "bulkDelete", "remove", "forceDelete", "deleteQuietly", "deleteOrFail",
})


def rows_op(method: str, table: str | None, line: int | None, detail: str) -> Op:
    """The op of a call that writes rows: `delete_rows` for one of `DELETES`, else `data`."""
    return Op("delete_rows" if method in DELETES else "data", table, line=line, detail=detail)


class Unreadable(Exception):
    """A migration that cannot be analysed; becomes one `unknown` finding."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class Op(NamedTuple):
    """One forward operation of a migration, in framework-neutral words."""

    action: str  # one of ACTIONS or DIRECT
    table: str | None = None
    column: str | None = None
    line: int | None = None
    detail: str = ""
    columns: tuple[str, ...] = ()  # index and constraint columns
    nullable: bool = True  # add_column: False means NOT NULL
    default: bool = False  # add_column: has a default the database fills in
    rewrites: bool = False  # add_column: a volatile default or serial fills every row
    unique: bool = False  # add_index
    concurrent: bool = False  # add_index: built without blocking writes
    validated: bool = True  # constraints: False for NOT VALID / validate: false
    to: str | None = None  # the new name of a rename


class Migration(NamedTuple):
    """What a framework read from one migration file."""

    ops: tuple[Op, ...]
    # Re-run whenever its content changes (Flyway `R__`): editing it is the change.
    repeatable: bool = False
    # A desired state compared old vs new (schema.prisma): the ops hold for any status.
    desired_state: bool = False
    # The forward code without comments, layout or the rollback side: two versions
    # with equal fingerprints run the same statements.
    fingerprint: str | None = None

    def same_effect(self, other: Migration) -> bool:
        """Whether two versions do the same thing, whatever moved between lines."""
        if self.fingerprint is not None and other.fingerprint is not None:
            return self.fingerprint == other.fingerprint
        return [o._replace(line=None) for o in self.ops] == [o._replace(line=None) for o in other.ops]


def name(text: str | None) -> str | None:
    """A table or column name as a subject: unquoted, without a schema prefix."""
    if text is None:
        return None
    cleaned = text.strip().strip('`"[]').replace('"', "").replace("`", "")
    if not cleaned or PLACEHOLDER in cleaned:
        return None  # empty, or interpolated at run time
    return cleaned.rsplit(".", 1)[-1] if "." in cleaned else cleaned


def table_of(model: str) -> str:
    """The table an ORM names for a model class by convention (Rails and Laravel alike):
    `LineItem` -> `line_items`, `Category` -> `categories`."""
    snake = "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(model))
    if snake.endswith("y") and snake[-2:-1] not in tuple("aeiou"):
        return snake[:-1] + "ies"
    if snake.endswith(("s", "x", "z", "ch", "sh")):
        return snake + "es"
    return snake + "s"


def table_named(op: Op) -> Op:
    """`op`, or `unknown` if the table it changes is named only at run time (a variable, a
    function's result): whether that table is new, and so the verdict, cannot be known."""
    if op.action not in ACTIONS or name(op.table) is not None:
        return op
    what = op.action.replace("_", " ")
    return Op("unknown", line=op.line, detail=f"{what} on a table whose name is computed at run time")


def _key(text: str | None) -> str:
    return (name(text) or "").lower()


def subject(op: Op, fallback: str) -> str:
    table = name(op.table)
    if table is None:
        return fallback
    column = name(op.column)
    return f"{table}.{column}" if column else table


class _Seen:
    """Tables and columns created earlier in the same migration file."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.columns: set[tuple[str, str]] = set()

    def new_table(self, op: Op) -> bool:
        return _key(op.table) in self.tables

    def new_columns(self, op: Op) -> bool:
        table = _key(op.table)
        if table in self.tables:
            return True
        names = op.columns or ((op.column,) if op.column else ())
        return bool(names) and all((table, _key(c)) in self.columns for c in names)

    def record(self, op: Op) -> None:
        if op.action == "create_table":
            self.tables.add(_key(op.table))
        elif op.action == "add_column" and op.column:
            self.columns.add((_key(op.table), _key(op.column)))
        elif op.action == "rename_table" and op.to and self.new_table(op):
            self.tables.add(_key(op.to))
        elif op.action == "rename_column" and op.to and self.new_columns(op):
            self.columns.add((_key(op.table), _key(op.to)))


def _kind(op: Op, seen: _Seen) -> tuple[str, str]:
    """(kind, why) for one op; `why` is appended to the framework's detail."""
    action = op.action
    if action in DIRECT:
        return action, ""
    if action == "create_table":
        return "additive", ""
    if action in ("drop_table", "rename_table", "truncate", "delete_rows"):
        if seen.new_table(op):
            return "additive", " (a table created in this migration)"
        return "destructive", ""
    if action in ("drop_column", "rename_column", "alter_type"):
        if seen.new_columns(op):
            return "additive", " (created in this migration)"
        return "destructive", ""
    if action == "add_column":
        if seen.new_table(op):
            return "additive", ""
        if op.rewrites:
            return "risky", " (its default is computed per row: the table is rewritten under lock)"
        if not op.nullable and not op.default:
            return "risky", " (NOT NULL without a default fails on an existing table with rows)"
        return "additive", ""
    if action == "set_not_null":
        if seen.new_table(op):
            return "additive", ""  # a column added to an existing table has rows to scan
        return "risky", " (scans the table under an exclusive lock and fails on NULL rows)"
    if action == "add_index":
        if seen.new_table(op):
            return "additive", ""
        if op.unique and not seen.new_columns(op):
            return "risky", " (a unique index on existing rows fails on duplicates)"
        if op.concurrent:
            return "additive", ""
        return "risky", " (building it on an existing table blocks writes; build it concurrently)"
    if action in ("add_unique", "add_primary_key"):
        if seen.new_columns(op):
            return "additive", ""
        return "risky", " (on existing rows it fails on duplicates and locks the table)"
    if action in ("add_foreign_key", "add_check"):
        if seen.new_columns(op) or not op.validated:
            return "additive", ""
        return "risky", " (validating existing rows locks the table and may fail; add it NOT VALID)"
    return "unknown", f" (unrecognised operation {action!r})"


def judge(ops: Iterable[Op], fallback: str) -> list[Finding]:
    """Findings for the forward operations of one file, in order, without repeats.

    `fallback` is the subject of an op that names no table (the file path).
    """
    seen = _Seen()
    findings: list[Finding] = []
    emitted: set[tuple[str, str, str]] = set()
    for op in ops:
        kind, why = _kind(op, seen)
        seen.record(op)
        detail = ((op.detail or op.action.replace("_", " ")) + why).replace(PLACEHOLDER, "<dynamic>")
        what = subject(op, fallback)
        key = (kind, what, detail)
        if key in emitted:
            continue
        emitted.add(key)
        findings.append(Finding(type=TYPE, kind=kind, subject=what, line=op.line, detail=detail))
    return findings
