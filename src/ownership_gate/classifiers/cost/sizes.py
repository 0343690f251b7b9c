"""Ordering machine sizes inside a family, and CI runners by price.

`t3.medium` < `t3.large` < `t3.2xlarge`, `n2-standard-4` < `n2-standard-8`,
`Standard_D2s_v3` < `Standard_D4s_v3`, CircleCI `medium` < `large`. A change
of family (`t3` to `m5`, `n2` to `n2d`, `v3` to `v5`) is not a size step and
compares as None: the caller reports it as `change`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ownership_gate.classifiers import patterns

_WORDS = {"none": 0.0, "nano": 1.0, "micro": 2.0, "small": 3.0, "medium": 4.0, "large": 5.0, "xlarge": 6.0}
_NXLARGE = patterns.compile(r"^(\d+)xlarge$")
_METAL = patterns.compile(r"^metal(?:(\d+)xl)?$")
_TIERS = {"free": 0, "shared": 1, "basic": 2, "standard": 3, "premium": 4}
_COUNTED = patterns.compile(r"^(\d+)([a-z]*)$")  # `4`, `1g` (GCP a2-highgpu-1g), `2x` (Bitbucket)
_AZURE_SERIES = patterns.compile(r"^([a-z]+)(\d+)([a-z+-]*)$")
_AZURE_PREFIX = patterns.compile(r"^(?:[a-z]{1,2}_)?(?:standard|basic)_", re.I)
_SPLIT = patterns.compile(r"[._-]")


def _word_rank(segment: str) -> float | None:
    plus = segment.endswith("+")
    word = segment[:-1] if plus else segment
    rank: float | None = _WORDS.get(word)
    if rank is None:
        match = _NXLARGE.match(word)
        if match is not None:
            rank = 5.0 + int(match[1])
        else:
            metal = _METAL.match(word)
            if metal is not None:
                rank = 5.0 + int(metal[1]) if metal[1] else 1000.0
    if rank is None:
        return None
    return rank + (0.5 if plus else 0.0)


def _segment_order(a: str, b: str, azure: bool) -> int | None:
    """-1, 0, 1 for two segments that differ only in size; None when not comparable."""
    if a == b:
        return 0
    for ranks in (_word_rank(a), _word_rank(b)), (_TIERS.get(a), _TIERS.get(b)):
        x, y = ranks
        if x is not None and y is not None:
            return (x > y) - (x < y)
    ca, cb = _COUNTED.match(a), _COUNTED.match(b)
    if ca and cb and ca[2] == cb[2]:
        return (int(ca[1]) > int(cb[1])) - (int(ca[1]) < int(cb[1]))
    if azure:
        # Azure series carry the vCPU count (`D2s`, `E8ds`); `v3` and `Gen5`
        # are generations, which change the family rather than the size.
        sa, sb = _AZURE_SERIES.match(a), _AZURE_SERIES.match(b)
        if sa and sb and sa[1] == sb[1] and sa[3] == sb[3] and sa[1] not in ("v", "gen"):
            return (int(sa[2]) > int(sb[2])) - (int(sa[2]) < int(sb[2]))
    return None


def compare_sizes(old: str, new: str) -> int | None:
    """1 when `new` is a bigger size of the same family, -1 smaller, 0 same, None otherwise."""
    if old == new:
        return 0
    azure = bool(_AZURE_PREFIX.match(old) and _AZURE_PREFIX.match(new))
    a, b = old.strip(), new.strip()
    if azure or a.lower() in _TIERS or b.lower() in _TIERS:
        a, b = a.lower(), b.lower()
    sa, sb = _SPLIT.split(a), _SPLIT.split(b)
    if len(sa) != len(sb):
        return None
    steps = set()
    for x, y in zip(sb, sa, strict=True):
        order = _segment_order(x, y, azure)
        if order is None:
            return None
        steps.add(order)
    steps.discard(0)
    if len(steps) != 1:
        return 0 if not steps else None  # mixed directions: not comparable
    return steps.pop()


# --- CI runners ------------------------------------------------------------

class Runner(NamedTuple):
    """A hosted runner and its price per minute in US cents (GitHub's published rates)."""

    label: str
    rate: float
    larger: bool  # more than the standard runner of its operating system


_STANDARD = patterns.compile(r"^(ubuntu|windows|macos)-(latest|\d+(?:\.\d+)?)(?:-(arm|arm64))?$")
_MAC_SIZE = patterns.compile(r"^macos-(?:latest|\d+(?:\.\d+)?)-(large|xlarge)$")
_CORES = patterns.compile(r"(?:^|[-_])(\d+)[-_]?(?:cores?|cpus?|vcpus?)(?:$|[-_])")
_PER_CORE = {"linux": 0.4, "windows": 0.8, "arm": 0.25}
_STANDARD_RATE = {"linux": 0.8, "windows": 1.6, "macos": 8.0, "arm": 0.5}
_MAC_RATE = {"large": 12.0, "xlarge": 16.0}
_GPU_RATE = 7.0


def _os_of(labels: list[str]) -> str:
    text = " ".join(labels)
    if "windows" in text:
        return "windows"
    if "mac" in text:
        return "macos"
    if "arm" in text:
        return "arm"
    return "linux"


def parse_runner(labels: list[str]) -> Runner | None:
    """The GitHub-hosted runner `runs-on` asks for, or None (self-hosted, expressions)."""
    lowered = [label.strip().lower() for label in labels if label.strip()]
    if not lowered or any("${{" in label for label in lowered):
        return None
    label = "+".join(lowered)
    if len(lowered) == 1:
        standard = _STANDARD.match(lowered[0])
        if standard is not None:
            system = "arm" if standard[3] else ("linux" if standard[1] == "ubuntu" else standard[1])
            return Runner(label, _STANDARD_RATE[system], False)
        mac = _MAC_SIZE.match(lowered[0])
        if mac is not None:
            return Runner(label, _MAC_RATE[mac[1]], True)
    system = _os_of(lowered)
    cores = next((int(m[1]) for m in map(_CORES.search, lowered) if m), None)
    if any("gpu" in part for part in lowered):
        return Runner(label, max(_GPU_RATE, (cores or 0) * _PER_CORE["linux"]), True)
    if cores is not None and system != "macos":
        rate = cores * _PER_CORE[system]
        return Runner(label, rate, rate > _STANDARD_RATE[system])
    return None
