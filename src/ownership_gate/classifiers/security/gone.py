"""What the files of a change set no longer hold: an entry one file gains that another loses moved."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.security.findings import TYPE


def removed_in_change_set(
    context: Context, name: str, holds: Callable[[bytes | None, str], AbstractSet[str]]
) -> frozenset[str]:
    """The entries (`holds(content, path)`: an SSH key's body, an allow list's host) that some file the
    security classifier reads held before the change set and no longer holds after it; worked out once per
    change set, under `name`."""
    key = f"{TYPE}.gone.{name}"
    if key not in context.memo:
        removed: set[str] = set()
        for change in context.claimed(TYPE):
            before = holds(context.old(change), change.source_path) if change.old_oid is not None else set()
            if before:
                removed |= before - holds(context.new(change), change.path)
        context.memo[key] = frozenset(removed)
    found: frozenset[str] = context.memo[key]
    return found
