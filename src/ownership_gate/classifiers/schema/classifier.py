"""`schema` findings: what a migration does to the database, forward only (see the README, *Schema*).

Each migration framework is one module in `frameworks/`, registered in
`migrations.FRAMEWORKS`; it finds its files by path (and, for SQL, by
content) and translates the forward direction into `Op`s, which
`ops.judge` weighs with one set of rules. This module picks the files by
path alone (each framework's reader loads only when a file is read);
`judge.py` reads a change and adds what no single file can tell:

- an edited, renamed or deleted migration that existed at the base may
  already have run in production, so the edit itself is reported;
- a schema dump (`db/schema.rb`, `db/structure.sql`) is explained by a
  migration in the same change; without one it is `unknown`, unless its
  stamp says no migration ran between its two versions.

A Rails application's rake tasks (`lib/tasks/**/*.rake`) are read too, for
the records a task deletes (tasks.py): a one-off script run against
production is a migration in all but name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ownership_gate.classifiers.schema.migrations import DUMPS, declared, frameworks_for, is_dump
from ownership_gate.classifiers.schema.paths import is_task_file

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import ChangedPaths, Context
    from ownership_gate.model import Change, Finding

TYPE = "schema"
KINDS: tuple[str, ...] = ("destructive", "risky", "additive", "data", "edited", "unknown")
SETTINGS: Mapping[str, str] = {"migrations": "patterns"}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for name, group in paths.by_name.items():
        if name.endswith(DUMPS):
            found.update(p for p in group if is_dump(p))
        if name.endswith(".rake"):
            found.update(p for p in group if is_task_file(p))
        frameworks = frameworks_for(name)  # by the file name's extension
        joined = "\0".join(group) if frameworks else ""
        for framework in frameworks:
            folder = framework.FOLDER
            if folder in joined:  # one scan turns away a name's many files outside any migration folder
                found.update(p for p in group if folder in p and (framework.owns(p) or framework.sniffs(p)))
    if settings.get("migrations"):
        found.update(p for p in paths.all if declared(p, settings))
    return found


def classify(change: Change, context: Context) -> list[Finding]:
    # Reading and judging (and each framework's parser) load with the first
    # migration of a change set, not with the hook's first ordinary file.
    from ownership_gate.classifiers.schema import judge

    if change.is_submodule or change.is_symlink:
        return []  # no migration text to read
    if is_task_file(change.path):
        from ownership_gate.classifiers.base import text_of
        from ownership_gate.classifiers.schema import tasks

        return tasks.findings(text_of(context.old(change)), text_of(context.new(change)))
    return judge.classify(change, context)
