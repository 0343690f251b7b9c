"""Reading yarn.lock: yarn 1's own format, or yarn 2+'s YAML.

A yarn 2+ (berry) lockfile is YAML with a `__metadata` entry and is read
with ruamel. Yarn 1's format is no YAML and has no library outside yarn,
so it is read here, strictly: an entry is a line at column 0 listing the
ranges it resolves (`lodash@^4.17.20, "lodash@^4.17.21":`), then its
fields two spaces in (`version "4.17.21"`) and their lists four spaces in.
Any other line (a merge conflict marker, a tab, an entry without a
version) makes the lockfile unreadable, and the caller fails closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, load_yaml, one_version_each

_FIELD = re.compile(r"  ([A-Za-z][\w-]*)(?: +(.+)|:)")
_LIST_ITEM = re.compile(r"    \S.*")
_BERRY = re.compile(r"(?m)^__metadata:")


def locked(text: str) -> Lock:
    return _berry(text) if _BERRY.search(text) else _classic(text)


def _classic(text: str) -> Lock:
    asked: list[str] = []  # the current entry's `name@range`s
    resolved: dict[str, str] = {}  # name@range -> version
    entry_line = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            _finish(asked, resolved, entry_line)
            if not line.endswith(":"):
                raise ManifestError(f"expected an entry such as `name@range:`, got {line[:80]!r}", number)
            asked = [_unquote(part) for part in line[:-1].split(",")]
            entry_line = number
            continue
        field = _FIELD.fullmatch(line)
        if field is not None and asked:
            if field.group(1) == "version":
                if field.group(2) is None:
                    raise ManifestError("an entry's version should be a string", number)
                for descriptor in asked:
                    resolved[descriptor] = _unquote(field.group(2))
            continue
        if _LIST_ITEM.fullmatch(line) and asked:
            continue  # an entry's dependencies
        raise ManifestError(f"unexpected line in yarn.lock: {line.strip()[:80]!r}", number)
    _finish(asked, resolved, entry_line)
    return _lock(resolved.items())


def _finish(asked: list[str], resolved: Mapping[str, str], line: int) -> None:
    if asked and not all(a in resolved for a in asked):
        raise ManifestError(f"the entry for {asked[0]!r} has no version", line)


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _berry(text: str) -> Lock:
    document = load_yaml(text)
    if not isinstance(document, Mapping):
        raise ManifestError("yarn.lock should hold a mapping")
    resolved: dict[str, str] = {}
    workspaces: set[str] = set()
    for key, entry in document.items():
        if key == "__metadata":
            continue
        if not isinstance(entry, Mapping) or not isinstance(entry.get("version"), str):
            raise ManifestError(f"the entry for {key[:80]!r} has no version")
        for descriptor in (_unquote(part) for part in key.split(",")):
            name, asked = _split(descriptor)
            if asked.startswith("workspace:"):
                workspaces.add(name)  # a package of this repository, installed as a link
            elif not asked.startswith("patch:"):  # a patched copy of an entry read on its own
                resolved[f"{name}@{asked.removeprefix('npm:')}"] = entry["version"]
    found = _lock(resolved.items())
    return Lock(found.held | workspaces, found.versions)


def _split(descriptor: str) -> tuple[str, str]:
    """`@scope/name@^1.2` -> ("@scope/name", "^1.2")."""
    at = descriptor.find("@", 1)
    if at < 0:
        raise ManifestError(f"{descriptor[:80]!r} should read name@range")
    return descriptor[:at], descriptor[at + 1 :]


def _lock(resolved: Iterable[tuple[str, str]]) -> Lock:
    by_range = dict(resolved)
    pairs = [(_split(descriptor)[0], version) for descriptor, version in by_range.items()]
    return Lock(frozenset(name for name, _ in pairs), {**one_version_each(pairs), **by_range})
