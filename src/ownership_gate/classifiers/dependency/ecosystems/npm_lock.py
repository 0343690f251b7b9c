"""Reading npm's lockfiles: package-lock.json and npm-shrinkwrap.json (json),
pnpm-lock.yaml (ruamel), yarn.lock (yarn_lock.py), bun.lock (JSON with
trailing commas, which is YAML 1.2 flow style: read by the YAML reader).

The version the project gets of a package is the one installed at the top
of `node_modules` (package-lock, bun), the root importer's (pnpm), or the
one yarn resolved the manifest's own range to. Workspace members' entries
are held but not read as the root project's. bun's binary `bun.lockb` is
not read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, load_yaml
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_json

_NODE_MODULES = "node_modules/"
_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")
_PEER_SUFFIX = re.compile(r"[(_].*$")  # `14.0.0(react@18.2.0)` (pnpm 6+), `14.0.0_react@18.2.0` (pnpm 5)


def locked(text: str, path: str) -> Lock:
    name = posixpath.basename(path)
    if name == "yarn.lock":
        from ownership_gate.classifiers.dependency.ecosystems import yarn_lock

        return yarn_lock.locked(text)
    if name == "pnpm-lock.yaml":
        return _pnpm(load_yaml(text))
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return _package_lock(load_json(text))
    if name == "bun.lock":
        return _bun(load_yaml(text))
    raise ManifestError(f"{name} is not a lockfile this version reads")  # bun's binary bun.lockb


def _package_lock(document: Any) -> Lock:
    if not isinstance(document, Mapping):
        raise ManifestError("package-lock.json should hold an object")
    packages = document.get("packages")
    if isinstance(packages, Mapping):  # lockfileVersion 2 and 3
        held: set[str] = set()
        versions: dict[str, str] = {}
        for key, entry in packages.items():
            if _NODE_MODULES not in f"/{key}" or not isinstance(entry, Mapping):
                continue  # the root project or a workspace member's folder
            package = key.rsplit(_NODE_MODULES, 1)[1]
            held.add(package)
            version = entry.get("version")
            if key == _NODE_MODULES + package and isinstance(version, str) and not entry.get("link"):
                versions[package] = version
        return Lock(frozenset(held), versions)
    top = document.get("dependencies", {})  # lockfileVersion 1: nested dependencies
    if not isinstance(top, Mapping):
        raise ManifestError("`dependencies` in package-lock.json should be an object")
    versions = {k: v["version"] for k, v in top.items() if isinstance(v, Mapping) and isinstance(v.get("version"), str)}
    return Lock(frozenset(_v1_names(top)), versions)


def _v1_names(dependencies: Mapping[str, Any]) -> Iterator[str]:
    stack = [dependencies]
    while stack:
        for name, entry in stack.pop().items():
            yield name
            if isinstance(entry, Mapping) and isinstance(entry.get("dependencies"), Mapping):
                stack.append(entry["dependencies"])


def _pnpm(document: Any) -> Lock:
    if not isinstance(document, Mapping):
        raise ManifestError("pnpm-lock.yaml should hold a mapping")
    old_keys = str(document.get("lockfileVersion", "")).startswith("5")  # `/name/1.2.3`, not `/name@1.2.3`
    importers = document.get("importers")
    projects = dict(importers) if isinstance(importers, Mapping) else {".": document}
    versions: dict[str, str] = {}
    held: set[str] = set()
    for folder, project in projects.items():
        for name, version in _importer(project):
            held.add(name)  # a workspace package too (`link:../ui`)
            if folder == "." and version[:1].isdigit():
                versions[name] = _PEER_SUFFIX.sub("", version)
    for table in ("packages", "snapshots"):
        entries = document.get(table, {})
        for key in entries if isinstance(entries, Mapping) else ():
            held.add(_pnpm_name(str(key), old_keys))
    return Lock(frozenset(held), versions)


def _importer(project: Any) -> Iterator[tuple[str, str]]:
    """(name, version) of each dependency an importer (a project of the workspace) lists."""
    for section in _SECTIONS:
        deps = project.get(section, {}) if isinstance(project, Mapping) else {}
        for name, entry in (deps.items() if isinstance(deps, Mapping) else ()):
            version = entry.get("version") if isinstance(entry, Mapping) else entry
            yield str(name), str(version or "")


def _pnpm_name(key: str, old_keys: bool) -> str:
    """`/@scope/name/1.2.3_peer` (pnpm 5), `/@scope/name@1.2.3(peer)` (6), `@scope/name@1.2.3` (9)."""
    key = key.removeprefix("/").split("(", 1)[0]
    if old_keys:
        return key.rsplit("/", 1)[0]
    at = key.rfind("@")
    return key[:at] if at > 0 else key


def _bun(document: Any) -> Lock:
    """`packages` maps an install path (`lodash`, `@scope/pkg/lodash` for one nested under it) to
    `["name@version", registry, metadata, integrity]`; a top-level path is what the project gets."""
    if not isinstance(document, Mapping) or not isinstance(document.get("packages", {}), Mapping):
        raise ManifestError("bun.lock should hold an object with a `packages` object")
    held: set[str] = set()
    versions: dict[str, str] = {}
    for key, entry in document.get("packages", {}).items():
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            raise ManifestError(f"bun.lock: the entry of {key!r} should be a list starting with name@version")
        at = entry[0].rfind("@")
        if at <= 0:
            continue  # not `name@version`: a workspace or a link, not a version
        name, version = entry[0][:at], entry[0][at + 1:]
        held.add(name)
        if key == name and version[:1].isdigit():
            versions[name] = version
    return Lock(frozenset(held), versions)
