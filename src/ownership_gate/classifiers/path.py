"""`path` findings: made by the engine for rules without `when`.

The module exists so the registry (and so the policy validator and the
reporters) know the type; it never reads contents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.model import Change, Finding

TYPE = "path"
KINDS: tuple[str, ...] = ()
SETTINGS: Mapping[str, str] = {}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    return set()


def classify(change: Change, context: Context) -> list[Finding]:
    return []
