"""`error` findings: a classifier failed on a file, so what the file changes is not known.

That is a bug in ownership-gate, never in the change. The engine catches it
for that one file, reports it as an `error/classifier` finding naming the
classifier and the exception, and the built-in rule `classifier-error`
puts the file at the policy's highest level: the check fails closed for it
and still judges every other file. This classifier reads nothing itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.model import Change, Finding

TYPE = "error"
KINDS: tuple[str, ...] = ("classifier",)
SETTINGS: Mapping[str, str] = {}

# The rule every policy has: a file no classifier could judge needs the top level.
RULE_ID = "classifier-error"
RULE_REASON = (
    "A classifier failed on this file, so what it changes is not known; until ownership-gate is fixed,"
    " it needs the highest sign-off."
)
_SHOWN = 200


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
    return frozenset()


def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    return False


def classify(change: Change, context: Context) -> list[Finding]:
    return []


def finding(failed: str, change: Change, error: Exception) -> Finding:
    """What the engine reports when the `failed` classifier raised `error` on `change`."""
    message = " ".join(str(error).split())
    message = message if len(message) <= _SHOWN else message[: _SHOWN - 3] + "..."
    detail = (f"the {failed} classifier failed on this file ({type(error).__name__}: {message or 'no message'}),"
              " so what it changes is not known: a bug in ownership-gate, please report it")
    return Finding(type=TYPE, kind="classifier", subject=change.path, detail=detail)
