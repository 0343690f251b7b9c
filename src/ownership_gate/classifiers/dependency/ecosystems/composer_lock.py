"""Reading composer.lock (json): `packages` and `packages-dev`, names lower-cased as Composer reads them."""

from __future__ import annotations

from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, entries, one_version_each
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_json


def locked(text: str, path: str) -> Lock:
    document = load_json(text)
    found = [*entries(document, "packages", "composer.lock"), *entries(document, "packages-dev", "composer.lock")]
    pairs = [(p["name"].lower(), str(p.get("version", ""))) for p in found]
    return Lock(frozenset(n for n, _ in pairs), one_version_each((n, v) for n, v in pairs if v))
