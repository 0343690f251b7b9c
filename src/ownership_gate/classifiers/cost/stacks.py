"""Cost-bearing values in Compose, Serverless, CloudFormation and Pulumi files."""

from __future__ import annotations

import ast
import re

from ownership_gate.classifiers.cost.catalog import CFN_PRICED, CFN_PROPERTIES, TF_ATTRIBUTES
from ownership_gate.classifiers.cost.k8s import ExtraKeys, extra_rule
from ownership_gate.classifiers.cost.leaves import Rule, leaves, read_json, read_yaml
from ownership_gate.classifiers.cost.model import CostObject, Extracted, Leaf, ReadError
from ownership_gate.classifiers.fixture_dirs import NOT_PRODUCTION
from ownership_gate.formats import cloudfoundry
from ownership_gate.formats.yaml import Loader, Node, load, render

# --- Compose (compose-spec `deploy` and the legacy service keys) ---------------

_COMPOSE_SERVICE: dict[str, Rule] = {
    "scale": Rule("count", default=1),
    "mem_limit": Rule("limit", "bytes"),
    "mem_reservation": Rule("amount", "bytes"),
    "cpus": Rule("limit"),
    "cpu_count": Rule("limit"),
}


def _compose_rule(keys: tuple[str, ...], node: Node, extra: ExtraKeys) -> Rule | None:
    if isinstance(node.value, dict) and not node.tag:
        return None
    if len(keys) == 1 and keys[0] in _COMPOSE_SERVICE:
        return _COMPOSE_SERVICE[keys[0]]
    if keys == ("deploy", "replicas"):
        return Rule("count", default=1)
    if keys[:2] == ("deploy", "resources") and len(keys) == 4 and keys[3] in ("cpus", "memory"):
        unit = "bytes" if keys[3] == "memory" else "k8s"
        return Rule("limit" if keys[2] == "limits" else "amount", unit)
    if keys[:4] == ("deploy", "resources", "reservations", "devices") and keys[-1] == "count":
        return Rule("amount")  # GPUs and other devices reserved for the service
    return extra_rule(keys, extra)


def read_compose(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    documents = read_yaml(text, load)
    root = documents[0] if documents else Node({}, None)
    services = root.get("services")
    objects = []
    for name, service in (services.value.items() if services and isinstance(services.value, dict) else ()):
        found = {leaf.path: leaf for leaf in leaves(service, lambda k, n: _compose_rule(k, n, extra))}
        objects.append(CostObject(
            key=("compose", name), label=f"services.{name}", leaves=found, line=service.line,
            movable=False,
        ))
    return Extracted(tuple(objects))


# --- Cloud Foundry ---------------------------------------------------------------

_CF_KEYS = {"instances": Rule("count", default=1), "memory": Rule("amount", "bytes"),
            "disk_quota": Rule("amount", "bytes"), "disk-quota": Rule("amount", "bytes")}


def _cf_rule(keys: tuple[str, ...], node: Node, extra: ExtraKeys) -> Rule | None:
    if isinstance(node.value, (dict, list)) and not node.tag:
        return None
    if len(keys) == 1 or (len(keys) == 2 and keys[0] == "processes"):
        rule = _CF_KEYS.get(keys[-1])
        if rule is not None:
            return rule
    return extra_rule(keys, extra)


# A Jinja template's statements that bind a name to a literal (`{%- set app_vars = {'api': {'instances': ...}} %}`).
_JINJA_SET = re.compile(r"\{%-?\s*set\s+(\w+)\s*=\s*(.*?)\s*-?%\}", re.S)
_JINJA_CONSTANTS = re.compile(r"\b(none|true|false)\b")


def _set_rule(keys: tuple[str, ...], node: Node) -> Rule | None:
    """A value a template's literal holds under a Cloud Foundry cost key, at any depth (`instances` by
    environment: `{'production': 25}`); another environment's is not production's spend."""
    if isinstance(node.value, (dict, list)) or any(NOT_PRODUCTION.search(key) for key in keys):
        return None
    return next((_CF_KEYS[key] for key in reversed(keys) if key in _CF_KEYS), None)


def _as_node(value: object, line: int) -> Node:
    if isinstance(value, dict):
        return Node({str(k): _as_node(v, line) for k, v in value.items()}, line)
    if isinstance(value, (list, tuple)):
        return Node([_as_node(v, line) for v in value], line)
    return Node(value, line)


def _jinja_literals(text: str) -> list[CostObject]:
    """What the template's `{% set name = literal %}` statements hold under cost keys, one object per name; a
    name bound to an expression is computed, and not read."""
    objects = []
    for match in _JINJA_SET.finditer(text):
        try:
            value = ast.literal_eval(_JINJA_CONSTANTS.sub(lambda m: m.group(1).capitalize(), match.group(2)))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        line = text.count("\n", 0, match.start()) + 1
        found = {leaf.path: leaf for leaf in leaves(_as_node(value, line), _set_rule)}
        if found:
            objects.append(CostObject(key=("jinja", match.group(1)), label=match.group(1), leaves=found, line=line,
                                      movable=False))
    return objects


def read_cloudfoundry(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    """A Cloud Foundry manifest: per application, its `instances`, `memory` and `disk_quota`, and those of
    each of its `processes` (web, worker); a YAML file with no `applications` list is no manifest, and one
    that does not parse is judged by its error only if it has one. In the Jinja template a manifest is rendered
    from, statements are read around (their lines left blank) and what a `{% set %}` binds to a literal is
    read for the same keys (`app_vars.notify-api.instances.production`)."""
    literals = _jinja_literals(text) if "{%" in text else []
    text = cloudfoundry.without_statements(text)
    try:
        documents = read_yaml(text, load)
    except ReadError:
        if cloudfoundry.APPLICATIONS.search(text):
            raise
        return Extracted()
    root = documents[0] if documents else Node({}, None)
    objects = []
    for name, application in cloudfoundry.applications(root):
        found = {leaf.path: leaf for leaf in leaves(application, lambda k, n: _cf_rule(k, n, extra))}
        objects.append(CostObject(key=("cloudfoundry", name), label=f"applications[{name}]", leaves=found,
                                  line=application.line, movable=False))
    return Extracted((*objects, *literals))


# --- CloudFormation -------------------------------------------------------------

def _cfn_rule(keys: tuple[str, ...], node: Node, extra: ExtraKeys) -> Rule | None:
    if isinstance(node.value, dict) and not node.tag:
        return None
    role = CFN_PROPERTIES.get(keys[-1])
    if role is not None:
        return Rule(role)
    return extra_rule(keys, extra)


def cfn_objects(resources: Node | None, parameters: Node | None, extra: ExtraKeys) -> list[CostObject]:
    objects = []
    for logical_id, resource in _items(resources):
        kind = resource.scalar("Type")
        properties = resource.get("Properties") or Node({}, resource.line)
        found = {
            leaf.path: leaf
            for leaf in leaves(properties, lambda k, n: _cfn_rule(k, n, extra), (), "Properties")
        }
        objects.append(CostObject(
            key=("cfn", str(kind), logical_id), label=f"Resources.{logical_id}", leaves=found,
            priced=kind in CFN_PRICED, line=resource.line, body=render(resource),
        ))
    for name, parameter in _items(parameters):
        rule = _cfn_rule((name,), Node(None, None), extra) or _named_rule(name, CFN_PROPERTIES)
        default = parameter.get("Default")
        if rule is None or default is None:
            continue
        leaf = _leaf("", rule, default)
        objects.append(CostObject(key=("cfn-parameter", name), label=f"Parameters.{name}",
                                  leaves={"": leaf}, line=parameter.line, whole=False))
    return objects


def _items(node: Node | None) -> list[tuple[str, Node]]:
    if node is None or not isinstance(node.value, dict):
        return []
    return [(k, v) for k, v in node.value.items() if isinstance(v.value, dict)]


def _leaf(path: str, rule: Rule, node: Node) -> Leaf:
    wrapper = Node({path: node}, node.line)
    return next(iter(leaves(wrapper, lambda k, n: rule)))


def _named_rule(name: str, table: dict[str, str]) -> Rule | None:
    """A parameter or variable named after a cost key (`WebInstanceType`, `NodeCount`)."""
    for key, role in table.items():
        if role != "choice" and len(key) > 4 and name.endswith(key):
            return Rule(role)
    return None


def _short_forms(node: Node) -> Node:
    """Intrinsic functions written in full, as JSON must and YAML may (`{"Ref": "MultiAZ"}`, `Ref: MultiAZ`), in
    YAML's short form (`!Ref MultiAZ`; `{"Fn::GetAtt": [...]}` is `!GetAtt [...]`), so a template reads the same
    in either syntax and either form: a property bound to a parameter is a value that cannot be compared, not
    a mapping of no cost."""
    value = node.value
    if isinstance(value, list):
        node.value = [_short_forms(item) for item in value]
    elif isinstance(value, dict):
        if len(value) == 1 and not node.tag:
            [(key, child)] = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                inner = _short_forms(child)
                return Node(inner.value, node.line, "!" + key.removeprefix("Fn::"))
        node.value = {key: _short_forms(child) for key, child in value.items()}
    return node


def read_cloudformation(text: str, extra: ExtraKeys, json_syntax: bool = False, load: Loader = load) -> Extracted:
    root = _short_forms(read_json(text) if json_syntax else (read_yaml(text, load) or [Node({}, None)])[0])
    # A SAM template's `Globals.Function.MemorySize` sizes every function that sets none of its own.
    shared = [
        CostObject(key=("cfn-globals", name), label=f"Globals.{name}", line=section.line, movable=False,
                   leaves={leaf.path: leaf for leaf in leaves(section, lambda k, n: _cfn_rule(k, n, extra))})
        for name, section in _items(root.get("Globals"))
    ]
    return Extracted((*shared, *cfn_objects(root.get("Resources"), root.get("Parameters"), extra)))


# --- Serverless Framework ---------------------------------------------------------

_SLS: dict[str, Rule] = {
    "memorySize": Rule("amount"),
    "provisionedConcurrency": Rule("count", default=0),
    "ephemeralStorageSize": Rule("amount", default=512),
}


def _sls_rule(keys: tuple[str, ...], node: Node, extra: ExtraKeys) -> Rule | None:
    if len(keys) == 1 and keys[0] in _SLS and not isinstance(node.value, (dict, list)):
        return _SLS[keys[0]]
    return None if isinstance(node.value, dict) else extra_rule(keys, extra)


def read_serverless(text: str, extra: ExtraKeys, json_syntax: bool = False, load: Loader = load) -> Extracted:
    root = read_json(text) if json_syntax else (read_yaml(text, load) or [Node({}, None)])[0]
    objects: list[CostObject] = []
    provider = root.get("provider")
    if provider is not None:
        found = {leaf.path: leaf for leaf in leaves(provider, lambda k, n: _sls_rule(k, n, extra))}
        objects.append(CostObject(key=("sls", "provider"), label="provider", leaves=found, movable=False))
    for name, function in _items(root.get("functions")):
        found = {leaf.path: leaf for leaf in leaves(function, lambda k, n: _sls_rule(k, n, extra))}
        objects.append(CostObject(key=("sls", "function", name), label=f"functions.{name}",
                                  leaves=found, line=function.line, movable=False))
    resources = root.get("resources")
    if resources is not None:
        objects.extend(cfn_objects(resources.get("Resources"), None, extra))
    return Extracted(tuple(objects))


# --- Pulumi stack configuration ------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _snake(key: str) -> str:
    return _CAMEL.sub(r"_\1", key.rsplit(":", 1)[-1]).lower()


def _pulumi_rule(keys: tuple[str, ...], node: Node, extra: ExtraKeys) -> Rule | None:
    if isinstance(node.value, dict) and not node.tag:
        return None
    name = _snake(keys[-1])
    role = TF_ATTRIBUTES.get(name)
    if role is not None and name not in ("size", "tier", "capacity", "memory", "cpu", "sku"):
        return Rule(role)
    return extra_rule(keys, extra)


def read_pulumi(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    root = (read_yaml(text, load) or [Node({}, None)])[0]
    config = root.get("config")
    found: dict[str, Leaf] = {}
    if config is not None:
        found = {leaf.path: leaf for leaf in leaves(config, lambda k, n: _pulumi_rule(k, n, extra), (), "config")}
    return Extracted((CostObject(key=("pulumi",), label="", leaves=found, movable=False),))
