"""`schema` findings: what a migration does to the database, forward only (SPEC §3).

Each migration framework is one `schema_*` module in `FRAMEWORKS`; it
finds its files by path (and, for SQL, by content) and translates the
forward direction into `Op`s, which `schema_ops.judge` weighs with one
set of rules. This module adds what no single file can tell:

- an edited, renamed or deleted migration that existed at the base may
  already have run in production, so the edit itself is reported;
- a schema dump (`db/schema.rb`, `db/structure.sql`) is explained by a
  migration in the same change, and is `unknown` without one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any, Protocol

import ownership_gate.classifiers.schema_alembic as schema_alembic
import ownership_gate.classifiers.schema_django as schema_django
import ownership_gate.classifiers.schema_ecto as schema_ecto
import ownership_gate.classifiers.schema_js as schema_js
import ownership_gate.classifiers.schema_prisma as schema_prisma
import ownership_gate.classifiers.schema_rails as schema_rails
import ownership_gate.classifiers.schema_sqlfiles as schema_sqlfiles
from ownership_gate.classifiers.base import Context, decode
from ownership_gate.classifiers.schema_ops import Migration, Unreadable, in_test_dir, judge
from ownership_gate.model import Change, Finding
from ownership_gate.patterns import setting_matches

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


def _readers(path: str, settings: Mapping[str, Any]) -> list[tuple[Framework, bool]]:
    """(framework, declared) pairs that may read `path`, most specific first."""
    if _declared(path, settings):
        lower = path.lower()
        return [(f, True) for f in FRAMEWORKS if lower.endswith(f.EXTENSIONS)]
    return [(f, False) for f in _frameworks_for(path) if f.owns(path) or f.sniffs(path)]


def claims(change: Change, settings: Mapping[str, Any]) -> bool:
    if change.is_submodule or change.is_symlink:
        return False
    return any(is_dump(p) or _readers(p, settings) for p in change.paths)


def _unknown(subject: str, detail: str, line: int | None = None) -> Finding:
    return Finding(type=TYPE, kind="unknown", subject=subject, line=line, detail=detail)


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
    if data is None:
        return None
    readers = _readers(path, context.settings(TYPE))
    if not readers:
        return None
    text = _text(data)
    for framework, declared in readers:
        try:
            found = framework.read(text, path, context, declared)
        except RecursionError:
            raise Unreadable("nested too deeply to read") from None
        if found is not None:
            return found
    return None


def is_migration_path(path: str, settings: Mapping[str, Any]) -> bool:
    """A migration by location alone, not test code: what can explain a dump."""
    return not is_dump(path) and (
        _declared(path, settings)
        or any(f.owns(path) for f in _frameworks_for(path))
        or (schema_sqlfiles.is_rollback(path) and not in_test_dir(path))
    )


def _dump(change: Change, context: Context) -> list[Finding]:
    settings = context.settings(TYPE)
    if any(is_migration_path(p, settings) for c in context.changes for p in c.paths):
        return []
    return [_unknown(change.path, f"schema dump {change.status} without any migration in the change")]


def classify(change: Change, context: Context) -> list[Finding]:
    if is_dump(change.path) or is_dump(change.source_path):
        return _dump(change, context)
    try:
        new = _read(context.new(change), change.path, context)
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
        return [_unknown(change.source_path, (
            f"migration {'deleted' if change.status == 'deleted' else 'moved away'}: databases that"
            " ran it keep its effect, new ones will not get it"
        ))]
    findings = judge(new.ops, change.path)
    if not existed or new.repeatable:
        return findings
    if change.path != change.source_path:
        return [_unknown(change.path, (
            f"migration renamed from {change.source_path}: databases that ran it under the old"
            " name may run it again"
        )), *findings]
    if old is not None and old.same_effect(new):
        return []  # formatting, comments or the rollback side: nothing new runs
    return [_unknown(change.path, (
        "migration existed at the base and was edited: databases that already ran it will"
        " not run the new version"
    )), *findings]
