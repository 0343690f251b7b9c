"""Capacity set as a variable in an environment's value file: `router_instances: 24` -> `72` in
`env-specific/prod.yml`, `instances: 8` -> `10` in a Cloud Foundry `manifest_api_prod.yml`,
`export WEB_REPLICAS=16` -> `20` in `regions/portland/prod.sh`, `instance_count: 2` -> `3` in an
Ansible `vars/common.yml`.

Many deployments keep how many machines or replicas each service runs in files no infrastructure
reader claims: deploy scripts read them, and the number is spend all the same. A value file is a YAML
file, a dotenv file (`.env`, `prod.env`) or a shell file made only of assignments, in a path that
names an environment (`prod`, `staging`, ...) or sits in a folder of deployment variables (`vars/`,
`group_vars/`, `host_vars/`, `env-specific/`, `environments/`). Only names that count machines are read:
`instances` and `replicas` (alone or as the end of a name: `web_replicas`, `routerInstances`), and the
Terraform count attributes (`instance_count`, `node_count`, `desired_count`, `desired_capacity`, ...)
alone or as the end of a name. Worker processes, memory limits and any other key are not: a value file
holds many settings that cost nothing. A shell file with anything but assignments is a script, and is not
read at all.
"""

from __future__ import annotations

import io
import posixpath
import re

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.cost.catalog import TF_ATTRIBUTES, TF_NAME_SUFFIXES
from ownership_gate.classifiers.cost.files import SHELL, YAML
from ownership_gate.classifiers.cost.leaves import Rule, leaves, read_yaml
from ownership_gate.classifiers.cost.model import EMPTY, CostObject, Extracted, Leaf, ReadError
from ownership_gate.formats.yaml import Loader, Node, load

_CAMEL = patterns.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Counts of something other than machines (worker processes, capacity units), or too generic to say so in a
# file of settings (`retry_max_count`); `min_size` and `max_size` only at the end of a longer name (`asg_min_size`).
_NOT_MACHINES = frozenset({
    "count", "capacity", "min_count", "max_count", "worker_count", "number_of_workers", "warm_count",
    "read_capacity", "write_capacity", "provisioned_concurrent_executions",
})
_GENERIC = frozenset({"min_size", "max_size"})
_COUNT_SUFFIXES = tuple("_" + s for s in TF_NAME_SUFFIXES if TF_ATTRIBUTES[s] == "count" and s not in _NOT_MACHINES)
_WHOLE_NAMES = frozenset({"instances", "replicas"})
_INTEGER = patterns.compile(r"^[0-9]+$")
_KEY = patterns.compile(r"^[ \t-]*['\"]?([\w.-]+)['\"]?[ \t]*[:=]", re.MULTILINE)
_DECIDES = patterns.compile(
    r"\s*(?:(?:if|elif|else|then|fi|for|while|until|do|done|case|esac|select|function)\b|[{}(\[]|\S+\s*\(\))"
    r"|.*(?:&&|\|\|)"
)


def counts_machines(name: str) -> bool:
    """`web_replicas`, `routerInstances`, `instance_count`, `WEB_DESIRED_COUNT`: a count of machines."""
    snake = _CAMEL.sub("_", name).lower()
    if snake in _WHOLE_NAMES or snake.endswith(("_instances", "_replicas")):
        return True
    if TF_ATTRIBUTES.get(snake) == "count":
        return snake not in _NOT_MACHINES and snake not in _GENERIC
    return snake.endswith(_COUNT_SUFFIXES)


def _rule(keys: tuple[str, ...], node: Node) -> Rule | None:
    if isinstance(node.value, (dict, list)) or not counts_machines(keys[-1]):
        return None
    return Rule("count")


def read(path: str, text: str, load: Loader = load) -> Extracted:
    """The value file's machine counts, as one flat object (a shell script with logic holds none)."""
    base = posixpath.basename(path)
    if base.endswith(YAML):
        try:
            documents = read_yaml(text, load)
        except ReadError:
            if any(counts_machines(key) for key in _KEY.findall(text)):
                raise  # it may set a machine count: judged by its error
            return EMPTY  # a broken file that sets no machine count cannot hide one
        found = {leaf.path: leaf for document in documents for leaf in leaves(document, _rule)}
    else:
        found = _assignments(text, shell=base.endswith(SHELL))
    if not found:
        return EMPTY
    return Extracted((CostObject(key=("values",), label="", leaves=found, movable=False),))


def _assignments(text: str, *, shell: bool) -> dict[str, Leaf]:
    """`NAME=value` and `export NAME=value` lines, read by python-dotenv. Other lines of a shell file that
    run a command (`echo`, `alias`) leave the values as they are; a shell file that decides (a condition, a
    loop, a function) is a script, and none of its values is read, as it may set them only sometimes."""
    from dotenv.parser import parse_stream

    found: dict[str, Leaf] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            if shell and _DECIDES.match(binding.original.string):
                return {}
            continue
        if binding.key is None or binding.value is None or not counts_machines(binding.key):
            continue
        value = binding.value.strip()
        number: object = int(value) if _INTEGER.match(value) else value
        found[binding.key] = Leaf(path=binding.key, role="count", value=number, text=value,
                                  line=binding.original.line, expression="$" in value)
    return found
