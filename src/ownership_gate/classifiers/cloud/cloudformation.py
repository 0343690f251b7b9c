"""CloudFormation (and SAM) templates compared resource by resource, old against new."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context, decode, is_binary
from ownership_gate.classifiers.cloud import engine
from ownership_gate.classifiers.cloud.findings import (
    finding,
    may_hold_cloudformation,
    maybe_cloudformation,
    points_a_name,
    watched,
)
from ownership_gate.classifiers.cloud.sensitive import SETTING
from ownership_gate.classifiers.cloud.sensitive import TYPE as SENSITIVE_TYPE
from ownership_gate.formats.yaml import YamlError, load, plain
from ownership_gate.model import Change, Finding


class Unreadable(Exception):
    pass


def findings(change: Change, context: Context) -> list[Finding]:
    path = change.path
    try:
        new = _resources(context.new(change), maybe_cloudformation(path)) if may_hold_cloudformation(path) else None
    except Unreadable as exc:
        return [finding("unparsed", path, f"the template does not parse ({exc}), so what it changes cannot be judged")]
    try:
        old = (_resources(context.old(change), maybe_cloudformation(change.source_path))
               if may_hold_cloudformation(change.source_path) else None)
    except Unreadable:
        old = None
    if new is None and old is None:
        return []  # not a template on either side (a YAML file in a templates/ folder)
    old, new = old or {}, new or {}
    found: list[Finding] = []
    for name in sorted(new.keys() - old.keys()):
        kind = watched("added", _type(new[name]))
        if kind == "added" and points_a_name(_type(new[name]), _properties(new[name]).get("Type")):
            kind = "dns"
        found.append(finding(kind, name, f"resource {name} ({_type(new[name])}) added"))
    for name in sorted(old.keys() - new.keys()):
        found.append(finding(watched("removed", _type(old[name])), name,
                             f"resource {name} ({_type(old[name])}) removed"))
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name], new[name]
        if before == after:
            continue
        if _type(before) != _type(after):
            found.append(finding("replaced", name, f"{name} changes type {_type(before)} -> {_type(after)}: "
                                                   "CloudFormation replaces it"))
        elif engine.FUNCTION_TYPE.search(_type(after)) and (moved := engine.runtime_compared(
                name, "Runtime", _properties(before).get("Runtime"), _properties(after).get("Runtime"))):
            found.append(moved)
        elif SENSITIVE_TYPE.search(_type(after)):
            what = f"{_type(after)} changed: it decides who or what can reach a resource"
            found.append(finding("security", name, what))
        else:
            names = _sensitive_changes(_properties(before), _properties(after))
            if names:
                found.append(finding("security", name, "security settings changed: " + ", ".join(names[:4])))
    return found


def _resources(data: bytes | None, named: bool = True) -> dict[str, Any] | None:
    """The template's `Resources` (or a fragment's resources, every top-level key a logical id with an
    `AWS::` or `Custom::` type), or None when the file is neither. A file that does not parse is unreadable
    where it is `named` for a template (`template.yaml`, a `cloudformation/` folder) or says
    `AWSTemplateFormatVersion`; elsewhere (a Helm template in any folder) it is no template."""
    if data is None or is_binary(data):
        return None
    try:
        text = decode(data) or ""
    except UnicodeDecodeError as exc:
        raise Unreadable("not UTF-8") from exc
    if not any(mark in text for mark in _MARKS):
        return None  # no resource type a template could hold: not parsed at all
    try:
        roots = [] if text.lstrip().startswith("{") else load(text).roots
        document = json.loads(text) if text.lstrip().startswith("{") else (plain(roots[0]) if roots else None)
    except (YamlError, ValueError, RecursionError) as exc:
        if "AWSTemplateFormatVersion" not in text and ("AWS::" not in text or not named):
            return None  # not a template (a Helm template in a templates/ folder): not ours to judge
        raise Unreadable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    if not isinstance(document, Mapping):
        return None
    resources = document.get("Resources")
    if resources is None and document and all(_type(r).startswith(("AWS::", "Custom::")) for r in document.values()):
        resources = document  # a fragment a build joins into a template: its resources by logical id
    if not isinstance(resources, Mapping) or not (
        "AWSTemplateFormatVersion" in document or "Transform" in document
        or any(isinstance(r, Mapping) and str(r.get("Type", "")).startswith(("AWS::", "Custom::"))
               for r in resources.values())
    ):
        return None
    return {str(k): v for k, v in resources.items()}


# What every template, or fragment of one, holds somewhere.
_MARKS = ("AWS::", "Custom::", "AWSTemplateFormatVersion")


def _type(resource: Any) -> str:
    return str(resource.get("Type", "")) if isinstance(resource, Mapping) else ""


def _properties(resource: Any) -> Mapping[str, Any]:
    properties = resource.get("Properties") if isinstance(resource, Mapping) else None
    return properties if isinstance(properties, Mapping) else {}


def _sensitive_changes(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    names: list[str] = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        name = f"{prefix}{key}"
        if SETTING.search(_snake(key)):
            names.append(name)
        elif isinstance(before, Mapping) and isinstance(after, Mapping):
            names.extend(_sensitive_changes(before, after, f"{name}."))
    return names


def _snake(name: str) -> str:
    """`SecurityGroupIds` -> `security_group_ids`, so one table serves Terraform and CloudFormation."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
