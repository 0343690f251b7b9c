"""`policy/changed`: an edit to the policy file itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context
from ownership_gate.model import Change, Finding

TYPE = "policy"
KINDS: tuple[str, ...] = ("changed",)
SETTINGS: Mapping[str, str] = {}


def claims(change: Change, settings: Mapping[str, Any]) -> bool:
    # The engine passes the policy's own paths as this type's settings.
    paths = settings.get("paths", ())
    if isinstance(paths, (set, frozenset)):
        return not paths.isdisjoint(change.paths)  # one C call per change of a large set
    return any(p in paths for p in change.paths)


def classify(change: Change, context: Context) -> list[Finding]:
    touched = [p for p in change.paths if p in context.policy_paths]
    if not touched:
        return []
    return [
        Finding(
            type=TYPE,
            kind="changed",
            subject=touched[0],
            detail=f"the ownership policy itself is {change.status}",
        )
    ]
