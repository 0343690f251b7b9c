"""Comparing two requirement lists of one manifest: added, removed, major, minor, patch, changed.

A constraint that goes back to an older major version (`^11.0.1` to
`10.2.2`) is `major` too: a downgrade across majors breaks as much as an
upgrade does. A package that only development, tests or builds installed
and that moves into a scope production installs (`devDependencies` to
`dependencies`) is `added`, in its new scope: production takes it on for
the first time. A constraint that admits a later major than before
(`~> 4.67` to `>= 4.67`) is `major` whatever its lowest version does: the
next major arrives with the next install. So is a minor step of a package
whose minor releases break (`feature_releases.py`), and the image a
Dockerfile's shipped stage is built on replaced by another image
(`base_replaced`).

Requirements are keyed by normalised name; where a name has several
entries (a builder and a runtime image, one constraint per Python
version) the entry that moved is judged, and the finding takes the scope
of the entries that moved (the widest of them). An ecosystem may offer two
optional hooks: `canonical(constraint)`, one spelling for equal
constraints, `unpinned(constraint)`, the constraint without the value
of a digest or commit pin (a moved pin alone is a lock refresh),
`ceiling(constraint)`, the highest major a constraint admits, and
`unresolved(requirement)`, the variables set outside the file that an
entry still names: a change to such an entry cannot be judged, so it is
`unparsed` (fail closed).
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Callable

from ownership_gate.classifiers.dependency.ecosystems.base import (
    RUNTIME,
    TOOLING_SCOPES,
    Ecosystem,
    Release,
    Requirement,
    widest,
)
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import admits_any
from ownership_gate.classifiers.dependency.feature_releases import breaking_minor, patch_minor
from ownership_gate.model import Finding

TYPE = "dependency"


def _group(requirements: list[Requirement]) -> dict[str, list[Requirement]]:
    grouped: dict[str, list[Requirement]] = {}
    for requirement in requirements:
        grouped.setdefault(requirement.name, []).append(requirement)
    return grouped


def compare(
    old: list[Requirement], new: list[Requirement], ecosystem: Ecosystem, zero_major: bool = False
) -> list[Finding]:
    matched: Callable[[list[Requirement], list[Requirement]], list[Requirement]] | None = getattr(
        ecosystem, "matched", None)
    findings = _compare(matched(old, new) if matched is not None else old, new, ecosystem, zero_major)
    unresolved: Callable[[Requirement], list[str]] | None = getattr(ecosystem, "unresolved", None)
    if unresolved is None:
        return findings
    variables: dict[str, list[str]] = {}
    for requirement in old + new:
        variables.setdefault(requirement.name, []).extend(unresolved(requirement))
    return [_unresolved(f, ecosystem, variables[f.subject]) if variables.get(f.subject) else f
            for f in findings]


def _unresolved(finding: Finding, ecosystem: Ecosystem, variables: list[str]) -> Finding:
    names = list(dict.fromkeys(variables))
    shown = f"{finding.subject}:{finding.to or finding.from_ or ''}".rstrip(":")
    which = ", ".join(f"${{{v}}}" for v in names) + (" is" if len(names) == 1 else " are")
    return new_finding("unparsed", finding.subject, ecosystem, finding.from_, finding.to, finding.line,
                       f"{shown} cannot be resolved: {which} set outside this file", finding.scope or RUNTIME)


def _compare(
    old: list[Requirement], new: list[Requirement], ecosystem: Ecosystem, zero_major: bool
) -> list[Finding]:
    before, after = _group(old), _group(new)
    findings: list[Finding] = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name, []), after.get(name, [])
        indirect = all(r.indirect for r in was + now)
        if not was:
            top = now[0]
            kind = "lockfile" if indirect else "added"
            findings.append(new_finding(kind, name, ecosystem, None, top.constraint or None, top.line,
                                        f"new {'indirect ' if indirect else ''}dependency {name}", _scope(now)))
            continue
        if not now:
            kind = "lockfile" if indirect else "removed"
            findings.append(new_finding(kind, name, ecosystem, was[0].constraint or None, None, None,
                                        f"dependency {name} removed", _scope(was)))
            continue
        if not indirect and _into_production(_scope(was), _scope(now)):
            findings.append(_moved_into_production(name, was, now, ecosystem, zero_major))
            continue
        if {(spelling(r.constraint, ecosystem), r.features) for r in was} == {
            (spelling(r.constraint, ecosystem), r.features) for r in now
        }:
            continue
        old_set = sorted({r.constraint for r in was})
        new_set = sorted({r.constraint for r in now})
        old_c = _highest(old_set, ecosystem)
        new_c = _highest(new_set, ecosystem)
        if old_c == new_c:
            # One of several entries moved (a builder stage's image, not the
            # runtime's): judge the entry that moved, not the one that stayed.
            old_c = _highest([c for c in old_set if c not in new_set] or old_set, ecosystem)
            new_c = _highest([c for c in new_set if c not in old_set] or new_set, ecosystem)
        kind, why = "changed", ""
        if old_c != new_c:
            kind, why = judge_step(name, old_c, new_c, ecosystem, zero_major)
        if indirect or _only_pin_moved(was, now, ecosystem):
            kind = "lockfile"
        line = next((r.line for r in now if r.constraint == new_c), now[0].line)
        moved = [r for r in now if r.constraint not in old_set] or now
        if {r.features for r in was} != {r.features for r in now}:  # shown only when they changed
            old_c, new_c = _featured(old_c, was), _featured(new_c, now)
        detail = f"{name} {old_c or '(any)'} -> {new_c or '(any)'}" + (f": {why}" if kind == "major" and why else "")
        findings.append(new_finding(kind, name, ecosystem, old_c or None, new_c or None, line, detail, _scope(moved)))
    return findings


def base_replaced(
    findings: list[Finding], old_base: Requirement | None, new_base: Requirement | None, ecosystem: Ecosystem
) -> list[Finding]:
    """`findings` with the image a Dockerfile's shipped stage is built on, when it is now another
    repository (`python:3.12-slim` -> `node:20-slim`), reported as `major` in `runtime` (in `test` from
    one test double's image to another's): production runs on another base image, as much a one-way
    door as a major upgrade of it. The finding takes the
    place of the new image's own (`added`, or a step of its tag when a builder stage already used it),
    or is added when the new image had none; an `unparsed` one stays (it fails closed already). The
    old image keeps its own: `removed` when it left the file, nothing when a builder stage still uses it.
    The same repository with another variant (`openjdk:8-jre` -> `8-jre-base`, `python:3.12` -> `3.12-slim`:
    the words of its tag besides the version) is another image too; a tag step is otherwise judged as ever.
    Not judged when either side names no base (`None`: a Dockerfile added or deleted, `scratch`, a
    variable set outside the file)."""
    if old_base is None or new_base is None:
        return findings
    own = [f for f in findings if f.subject == new_base.name]
    if any(f.kind in ("unparsed", "major") for f in own):
        return findings
    before, after = _image(old_base), _image(new_base)
    if old_base.name == new_base.name:
        words: Callable[[str], frozenset[str] | None] | None = getattr(ecosystem, "variant", None)
        old_words = words(old_base.constraint) if words is not None else None
        new_words = words(new_base.constraint) if words is not None else None
        # A word that restates the image (`node` of `defradigital/node:2.8.14-node22.20.0`) is no variant.
        itself = {posixpath.basename(new_base.name).lower()}
        if old_words is None or new_words is None or old_words - itself == new_words - itself:
            return findings
        why = f"base image of the shipped stage is another variant: {before} -> {after}"
    else:
        why = f"base image of the shipped stage replaced: {before} -> {after}"
    # A test double's image (`images.TEST_DOUBLES`) moved to another test double's builds no production image.
    scope = new_base.scope if old_base.scope == new_base.scope else RUNTIME
    replaced = new_finding("major", new_base.name, ecosystem, before, after, new_base.line, why, scope)
    kept = [f for f in findings if f.subject != new_base.name]
    return sorted([*kept, replaced], key=lambda f: f.subject)


def _image(requirement: Requirement) -> str:
    """An image as it is written: `node:20-slim`, `node@sha256:...`, `node` when no tag is known."""
    constraint = requirement.constraint
    if not constraint:
        return requirement.name
    return f"{requirement.name}{'' if constraint.startswith('@') else ':'}{constraint}"


def _moved_into_production(
    name: str, was: list[Requirement], now: list[Requirement], ecosystem: Ecosystem, zero_major: bool
) -> Finding:
    """`added` in the scope production installs; `major` there when it also moved to another major
    than the one the tools had."""
    top = now[0]
    moved = f"{name} moved from {_scope(was)} to {_scope(now)} dependencies"
    old_c = _highest(sorted({r.constraint for r in was}), ecosystem)
    kind, why = judge_step(name, old_c, top.constraint, ecosystem, zero_major) if old_c and top.constraint else ("", "")
    if kind == "major":
        detail = f"{moved}, {old_c} -> {top.constraint}: production now installs it" + (f"; {why}" if why else "")
        return new_finding("major", name, ecosystem, old_c, top.constraint, top.line, detail, _scope(now))
    return new_finding("added", name, ecosystem, None, top.constraint or None, top.line,
                       f"{moved}: production now installs it", _scope(now))


def judge_step(name: str, old: str, new: str, ecosystem: Ecosystem, zero_major: bool) -> tuple[str, str]:
    """The kind of a changed constraint, and why it is `major` when the step between
    the lowest versions alone would not say so ("" otherwise)."""
    low_old, low_new = ecosystem.lowest(old), ecosystem.lowest(new)
    kind = package_step(ecosystem.NAME, low_old, low_new, zero_major)
    if kind == "changed" and _down_a_major(low_old, low_new, new):
        return "major", ""  # back to an older major: as breaking as going up to a newer one
    if kind == "changed" and _down_a_minor(low_old, low_new, new):
        breaking = breaking_minor(ecosystem.NAME, name, low_new)
        if breaking is not None:
            return "major", f"back to an earlier feature release ({breaking})"
    if kind == "changed" and _let_float(old, new, ecosystem):
        return "major", ""  # `alpine:3.16` to `alpine:latest`: the next major arrives unreviewed
    if kind == "changed" and _let_float(new, old, ecosystem) and not _pinned_in_line(old, new):
        # `postgres:latest` to `postgres:12`: what ran is whatever `latest` last pulled, so this may go back a major
        return "major", "pinned from a floating tag: it may go back from whatever that last pulled"
    moved = _os_moved(old, new, ecosystem)
    if moved and kind in ("changed", "patch", "minor"):
        return "major", moved
    if kind == "minor":
        breaking = breaking_minor(ecosystem.NAME, name, low_new)
        if breaking is not None:
            return "major", breaking
        if patch_minor(ecosystem.NAME, name, low_new) is not None:
            kind = "patch"
    if kind in ("changed", "patch", "minor"):
        admitted = _admits_later_major(old, new, ecosystem)
        if admitted:
            return "major", admitted
    return kind, ""


def _admits_later_major(old: str, new: str, ecosystem: Ecosystem) -> str:
    """`now admits 5 and later` when the new constraint reaches past the old one's highest
    major (an ecosystem that can tell offers `ceiling`); "" when it does not, or either is unknown."""
    ceiling: Callable[[str], float | None] | None = getattr(ecosystem, "ceiling", None)
    if ceiling is None:
        return ""
    before, after = ceiling(old), ceiling(new)
    if before is None or after is None or after <= before:
        return ""
    if after != math.inf and ((ecosystem.NAME in _CALENDAR_ECOSYSTEMS and _year(int(before)) and _year(int(after)))
                              or (_date(int(before)) and _date(int(after)))):
        return ""  # `==2024.2` -> `==2025.1`: the next year's calendar version, not a major; a later date neither
    first = int(before) + 1
    if after == math.inf:
        return f"now admits {first} and later"
    return f"now admits {first}" if after == first else f"now admits {first} to {int(after)}"


def _down_a_major(old: Release | None, new: Release | None, constraint: str) -> bool:
    """The new constraint holds the package below the major version the old one started at
    (`^11.0.1` to `10.2.2`); a loosening that still admits the old major (`>= 10`) does not."""
    return old is not None and new is not None and new[:1] < old[:1] and not admits_any(constraint)


def _down_a_minor(old: Release | None, new: Release | None, constraint: str) -> bool:
    """The new constraint holds the package below the minor release the old one started at, in the
    same major (`3.13-slim` to `3.12-slim`); a loosening that still admits the old one does not."""
    return (
        old is not None and new is not None and len(old) > 1 and len(new) > 1
        and new[:1] == old[:1] and new[1] < old[1] and not admits_any(constraint)
    )


def _let_float(old: str, new: str, ecosystem: Ecosystem) -> bool:
    """The old constraint named a version and the new one floats (an ecosystem that can tell offers
    `floats(constraint)`: an image tag such as `latest`; elsewhere a versionless spec is a source,
    a fork or a path, judged as changed)."""
    floats: Callable[[str], bool] | None = getattr(ecosystem, "floats", None)
    return floats is not None and ecosystem.lowest(old) is not None and floats(new)


def _pinned_in_line(floating: str, pinned: str) -> bool:
    """A floating tag that names its major (`latest-22`, `lts-22`) pinned to a tag of that major
    (`2.8.14-node22.20.0`): what it pulled was of that line, and so is what it pins."""
    majors = _MAJOR_IN_TAG.findall(floating)
    return len(majors) == 1 and re.search(rf"(?<![\d.]){majors[0]}\.\d", pinned) is not None


# A number in a tag, not part of a longer version (`22` of `latest-22`).
_MAJOR_IN_TAG = re.compile(r"(?<![\d.])(\d+)(?![\d.])")


def _os_moved(old: str, new: str, ecosystem: Ecosystem) -> str:
    """`its OS alpine3.18 -> alpine3.16` when both image tags name an operating-system release and the
    releases differ (another distribution, another release of it, or a release let float: `alpine3.16` to
    `alpine`); "" otherwise, a dated build of the same release (`noble-20250127` -> `noble-20250404`) too."""
    named: Callable[[str], str | None] | None = getattr(ecosystem, "os_release", None)
    if named is None:
        return ""
    before, after = named(old), named(new)
    if not before or not after or before == after or _newer_in_line(before, after):
        return ""
    return f"its OS {before} -> {after}"


_RELEASE = re.compile(r"([a-z]+)(\d+)\.(\d+)")


def _newer_in_line(before: str, after: str) -> bool:
    """A numbered release of the same distribution's line moved forward (`alpine3.22` -> `alpine3.24`):
    Alpine's stable branches within 3.x, not another distribution's major release (`bookworm` -> `trixie`).
    Moving back, or to another line, still counts."""
    old, new = _RELEASE.fullmatch(before), _RELEASE.fullmatch(after)
    if old is None or new is None or old.group(1) != new.group(1) or old.group(2) != new.group(2):
        return False
    return int(new.group(3)) > int(old.group(3))


def _featured(constraint: str, entries: list[Requirement]) -> str:
    """`1.0 (features: derive)`: the constraint with what its entry is built with."""
    features = next((r.features for r in entries if r.constraint == constraint), entries[0].features)
    return f"{constraint} ({features or 'default features'})".lstrip()


def _scope(entries: list[Requirement]) -> str:
    return widest(r.scope for r in entries)


def _into_production(was: str, now: str) -> bool:
    """A package only development, tests or builds installed is now one production installs."""
    return was in TOOLING_SCOPES and now not in TOOLING_SCOPES


def spelling(constraint: str, ecosystem: Ecosystem) -> str:
    """The ecosystem's one spelling of a constraint, when it has more than one."""
    canonical: Callable[[str], str] | None = getattr(ecosystem, "canonical", None)
    return canonical(constraint) if canonical is not None else constraint


def _only_pin_moved(was: list[Requirement], now: list[Requirement], ecosystem: Ecosystem) -> bool:
    """Only a digest or commit moved under the same tag (`node:20@sha256:...`): a lock refresh.

    An ecosystem that pins this way offers `unpinned(constraint)`, the
    constraint with the pin's value dropped but its presence kept, so
    pinning a tag still differs.
    """
    unpinned: Callable[[str], str] | None = getattr(ecosystem, "unpinned", None)
    if unpinned is None:
        return False
    return {unpinned(r.constraint) for r in was} == {unpinned(r.constraint) for r in now}


def _highest(constraints: list[str], ecosystem: Ecosystem) -> str:
    def key(c: str) -> tuple[int, Release]:
        low = ecosystem.lowest(c)
        return (0, ()) if low is None else (1, low)

    return max(constraints, key=key)


# Where a version's first number that is a year is a calendar version (`tzdata 2025.1`, `pytz`, `certifi`,
# `fsspec`), whose year moves on the calendar, not for a breaking change: PyPI. Not images, charts or
# providers, where a year names a product's major release (SQL Server `2019` -> `2022`), nor Composer, where
# the application server RoadRunner's yearly release line (`2024.3` -> `2025.1`) is its major.
_CALENDAR_ECOSYSTEMS = frozenset({"pypi"})


def package_step(ecosystem: str, old: Release | None, new: Release | None, zero_major: bool = False) -> str:
    """`step`, with a calendar version's new year a `minor` in a language's package registry, and a version
    that is a whole date (`org.json:json 20211205` -> `20230227`) a `minor` anywhere: it says when, not what
    broke."""
    kind = step(old, new, zero_major)
    if kind == "major" and old and new and (
        (ecosystem in _CALENDAR_ECOSYSTEMS and _year(old[0]) and _year(new[0])) or (_date(old[0]) and _date(new[0]))
    ):
        return "minor"
    return kind


def _year(number: int) -> bool:
    return 1990 <= number <= 2999


def _date(number: int) -> bool:
    """A version's first number that is a whole date, `YYYYMMDD`: no product names a major release so."""
    year, month, day = number // 10000, number // 100 % 100, number % 100
    return _year(year) and 1 <= month <= 12 and 1 <= day <= 31


def step(old: Release | None, new: Release | None, zero_major: bool = False) -> str:
    """The kind of a version step between the lowest versions two constraints admit."""
    if old is None or new is None:
        return "changed"
    width = max(len(old), len(new), 3)
    a = old + (0,) * (width - len(old))
    b = new + (0,) * (width - len(new))
    if b <= a:
        return "changed"  # a pin, a loosening, or a rollback
    if a[0] != b[0]:
        return "major"
    if a[1] != b[1]:
        return "major" if zero_major and a[0] == 0 else "minor"
    if zero_major and a[0] == 0 and a[1] == 0:
        return "major"  # under 0.0, as caret ranges read it, every release is breaking
    return "patch"


def new_finding(
    kind: str, name: str, ecosystem: Ecosystem, from_: str | None, to: str | None,
    line: int | None, detail: str, scope: str,
) -> Finding:
    return Finding(
        type=TYPE, kind=kind, subject=name, ecosystem=ecosystem.NAME,
        from_=from_, to=to, line=line, detail=detail, scope=scope,
    )
