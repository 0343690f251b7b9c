"""`infra` findings: one per changed file that is infrastructure.

The kind says what the file is (`terraform`, `kubernetes`, `helm`, ...),
the subject is the file. Recognition lives in `infra_detect` so other
classifiers (cost, dependency) see files the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.classifiers.infra.names import claimed_by_kind, kind_by_path, may_sniff
from ownership_gate.model import Change, Finding

TYPE = "infra"
KINDS: tuple[str, ...] = (
    "terraform", "kubernetes", "helm", "kustomize", "docker", "compose", "ci",
    "cloudformation", "pulumi", "serverless", "ansible", "platform",
)
SETTINGS: Mapping[str, str] = {}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    return claimed_by_kind(paths.by_name)


def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    """A file its path names (`main.tf`, `Dockerfile`) is recognised without reading it."""
    return any(kind_by_path(p) is None and may_sniff(p) for p in change.paths)


def classify(change: Change, context: Context) -> list[Finding]:
    # Recognition by content loads with the first infrastructure file, not with every check.
    from ownership_gate.classifiers.infra.detect import recognise

    found = recognise(change, context)
    if found is None:
        return []
    return [
        Finding(
            type=TYPE,
            kind=found.kind,
            subject=change.path,
            detail=f"{found.detail} {change.status}",
        )
    ]
