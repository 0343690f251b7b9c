"""`infra` findings (placeholder until the classifier lands)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context
from ownership_gate.model import Change, Finding

TYPE = "infra"
KINDS: tuple[str, ...] = ("terraform", "kubernetes", "helm", "kustomize", "docker", "compose", "ci", "cloudformation", "pulumi", "serverless", "ansible", )
SETTINGS: Mapping[str, str] = {}


def claims(change: Change, settings: Mapping[str, Any]) -> bool:
    return False


def classify(change: Change, context: Context) -> list[Finding]:
    return []
