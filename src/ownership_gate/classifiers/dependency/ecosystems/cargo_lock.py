"""Reading Cargo.lock (tomllib): every crate of the build, at the versions it resolved."""

from __future__ import annotations

from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, entries, one_version_each
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_toml


def locked(text: str, path: str) -> Lock:
    pairs = [(p["name"], str(p.get("version", ""))) for p in entries(load_toml(text), "package", "Cargo.lock")]
    return Lock(frozenset(n for n, _ in pairs), one_version_each((n, v) for n, v in pairs if v))
