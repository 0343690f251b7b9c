"""Which files the cost classifier reads: what the classifier claims, and what its readers check again."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths
from ownership_gate.classifiers.fixture_dirs import NOT_PRODUCTION, in_test_dir
from ownership_gate.classifiers.infra.names import claimed_by_kind, cloud_foundry_manifest
from ownership_gate.model import Change
from ownership_gate.paths.pattern_index import setting_matches

COSTED_KINDS = frozenset({
    "terraform", "kubernetes", "helm", "kustomize", "compose", "ci", "cloudformation",
    "pulumi", "serverless",
})
_PRODUCTION = frozenset({"prod", "production", "prd", "live"})
_VARIABLE_FOLDERS = frozenset({"vars", "group_vars", "host_vars", "env-specific", "environments", "envs"})
YAML = (".yml", ".yaml")
SHELL = (".sh", ".bash")
_WORD = re.compile(r"[^a-z0-9]+")
_VALUE_ENDINGS = (*SHELL, ".env")


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    # Test, fixture and example folders hold sample manifests (a CLI's golden output
    # under testdata/), never deployed: only `classify.cost.files` can name one.
    found = {p for p in claimed_by_kind(paths.by_name, COSTED_KINDS) if not in_test_dir(p)}
    # An environment's value file of dotenv or shell assignments (`prod.env`, `regions/eu/prod.sh`); YAML
    # ones are claimed above, as any YAML may be infrastructure.
    found.update(p for name, group in paths.by_name.items()
                 if name.endswith(_VALUE_ENDINGS) or name.startswith(".env") for p in group if values_file(p))
    found.update(p for name, group in paths.by_name.items() if name.endswith(".j2") for p in group
                 if cloud_foundry_manifest(p))
    if settings.get("files"):
        found.update(p for p in paths.all if setting_matches(settings, "files", p))
    return found


def claimed(path: str, settings: Mapping[str, Any]) -> bool:
    """Whether `claims` takes one path."""
    return path in claims(ChangedPaths([Change("added", path)]), settings)


def _dotenv(base: str) -> bool:
    return base == ".env" or base.startswith(".env.") or base.endswith(".env")


def values_file(path: str) -> bool:
    """Whether `path` may be an environment's value file (its contents decide the rest)."""
    folders, _, base = path.rpartition("/")
    if not base.endswith(YAML + SHELL) and not _dotenv(base):
        return False
    if in_test_dir(path) or NOT_PRODUCTION.search(path):
        return False  # a staging cluster's replicas are not production's spend
    parts = [p.lower() for p in folders.split("/") if p]
    if any(p in _VARIABLE_FOLDERS for p in parts):
        return True
    words = {w for p in (*parts, base.lower()) for w in (p, *_WORD.split(p)) if w}
    return not words.isdisjoint(_PRODUCTION)
