"""Cost-bearing values found in YAML (and JSON) trees, with their lines.

The trees come from `formats.yaml`; this module reads them for cost: which
key paths bear a cost (each reader's `RuleFor`), and each such value as a
`Leaf` that remembers how it was written. A walk expands aliases, so a
budget stops alias bombs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from ownership_gate.classifiers.cost.model import Leaf, ReadError
from ownership_gate.formats.yaml import Loader, Node, TooDeep, YamlError, load_json, render

MAX_NODES = 500_000


def read_yaml(text: str, load: Loader) -> list[Node]:
    """Every document of a YAML stream; ReadError with the line when it does not read."""
    try:
        return load(text).roots
    except TooDeep as exc:
        raise ReadError(f"YAML is {exc}", exc.line) from None
    except YamlError as exc:
        raise ReadError(f"YAML does not parse: {exc}", exc.line) from None


def read_json(text: str) -> Node:
    try:
        return load_json(text)
    except TooDeep as exc:
        raise ReadError(f"JSON is {exc}") from None
    except YamlError as exc:
        raise ReadError(str(exc), exc.line) from None


def _plain(node: Node) -> object:
    value = node.value
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _plain(v)) for k, v in sorted(value.items()))
    return value


def has_expression(node: Node) -> bool:
    if node.tag:
        return True
    value = node.value
    if isinstance(value, str):
        return "{{" in value or "${" in value
    if isinstance(value, list):
        return any(has_expression(v) for v in value)
    if isinstance(value, dict):
        return any(has_expression(v) for v in value.values())
    return False


class Rule(NamedTuple):
    role: str
    unit: str = "k8s"
    default: object = None


RuleFor = Callable[[tuple[str, ...], Node], "Rule | None"]


def item_label(item: Node, index: int) -> str:
    """`[app]` for a list item with a name (`metadata.name` too), else its position."""
    metadata = item.get("metadata")
    name = item.scalar("name") or (metadata.scalar("name") if metadata is not None else None)
    return f"[{name}]" if isinstance(name, (str, int)) and not isinstance(name, bool) else f"[{index}]"


def leaves(root: Node, rule_for: RuleFor, keys: tuple[str, ...] = (), path: str = "") -> Iterator[Leaf]:
    """Every cost-bearing value under `root`, as `rule_for` judges key paths."""
    budget = [MAX_NODES]

    def walk(node: Node, keys: tuple[str, ...], path: str) -> Iterator[Leaf]:
        budget[0] -= 1
        if budget[0] < 0:
            raise ReadError("document too large or too deeply aliased to compare")
        value = node.value
        if isinstance(value, dict):
            for key, child in value.items():
                child_keys, child_path = (*keys, key), f"{path}.{key}" if path else key
                rule = rule_for(child_keys, child)
                if rule is not None:
                    yield make_leaf(child_path, rule, child)
                elif isinstance(child.value, (dict, list)):
                    yield from walk(child, child_keys, child_path)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, keys, f"{path}{item_label(item, index)}")

    yield from walk(root, keys, path)


def make_leaf(path: str, rule: Rule, node: Node) -> Leaf:
    return Leaf(
        path=path, role=rule.role, value=_plain(node), text=render(node), line=node.line,
        unit=rule.unit, default=rule.default, expression=has_expression(node),
    )
