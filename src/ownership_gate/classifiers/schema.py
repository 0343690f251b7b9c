"""`schema` findings (placeholder until the classifier lands)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context
from ownership_gate.model import Change, Finding

TYPE = "schema"
KINDS: tuple[str, ...] = ("destructive", "risky", "additive", "data", "unknown", )
SETTINGS: Mapping[str, str] = {"migrations": "patterns", }


def claims(change: Change, settings: Mapping[str, Any]) -> bool:
    return False


def classify(change: Change, context: Context) -> list[Finding]:
    return []
