"""Reading composer.json (which files are manifests: composer.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ownership_gate.classifiers.dependency.ecosystems import tools
from ownership_gate.classifiers.dependency.ecosystems.base import DEV, RUNTIME, ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import Lines, escape, load_json
from ownership_gate.classifiers.dependency.versions import semver

SECTIONS = {"require": RUNTIME, "require-dev": DEV}  # with the scope of what each holds
_PLATFORM = re.compile(
    r"^(?:php(?:-64bit|-ipv6|-zts|-debug)?|hhvm|ext-.+|lib-.+|composer(?:-plugin-api|-runtime-api)?)$"
)


def parse(text: str, path: str) -> list[Requirement]:
    document = load_json(text)
    if not isinstance(document, Mapping):
        raise ManifestError("composer.json should hold an object")
    own = str(document.get("name", "")).lower()
    lines = Lines(text)
    found: list[Requirement] = []
    for section, scope in SECTIONS.items():
        deps = document.get(section, {})
        if isinstance(deps, list) and not deps:
            continue  # PHP's json_encode writes an empty object as []
        if not isinstance(deps, Mapping):
            raise ManifestError(f"`{section}` should be an object of package names to versions",
                                _line(lines, section, None))
        for key, constraint in deps.items():
            if not isinstance(constraint, str):
                raise ManifestError(f"the constraint of {key!r} in `{section}` should be a string",
                                    _line(lines, key, None))
            name = key.lower()
            if _PLATFORM.match(name) or name == own:
                continue
            found.append(Requirement(name, " ".join(constraint.split()),
                                     _line(lines, key, constraint), scope=tools.scope("composer", name, scope)))
    return found


def _line(lines: Lines, key: str, value: str | None) -> int | None:
    quoted = "(?i)" + escape(json.dumps(key)) + r"\s*:\s*"
    patterns = [re.compile(quoted)]
    if value is not None:
        patterns.insert(0, re.compile(quoted + escape(json.dumps(value))))
    return lines.find(patterns)


def lowest(constraint: str) -> Release | None:
    return semver.lowest(constraint, "composer")


def ceiling(constraint: str) -> float | None:
    return semver.ceiling(constraint, "composer")


def canonical(constraint: str) -> str:
    return semver.canonical(constraint)
