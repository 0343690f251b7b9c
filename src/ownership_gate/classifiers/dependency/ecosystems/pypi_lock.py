"""Reading Python lockfiles: poetry.lock, uv.lock, pdm.lock and pylock.toml (tomllib),
Pipfile.lock (json). Names are PEP 503-normalised, as the manifests' are."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from packaging.utils import canonicalize_name

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, entries, one_version_each
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_json, load_toml


def locked(text: str, path: str) -> Lock:
    name = posixpath.basename(path).lower()
    if name == "pipfile.lock":
        return _pipfile_lock(load_json(text))
    key = "packages" if name.startswith("pylock.") else "package"  # PEP 751 names its table in the plural
    pairs = [(canonicalize_name(p["name"]), str(p.get("version", ""))) for p in entries(load_toml(text), key, name)]
    return Lock(frozenset(n for n, _ in pairs), one_version_each((n, v) for n, v in pairs if v))


def _pipfile_lock(document: object) -> Lock:
    if not isinstance(document, Mapping):
        raise ManifestError("Pipfile.lock should hold an object")
    pairs: list[tuple[str, str]] = []
    for category, packages in document.items():
        if category == "_meta":
            continue
        if not isinstance(packages, Mapping):
            raise ManifestError(f"`{category}` in Pipfile.lock should be an object of packages")
        for package, entry in packages.items():
            version = entry.get("version", "") if isinstance(entry, Mapping) else ""
            pairs.append((canonicalize_name(package), str(version).removeprefix("==")))
    return Lock(frozenset(n for n, _ in pairs), one_version_each((n, v) for n, v in pairs if v))
