"""Cost-bearing values in Terraform: resources, module inputs, variables, tfvars.

Files are parsed with python-hcl2 (`.tf`, `.tfvars`) or json (`.tf.json`,
`.tfvars.json`) and compared resource by resource. A value Terraform
computes (`var.size`, `local.count * 2`) cannot be evaluated here: it is
compared as text, so it reports `change` only when the expression itself
was edited.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ownership_gate.classifiers.cost_catalog import TF_ATTRIBUTES, TF_NAME_SUFFIXES, TF_PRICED
from ownership_gate.classifiers.cost_model import CostObject, Extracted, Leaf, ReadError

_SKIPPED_ARGUMENTS = frozenset({"source", "version", "providers", "depends_on", "lifecycle", "provider"})
RoleFor = Callable[[tuple[str, ...]], "str | None"]


def _name(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _scalar(value: Any) -> tuple[object, str, bool]:
    """(value, text, is_expression) for one HCL value as python-hcl2 renders it."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"' and "${" not in value:
            literal = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            return literal, literal, False
        text = value[2:-1] if value.startswith("${") and value.endswith("}") else value
        return text, text, True
    if isinstance(value, list):
        parts = [_scalar(v) for v in value]
        text = "[" + ", ".join(p[1] for p in parts) + "]"
        return tuple(p[0] for p in parts), text, any(p[2] for p in parts)
    if isinstance(value, bool):
        return value, "true" if value else "false", False
    if value is None:
        return None, "null", False
    return value, str(value), False


class _Lines:
    """Line numbers, found in the text (python-hcl2 does not report them)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, header: re.Pattern[str], key: str | None = None) -> int | None:
        start = next((i for i, line in enumerate(self.lines) if header.search(line)), None)
        if start is None or key is None:
            return None if start is None else start + 1
        wanted = re.compile(rf"^\s*{re.escape(key)}\s*[={{]")
        return next((i + 1 for i in range(start, len(self.lines)) if wanted.search(self.lines[i])), start + 1)


def _labelled_block(item: dict[str, Any]) -> bool:
    keys = [k for k in item if not k.startswith("__")]
    return bool(keys) and all(k.startswith('"') and isinstance(item[k], dict) for k in keys)


def _item_label(item: dict[str, Any], index: int) -> str:
    """A list entry by its `name` (`node_pools[pool-01]`), so inserting one shifts nothing."""
    name, _, expression = _scalar(item.get("name"))
    return str(name) if isinstance(name, str) and name and not expression else str(index)


def _walk(body: Any, role_for: RoleFor, keys: tuple[str, ...], path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, role, value) for every cost-bearing attribute under `body`."""
    if not isinstance(body, dict):
        return
    for raw, value in body.items():
        if raw.startswith("__"):
            continue
        key = _name(raw)
        child_keys, child_path = (*keys, key), f"{path}.{key}" if path else key
        is_blocks = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        if is_blocks and all(_labelled_block(v) for v in value):
            # `dynamic "ebs" {}`: named by its label, so adding another block shifts nothing.
            for item in value:
                for label, inner in item.items():
                    if not label.startswith("__"):
                        yield from _walk(inner, role_for, (*child_keys, _name(label)), f"{child_path}.{_name(label)}")
            continue
        if is_blocks:
            for index, item in enumerate(value):
                item_path = child_path if len(value) == 1 else f"{child_path}[{_item_label(item, index)}]"
                yield from _walk(item, role_for, child_keys, item_path)
            continue
        if isinstance(value, dict):
            yield from _walk(value, role_for, child_keys, child_path)
            continue
        role = role_for(child_keys)
        if role is None and key == "type" and value == '"LoadBalancer"':
            role = "lb"  # kubernetes_service through the Kubernetes provider
        if role is not None and (role in ("size", "choice") or not isinstance(value, list)):
            yield child_path, role, value


def _leaf(path: str, role: str, value: Any, line: int | None) -> Leaf:
    plain, text, expression = _scalar(value)
    return Leaf(path=path, role=role, value=plain, text=text, line=line, expression=expression)


def attribute_role(keys: tuple[str, ...]) -> str | None:
    return TF_ATTRIBUTES.get(keys[-1])


def name_role(keys: tuple[str, ...]) -> str | None:
    """Variables, locals, tfvars and module inputs: named after an attribute, or ending in one."""
    name = keys[-1]
    role = TF_ATTRIBUTES.get(name)
    if role is not None:
        return role
    return next((TF_ATTRIBUTES[s] for s in TF_NAME_SUFFIXES if name.endswith("_" + s)), None)


def _with_extra(role_for: RoleFor, extra: tuple[tuple[str, ...], ...]) -> RoleFor:
    def role(keys: tuple[str, ...]) -> str | None:
        found = role_for(keys)
        if found is None and any(keys[-len(w):] == w for w in extra if len(keys) >= len(w)):
            return "size"
        return found
    return role


def _digest(body: Any) -> str:
    return hashlib.sha1(json.dumps(body, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()


def _labelled(blocks: Any, depth: int) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(labels, body) of `resource "type" "name" {}` style blocks (list or dict form)."""
    for block in blocks if isinstance(blocks, list) else [blocks]:
        if not isinstance(block, dict):
            continue
        for raw, inner in block.items():
            if raw.startswith("__"):
                continue
            if depth == 1:
                for body in inner if isinstance(inner, list) else [inner]:
                    yield (_name(raw),), body
            else:
                for labels, body in _labelled(inner, depth - 1):
                    yield (_name(raw), *labels), body


def _resources(doc: dict[str, Any], lines: _Lines, extra: tuple[tuple[str, ...], ...]) -> Iterator[CostObject]:
    for (kind, name), body in _labelled(doc.get("resource", []), 2):
        priced = kind in TF_PRICED
        header = re.compile(rf'^\s*resource\s+"?{re.escape(kind)}"?\s+"?{re.escape(name)}"?')
        found: dict[str, Leaf] = {}
        for path, role, value in _walk(body, _with_extra(attribute_role, extra), (), ""):
            found[path] = _leaf(path, role, value, lines.find(header, path.rsplit(".", 1)[-1].split("[")[0]))
        if priced and isinstance(body, dict):
            for meta in ("count", "for_each"):
                if meta in body:
                    value = body[meta]
                    if meta == "for_each" and isinstance(value, (list, dict)):
                        value = len(value)  # a literal collection: its size is the count
                    found[meta] = _leaf(meta, "count", value, lines.find(header, meta))
        yield CostObject(
            key=("tf", "resource", kind, name), label=f"{kind}.{name}", leaves=found, priced=priced,
            line=lines.find(header), body=_digest(body),
        )


def _named(doc: dict[str, Any], lines: _Lines, extra: tuple[tuple[str, ...], ...]) -> Iterator[CostObject]:
    role_for = _with_extra(name_role, extra)
    for (name,), body in _labelled(doc.get("module", []), 1):
        header = re.compile(rf'^\s*module\s+"?{re.escape(name)}"?')
        args = {k: v for k, v in body.items() if _name(k) not in _SKIPPED_ARGUMENTS} if isinstance(body, dict) else {}
        found = {p: _leaf(p, r, v, lines.find(header, p.split(".")[0])) for p, r, v in _walk(args, role_for, (), "")}
        yield CostObject(key=("tf", "module", name), label=f"module.{name}", leaves=found, line=lines.find(header))
    for (name,), body in _labelled(doc.get("variable", []), 1):
        if isinstance(body, dict) and "default" in body:
            yield _value_object(("tf", "var", name), f"var.{name}", name, body["default"], role_for,
                                lines.find(re.compile(rf'^\s*variable\s+"?{re.escape(name)}"?'), "default"))
    blocks = doc.get("locals", [])
    for block in blocks if isinstance(blocks, list) else [blocks]:
        for raw, value in block.items() if isinstance(block, dict) else ():
            if not raw.startswith("__"):
                name = _name(raw)
                yield _value_object(("tf", "local", name), f"local.{name}", name, value, role_for,
                                    lines.find(re.compile(rf"^\s*{re.escape(name)}\s*=")))


def _value_object(
    key: tuple[str, ...], label: str, name: str, value: Any, role_for: RoleFor, line: int | None
) -> CostObject:
    """A variable default or a local: judged when it changes, never for existing at all."""
    found: dict[str, Leaf] = {}
    role = role_for((name,))
    if role is not None and not isinstance(value, dict):
        found[""] = _leaf("", role, value, line)
    else:
        for path, inner_role, inner in _walk(value, role_for, (name,), ""):
            found[path] = _leaf(path, inner_role, inner, line)
    return CostObject(key=key, label=label, leaves=found, line=line, whole=False)


def _parse(text: str, json_syntax: bool) -> dict[str, Any]:
    if json_syntax:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ReadError(f"JSON does not parse: {exc}", getattr(exc, "lineno", None)) from None
        return _from_json(data) if isinstance(data, dict) else {}
    # Imported here: lark's grammar costs ~40 ms, paid only when Terraform changed.
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        return dict(hcl2.loads(text, serialization_options=hcl2.SerializationOptions(with_comments=False)))
    except UnexpectedInput as exc:
        raise ReadError(f"HCL does not parse: {str(exc).splitlines()[0]}", getattr(exc, "line", None)) from None
    except RecursionError:
        raise ReadError("HCL is nested too deeply to read") from None
    except (LarkError, ValueError, TypeError, KeyError, IndexError, AttributeError, RuntimeError) as exc:
        raise ReadError(f"HCL does not parse: {exc}") from None


def _from_json(data: Any) -> Any:
    """Terraform JSON syntax in python-hcl2's shape: strings quoted, `${}` kept."""
    if isinstance(data, dict):
        return {k: _from_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_from_json(v) for v in data]
    if isinstance(data, str):
        return f'"{data}"' if "${" not in data else data if data.startswith("${") else f'"{data}"'
    return data


def read_terraform(
    text: str, extra: tuple[tuple[str, ...], ...], json_syntax: bool = False, lines_text: str | None = None
) -> Extracted:
    """Objects of a configuration; `lines_text` is the whole file when `text` is only part of it."""
    doc = _parse(text, json_syntax)
    lines = _Lines(lines_text if lines_text is not None else text)
    return Extracted((*_resources(doc, lines, extra), *_named(doc, lines, extra)))


def read_tfvars(text: str, extra: tuple[tuple[str, ...], ...], json_syntax: bool = False) -> Extracted:
    doc = _parse(text, json_syntax)
    lines = _Lines(text)
    role_for = _with_extra(name_role, extra)
    found = {
        p: _leaf(p, r, v, lines.find(re.compile(rf"^\s*{re.escape(p.split('.')[0])}\s*=")))
        for p, r, v in _walk(doc, role_for, (), "")
    }
    return Extracted((CostObject(key=("tfvars",), label="", leaves=found, movable=False),))
