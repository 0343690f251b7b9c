"""Reading package.json (which files are manifests: npm.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ownership_gate.classifiers.dependency.ecosystems import tools
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import Lines, escape, load_json
from ownership_gate.classifiers.dependency.ecosystems.npm import SECTIONS
from ownership_gate.classifiers.dependency.versions import semver

_LOCAL = ("workspace:", "file:", "link:", "portal:")
_TARBALL = re.compile(r"\.(?:tgz|tar\.gz|tar)$", re.I)


def parse(text: str, path: str) -> list[Requirement]:
    document = load_json(text)
    if not isinstance(document, Mapping):
        raise ManifestError("package.json should hold an object")
    own = document.get("name")
    lines = Lines(text)
    found: list[Requirement] = []
    for section, scope in SECTIONS.items():
        deps = document.get(section, {})
        if deps is None:
            continue
        if not isinstance(deps, Mapping):
            raise ManifestError(f"`{section}` should be an object of package names to versions",
                                _key_line(lines, section))
        for key, spec in deps.items():
            if not isinstance(spec, str):
                raise ManifestError(f"the version of {key!r} in `{section}` should be a string",
                                    _key_line(lines, key))
            name = _target(key, spec.strip())
            if name is None or name == own:
                continue
            # Type definitions (`@types/node`) and the tools that check and build the code (`typescript`,
            # `webpack`) never run, wherever listed (tools.py).
            found.append(Requirement(name, " ".join(spec.split()), _line(lines, key, spec),
                                     scope=tools.scope("npm", name, scope)))
    return found


def _target(key: str, spec: str) -> str | None:
    """The registry package a spec installs, or None for this repository's own code."""
    if spec.startswith(_LOCAL):
        target = spec.split(":", 1)[1]
        return key if _TARBALL.search(target) else None  # a packed tarball is a vendored copy
    if spec.startswith("npm:"):
        aliased = spec[4:]
        at = aliased.rfind("@")
        return aliased[:at] if at > 0 else aliased
    return key


def _key_line(lines: Lines, key: str) -> int | None:
    return lines.find([re.compile(escape(json.dumps(key)) + r"\s*:")])


def _line(lines: Lines, key: str, spec: str) -> int | None:
    quoted = escape(json.dumps(key)) + r"\s*:\s*"
    return lines.find([re.compile(quoted + escape(json.dumps(spec))), re.compile(quoted)])


def _range(constraint: str) -> str | None:
    if constraint.startswith("npm:"):
        at = constraint.rfind("@")
        return constraint[at + 1:] if at > 4 else ""
    return constraint


def lowest(constraint: str) -> Release | None:
    version_range = _range(constraint)
    return None if version_range is None else semver.lowest(version_range, "npm")


def ceiling(constraint: str) -> float | None:
    version_range = _range(constraint)
    return None if version_range is None else semver.ceiling(version_range, "npm")


def canonical(constraint: str) -> str:
    version_range = _range(constraint)
    if version_range is None or version_range == constraint:
        return semver.canonical(constraint)
    return constraint[: len(constraint) - len(version_range)] + semver.canonical(version_range)
