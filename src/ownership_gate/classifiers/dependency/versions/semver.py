"""Version ranges as npm, Cargo, Composer, Poetry and RubyGems write them.

A step between two constraints is judged on the lowest release each admits
(see the README, *Dependencies*): `^1.7.4`, `~1.7.4`, `~> 1.7.4`, `>=1.7.4 <2`, `1.7.4 - 2.0.0`
and Cargo's bare `1.7.4` all admit 1.7.4 first. Of the upper bound only its
major matters (`ceiling`): whether a change lets the next major in; all of
these stop at 1 but the hyphen range, which reaches 2. Upper bounds also
matter for deciding whether two spellings are the same constraint;
`canonical` only normalises spelling, which is all the ecosystems' own tools do.

A range without a lower bound (`*`, `<2`, `""`) or one this module cannot
read (a branch name, a git URL) has no lowest release: `None`, and the
comparison calls any change to it `changed` rather than guess a step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from ownership_gate.classifiers.dependency.ecosystems.base import Release
from ownership_gate.classifiers.dependency.versions.ranges import major_cap

Dialect = Literal["npm", "cargo", "composer", "poetry", "gem"]

# One version: an optional `v`, numeric or wildcard components, then an
# ignored pre-release / build tail (`-beta.2`, `+sha`, RubyGems' `.rc1`).
_VERSION = r"[vV]?(?:\d+|[xX*])(?:\.(?:\d+|[xX*]))*(?:[-+.]?[0-9A-Za-z][0-9A-Za-z.+-]*)?"
_OPERATOR = r"===|==|!=|<=|>=|~>|~=|\^|~|<|>|="
_COMPARATOR = re.compile(rf"\s*({_OPERATOR})?\s*({_VERSION})\s*(?:,\s*)?")
_HYPHEN = re.compile(rf"^\s*({_VERSION})\s+-\s+({_VERSION})\s*$")
# Components are capped so a hostile "1" * 10_000 never reaches int().
_NUMERIC = re.compile(r"[vV]?(\d{1,18}(?:\.(?:\d{1,18}|[xX*]))*)")

# Longer strings are no version range anyone writes; not reading them keeps
# the regular expressions below linear on hostile input.
MAX_CONSTRAINT = 256

# Operators whose version is the lowest release admitted.
_FROM = frozenset({"", "=", "==", "===", "^", "~", "~>", "~=", ">="})
# Operators that bound a range from above or cut holes in it: no lower bound.
_NO_FLOOR = frozenset({"<", "<=", "!="})
# Operators that never admit a later major than the version they name (`^0.2` stops in 0).
_UP_TO_MAJOR = frozenset({"", "=", "==", "===", "^", "~", "~>", "~=", "<="})
# A comparator set that admits every version.
_ANY = frozenset({"", "*", "x", "X", "latest"})


def release(version: str) -> Release | None:
    """`v1.7.4-beta.2` -> (1, 7, 4); `1.2.x` -> (1, 2); None without a leading number."""
    match = _NUMERIC.match(version.strip())
    if match is None:
        return None
    parts: list[int] = []
    for part in match.group(1).split("."):
        if not part.isdigit():
            break  # an x-range: the components before the wildcard decide
        parts.append(int(part))
    return tuple(parts) if parts else None


def _above(version: str) -> Release | None:
    """The first release above `>V`: `>1.2` admits 1.3 (npm, Cargo), `>1.2.3` admits 1.2.4."""
    base = release(version)
    if base is None:
        return None
    return (*base[:-1], base[-1] + 1)


def _floor(operator: str, version: str) -> Release | Literal[False] | None:
    """The lower bound one comparator sets; None when it sets none, False when unreadable."""
    if operator in _NO_FLOOR:
        return None
    low = release(version)
    if low is None:
        return None  # `*`, `x`: any version
    if operator in _FROM:
        return low
    if operator == ">":
        return _above(version)
    return False


def _set_floor(text: str) -> Release | Literal[False] | None:
    """The lowest release a comparator set (all must hold) admits."""
    text = text.strip()
    if text in _ANY:
        return None
    hyphen = _HYPHEN.match(text)
    if hyphen is not None:
        return release(hyphen.group(1))
    position, floors = 0, []
    while position < len(text):
        match = _COMPARATOR.match(text, position)
        if match is None or match.end() == position:
            return False
        floor = _floor(match.group(1) or "", match.group(2))
        if floor is False:
            return False
        if floor is not None:
            floors.append(floor)
        position = match.end()
    return max(floors) if floors else None


def _prepare(constraint: str, dialect: Dialect) -> list[str] | None:
    """The alternatives of a constraint, each a comparator set; None when not a version range."""
    text = constraint.strip()
    if dialect == "composer":
        text = re.sub(r"@(?:dev|alpha|beta|RC|rc|stable)\b", "", text)
        if " as " in text:
            text = text.split(" as ", 1)[1]  # `dev-main as 1.2.x-dev`: the alias is the version
        if text.startswith("dev-") or text == "self.version":
            return None
        text = re.sub(r"(\d)\.x-dev\b", r"\1.x", text).replace("-dev", "")
        return re.split(r"\s*\|\|?\s*", text)
    return text.split("||")


@lru_cache(maxsize=4096)
def lowest(constraint: str, dialect: Dialect = "npm") -> Release | None:
    """The lowest release `constraint` admits, or None when it has no lower bound or is unreadable.

    Alternatives (`||`, Composer's `|`) admit the lowest of their lowest
    releases; an alternative without a floor makes the whole range floorless.
    """
    if len(constraint) > MAX_CONSTRAINT:
        return None
    alternatives = _prepare(constraint, dialect)
    if alternatives is None:
        return None
    floors: list[Release] = []
    for alternative in alternatives:
        floor = _set_floor(alternative)
        if floor is None or floor is False:
            return None
        floors.append(floor)
    return min(floors) if floors else None


def _cap(operator: str, version: str) -> float | None:
    """The highest major one comparator admits: `math.inf` when it sets no cap, None when unreadable."""
    if operator in (">", ">=", "!="):
        return math.inf
    top = release(version)
    if top is None:  # `*`, `x`: any version
        return math.inf if operator in _UP_TO_MAJOR else None
    if operator in _UP_TO_MAJOR or operator == "<":
        return major_cap(operator, top)  # `<2.0.0-0` stops in 1, `<2.1` in 2
    return None


def _set_ceiling(text: str) -> float | None:
    """The highest major a comparator set (all must hold) admits."""
    text = text.strip()
    if text in _ANY:
        return math.inf
    hyphen = _HYPHEN.match(text)
    if hyphen is not None:
        return _cap("<=", hyphen.group(2))
    position, ceiling = 0, math.inf
    while position < len(text):
        match = _COMPARATOR.match(text, position)
        if match is None or match.end() == position:
            return None
        cap = _cap(match.group(1) or "", match.group(2))
        if cap is None:
            return None
        ceiling = min(ceiling, cap)
        position = match.end()
    return ceiling


@lru_cache(maxsize=4096)
def ceiling(constraint: str, dialect: Dialect = "npm") -> float | None:
    """The highest major version `constraint` admits: `math.inf` when it admits every
    later one (`>=1.2`, `*`, `""`), None when it is unreadable (a branch, a git URL).

    Alternatives admit the highest of their ceilings.
    """
    if len(constraint) > MAX_CONSTRAINT:
        return None
    alternatives = _prepare(constraint, dialect)
    if alternatives is None:
        return None
    ceilings: list[float] = []
    for alternative in alternatives:
        top = _set_ceiling(alternative)
        if top is None:
            return None
        ceilings.append(top)
    return max(ceilings)


def _canonical_set(text: str) -> str:
    hyphen = _HYPHEN.match(text)
    if hyphen is not None:
        return f"{hyphen.group(1)} - {hyphen.group(2)}"
    comparators = []
    position = 0
    while position < len(text):
        match = _COMPARATOR.match(text, position)
        if match is None or match.end() == position:
            return " ".join(text.split())
        comparators.append(f"{match.group(1) or ''}{match.group(2)}")
        position = match.end()
    return " ".join(sorted(comparators))


@lru_cache(maxsize=4096)
def canonical(constraint: str) -> str:
    """One spelling per range: `>= 1.2, < 2` and `<2 >=1.2` both read `<2 >=1.2`.

    Only whitespace, separators and comparator order change; a range that
    does not tokenise is returned whitespace-normalised.
    """
    if len(constraint) > MAX_CONSTRAINT:
        return " ".join(constraint.split())
    alternatives = [a.strip() for a in re.split(r"\s*\|\|?\s*", constraint.strip())]
    return " || ".join(sorted(_canonical_set(a) for a in alternatives))


def comparator_lists(
    comparators: Callable[[str], list[str]], dialect: Dialect
) -> tuple[Callable[[str], Release | None], Callable[[str], str], Callable[[str], float | None]]:
    """`lowest`, `canonical` and `ceiling` for an ecosystem that writes a constraint as a
    comma list of comparators (Cargo, RubyGems), spelled out by `comparators`. Their order
    does not matter; a constraint starting with `@` names a source, not a version."""

    def listed_lowest(constraint: str) -> Release | None:
        if constraint.startswith("@"):
            return None
        return lowest(", ".join(comparators(constraint)), dialect)

    def listed_ceiling(constraint: str) -> float | None:
        if constraint.startswith("@"):
            return None
        return ceiling(", ".join(comparators(constraint)), dialect)

    def listed_canonical(constraint: str) -> str:
        if constraint.startswith("@"):
            return " ".join(constraint.split())
        return ", ".join(sorted(comparators(constraint)))

    return listed_lowest, listed_canonical, listed_ceiling
