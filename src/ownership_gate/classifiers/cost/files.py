"""Which files the cost classifier reads: what the classifier claims, and what its readers check again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths
from ownership_gate.classifiers.fixture_dirs import in_test_dir
from ownership_gate.classifiers.infra.names import claimed_by_kind
from ownership_gate.model import Change
from ownership_gate.paths.pattern_index import setting_matches

COSTED_KINDS = frozenset({
    "terraform", "kubernetes", "helm", "kustomize", "compose", "ci", "cloudformation",
    "pulumi", "serverless",
})


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    # Test, fixture and example folders hold sample manifests (a CLI's golden output
    # under testdata/), never deployed: only `classify.cost.files` can name one.
    found = {p for p in claimed_by_kind(paths.by_name, COSTED_KINDS) if not in_test_dir(p)}
    if settings.get("files"):
        found.update(p for p in paths.all if setting_matches(settings, "files", p))
    return found


def claimed(path: str, settings: Mapping[str, Any]) -> bool:
    """Whether `claims` takes one path."""
    return path in claims(ChangedPaths([Change("added", path)]), settings)
