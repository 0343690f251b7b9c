"""What the cost readers extract from a file: objects carrying cost-bearing values.

Every reader (Terraform, Kubernetes, Compose, CI, ...) turns one revision
of a file into `CostObject`s; `cost_compare` pairs them across revisions.
An object is what a reviewer would name: a Terraform resource
(`aws_instance.web`), a Kubernetes object (`Deployment/web`), a Compose
service (`services.web`), or the whole file for flat files (Helm values,
tfvars), whose label is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

# How a value compares:
#   amount  - a quantity (`2`, `500m`, `64Mi`); more is an increase, unset is none
#   count   - a replica or node count; unset means `default` (often 1)
#   limit   - a resource limit: adding or removing one is `change` (Kubernetes
#             takes an unset request from the limit)
#   ceiling - an upper bound (`maxReplicas`): compared, but adding one is no spend
#   size    - a machine size or tier (`t3.large`, `Standard_D4s_v3`, `medium`)
#   flag    - a switch whose `true` costs more (`multi_az`)
#   lb      - a Service type: becoming `LoadBalancer` is an increase
#   runner  - a CI runner (`runs-on`), ordered by price per minute
#   choice  - any other cost-bearing setting: every change is `change`
ROLES = ("amount", "count", "limit", "ceiling", "size", "flag", "lb", "runner", "choice")


class Leaf(NamedTuple):
    """One cost-bearing value at a key path inside an object."""

    path: str  # key path inside the object: `spec.replicas`, `scaling_config.desired_size`
    role: str
    value: object  # str, int, float, bool, None, or a tuple of those
    text: str  # as written, for messages and `from`/`to`
    line: int | None = None
    unit: str = "k8s"  # quantity flavour: "k8s" or "bytes" (Compose)
    default: object = None  # the value an unset key means, where known
    expression: bool = False  # a value the file computes (`var.size`, `!Ref`, `{{ }}`)
    compared: str = ""  # an expression with the local values it reads written out, where they are known


class CostObject(NamedTuple):
    key: tuple[str, ...]  # identity for pairing across revisions and files
    label: str  # `aws_instance.web`, `Deployment/web`, "" for a whole flat file
    leaves: Mapping[str, Leaf] = MappingProxyType({})
    priced: bool = False  # creating one costs money even with no cost key written
    line: int | None = None
    body: str = ""  # the whole definition, whitespace aside, to recognise a renamed copy
    movable: bool = True  # may pair with an object in another file (a move)
    whole: bool = True  # creating or deleting it is itself reported (not for variables)

    def subject(self, path: str = "") -> str:
        if not self.label:
            return path
        return f"{self.label}.{path}" if path else self.label


class Extracted(NamedTuple):
    """One revision of one file: its objects, or why it could not be read."""

    objects: tuple[CostObject, ...] = ()
    error: str | None = None
    error_line: int | None = None


EMPTY = Extracted()


class ReadError(ValueError):
    """A revision of a file that cannot be read for cost (syntax, encoding, size)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line
