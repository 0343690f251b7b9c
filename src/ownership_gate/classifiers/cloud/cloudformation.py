"""CloudFormation (and SAM) templates compared resource by resource, old against new.

A SAM template's `Globals` are part of every serverless resource of their kind (`Globals.Function.Runtime`
is each `AWS::Serverless::Function`'s runtime unless it sets its own), so each resource is compared with them
merged in as SAM merges them: the resource's own value wins, maps are merged key by key, lists are joined.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context, decode, is_binary
from ownership_gate.classifiers.cloud import engine, force_new
from ownership_gate.classifiers.cloud.findings import (
    CLOUDFORMATION_MARKS,
    TYPE,
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
    counterpart = _counterpart(change, context)
    if counterpart is not None and change.status == "deleted":
        return []  # judged with the template that took its place
    try:
        new = _resources(context.new(change), maybe_cloudformation(path)) if may_hold_cloudformation(path) else None
    except Unreadable as exc:
        return [finding("unparsed", path, f"the template does not parse ({exc}), so what it changes cannot be judged")]
    before = counterpart or change
    try:
        old = (_resources(context.old(before), maybe_cloudformation(before.source_path))
               if may_hold_cloudformation(before.source_path) else None)
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
        elif renamed := _replaced(name, _type(after), _properties(before), _properties(after)):
            found.append(renamed)
        elif SENSITIVE_TYPE.search(_type(after)):
            what = f"{_type(after)} changed: it decides who or what can reach a resource"
            found.append(finding("security", name, what))
        else:
            names = _sensitive_changes(_properties(before), _properties(after))
            if names:
                found.append(finding("security", name, "security settings changed: " + ", ".join(names[:4])))
    return found


# The syntaxes a template is written in: JSON, or YAML (`.template` may hold either).
_SYNTAXES = frozenset({".json", ".yaml", ".yml", ".template"})


def _counterpart(change: Change, context: Context) -> Change | None:
    """The template deleted where this one is added, or added where this one is deleted, in the same folder under
    the same name in the other syntax (`stack.json` rewritten as `stack.yaml`): the same template, its stack
    deployed from the new file, compared resource by resource with the old."""
    if change.status not in ("added", "deleted"):
        return None
    stem, syntax = posixpath.splitext(change.path)
    if syntax not in _SYNTAXES:
        return None
    if f"{TYPE}.templates" not in context.memo:  # once per change set: templates added or deleted, by name
        by_stem: dict[tuple[str, str], list[Change]] = {}
        for other in context.claimed(TYPE):
            name, ending = posixpath.splitext(other.path)
            if other.status in ("added", "deleted") and ending in _SYNTAXES:
                by_stem.setdefault((other.status, name), []).append(other)
        context.memo[f"{TYPE}.templates"] = by_stem
    found = context.memo[f"{TYPE}.templates"].get(("deleted" if change.status == "added" else "added", stem), [])
    return found[0] if len(found) == 1 else None


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
    if not any(mark in text for mark in CLOUDFORMATION_MARKS):
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
    shared = document.get("Globals")
    if isinstance(shared, Mapping) and shared:
        return {str(k): _with_globals(v, shared) for k, v in resources.items()}
    return {str(k): v for k, v in resources.items()}


def _with_globals(resource: Any, shared: Mapping[str, Any]) -> Any:
    """A serverless resource (`AWS::Serverless::Function`) with the template's `Globals` of its kind merged in."""
    kind = _type(resource)
    section = shared.get(kind.rsplit("::", 1)[-1]) if kind.startswith("AWS::Serverless::") else None
    if not isinstance(section, Mapping):
        return resource
    return {**resource, "Properties": _merged(section, _properties(resource))}


def _merged(shared: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(shared)
    for key, value in own.items():
        was = merged.get(key)
        if isinstance(was, Mapping) and isinstance(value, Mapping):
            merged[key] = _merged(was, value)
        elif isinstance(was, list) and isinstance(value, list):
            merged[key] = [*was, *value]
        else:
            merged[key] = value
    return merged


# Properties CloudFormation cannot change in place ("Update requires: Replacement"), for the types that hold
# data, identity or the network others sit in, as force_new.py lists them for Terraform: written anew, the
# stack deletes the resource and creates another, and what it held goes with the old one.
_REPLACED_BY: dict[str, tuple[str, ...]] = {
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::IAM::Role": ("RoleName", "Path"),
    "AWS::DynamoDB::Table": ("TableName", "KeySchema"),
    "AWS::SQS::Queue": ("QueueName", "FifoQueue"),
    "AWS::SNS::Topic": ("TopicName", "FifoTopic"),
    "AWS::Kinesis::Stream": ("Name",),
    "AWS::ECR::Repository": ("RepositoryName",),
    "AWS::EKS::Cluster": ("Name",),
    "AWS::ECS::Cluster": ("ClusterName",),
    "AWS::Logs::LogGroup": ("LogGroupName",),
    "AWS::SecretsManager::Secret": ("Name",),
    "AWS::KMS::Key": ("KeySpec", "KeyUsage"),
    "AWS::RDS::DBInstance": ("DBInstanceIdentifier", "StorageEncrypted", "KmsKeyId", "MasterUsername", "DBName"),
    "AWS::RDS::DBCluster": ("DBClusterIdentifier", "StorageEncrypted", "KmsKeyId", "DatabaseName",
                            "MasterUsername"),
    "AWS::EC2::VPC": ("CidrBlock",),
    "AWS::EC2::Subnet": ("CidrBlock", "AvailabilityZone", "VpcId"),
    "AWS::ElastiCache::ReplicationGroup": ("ReplicationGroupId",),
    "AWS::EFS::FileSystem": ("Encrypted", "KmsKeyId"),
    "AWS::OpenSearchService::Domain": ("DomainName",),
    "AWS::Elasticsearch::Domain": ("DomainName",),
    "AWS::Cognito::UserPool": ("AliasAttributes", "UsernameAttributes"),
}


def _replaced(name: str, kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> Finding | None:
    """A `replaced` finding when a property CloudFormation cannot change in place was written anew: as written
    on both sides (`TableName: nino-attempts` -> `nino-attempts-v2`, a `KeySchema` of other keys), or a `!Sub`
    name that reads the same parameters in the same order around other text, or that no value could make the
    name written out on the other side. A name that reads other values (`!Ref Environment` -> `!Ref Stage`)
    may be the same and is not compared."""
    for setting in _REPLACED_BY.get(kind, ()):
        was, now = before.get(setting), after.get(setting)
        if was is None or now is None or was == now:
            continue
        old_text, new_text = _substituted(was), _substituted(now)
        if not (_written(was) and _written(now)) and not (
                old_text is not None and new_text is not None and (
                    force_new.renamed_around(old_text, new_text) or force_new.never_the_same(old_text, new_text))):
            continue
        return finding("replaced", name, (
            f"{setting}: {_shown(was)} -> {_shown(now)}: CloudFormation cannot change it in place, so it deletes"
            " the resource and creates a new one (what it holds goes with the old one)"
        ))
    return None


def _written(value: Any) -> bool:
    """A value written out: text that reads nothing (no `!Ref`, `!Sub`, `${...}`), a number, a flag, or a list
    or map of those."""
    if isinstance(value, Mapping):
        return all(not str(key).startswith(("Fn::", "Ref")) and _written(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_written(item) for item in value)
    if isinstance(value, str):
        return not value.startswith("!") and "${" not in value
    return isinstance(value, (int, float, bool))


def _substituted(value: Any) -> str | None:
    """A name's text with its `${...}` reads: a `!Sub` string (`{"Fn::Sub": "..."}` in JSON) or plain text."""
    if isinstance(value, Mapping) and list(value) == ["Fn::Sub"] and isinstance(value["Fn::Sub"], str):
        return str(value["Fn::Sub"])
    if isinstance(value, str):
        return value[len("!Sub "):] if value.startswith("!Sub ") else None if value.startswith("!") else value
    return None


def _shown(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (Mapping, list)) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


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
