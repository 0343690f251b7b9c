"""pypi's TOML manifests: pyproject.toml (PEP 621, PEP 735, Poetry, uv, PDM) and Pipfile.

Poetry and Pipfile constraints are kept as written; `pep440.canonical`
compares them with PEP 621's. Scopes: `[project] dependencies`, Poetry's
main dependencies and Pipfile's `packages` are runtime; extras are
optional; `[build-system] requires` is build; dependency groups, Poetry
groups, `dev-packages` and the tools' dev dependencies are dev, or test when
named so (`pypi.named_scope`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    DEV,
    OPTIONAL,
    RUNTIME,
    ManifestError,
    Requirement,
    named_scope,
)
from ownership_gate.classifiers.dependency.ecosystems.manifests import (
    Lines,
    escape,
    load_toml,
    name_pattern,
    public_url,
    strings,
    table,
)
from ownership_gate.classifiers.dependency.versions.pep440 import pep508_constraint, reason

# Pipfile tables that are no package category.
_PIPFILE_META = frozenset({"source", "requires", "scripts", "pipenv", "pipfile"})


def parse_pyproject(text: str) -> list[Requirement]:
    return _pyproject(text, None)


def readable_pyproject(text: str) -> tuple[list[Requirement], tuple[str, ...]]:
    """The requirements of a pyproject.toml whose strings read, and each one that does not, with where it is
    (`build-system.requires: poetry-core^1.0.0`, which no installer reads either): the same unread string on
    both sides of a change says what it said before."""
    unread: list[str] = []
    return _pyproject(text, unread), tuple(unread)


def _pyproject(text: str, unread: list[str] | None) -> list[Requirement]:
    document = load_toml(text)
    project = table(document, "project")
    poetry = table(document, "tool", "poetry")
    names = (project.get("name"), poetry.get("name"))
    own = {canonicalize_name(n) for n in names if isinstance(n, str)}
    internal = own | _uv_internal(document)
    lines = Lines(text)
    found: list[Requirement] = []

    # (requirement, where it is, its scope)
    pep508: list[tuple[str, str, str]] = [(r, "project.dependencies", RUNTIME) for r in
                                          strings(project.get("dependencies"), "project.dependencies")]
    for group, items in table(document, "project", "optional-dependencies").items():
        pep508 += [(r, f"project.optional-dependencies.{group}", named_scope(group, OPTIONAL))
                   for r in strings(items, group)]
    for group, items in table(document, "dependency-groups").items():
        if not isinstance(items, list):
            raise ManifestError(f"`dependency-groups.{group}` should be a list")
        # `{include-group = "x"}` reuses another group: nothing new is required.
        pep508 += [(r, f"dependency-groups.{group}", named_scope(group, DEV)) for r in items if isinstance(r, str)]
    build = table(document, "build-system")
    pep508 += [(r, "build-system.requires", BUILD) for r in strings(build.get("requires"), "requires")]
    uv = table(document, "tool", "uv")
    pep508 += [(r, "tool.uv.dev-dependencies", DEV) for r in
               strings(uv.get("dev-dependencies"), "tool.uv.dev-dependencies")]
    for group, items in table(document, "tool", "pdm", "dev-dependencies").items():
        pep508 += [(r, f"tool.pdm.dev-dependencies.{group}", named_scope(group, DEV)) for r in strings(items, group)]
    for raw, where, scope in pep508:
        try:
            requirement = _pep508(raw, where, lines)
        except ManifestError:
            if unread is None:
                raise
            unread.append(f"{where}: {raw}")
            continue
        if requirement is not None and requirement.name not in internal:
            found.append(requirement._replace(scope=scope))
    pins = ("constraint-dependencies", "override-dependencies")
    for key in pins:
        for raw in strings(uv.get(key), f"tool.uv.{key}"):
            requirement = _pep508(raw, f"tool.uv.{key}", lines)
            if requirement is not None:
                found.append(requirement._replace(indirect=True))

    tables = [(table(poetry, "dependencies"), RUNTIME), (table(poetry, "dev-dependencies"), DEV)]
    tables += [(table(poetry, "group", g, "dependencies"), RUNTIME if g == "main" else named_scope(g, DEV))
               for g in table(poetry, "group")]
    for deps, scope in tables:
        for key, value in deps.items():
            if key.lower() == "python" or canonicalize_name(key) in internal:
                continue  # the interpreter, or the project itself
            found.extend(_table_entries(key, value, lines, scope))
    return _with_sources(found, table(uv, "sources"))


def parse_pipfile(text: str) -> list[Requirement]:
    document = load_toml(text)
    lines = Lines(text)
    found: list[Requirement] = []
    for category, deps in document.items():
        if category in _PIPFILE_META:
            continue
        if not isinstance(deps, Mapping):
            raise ManifestError(f"`{category}` should be a table of packages")
        scope = DEV if category == "dev-packages" else named_scope(category, RUNTIME)
        for key, value in deps.items():
            found.extend(_table_entries(key, value, lines, scope))
    return found


def _pep508(raw: str, where: str, lines: Lines) -> Requirement | None:
    try:
        parsed = Pep508(raw)
    except InvalidRequirement as exc:
        line = lines.find([re.compile(escape(raw))])
        raise ManifestError(f"invalid requirement {raw!r} in `{where}`: {reason(exc)}", line) from None
    line = lines.find([
        re.compile(r"[\"']" + escape(raw) + r"[\"']"),
        re.compile(r"(?i)[\"']\s*" + name_pattern(parsed.name, "-_.") + r"\s*[\[<>=!~;@ \"']"),
    ])
    return Requirement(canonicalize_name(parsed.name), pep508_constraint(parsed), line)


def _table_entries(key: str, value: Any, lines: Lines, scope: str) -> Iterator[Requirement]:
    """Poetry and Pipfile entries: a constraint string, a table, or (Poetry) a list of tables."""
    name = canonicalize_name(key)
    key_re = r"(?im)^[ \t]*[\"']?" + name_pattern(key, "-_.") + r"[\"']?\s*="
    header_re = r"(?im)^[ \t]*\[[^\]\n]*\.[\"']?" + name_pattern(key, "-_.") + r"[\"']?\]"
    for choice in value if isinstance(value, list) else [value]:
        constraint = _table_constraint(key, choice)
        if constraint is None:
            continue
        written = escape(constraint.split("]")[-1]) if constraint else "[*\"']"
        line = lines.find([re.compile(key_re + r"\s*[\"'{].*" + written), re.compile(key_re),
                           re.compile(header_re)])
        yield Requirement(name, constraint, line, scope=scope)


def _table_constraint(key: str, value: Any) -> str | None:
    """The constraint of one entry; None for the project's own code (a path)."""
    if isinstance(value, str):
        return "" if value.strip() in ("*", "") else " ".join(value.split())
    if not isinstance(value, Mapping):
        raise ManifestError(f"dependency {key!r} should be a string or a table")
    if "path" in value or value.get("workspace") is True:
        return None
    extras = value.get("extras")
    prefix = ""
    if isinstance(extras, list) and extras:
        prefix = f"[{','.join(sorted(str(e) for e in extras))}]"
    if "git" in value:
        ref = next((str(value[k]) for k in ("rev", "tag", "branch", "ref") if k in value), "")
        return f"{prefix}@ git+{public_url(str(value['git']))}" + (f"@{ref}" if ref else "")
    for source in ("url", "file"):
        if source in value:
            return f"{prefix}@ {public_url(str(value[source]))}"
    version = value.get("version", "*")
    if not isinstance(version, str):
        raise ManifestError(f"the version of {key!r} should be a string")
    version = "" if version.strip() in ("*", "") else " ".join(version.split())
    return prefix + version


def _uv_internal(document: Mapping[str, Any]) -> set[str]:
    """Names uv resolves from this repository (workspace members, paths): the project's own code."""
    sources = table(document, "tool", "uv", "sources")
    return {
        canonicalize_name(name) for name, source in sources.items()
        if isinstance(source, Mapping) and (source.get("workspace") is True or "path" in source)
    }


def _with_sources(found: list[Requirement], sources: Mapping[str, Any]) -> list[Requirement]:
    """uv's `[tool.uv.sources]` git and URL sources replace the version as the constraint."""
    remote: dict[str, str] = {}
    for name, source in sources.items():
        if not isinstance(source, Mapping):
            continue
        constraint = _table_constraint(name, source)
        if constraint and constraint.startswith("@"):
            remote[canonicalize_name(name)] = constraint
    return [r._replace(constraint=remote[r.name]) if r.name in remote else r for r in found]
