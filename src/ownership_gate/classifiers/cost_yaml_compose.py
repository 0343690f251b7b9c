"""Composing YAML with ruamel.yaml into `Y` trees (see cost_yaml).

Its own module so that ruamel.yaml loads with the first YAML file a
change set reads, not with every check.
"""

from __future__ import annotations

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ownership_gate.classifiers.cost_model import ReadError
from ownership_gate.classifiers.cost_yaml import MAX_NODES, Scalar, Y
from ownership_gate.classifiers.yaml_nodes import CORE_TAG as _CORE
from ownership_gate.classifiers.yaml_nodes import compose_all


def _int(text: str) -> int | str:
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    base = {"0x": 16, "0o": 8}.get(digits[:2], 10)
    try:
        return sign * int(digits[2:] if base != 10 else digits, base)
    except ValueError:
        return text


def _scalar(node: ScalarNode) -> Scalar:
    tag, text = node.tag, str(node.value)
    if tag == _CORE + "int":
        return _int(text)
    if tag == _CORE + "float":
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    if tag == _CORE + "bool":
        return text.lower() in ("true", "yes", "on")
    if tag == _CORE + "null":
        return None
    return text


class _Builder:
    def __init__(self) -> None:
        self.count = 0
        # Aliases share nodes; remembering each node (kept alive here, so its
        # id cannot be reused) converts a shared subtree once.
        self.seen: dict[int, tuple[Node, Y]] = {}

    def document(self, node: Node) -> Y:
        self.seen = {}  # aliases never cross documents
        return self.build(node)

    def build(self, node: Node) -> Y:
        if id(node) in self.seen:
            return self.seen[id(node)][1]
        self.count += 1
        if self.count > MAX_NODES:
            raise ReadError(f"more than {MAX_NODES} YAML nodes (an alias bomb?)")
        tag = node.tag if isinstance(node.tag, str) and not node.tag.startswith(_CORE) else None
        line = node.start_mark.line + 1 if node.start_mark is not None else None
        result = Y(None, line, tag)
        self.seen[id(node)] = (node, result)
        if isinstance(node, MappingNode):
            mapping: dict[str, Y] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else None
                value = self.build(value_node)
                if key == "<<" and isinstance(value.value, (dict, list)):
                    for merged in value.value if isinstance(value.value, list) else [value]:
                        if isinstance(merged.value, dict):
                            for k, v in merged.value.items():
                                mapping.setdefault(k, v)
                elif key is not None:
                    mapping[str(key)] = value
            result.value = mapping
        elif isinstance(node, SequenceNode):
            result.value = [self.build(item) for item in node.value]
        elif isinstance(node, ScalarNode):
            result.value = node.value if tag else _scalar(node)
        return result


def load_yaml(text: str) -> list[Y]:
    """Every document of a YAML stream (JSON included), composed by `yaml_nodes`."""
    try:
        builder = _Builder()
        return [builder.document(node) for node in compose_all(text)]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ReadError(f"YAML does not parse: {exc.problem or exc.context}", line) from None
    except YAMLError as exc:
        raise ReadError(f"YAML does not parse: {exc}") from None
    except RecursionError:
        raise ReadError("YAML is nested too deeply to read") from None
