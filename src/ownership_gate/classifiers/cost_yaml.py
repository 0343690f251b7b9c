"""YAML (and JSON) documents as plain trees that remember their line numbers.

Documents are composed with ruamel.yaml in safe mode and never constructed:
unknown tags such as CloudFormation's `!Ref` and `!GetAtt` are kept as
expressions instead of failing, and nothing in the file can build Python
objects. Aliases are shared, and a budget stops alias bombs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Union

from ownership_gate.classifiers.cost_model import Leaf, ReadError

MAX_NODES = 500_000

Scalar = Union[str, int, float, bool, None]  # noqa: UP007 (a runtime alias on Python 3.10)


@dataclass(eq=False)
class Y:
    """A node: `value` is a dict[str, Y], a list[Y] or a scalar."""

    value: object
    line: int | None
    tag: str | None = None  # a non-core tag (`!Ref`): the value is an expression

    def get(self, key: str) -> Y | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def scalar(self, key: str) -> Scalar:
        child = self.get(key)
        value = child.value if child is not None else None
        if isinstance(value, (str, int, float, bool)):
            return value
        return None


def load_yaml(text: str) -> list[Y]:
    """Every document of a YAML stream (JSON included)."""
    # ruamel.yaml (~35 ms to import) loads with the first YAML file read.
    from ownership_gate.classifiers.cost_yaml_compose import load_yaml as compose

    return compose(text)


def load_json(text: str) -> Y:
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise ReadError(f"JSON does not parse: {exc}", line) from None
    except RecursionError:
        raise ReadError("JSON is nested too deeply to read") from None
    return _from_plain(data)


def _from_plain(data: object) -> Y:
    if isinstance(data, dict):
        return Y({str(k): _from_plain(v) for k, v in data.items()}, None)
    if isinstance(data, list):
        return Y([_from_plain(v) for v in data], None)
    return Y(data, None)


def render(node: Y) -> str:
    """A value as written, for messages (`t3.large`, `[a, b]`, `!Ref Size`)."""
    value = node.value
    if isinstance(value, dict):
        body = "{" + ", ".join(f"{k}: {render(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        body = "[" + ", ".join(render(v) for v in value) + "]"
    elif isinstance(value, bool):
        body = "true" if value else "false"
    elif value is None:
        body = "null"
    else:
        body = str(value)
    return f"{node.tag} {body}" if node.tag else body


def _plain(node: Y) -> object:
    value = node.value
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _plain(v)) for k, v in sorted(value.items()))
    return value


def has_expression(node: Y) -> bool:
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


@dataclass(frozen=True)
class Rule:
    role: str
    unit: str = "k8s"
    default: object = None


RuleFor = Callable[[tuple[str, ...], Y], "Rule | None"]


def item_label(item: Y, index: int) -> str:
    """`[app]` for a list item with a name (`metadata.name` too), else its position."""
    metadata = item.get("metadata")
    name = item.scalar("name") or (metadata.scalar("name") if metadata is not None else None)
    return f"[{name}]" if isinstance(name, (str, int)) and not isinstance(name, bool) else f"[{index}]"


def leaves(root: Y, rule_for: RuleFor, keys: tuple[str, ...] = (), path: str = "") -> Iterator[Leaf]:
    """Every cost-bearing value under `root`, as `rule_for` judges key paths."""
    budget = [MAX_NODES]

    def walk(node: Y, keys: tuple[str, ...], path: str) -> Iterator[Leaf]:
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


def make_leaf(path: str, rule: Rule, node: Y) -> Leaf:
    return Leaf(
        path=path, role=rule.role, value=_plain(node), text=render(node), line=node.line,
        unit=rule.unit, default=rule.default, expression=has_expression(node),
    )
