"""Version and range arithmetic shared by the golang, maven, nuget, terraform, docker,
github-actions and helm ecosystems.

Two range grammars cover them: comparator lists (`~> 4.0`, `>= 1.2, < 2`,
`^1.2 || ~2.0`, `1.2.x`; Terraform and Helm) and bracket intervals
(`[1.0,2.0)`, `(,3]`, `1.0`; Maven and NuGet). Both answer one question:
the lowest release a constraint admits, or None when it has no lower bound
or is not a version at all (a branch, a digest, an unresolved property).
Comparator lists answer a second: the highest major version they admit.
"""

from __future__ import annotations

import math
import re

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems.base import Release

# Components are capped in length so a hostile "1" * 10_000 never reaches int().
_RELEASE = patterns.compile(r"[vV]?(\d{1,18}(?:\.\d{1,18})*)")
_WILDCARD = patterns.compile(r"[vV]?((?:\d{1,18}\.)*)(?:[xX*])(?:\.[xX*])*$")


def release(text: str) -> Release | None:
    """The leading numeric release of a version: `v1.7.4-rc.1` -> (1, 7, 4)."""
    match = _RELEASE.match(text.strip())
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def _wildcard(text: str) -> Release | None:
    """`1.2.x` / `1.*` -> (1, 2) / (1,); a bare `*` admits everything: None."""
    match = _WILDCARD.match(text)
    if match is None:
        return None
    parts = [p for p in match.group(1).split(".") if p]
    return tuple(int(p) for p in parts) or None


_OPERATOR = patterns.compile(r"(~>|>=|<=|!=|\^|~|=|>|<)?\s*(\S+)")
_HYPHEN = patterns.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")


def _bound(operator: str, version: str) -> Release | None:
    """The lower bound one comparator sets, or None when it sets none."""
    if operator in ("<", "<=", "!="):
        return None
    wild = _wildcard(version)
    if wild is not None:
        return wild
    return release(version)


def comparator_lowest(constraint: str) -> Release | None:
    """Lowest release admitted by a comparator list (Terraform, Helm, Masterminds semver).

    Comparators separated by commas or spaces must all hold (the lowest is the
    highest lower bound); `||` alternatives admit the lowest of their lowests.
    """
    alternatives = [a.strip() for a in constraint.split("||")]
    lows: list[Release] = []
    for alternative in alternatives:
        low = _conjunction_lowest(alternative)
        if low is None:
            return None  # one alternative reaches down without bound
        lows.append(low)
    return min(lows) if lows else None


def _conjunction_lowest(text: str) -> Release | None:
    hyphen = _HYPHEN.match(text)
    if hyphen is not None:
        return release(hyphen.group(1))
    bounds: list[Release] = []
    for token in _tokens(text):
        match = _OPERATOR.fullmatch(token)
        if match is None:
            return None
        bound = _bound(match.group(1) or "=", match.group(2))
        if bound is not None:
            bounds.append(bound)
        elif match.group(1) not in ("<", "<=", "!="):
            return None  # "latest", "*", a branch name: no version to compare
    return max(bounds) if bounds else None


def _tokens(text: str) -> list[str]:
    """The comparators of one conjunction; "= 1.2" and ">= 1.2" separate operator
    and version by a space: glued."""
    return re.sub(r"(~>|>=|<=|!=|\^|~|=|>|<)\s+", r"\1", text.replace(",", " ")).split()


def comparator_ceiling(constraint: str, one_part_tilde_caps: bool = True) -> float | None:
    """The highest major version a comparator list admits: `~> 4.67`, `< 5.0`, `^4.1`
    and `4.x` all 4, `< 5.1` and `<= 5.0` 5; `math.inf` when it admits every later
    one (`>= 4.67`, `*`, no comparator), None when it is no version range.

    All comparators of a conjunction must hold (the lowest cap decides); `||`
    alternatives admit the highest of their ceilings. HashiCorp's `~> 4`
    frees its only component and admits 5 (`one_part_tilde_caps=False`);
    Masterminds' `~> 4` and `~4` stop below 5.
    """
    ceilings: list[float] = []
    for alternative in constraint.split("||"):
        ceiling = _conjunction_ceiling(alternative.strip(), one_part_tilde_caps)
        if ceiling is None:
            return None
        ceilings.append(ceiling)
    return max(ceilings)


def _conjunction_ceiling(text: str, one_part_tilde_caps: bool) -> float | None:
    hyphen = _HYPHEN.match(text)
    if hyphen is not None:
        return _cap("<=", hyphen.group(2), one_part_tilde_caps)
    ceiling = math.inf
    for token in _tokens(text):
        match = _OPERATOR.fullmatch(token)
        cap = None if match is None else _cap(match.group(1) or "=", match.group(2), one_part_tilde_caps)
        if cap is None:
            return None
        ceiling = min(ceiling, cap)
    return ceiling


def _cap(operator: str, version: str, one_part_tilde_caps: bool) -> float | None:
    """The highest major one comparator admits: `math.inf` when it sets no cap, None when unreadable."""
    if operator == "!=":
        return math.inf  # it cuts a hole, not a cap
    wild = _WILDCARD.match(version)
    top = _wildcard(version) if wild is not None else release(version)
    if top is None:  # a bare `*` admits everything; a branch or `latest` is no version
        return math.inf if wild is not None and operator in ("=", ">=", ">") else None
    if operator == "~>" and len(top) == 1 and not one_part_tilde_caps:
        return math.inf
    return major_cap(operator, top)  # =, <=, ^, ~, ~>: never past the major they name


def major_cap(operator: str, version: Release) -> float:
    """The highest major a comparator with a readable version admits: none for `>`, `>=` (`math.inf`);
    for `<` the major below unless the version goes past its `.0` (`<2.0.0` stops in 1, `<2.1` in 2); for
    the rest (`=`, `<=`, `^`, `~`, `~>`, ...) the major they name."""
    if operator in (">", ">="):
        return math.inf
    if operator == "<":
        return version[0] if any(version[1:]) else version[0] - 1
    return version[0]


_INTERVAL = patterns.compile(r"([\[(])\s*([^,\])]*?)\s*(?:,\s*([^\])]*?)\s*)?([\])])")


def interval_lowest(constraint: str) -> Release | None:
    """Lowest release admitted by Maven / NuGet version ranges.

    `1.0` (a soft requirement, or NuGet's minimum) and `[1.0]` are 1.0;
    `[1.0,2.0)` and `(1.0,)` start at 1.0; `(,1.0]` has no lower bound;
    `[1.0,2.0),[3.0,)` admits the lowest of its sets; NuGet's floating
    `1.2.*` starts at 1.2.
    """
    text = constraint.strip()
    if not text or "$" in text:
        return None  # empty, or an unresolved property
    if text[0] not in "[(":
        return _wildcard(text) if "*" in text else release(text)
    lows: list[Release] = []
    for match in _INTERVAL.finditer(text):
        low_text = match.group(2)
        if not low_text:
            return None
        low = release(low_text)
        if low is None:
            return None
        lows.append(low)
    return min(lows) if lows else None
