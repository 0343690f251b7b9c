"""`infra` findings: one per changed file that is infrastructure.

The kind says what the file is (`terraform`, `kubernetes`, `helm`, ...),
the subject is the file. Recognition lives in `infra_detect` so other
classifiers (cost, dependency) see files the same way. How the production
image starts is `platform` too (`start_files`): a file its Dockerfile runs
at start or for its health check, and a Dockerfile whose start command
changed (besides its `docker` finding).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.classifiers.infra.names import TYPE as TYPE
from ownership_gate.classifiers.infra.names import claimed_by_kind, kind_by_path, may_sniff, may_start_an_image
from ownership_gate.model import Change, Finding

KINDS: tuple[str, ...] = (
    "terraform", "kubernetes", "helm", "kustomize", "docker", "compose", "ci",
    "cloudformation", "pulumi", "serverless", "ansible", "platform",
)
SETTINGS: Mapping[str, str] = {}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    found = claimed_by_kind(paths.by_name)
    for name, group in paths.by_name.items():
        if may_start_an_image(name):
            found.update(group)
    return found


def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    """A file its path names (`main.tf`) is recognised without reading it; a Dockerfile's start
    command is read, a script's Dockerfiles are read instead of it."""
    return any((kind := kind_by_path(p)) == "docker" or (kind is None and may_sniff(p)) for p in change.paths)


def classify(change: Change, context: Context) -> list[Finding]:
    # Recognition by content loads with the first infrastructure file, not with every check.
    from ownership_gate.classifiers.infra.detect import recognise

    findings = []
    found = recognise(change, context)
    if found is not None:
        findings.append(
            Finding(type=TYPE, kind=found.kind, subject=change.path, detail=f"{found.detail} {change.status}")
        )
    started = _start(change, context, None if found is None else found.kind)
    if started is not None:
        findings.append(Finding(type=TYPE, kind="platform", subject=change.path, detail=started))
    return findings


def _start(change: Change, context: Context, kind: str | None) -> str | None:
    """How the change alters the way the production image starts (see `start_files`), or None."""
    if kind == "docker":
        from ownership_gate.classifiers.infra.start_files import start_changed

        return start_changed(change, context)
    if kind is not None or change.is_submodule:
        return None  # a file with a kind of its own (a `Procfile`) is judged as that
    if not any(may_start_an_image(posixpath.basename(p)) for p in change.paths):
        return None
    from ownership_gate.classifiers.infra.start_files import started_by

    return started_by(change, context)
