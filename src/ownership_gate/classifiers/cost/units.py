"""Quantities with units, as Kubernetes, Compose and cloud APIs write them.

Values are compared as exact decimals so that reformatting (`1000m` to `1`,
`1024Mi` to `1Gi`) compares equal and yields no finding.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Kubernetes resource.Quantity: decimal SI and binary suffixes, plus the
# byte-unit spellings cloud APIs use (`512MB`, `2GiB`).
_K8S = re.compile(
    r"^\s*(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE](?P<exp>[+-]?\d+))?"
    r"\s*(?P<unit>Ki|Mi|Gi|Ti|Pi|Ei|KiB|MiB|GiB|TiB|KB|MB|GB|TB|kB|n|u|m|k|K|M|G|T|P|E)?\s*$"
)
_K8S_FACTORS: dict[str, Decimal] = {
    "": Decimal(1),
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"),
    "k": Decimal(10) ** 3, "K": Decimal(10) ** 3, "kB": Decimal(10) ** 3, "KB": Decimal(10) ** 3,
    "M": Decimal(10) ** 6, "MB": Decimal(10) ** 6,
    "G": Decimal(10) ** 9, "GB": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "TB": Decimal(10) ** 12,
    "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "KiB": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20, "MiB": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30, "GiB": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "TiB": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}

# Compose byte values (docker's RAMInBytes): case-insensitive, 1024-based,
# so `512m` is 512 MiB here, not 0.512 as it would be in Kubernetes.
_BYTES = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[bkmgtp]?)(?:i?b)?\s*$", re.I)
_BYTE_FACTORS = {u: Decimal(1024) ** n for n, u in enumerate(("b", "k", "m", "g", "t", "p"))}
_BYTE_FACTORS[""] = Decimal(1)

# Plain numbers with a unit word, as ECS and CloudFormation write them
# (`1 vCPU`, `2 GB`): the word must be the same on both sides to compare.
_WORDED = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>vcpus?|cpus?|cores?)\s*$", re.I)

_MAX_EXPONENT = 40


def quantity(value: object, flavour: str = "k8s") -> Decimal | None:
    """The amount a value stands for, or None when it is no quantity.

    `flavour` is "k8s" (Kubernetes quantities, also used for cloud APIs) or
    "bytes" (Compose/docker byte values).
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            return Decimal(repr(value))
        except InvalidOperation:
            return None
    if not isinstance(value, str) or len(value) > 64:
        return None
    if flavour == "bytes":
        match = _BYTES.match(value)
        if match is None:
            return None
        return Decimal(match["num"]) * _BYTE_FACTORS[match["unit"].lower()]
    worded = _WORDED.match(value)
    if worded is not None:
        return Decimal(worded["num"])
    match = _K8S.match(value)
    if match is None:
        return None
    exponent = int(match["exp"] or 0)
    if abs(exponent) > _MAX_EXPONENT:
        return None
    try:
        number = Decimal(match["num"]).scaleb(exponent)
    except InvalidOperation:
        return None
    return number * _K8S_FACTORS[match["unit"] or ""]


def direction(old: Decimal, new: Decimal) -> str | None:
    if new > old:
        return "increase"
    if new < old:
        return "decrease"
    return None
