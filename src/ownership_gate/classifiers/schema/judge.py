"""Reading one change's migration on both sides, and what editing an existing one means.

The `schema` classifier's second half (see classifier.py): loaded only when a
change set holds a migration, so naming a path imports no framework's reader.
"""

from __future__ import annotations

from collections import Counter

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, decode, text_of
from ownership_gate.classifiers.schema.earlier import created_before
from ownership_gate.classifiers.schema.frameworks import ecto, rails, sql
from ownership_gate.classifiers.schema.migrations import is_dump, is_migration_path, readers
from ownership_gate.classifiers.schema.ops import TYPE, Migration, Unreadable, judge
from ownership_gate.model import Change, Finding

MAX_MIGRATION_BYTES = 4 * 1024 * 1024
_READ = "schema.read"


def _unknown(subject: str, detail: str, line: int | None = None) -> Finding:
    return Finding(type=TYPE, kind="unknown", subject=subject, line=line, detail=detail)


def _edited(subject: str, detail: str) -> Finding:
    """A migration that existed at the base, edited or deleted: where it already ran, the change never runs."""
    return Finding(type=TYPE, kind="edited", subject=subject, detail=detail)


def _text(data: bytes) -> str:
    if len(data) > MAX_MIGRATION_BYTES:
        raise Unreadable(f"larger than {MAX_MIGRATION_BYTES // (1024 * 1024)} MiB")
    if b"\0" in data[:8192]:
        raise Unreadable("binary content")
    try:
        return decode(data) or ""
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not UTF-8 text (byte {exc.start})") from None


def _read(data: bytes | None, path: str, context: Context) -> Migration | None:
    """The migration in `data`, None when it is none; raises Unreadable."""
    return _reading(data, path, context)[1]


def _reading(data: bytes | None, path: str, context: Context) -> tuple[str | None, Migration | None]:
    """(the framework that read it, the migration in `data`), (None, None) when it is none; raises Unreadable."""
    if data is None:
        return None, None
    candidates = readers(path, context.settings(TYPE))
    if not candidates:
        return None, None
    text = _text(data)
    for framework, declared in candidates:
        try:
            found = framework.read(text, path, context, declared)
        except RecursionError:
            raise Unreadable("nested too deeply to read") from None
        if found is not None:
            return framework.NAME, found
    return None, None


def _read_new(change: Change, context: Context) -> tuple[str | None, Migration | None]:
    """`_reading` of the new side of `change`, read once per change set: the migration itself and the
    added migrations after it (which judge it as what runs before them) ask."""
    memo: dict[Change, tuple[str | None, Migration | None] | Unreadable] = context.memo.setdefault(_READ, {})
    if change not in memo:
        try:
            memo[change] = _reading(context.new(change), change.path, context)
        except Unreadable as exc:
            memo[change] = exc
    found = memo[change]
    if isinstance(found, Unreadable):
        raise Unreadable(found.reason, found.line)
    return found


def _same_record(old: str, new: str) -> bool:
    """Whether a framework that records migrations by version alone (Rails, Ecto; Flyway by version and
    description, which its file name holds) sees a renamed file as the migration it already ran: then the
    rename is at most an edit."""
    for framework in (rails, ecto, sql):
        if framework.owns(old) and framework.owns(new):
            key = framework.recorded_as(old)
            return key is not None and key == framework.recorded_as(new)
    return False


def _dump(change: Change, context: Context) -> list[Finding]:
    settings = context.settings(TYPE)
    if any(is_migration_path(p, settings) for c in context.changes for p in c.paths):
        return []
    if change.status == "modified":
        old, new = text_of(context.old(change)), text_of(context.new(change))
        stamp = _stamp(old)
        if stamp is not None and stamp == _stamp(new):
            return []  # no migration ran between the two dumps: the same database, written out anew
        if _reordered(old, new):
            return []  # the same schema, dumped in another order (migrations run locally in another order)
    return [_unknown(change.path, f"schema dump {change.status} without any migration in the change")]


# The stamp of the migrations a dump saw: `ActiveRecord::Schema[7.1].define(version: 2024_05_17_000207)`
# (`define(:version => 20090917035818)` before Rails 4), or the versions `structure.sql` inserts into
# `schema_migrations`: `INSERT INTO "schema_migrations" (version) VALUES`, then `('20240517000207'),`
# per line, or each on the INSERT's own line (older Rails, Ecto).
_DUMP_STAMP = patterns.compile(r"define\((?:version:|:version\s*=>)|schema_migrations|^\('?\d{8,}'?\)[,;]?$")
_RB_VERSION = patterns.compile(r"define\((?:version:|:version\s*=>)\s*([\d_]+)\)")
_SQL_VERSION = patterns.compile(r"\(\s*'?(\d{8,})'?\s*\)")


def _stamp(text: str | None) -> frozenset[str] | None:
    """The migration versions a dump records as run, or None when it records none."""
    if text is None:
        return None
    versions = {m[1].replace("_", "") for m in _RB_VERSION.finditer(text)}
    for line in text.splitlines():
        if _DUMP_STAMP.search(line.strip()):
            versions.update(_SQL_VERSION.findall(line))
    return frozenset(versions) or None


def _reordered(old_text: str | None, new_text: str | None) -> bool:
    """Both sides hold the same lines, in another order: columns, indexes or tables listed differently."""
    if old_text is None or new_text is None or old_text == new_text:
        return False

    def lines(text: str) -> Counter[str]:
        return Counter(line.strip().rstrip(",") for line in text.splitlines()
                       if line.strip() and not _DUMP_STAMP.search(line.strip()))

    return lines(old_text) == lines(new_text)


def classify(change: Change, context: Context) -> list[Finding]:
    if is_dump(change.path) or is_dump(change.source_path):
        return _dump(change, context)
    try:
        framework, new = _read_new(change, context)
    except Unreadable as exc:
        return [_unknown(change.path, f"migration could not be analysed: {exc.reason}", exc.line)]
    old: Migration | None = None
    old_unreadable = False
    if change.status not in ("added", "copied"):
        try:
            old = _read(context.old(change), change.source_path, context)
        except Unreadable:
            old_unreadable = True
    existed = old is not None or old_unreadable
    state = new if new is not None else old
    if state is not None and state.desired_state:
        return judge(state.ops, change.path)
    if new is None:
        if not existed:
            return []
        return [_edited(change.source_path, (
            f"migration {'deleted' if change.status == 'deleted' else 'moved away'}: databases that"
            " ran it keep its effect, new ones will not get it"
        ))]
    earlier = created_before(change, framework, context, lambda other: _read_new(other, context))
    findings = judge(new.ops, change.path, earlier)
    if not existed or new.repeatable:
        return findings
    if change.path != change.source_path and not _same_record(change.source_path, change.path):
        return [_unknown(change.path, (
            f"migration renamed from {change.source_path}: databases that ran it under the old"
            " name may run it again"
        )), *findings]
    if old is not None and (old.same_effect(new) or _only_guards_changed(old, new)):
        return []  # formatting, comments, the rollback side or existence guards: nothing new runs
    if old is not None and _same_schema(old, new):
        return [Finding(type=TYPE, kind="data", subject=change.path, detail=(
            "data migration existed at the base and its code was edited: it changes no schema, and"
            " databases that ran it keep the rows the old code wrote"
        ))]
    if old is not None and _only_taken_out(old, new):
        findings = []  # what it still does it did before, and was judged when it was written
    return [_edited(change.path, (
        "migration existed at the base and was edited: databases that already ran it will"
        " not run the new version"
    )), *findings]


def _only_taken_out(old: Migration, new: Migration) -> bool:
    """The edit only takes operations out (a `DeleteModel` dropped from a migration that drops tables):
    every operation of the new version is one the base version had, as written. An operation rewritten,
    even on the same table (a backfill's `UPDATE` changed), is new."""
    left = Counter(op._replace(line=None) for op in old.ops)
    for op in new.ops:
        key = op._replace(line=None)
        if left[key] <= 0:
            return False
        left[key] -= 1
    return bool(new.ops) and len(new.ops) < len(old.ops)


# Existence guards: `CREATE TABLE IF NOT EXISTS`, `DROP INDEX IF EXISTS`, Ecto's `create_if_not_exists`,
# in SQL text or a fingerprint's tokens (`VAR:IF\x1fNOT:\x1fEXISTS:`).
_GUARD = patterns.compile(r"(?i)(?:\bvar:)?\bif[\s:\x1f]+(?:not[\s:\x1f]+)?exists\b[\s:\x1f]*|_if_(?:not_)?exists\b")
_SPACES = patterns.compile(r"\s+")


def _only_guards_changed(old: Migration, new: Migration) -> bool:
    """The edit only adds or removes existence guards: where the migration ran, the objects
    exist and the guard changes nothing; where it has not, it creates the same schema."""
    if old.fingerprint is None or new.fingerprint is None:
        return False
    return _unguarded(old.fingerprint) == _unguarded(new.fingerprint)


def _unguarded(fingerprint: str) -> str:
    return _SPACES.sub(" ", _GUARD.sub("", fingerprint))


def _same_schema(old: Migration, new: Migration) -> bool:
    """Both versions only rewrite rows, the same tables in the same order: what differs is the
    code that computes the rows, which changes no schema. (An `Op` does not hold every detail of a
    schema operation, a column's type for one, so an edit among those stays `edited`.)"""
    ops = [o._replace(line=None) for o in old.ops]
    return bool(ops) and all(o.action == "data" for o in ops) and ops == [o._replace(line=None) for o in new.ops]
