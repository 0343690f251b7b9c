"""Reading Cargo.toml (which files are manifests: cargo.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ownership_gate.classifiers.dependency.ecosystems.base import BUILD, DEV, RUNTIME, ManifestError, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import Lines, escape, load_toml, public_url, table
from ownership_gate.classifiers.dependency.versions import semver

# Each dependency table, with the scope of what it holds.
_KINDS = {
    "dependencies": RUNTIME, "dev-dependencies": DEV, "dev_dependencies": DEV,
    "build-dependencies": BUILD, "build_dependencies": BUILD,
}


def parse(text: str, path: str) -> list[Requirement]:
    document = load_toml(text)
    lines = Lines(text)
    found: list[Requirement] = []
    sections: list[tuple[str, dict[str, Any], str]] = [(k, table(document, k), s) for k, s in _KINDS.items()]
    for target, spec in table(document, "target").items():
        if not isinstance(spec, Mapping):
            raise ManifestError(f"`target.{target}` should be a table")
        sections += [(f"target.{target}.{k}", table(spec, k), s) for k, s in _KINDS.items()]
    sections.append(("workspace.dependencies", table(document, "workspace", "dependencies"), RUNTIME))
    for where, deps, scope in sections:
        found.extend(_entries(where, deps, lines, indirect=False, scope=scope))
    for registry, deps in table(document, "patch").items():
        if not isinstance(deps, Mapping):
            raise ManifestError(f"`patch.{registry}` should be a table")
        found.extend(_entries(f"patch.{registry}", dict(deps), lines, indirect=True, scope=RUNTIME))
    return found


def _entries(
    where: str, deps: dict[str, Any], lines: Lines, *, indirect: bool, scope: str
) -> Iterator[Requirement]:
    for key, value in deps.items():
        if isinstance(value, str):
            yield Requirement(key, " ".join(value.split()), _line(lines, key, where), indirect, scope=scope)
            continue
        if not isinstance(value, Mapping):
            raise ManifestError(f"`{where}.{key}` should be a version string or a table",
                                _line(lines, key, where))
        if value.get("workspace") is True or "path" in value:
            continue
        name = value.get("package", key)
        if not isinstance(name, str):
            raise ManifestError(f"`{where}.{key}.package` should be a string",
                                _line(lines, key, where))
        line = _line(lines, key, where)
        features = _features(value, f"{where}.{key}", line)
        yield Requirement(name, _constraint(value), line, indirect, features, scope)


def _features(value: Mapping[str, Any], where: str, line: int | None) -> str:
    """`no default features; features: derive, rc`: what the crate is built with."""
    features = value.get("features", [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise ManifestError(f"`{where}.features` should be a list of strings", line)
    defaults = value.get("default-features", value.get("default_features", True))
    parts = [] if defaults is not False else ["no default features"]
    if features:
        parts.append("features: " + ", ".join(sorted({" ".join(f.split()) for f in features})))
    return "; ".join(parts)


def _constraint(value: Mapping[str, Any]) -> str:
    version = value.get("version")
    version = " ".join(version.split()) if isinstance(version, str) else ""
    if "git" in value:
        ref = next((f"#{value[k]}" for k in ("rev", "tag", "branch") if k in value), "")
        git = public_url(str(value["git"]))
        return f"@ git+{git}{ref}" + (f" {version}" if version else "")
    return version


def _line(lines: Lines, key: str, where: str = "") -> int | None:
    """The entry's line: a dotted `[<where>.<key>]` table, else the key below `[<where>]`."""
    quoted = r"[\"']?" + escape(key) + r"[\"']?"
    section = r"\.".join(r"[\"']?" + escape(part) + r"[\"']?" for part in _parts(where))
    header = re.compile(r"(?m)^[ \t]*\[[ \t]*" + section + r"[ \t]*\]") if where else None
    match = header.search(lines.text) if header is not None else None
    dotted = re.compile(r"(?m)^[ \t]*\[[ \t]*" + section + r"\." + quoted + r"[ \t]*\]") \
        if where else re.compile(r"(?m)^[ \t]*\[[^\]\n]*dependencies\." + quoted + r"[ \t]*\]")
    key_re = re.compile(r"(?m)^[ \t]*" + quoted + r"[ \t]*[=.]")
    found = lines.find([dotted])
    if found is None and match is not None:
        found = lines.find([key_re], match.end())
    return found if found is not None else lines.find([key_re, dotted])


def _parts(where: str) -> list[str]:
    """`target.cfg(unix).dependencies` -> its three keys (the middle one may hold dots)."""
    if where.startswith("target.") and where.count(".") >= 2:
        head, _, kind = where.rpartition(".")
        return ["target", head[len("target."):], kind]
    return where.split(".")


def _comparators(constraint: str) -> list[str]:
    """Comma-separated comparators; a bare version is Cargo's default caret."""
    result = []
    for part in constraint.split(","):
        part = re.sub(r"^(=|>=|<=|>|<|~|\^)\s+", r"\1", part.strip())
        if part and part[0].isdigit():
            part = "^" + part
        if part:
            result.append(part)
    return result


# `1.2` is `^1.2`; comparator order and spacing do not matter.
lowest, canonical, ceiling = semver.comparator_lists(_comparators, "cargo")
