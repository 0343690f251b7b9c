"""A manifest's or lockfile's bytes to what its ecosystem reads from them, failing closed.

Whatever the bytes (too large, binary, not UTF-8, nested too deeply, or
simply wrong), the answer is the reader's result or a `ManifestError`
saying why, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ownership_gate.classifiers.base import binary_kind, decode, is_binary
from ownership_gate.classifiers.dependency.ecosystems.base import Ecosystem, ManifestError, Requirement
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock
from ownership_gate.formats.yaml import Loader

MAX_MANIFEST_BYTES = 5 * 1024 * 1024
# A monorepo's package-lock.json runs to tens of megabytes; json reads 50 MiB in under a second.
MAX_LOCKFILE_BYTES = 64 * 1024 * 1024

_Read = TypeVar("_Read")


def requirements(
    data: bytes | None, path: str, ecosystem: Ecosystem, load: Loader | None = None
) -> list[Requirement]:
    """What a manifest requires; [] when the file is absent. With `load` (the change set's
    shared YAML parse), an ecosystem whose manifests are YAML reads through it."""
    if data is None:
        return []
    parse_yaml = getattr(ecosystem, "parse_yaml", None)
    if load is not None and parse_yaml is not None:
        def parse(text: str, manifest: str) -> list[Requirement]:
            found: list[Requirement] = parse_yaml(text, manifest, load)
            return found

        return _read(data, path, parse, "manifest", MAX_MANIFEST_BYTES)
    return _read(data, path, ecosystem.parse, "manifest", MAX_MANIFEST_BYTES)


def shipped_base(data: bytes | None, path: str, ecosystem: Ecosystem) -> Requirement | None:
    """The image a manifest builds what ships on (an ecosystem that offers `shipped_base`: a
    Dockerfile's shipped stage); None when the file is absent, or the ecosystem or file names none."""
    read: Callable[[str, str], Requirement | None] | None = getattr(ecosystem, "shipped_base", None)
    if data is None or read is None:
        return None
    return _read(data, path, read, "manifest", MAX_MANIFEST_BYTES)


def readable(data: bytes, path: str, ecosystem: Ecosystem) -> tuple[list[Requirement], tuple[str, ...]]:
    """What a manifest requires outside the statements its reader cannot account for, and their text
    (an ecosystem that offers `readable`; see gem_read.py)."""
    read: Callable[[str, str], tuple[list[Requirement], tuple[str, ...]]] = ecosystem.readable  # type: ignore[attr-defined]
    return _read(data, path, read, "manifest", MAX_MANIFEST_BYTES)


def as_far_as_it_reads(
    data: bytes | None, path: str, ecosystem: Ecosystem, load: Loader | None = None
) -> list[Requirement]:
    """What a manifest requires (`requirements`); where it holds what its reader cannot account for (a
    Gemfile's own method, a requirements line that does not read), what it requires around that (an
    ecosystem that offers `readable`); none when it does not read at all."""
    try:
        return requirements(data, path, ecosystem, load)
    except ManifestError:
        pass
    if data is None or getattr(ecosystem, "readable", None) is None:
        return []
    try:
        return readable(data, path, ecosystem)[0]
    except ManifestError:
        return []


def lock(data: bytes | None, path: str, ecosystem: Ecosystem) -> Lock:
    """What a lockfile holds; an empty Lock when the file is absent."""
    if data is None:
        return Lock(frozenset())
    read: Callable[[str, str], Lock] = ecosystem.locked  # type: ignore[attr-defined]
    return _read(data, path, read, "lockfile", MAX_LOCKFILE_BYTES)


def _read(data: bytes, path: str, read: Callable[[str, str], _Read], what: str, limit: int) -> _Read:
    if len(data) > limit:
        raise ManifestError(f"{what} is larger than {limit // (1024 * 1024)} MiB")
    if is_binary(data):
        raise ManifestError(f"{what} is {binary_kind(data, 'binary, not text')}")
    try:
        text = decode(data) or ""
    except UnicodeDecodeError as exc:
        raise ManifestError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return read(text, path)
    except ManifestError:
        raise
    except RecursionError:
        raise ManifestError(f"{what} is nested too deeply to read") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise ManifestError(f"cannot read {what}: {exc}") from None
