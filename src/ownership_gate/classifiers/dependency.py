"""`dependency` findings (placeholder until the classifier lands)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context
from ownership_gate.model import Change, Finding

TYPE = "dependency"
KINDS: tuple[str, ...] = ("added", "removed", "major", "minor", "patch", "changed", "lockfile", "unparsed", )
SETTINGS: Mapping[str, str] = {"manifests": "patterns", "zero_major": "bool", }


def claims(change: Change, settings: Mapping[str, Any]) -> bool:
    return False


def classify(change: Change, context: Context) -> list[Finding]:
    return []
