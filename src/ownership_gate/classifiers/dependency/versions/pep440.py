"""PEP 440 constraints as pypi manifests write them, Poetry's spellings included.

A constraint is the specifier as packaging prints it, prefixed by
`[extras]` when extras are asked for, or `@ <url>` for a direct reference.
Poetry's `^1.2` is `>=1.2,<2.0`, `~1.2` is `>=1.2,<1.3`, a bare `1.2.3` is
`==1.2.3`; `canonical` translates them so that the same requirement
spelt by Poetry and by `[project]` compares equal.
"""

from __future__ import annotations

import math
import re

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name, canonicalize_version
from packaging.version import InvalidVersion, Version

from ownership_gate.classifiers.dependency.ecosystems.base import RUNTIME, ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import public_url
from ownership_gate.classifiers.dependency.versions import semver

_EXTRAS = re.compile(r"^\[([^\]]*)\]")


def reason(exc: Exception) -> str:
    """packaging's message without the caret drawing below it: one line for a report."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def pep508_requirement(text: str, line: int | None, scope: str = RUNTIME) -> Requirement:
    """One PEP 508 requirement (`stripe[async]>=7,<8; python_version>"3.8"`) as the subject and constraint
    findings compare; ManifestError, at `line`, naming it when packaging cannot read it."""
    try:
        parsed = Pep508(text)
    except InvalidRequirement as exc:
        raise ManifestError(f"invalid requirement {text!r}: {reason(exc)}", line) from None
    return Requirement(canonicalize_name(parsed.name), pep508_constraint(parsed), line, scope=scope)


def pep508_constraint(parsed: Pep508) -> str:
    extras = f"[{','.join(sorted(parsed.extras))}]" if parsed.extras else ""
    if parsed.url:
        return f"{extras}@ {public_url(parsed.url)}"
    return extras + ",".join(sorted(map(str, parsed.specifier), key=_floor_first))


def _floor_first(specifier: str) -> tuple[bool, str]:
    """`>=4.2,<5` reads better than packaging's alphabetical `<5,>=4.2`."""
    return specifier.startswith(("<", "!")), specifier


def _split_extras(constraint: str) -> tuple[str, str]:
    match = _EXTRAS.match(constraint)
    if match is None:
        return "", constraint.strip()
    extras = ",".join(sorted(e.strip() for e in match.group(1).split(",") if e.strip()))
    return extras, constraint[match.end():].strip()


def _specifiers(constraint: str) -> SpecifierSet | None:
    try:
        return SpecifierSet(constraint)
    except InvalidSpecifier:
        pass
    poetry = _from_poetry(constraint)
    if poetry is None:
        return None
    try:
        return SpecifierSet(poetry)
    except InvalidSpecifier:
        return None


def _bump(parts: list[int], index: int) -> str:
    return ".".join(str(p) for p in [*parts[:index], parts[index] + 1])


def _from_poetry(constraint: str) -> str | None:
    """Poetry's `^`, `~`, bare and space-separated constraints as a PEP 440 specifier set."""
    result: list[str] = []
    for operator, version in re.findall(r"(\^|~=|~|==|!=|<=|>=|<|>|=)?\s*([^\s,]+)", constraint):
        numbers = re.match(r"v?(\d{1,18}(?:\.\d{1,18})*)", version)  # `0.53b1` is 0.53
        release = [int(p) for p in numbers.group(1).split(".")] if numbers else []
        if version == "*":
            continue
        if operator in ("^", "~") and not release:
            return None
        if operator == "^":
            index = next((i for i, p in enumerate(release) if p), len(release) - 1)
            result += [f">={version}", f"<{_bump(release, index)}"]
        elif operator == "~":
            result += [f">={version}", f"<{_bump(release, 0 if len(release) == 1 else 1)}"]
        elif operator in ("", "="):
            result.append(f"=={version}")
        else:
            result.append(f"{operator}{version}")
    return ",".join(result)


def canonical(constraint: str) -> str:
    """One spelling per requirement: Poetry's `^4.2`, `~=4.2` and `>=4.2.0,<5` agree.

    Compatible-release (`~=`) and prefix (`==4.2.*`) clauses are spelt as
    the bounds PEP 440 defines them by.
    """
    if len(constraint) > semver.MAX_CONSTRAINT:
        return " ".join(constraint.split())
    extras, rest = _split_extras(constraint)
    prefix = f"[{extras}]" if extras else ""
    if rest.startswith("@") or "||" in rest:
        return prefix + " ".join(rest.split())
    specifiers = _specifiers(rest)
    if specifiers is None:
        return prefix + " ".join(rest.split())
    spelled = sorted({c for s in specifiers for c in _bounds(s.operator, s.version)})
    return prefix + ",".join(spelled)


def _bounds(operator: str, version: str) -> list[str]:
    try:
        release = Version(version.removesuffix(".*")).release
    except InvalidVersion:
        return [f"{operator}{version}"]
    upper: tuple[int, ...] | None = None
    if operator == "~=" and len(release) > 1:
        upper = (*release[:-2], release[-2] + 1)
    elif operator == "==" and version.endswith(".*"):
        upper = (*release[:-1], release[-1] + 1)
    if upper is None:
        return [f"{operator}{canonicalize_version(version)}"]
    low = canonicalize_version(version.removesuffix(".*"))
    return [f">={low}", "<" + canonicalize_version(".".join(map(str, upper)))]


def _read(constraint: str) -> SpecifierSet | str | None:
    """A constraint's specifiers; the constraint as Poetry writes alternatives (`^1.2 || ^2.0`), for the
    semver reader; None for a direct reference (`@ https://...`), or one too long or unreadable."""
    _, rest = _split_extras(constraint)
    if rest.startswith("@") or len(rest) > semver.MAX_CONSTRAINT:
        return None
    return rest if "||" in rest else _specifiers(rest)


def lowest(constraint: str) -> Release | None:
    specifiers = _read(constraint)
    if specifiers is None or isinstance(specifiers, str):
        return None if specifiers is None else semver.lowest(specifiers, "poetry")
    floors: list[Release] = []
    for spec in specifiers:
        if spec.operator in ("<", "<=", "!="):
            continue
        try:
            release = Version(spec.version.removesuffix(".*")).release
        except InvalidVersion:
            return None
        floors.append((*release[:-1], release[-1] + 1) if spec.operator == ">" else release)
    return max(floors) if floors else None


def ceiling(constraint: str) -> float | None:
    """The highest major version admitted: `~=4.2`, `==4.*`, `<5` and `<=4.9` are 4, `<5.1` is 5;
    `math.inf` without a cap (`>=4.2`, none); None for a direct reference or an unreadable one."""
    specifiers = _read(constraint)
    if specifiers is None or isinstance(specifiers, str):
        return None if specifiers is None else semver.ceiling(specifiers, "poetry")
    top = math.inf
    for spec in specifiers:
        if spec.operator in (">", ">=", "!="):
            continue
        try:
            release = Version(spec.version.removesuffix(".*")).release
        except InvalidVersion:
            return None  # `===` with a string that is no version
        cap = release[0] if spec.operator != "<" or any(release[1:]) else release[0] - 1
        top = min(top, cap)
    return top
