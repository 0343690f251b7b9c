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
  and anything that only touches objects created earlier in the same file,
  or by an added migration of the same change that runs before it
  (`Created`, worked out in earlier.py).
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
    """Tables and columns created earlier in the same migration file, and, given `earlier`, by the
    change set's added migrations that run before it."""

    def __init__(self, earlier: Created | None = None) -> None:
        self.tables: set[str] = set(earlier.tables) if earlier is not None else set()
        self.columns: set[tuple[str, str]] = set(earlier.columns) if earlier is not None else set()

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


class Created(NamedTuple):
    """Tables and columns that the change set's added migrations create before a file runs: a migration
    added in the change never ran in production, so they hold no production rows there."""

    tables: frozenset[str] = frozenset()
    columns: frozenset[tuple[str, str]] = frozenset()


NOTHING = Created()

# Verdicts a framework states directly that may hide a change to any table when no column bounds them
# (a helper called on a table, an unrecognised ALTER TABLE action, SQL built at run time).
_OPAQUE = ("unknown", "destructive", "risky")


def _opaque(op: Op) -> bool:
    """An operation stated directly as destructive, risky or unknown that no column bounds: it may
    change any table, rename one onto another's name."""
    return op.action in _OPAQUE and not (_key(op.table) and _key(op.column))


def created_after(ops: Iterable[Op], before: Created, creates: bool = True) -> Created:
    """What is known new once a migration's `ops` ran, after `before`.

    Its new tables and columns are added (with `creates`); what it drops or renames away is taken
    out, and so is a name an existing table is renamed to. An operation that may touch any table (an
    `unknown`, or a verdict stated without a column) leaves nothing known new: it may have renamed an
    existing table onto a new one's name.
    """
    tables, columns = set(before.tables), set(before.columns)
    for op in ops:
        table, column = _key(op.table), _key(op.column)
        action = op.action
        if _opaque(op):
            tables.clear()
            columns.clear()
        elif action == "create_table" and creates and table:
            tables.add(table)
        elif action == "add_column" and creates and table and column:
            columns.add((table, column))
        elif action in ("drop_table", "rename_table"):
            new = table in tables
            for gone in (table, _key(op.to)):
                tables.discard(gone)
                columns = {c for c in columns if c[0] != gone}
            if action == "rename_table" and new and _key(op.to):
                tables.add(_key(op.to))
        elif action in ("drop_column", "rename_column"):
            new = table in tables or (table, column) in columns
            columns -= {(table, column), (table, _key(op.to))}
            if action == "rename_column" and new and _key(op.to):
                columns.add((table, _key(op.to)))
    return Created(frozenset(tables), frozenset(columns))


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


_EARLIER_TABLE = " (a table created earlier in this change)"
_EARLIER_COLUMNS = " (created earlier in this change)"


def _verdict(op: Op, here: _Seen, known: _Seen | None) -> tuple[str, str]:
    """(kind, why) for one op: by what the file itself created, then, where that leaves it
    destructive, risky or unknown, by what the change set's earlier added migrations created too
    (`known`, None when they created nothing)."""
    kind, why = _kind(op, here)
    if known is None or kind in ("additive", "data"):
        return kind, why
    table = _key(op.table)
    if _kind(op, known)[0] == "additive":
        return "additive", _EARLIER_TABLE if table in known.tables else _EARLIER_COLUMNS
    if op.action in DIRECT and name(op.column) and table in known.tables and table not in here.tables:
        # A column of a table no production database has yet (Django's AlterField whose previous
        # definition is in no changed file): whatever changes there, no row holds it.
        return "additive", _EARLIER_TABLE
    return kind, why


def judge(ops: Iterable[Op], fallback: str, earlier: Created = NOTHING) -> list[Finding]:
    """Findings for the forward operations of one file, in order, without repeats.

    `fallback` is the subject of an op that names no table (the file path); `earlier` is what the
    change set's added migrations that run before this file create.
    """
    here = _Seen()
    known = _Seen(earlier) if earlier.tables or earlier.columns else None
    findings: list[Finding] = []
    emitted: set[tuple[str, str, str]] = set()
    for op in ops:
        kind, why = _verdict(op, here, known)
        here.record(op)
        if known is not None:
            known.record(op)
            if _opaque(op):
                known = None  # it may have renamed an existing table onto a new one's name
        detail = ((op.detail or op.action.replace("_", " ")) + why).replace(PLACEHOLDER, "<dynamic>")
        what = subject(op, fallback)
        key = (kind, what, detail)
        if key in emitted:
            continue
        emitted.add(key)
        findings.append(Finding(type=TYPE, kind=kind, subject=what, line=op.line, detail=detail))
    return findings
