"""YAML documents with line numbers, for the ecosystems whose manifests are YAML.

Documents are composed by `yaml_nodes` (libyaml, with ruamel's own parser
for the YAML 1.2 documents libyaml rejects) and built here into plain
dicts, lists and scalars that remember their keys' and items' lines. Like
ruamel's round-trip loader, which this replaces at ten times the speed, it
builds no Python object from a tag (a `!Ref x` is a `Tagged`, not a
string), refuses duplicate keys, and applies merge keys (`<<: *defaults`).
Each node is built once, so an alias bomb (`&a [*b, *b, ...]`) costs its
size in the file, not its expanded size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ownership_gate.classifiers.ecosystems.base import ManifestError
from ownership_gate.classifiers.yaml_nodes import CORE_TAG as _CORE
from ownership_gate.classifiers.yaml_nodes import compose_all

if TYPE_CHECKING:
    from ruamel.yaml.nodes import Node

_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


class LinedDict(dict[Any, Any]):
    """A mapping that knows the 1-based line of each key."""

    key_lines: dict[Any, int]


class LinedList(list[Any]):
    """A sequence that knows the 1-based line of each item."""

    item_lines: list[int]


class Tagged:
    """A scalar with a tag of its own (`!Ref Name`): an expression, never a plain value."""

    def __init__(self, tag: str, value: str) -> None:
        self.tag, self.value = tag, value

    def __str__(self) -> str:
        return self.value


def _scalar(tag: str, text: str) -> Any:
    if not tag.startswith(_CORE):
        return Tagged(tag, text)
    kind = tag[len(_CORE) :]
    if kind == "null":
        return None
    if kind == "bool":
        return _BOOLEANS.get(text.lower(), text)
    if kind == "int":
        digits = text.replace("_", "")
        sign, digits = (-1, digits[1:]) if digits.startswith("-") else (1, digits.lstrip("+"))
        base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower())
        try:
            return sign * (int(digits[2:], base) if base else int(digits))
        except ValueError:
            return text
    if kind == "float":
        lowered = text.replace("_", "").lower()
        special = {".inf": "inf", "+.inf": "inf", "-.inf": "-inf", ".nan": "nan"}
        try:
            return float(special.get(lowered, lowered))
        except ValueError:
            return text
    if kind == "timestamp":
        try:
            if len(text) == 10:
                return datetime.date.fromisoformat(text)
            return datetime.datetime.fromisoformat(text.replace("t", "T").replace(" ", "T", 1))
        except ValueError:
            return text
    return text


class _Builder:
    def __init__(self) -> None:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        self._mapping, self._sequence = MappingNode, SequenceNode
        self._built: dict[int, tuple[Node, Any]] = {}  # aliases share nodes: each is built once

    def build(self, node: Node) -> Any:
        known = self._built.get(id(node))
        if known is not None:
            return known[1]
        if isinstance(node, self._mapping):
            mapping = LinedDict()
            mapping.key_lines = {}
            self._built[id(node)] = (node, mapping)
            merged: list[Any] = []
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if key_node.tag == _CORE + "merge":
                    value = self.build(value_node)
                    merged.extend(value if isinstance(value, list) else [value])
                    continue
                if isinstance(key, (dict, list)):
                    key = str(key)  # a complex key names nothing a manifest asks for
                if key in mapping:
                    raise ManifestError(f"invalid YAML: found duplicate key {key!r}", key_node.start_mark.line + 1)
                mapping[key] = self.build(value_node)
                mapping.key_lines[key] = key_node.start_mark.line + 1
            for source in merged:  # merge keys: the mapping's own keys win, then earlier sources
                if isinstance(source, LinedDict):
                    for key, value in source.items():
                        if key not in mapping:
                            mapping[key] = value
                            mapping.key_lines[key] = source.key_lines.get(key, node.start_mark.line + 1)
            return mapping
        if isinstance(node, self._sequence):
            sequence = LinedList()
            sequence.item_lines = []
            self._built[id(node)] = (node, sequence)
            for item in node.value:
                sequence.append(self.build(item))
                sequence.item_lines.append(item.start_mark.line + 1)
            return sequence
        value = _scalar(node.tag or _CORE + "str", str(node.value))
        self._built[id(node)] = (node, value)
        return value


def load_all(text: str) -> list[Any]:
    """Every document of a YAML stream; ManifestError with the line on bad YAML."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        builder = _Builder()
        return [builder.build(node) for node in compose_all(text)]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ManifestError(f"invalid YAML: {message}", mark.line + 1 if mark else None) from None
    except YAMLError as exc:
        raise ManifestError(f"invalid YAML: {str(exc).splitlines()[0]}") from None


def key_line(mapping: Any, key: str) -> int | None:
    """1-based line of a mapping's key."""
    lines = getattr(mapping, "key_lines", None)
    return lines.get(key) if lines is not None else None


def item_line(sequence: Any, index: int) -> int | None:
    """1-based line of a sequence's item."""
    lines = getattr(sequence, "item_lines", None)
    return lines[index] if lines is not None and 0 <= index < len(lines) else None


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
