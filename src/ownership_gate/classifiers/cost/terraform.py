"""Cost-bearing values in Terraform: resources, module inputs, variables, tfvars.

Files are read with tree-sitter-hcl (`.tf`, `.tfvars`; see formats/hcl.py)
or json (`.tf.json`, `.tfvars.json`) and compared resource by resource. A
value Terraform computes (`var.size`, `local.count * 2`) cannot be
evaluated here: it is compared as text, so it reports `change` only when
the expression itself was edited.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Union

from ownership_gate.classifiers.cost.catalog import TF_ATTRIBUTES, TF_NAME_SUFFIXES, TF_PRICED
from ownership_gate.classifiers.cost.hcl import Side
from ownership_gate.classifiers.cost.model import CostObject, Extracted, Leaf, ReadError
from ownership_gate.formats import hcl

_SKIPPED_ARGUMENTS = frozenset({"source", "version", "providers", "depends_on", "lifecycle", "provider"})
RoleFor = Callable[[tuple[str, ...]], "str | None"]
Container = Union[hcl.Body, hcl.Object]  # noqa: UP007 (a runtime alias)
Entry = tuple[str, Any, "int | None"]  # key, value (or the blocks of one type), line


class Definition(NamedTuple):
    """A top-level block (`resource "aws_instance" "web" {}`), from HCL or JSON syntax."""

    type: str
    labels: tuple[str, ...]
    content: Container
    line: int | None
    source: bytes = b""  # the block's text, in HCL syntax


def _scalar(value: Any) -> tuple[object, str, bool]:
    """(value, text, is_expression) for one HCL value."""
    if isinstance(value, hcl.Expression):
        text = " ".join(value.text.split())
        return text, text, True
    if isinstance(value, str):
        return value, value, False
    if isinstance(value, list):
        parts = [_scalar(v) for v in value]
        text = "[" + ", ".join(p[1] for p in parts) + "]"
        return tuple(p[0] for p in parts), text, any(p[2] for p in parts)
    if isinstance(value, bool):
        return value, "true" if value else "false", False
    if value is None:
        return None, "null", False
    if isinstance(value, dict):
        text = json.dumps(_plain(value), sort_keys=True)
        return text, text, False
    return value, str(value), False


def _entries(container: Container) -> Iterator[Entry]:
    """Attributes and object keys as written; blocks of one type together, where the type first appears."""
    if isinstance(container, hcl.Object):
        for key, value in container.items():
            yield key, value, container.lines.get(key)
        return
    order: list[hcl.Attribute | list[hcl.Block]] = []
    groups: dict[str, list[hcl.Block]] = {}
    for item in container.items:
        if isinstance(item, hcl.Attribute):
            order.append(item)
        elif item.type in groups:
            groups[item.type].append(item)
        else:
            groups[item.type] = [item]
            order.append(groups[item.type])
    for entry in order:
        if isinstance(entry, hcl.Attribute):
            yield entry.name, entry.value, entry.line
        else:
            yield entry[0].type, entry, entry[0].line


def _item_label(item: Container, index: int) -> str:
    """A list entry by its `name` (`node_pools[pool-01]`), so inserting one shifts nothing."""
    name = _get(item, "name")
    return name[0] if name is not None and isinstance(name[0], str) and name[0] else str(index)


def _get(container: Container, key: str) -> tuple[Any, int | None] | None:
    """An attribute's (or object key's) value and line."""
    if isinstance(container, hcl.Object):
        return (container[key], container.lines.get(key)) if key in container else None
    found = container.attributes.get(key)
    return (found.value, found.line) if found is not None else None


def _walk(
    entries: Iterable[Entry], role_for: RoleFor, keys: tuple[str, ...], path: str
) -> Iterator[tuple[str, str, Any, int | None]]:
    """(path, role, value, line) for every cost-bearing value among `entries`."""
    for key, value, line in entries:
        child_keys, child_path = (*keys, key), f"{path}.{key}" if path else key
        items = _items(value)
        if items is not None:
            if all(isinstance(v, hcl.Block) and v.labels for v in value):
                # `dynamic "ebs" {}`: named by its label, so adding another block shifts nothing.
                for block in value:
                    yield from _walk(_entries(block.body), role_for, (*child_keys, *block.labels),
                                     ".".join((child_path, *block.labels)))
                continue
            for index, item in enumerate(items):
                item_path = child_path if len(items) == 1 else f"{child_path}[{_item_label(item, index)}]"
                yield from _walk(_entries(item), role_for, child_keys, item_path)
            continue
        if isinstance(value, hcl.Object):
            yield from _walk(_entries(value), role_for, child_keys, child_path)
            continue
        role = role_for(child_keys)
        if role is None and key == "type" and value == "LoadBalancer":
            role = "lb"  # kubernetes_service through the Kubernetes provider
        if role is not None and (role in ("size", "choice") or not isinstance(value, list)):
            yield child_path, role, value, line


def _items(value: Any) -> list[Container] | None:
    """Nested blocks of one type, or a list of objects: each a container to walk; else None."""
    if not isinstance(value, list) or not value:
        return None
    if all(isinstance(v, hcl.Block) for v in value):
        return [v.body for v in value]
    if all(isinstance(v, hcl.Object) for v in value):
        return list(value)
    return None


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


def _plain(value: Any) -> Any:
    """A value as plain data, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, hcl.Expression):
        return {"expression": " ".join(value.text.split())}
    return value


def _body(definition: Definition) -> str:
    """What a renamed copy shares: the body, whitespace aside (the text after the header, in HCL).

    Kept whole rather than hashed: it is only compared, and hashlib's import
    (OpenSSL) would cost the pre-commit hook more than comparing does.
    """
    if definition.source:
        return b" ".join(definition.source.partition(b"{")[2].split()).decode("utf-8", "surrogateescape")
    return json.dumps(_plain(definition.content), sort_keys=True, default=str)


def _resources(definitions: Sequence[Definition], extra: tuple[tuple[str, ...], ...]) -> Iterator[CostObject]:
    role_for = _with_extra(attribute_role, extra)
    for definition in definitions:
        if definition.type != "resource" or len(definition.labels) != 2:
            continue
        (kind, name), body = definition.labels, definition.content
        priced = kind in TF_PRICED
        found = {p: _leaf(p, r, v, line) for p, r, v, line in _walk(_entries(body), role_for, (), "")}
        for meta in ("count", "for_each") if priced else ():
            written = _get(body, meta)
            if written is not None:
                value, line = written
                if meta == "for_each" and isinstance(value, (list, dict)):
                    value = len(value)  # a literal collection: its size is the count
                found[meta] = _leaf(meta, "count", value, line)
        yield CostObject(
            key=("tf", "resource", kind, name), label=f"{kind}.{name}", leaves=found, priced=priced,
            line=definition.line, body=_body(definition),
        )


def _named(definitions: Sequence[Definition], extra: tuple[tuple[str, ...], ...]) -> Iterator[CostObject]:
    role_for = _with_extra(name_role, extra)
    for definition in definitions:
        if definition.type == "module" and len(definition.labels) == 1:
            (name,) = definition.labels
            args = (e for e in _entries(definition.content) if e[0] not in _SKIPPED_ARGUMENTS)
            found = {p: _leaf(p, r, v, line) for p, r, v, line in _walk(args, role_for, (), "")}
            yield CostObject(key=("tf", "module", name), label=f"module.{name}", leaves=found, line=definition.line)
    for definition in definitions:
        if definition.type == "variable" and len(definition.labels) == 1:
            (name,) = definition.labels
            default = _get(definition.content, "default")
            if default is not None:
                yield _value_object(("tf", "var", name), f"var.{name}", name, *default, role_for)
    for definition in definitions:
        if definition.type == "locals":
            for name, value, line in _entries(definition.content):
                if not isinstance(value, list) or not all(isinstance(v, hcl.Block) for v in value):
                    yield _value_object(("tf", "local", name), f"local.{name}", name, value, line, role_for)


def _value_object(
    key: tuple[str, ...], label: str, name: str, value: Any, line: int | None, role_for: RoleFor
) -> CostObject:
    """A variable default or a local: judged when it changes, never for existing at all."""
    found: dict[str, Leaf] = {}
    role = role_for((name,))
    flat_map = isinstance(value, hcl.Object) and not any(isinstance(v, (dict, list)) for v in value.values())
    if role is not None and flat_map:
        # A map named for what it holds, a value per workspace or environment: `node_min_count = {live = 46}`.
        for entry, inner, inner_line in _entries(value):
            found[entry] = _leaf(entry, role, inner, inner_line)
    elif role is not None and not isinstance(value, dict):
        found[""] = _leaf("", role, value, line)
    elif isinstance(value, hcl.Object):
        for path, inner_role, inner, inner_line in _walk(_entries(value), role_for, (name,), ""):
            found[path] = _leaf(path, inner_role, inner, inner_line)
    return CostObject(key=key, label=label, leaves=found, line=line, whole=False)


def _document(text: str) -> hcl.Document:
    document = hcl.parse(text.encode())
    error = document.error()
    if error is not None:
        raise ReadError(f"HCL does not parse: {error}", error.line)
    return document


def _hcl_definitions(blocks: Iterable[hcl.Block]) -> list[Definition]:
    try:
        return [Definition(b.type, b.labels, b.body, b.line, b.source) for b in blocks if b.type != "data"]
    except hcl.HclError as exc:
        raise ReadError(f"HCL does not parse: {exc}", exc.line) from None


def _json(text: str) -> hcl.Object:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReadError(f"JSON does not parse: {exc}", getattr(exc, "lineno", None)) from None
    converted = _from_json(data)
    return converted if isinstance(converted, hcl.Object) else hcl.Object()


def _from_json(data: Any) -> Any:
    """Terraform JSON syntax as HCL values: a string with `${...}` is an expression."""
    if isinstance(data, dict):
        found = hcl.Object()
        found.update((k, _from_json(v)) for k, v in data.items())
        return found
    if isinstance(data, list):
        return [_from_json(v) for v in data]
    if isinstance(data, str) and "${" in data:
        whole = data.startswith("${") and data.endswith("}")
        return hcl.Expression(data[2:-1] if whole else f'"{data}"')
    return data


def _json_definitions(document: hcl.Object) -> list[Definition]:
    """`{"resource": {"aws_instance": {"web": {...}}}}`, any level possibly a list of objects."""
    found: list[Definition] = []
    for kind, depth in (("resource", 2), ("module", 1), ("variable", 1), ("locals", 0)):
        for labels, content in _labelled(document.get(kind, []), depth):
            found.append(Definition(kind, labels, content, None))
    return found


def _labelled(value: Any, depth: int) -> Iterator[tuple[tuple[str, ...], hcl.Object]]:
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, hcl.Object):
            continue
        if depth == 0:
            yield (), item
            continue
        for label, inner in item.items():
            for labels, content in _labelled(inner, depth - 1):
                yield (label, *labels), content


def read_terraform(text: str, extra: tuple[tuple[str, ...], ...], json_syntax: bool = False) -> Extracted:
    """The objects of one revision of a configuration."""
    definitions = _json_definitions(_json(text)) if json_syntax else _hcl_definitions(_document(text).blocks)
    return _extracted(definitions, extra)


def read_side(side: Side, extra: tuple[tuple[str, ...], ...]) -> Extracted:
    """The objects of the blocks of one revision that the other revision does not have."""
    if side.error is not None:
        raise ReadError(f"HCL does not parse: {side.error}", side.error.line)
    return _extracted(_hcl_definitions(side.blocks), extra)


def _extracted(definitions: Sequence[Definition], extra: tuple[tuple[str, ...], ...]) -> Extracted:
    """Resources and module calls compared with the local values they read written out, where the definitions
    hold them: a local renamed with its value kept (`local.instance_type` -> `local.broker_instance_type`, the
    same expression) changes no cost. A local defined in a block of the file left as it was is the same on both
    sides, and stays as written."""
    written = {name: _scalar(value)[1] for definition in definitions if definition.type == "locals"
               for name, value, _ in _entries(definition.content)
               if not isinstance(value, list) or not all(isinstance(v, hcl.Block) for v in value)}
    objects = (*_resources(definitions, extra), *_named(definitions, extra))
    if not written:
        return Extracted(objects)
    return Extracted(tuple(obj._replace(leaves={path: _inlined(leaf, written) for path, leaf in obj.leaves.items()})
                           if obj.key[1] in ("resource", "module") else obj for obj in objects))


def _inlined(leaf: Leaf, written: Mapping[str, str]) -> Leaf:
    if not leaf.expression or "local." not in leaf.text:
        return leaf
    return leaf._replace(compared=hcl.inline_locals(
        leaf.text, lambda name: f"({written[name]})" if name in written else None))


def read_tfvars(text: str, extra: tuple[tuple[str, ...], ...], json_syntax: bool = False) -> Extracted:
    entries: Iterable[Entry]
    if json_syntax:
        entries = _entries(_json(text))
    else:
        entries = ((a.name, a.value, a.line) for a in _document(text).attributes.values())
    role_for = _with_extra(name_role, extra)
    found = {p: _leaf(p, r, v, line) for p, r, v, line in _walk(entries, role_for, (), "")}
    return Extracted((CostObject(key=("tfvars",), label="", leaves=found, movable=False),))
