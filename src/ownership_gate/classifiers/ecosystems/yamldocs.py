"""YAML documents with line numbers, for the ecosystems whose manifests are YAML.

ruamel's round-trip loader keeps each key's line (`lc`) and never builds
Python objects from tags, so it is as safe as the safe loader. Walking a
loaded document visits each node once, so an alias bomb (`&a [*b, *b, ...]`)
costs its size in the file, not its expanded size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ownership_gate.classifiers.ecosystems.base import ManifestError


def load_all(text: str) -> list[Any]:
    """Every document of a YAML stream; ManifestError with the line on bad YAML."""
    # ruamel.yaml loads here, with the first YAML manifest read, not when a path is named.
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return list(YAML(typ="rt").load_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ManifestError(f"invalid YAML: {message}", mark.line + 1 if mark else None) from None
    except YAMLError as exc:
        raise ManifestError(f"invalid YAML: {str(exc).splitlines()[0]}") from None


def key_line(mapping: Any, key: str) -> int | None:
    """1-based line of a mapping's key, when the loader recorded it."""
    lc = getattr(mapping, "lc", None)
    if lc is None:
        return None
    try:
        return int(lc.key(key)[0]) + 1
    except (KeyError, TypeError, IndexError):
        return None


def mappings(node: Any, skip: frozenset[str] = frozenset()) -> Iterator[dict[Any, Any]]:
    """Every mapping inside a document, each once, depth-first; `skip` names keys not entered."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        if isinstance(current, dict):
            seen.add(id(current))
            yield current
            stack.extend(reversed([v for k, v in current.items() if k not in skip]))
        elif isinstance(current, list):
            seen.add(id(current))
            stack.extend(reversed(current))


def get_map(mapping: Any, key: str) -> dict[Any, Any]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def get_list(mapping: Any, key: str) -> list[Any]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, list) else []
