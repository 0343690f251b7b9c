"""`policy/changed`: an edit to the policy file itself."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.model import Change, Finding

TYPE = "policy"
KINDS: tuple[str, ...] = ("changed",)
SETTINGS: Mapping[str, str] = {}

# The rule every policy has, whatever it says: changing the policy needs its top level.
POLICY_RULE_ID = "policy-file"
POLICY_RULE_REASON = "The policy decides what needs sign-off, so changing it needs the highest sign-off."


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
    # The engine passes the policy's own paths as this type's settings.
    return paths.all.intersection(settings.get("paths", ()))


def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    return False  # the path alone says it is the policy


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
