"""What a lockfile holds, and which manifest constraints leave the version to it.

Each ecosystem with lockfiles reads them in its `<name>_lock.py` into a
`Lock`: every package installed (at any depth), and the version the
lockfile's own project gets of each. A requirement that admits any version
(`*`, an empty constraint, only lower bounds such as `>= 1.2`) is decided
by the lockfile alone, so its lockfile is where its major steps show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError

# Comparators that bound a range from below only; `!=` excludes one version.
_LOWER = (">", "!=")
_SPACED_OPERATOR = re.compile(r"(>=|<=|!=|~>|==|>|<|=|\^|~)\s+")
_ANY = frozenset({"", "*", "x", "X", "latest", "any"})


class Lock(NamedTuple):
    """A lockfile's packages: names as the ecosystem normalises them."""

    held: frozenset[str]  # every package installed, at any depth
    # name -> the version the lockfile's own project gets; formats that key
    # entries by what was asked (yarn) also map "name@range" -> version.
    versions: Mapping[str, str] = MappingProxyType({})

    def version(self, name: str, constraint: str) -> str | None:
        return self.versions.get(f"{name}@{constraint}") or self.versions.get(name)


def admits_any(constraint: str) -> bool:
    """Whether a constraint has no upper bound: `*`, `""`, `latest`, `>= 1.2`, `>=1,!=1.5`.

    Sources (`@ git+...`, `github:org/x`) and pinned or capped ranges do not.
    """
    text = re.sub(r"^\[[^\]]*\]", "", constraint.strip()).strip()  # pypi extras: `[s3]>=1`
    if text.startswith("@") or ":" in text or "/" in text:
        return False
    return any(_open(part.strip()) for part in re.split(r"\|\|?", text))


def _open(text: str) -> bool:
    if text in _ANY:
        return True
    comparators = [c for c in re.split(r"[\s,]+", _SPACED_OPERATOR.sub(r"\1", text)) if c]
    return bool(comparators) and all(c.startswith(_LOWER) for c in comparators)


def one_version_each(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """name -> version for the names locked at exactly one version (several: nothing is known)."""
    seen: dict[str, set[str]] = {}
    for name, version in pairs:
        seen.setdefault(name, set()).add(version)
    return {name: next(iter(versions)) for name, versions in seen.items() if len(versions) == 1}


def entries(document: Any, key: str, where: str) -> list[Mapping[str, Any]]:
    """The list of tables (or objects) at `document[key]`, each checked; [] when absent."""
    if not isinstance(document, Mapping):
        raise ManifestError(f"{where} should hold a table of its packages")
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ManifestError(f"`{key}` in {where} should be a list of packages")
    for item in value:
        if not isinstance(item.get("name"), str):
            raise ManifestError(f"a package in {where} has no name")
    return value


def load_yaml(text: str) -> Any:
    """A YAML lockfile's first document with every scalar a string (`1.10` stays `1.10`).

    Composed by the one YAML reader (`formats.yaml.compose`: libyaml when it
    can, ruamel's own parser for the YAML 1.2 libyaml rejects, and never
    deeper than its nesting limit); a stream that does not read is a
    ManifestError.
    """
    from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

    from ownership_gate.formats.yaml import YamlError, compose

    try:
        roots = compose(text)
    except YamlError as exc:
        raise ManifestError(f"invalid YAML: {exc.problem}", exc.line) from None
    root = roots[0] if roots else None
    built: dict[int, Any] = {}  # each node once: an alias costs nothing more

    def build(node: Node) -> Any:
        if id(node) in built:
            return built[id(node)]
        if isinstance(node, MappingNode):
            mapping: dict[str, Any] = built.setdefault(id(node), {})
            for key, value in node.value:
                mapping[str(build(key))] = build(value)
            return mapping
        if isinstance(node, SequenceNode):
            items: list[Any] = built.setdefault(id(node), [])
            items.extend(build(item) for item in node.value)
            return items
        return node.value

    return None if root is None else build(root)
