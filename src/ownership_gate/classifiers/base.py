"""What every classifier shares: the Protocol and the lazy view of contents."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ownership_gate.model import Change, Finding

# A setting's kind tells the policy validator how to check it:
# "patterns" (list of path patterns), "strings" (list of strings), "bool".
SettingKinds = Mapping[str, str]


class Classifier(Protocol):
    """One kind of finding. A module with these names satisfies it."""

    TYPE: str
    KINDS: tuple[str, ...]
    SETTINGS: SettingKinds

    def claims(self, change: Change, settings: Mapping[str, Any]) -> bool:
        """Cheap, path-only: does this classifier want to read this change?"""
        ...

    def classify(self, change: Change, context: Context) -> list[Finding]:
        """Findings for one change; read contents only through `context`."""
        ...


class Context:
    """Lazy, cached access to old and new contents, plus the whole change set.

    A classifier never touches git: it asks for the bytes it needs and the
    engine reads each blob at most once.
    """

    def __init__(
        self,
        changes: Sequence[Change],
        read_blob: Callable[[str], bytes | None],
        settings: Mapping[str, Mapping[str, Any]],
        policy_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.changes = changes
        self._read_blob = read_blob
        self._settings = settings
        self.policy_paths = policy_paths
        self._cache: dict[str, bytes | None] = {}
        # Per-classifier scratch space, shared across the change set (parsed
        # manifests, findings of a sibling file), so each file is read once.
        self.memo: dict[str, Any] = {}
        self._paths: frozenset[str] | None = None

    def settings(self, type_: str) -> Mapping[str, Any]:
        return self._settings.get(type_, {})

    @property
    def changed_paths(self) -> frozenset[str]:
        """Every path (old and new) that the change set touches."""
        if self._paths is None:
            self._paths = frozenset(p for c in self.changes for p in c.paths)
        return self._paths

    def _blob(self, oid: str | None, mode: str) -> bytes | None:
        if oid is None or mode in ("160000", "120000"):
            return None  # absent, a submodule commit, or a symlink target
        if oid not in self._cache:
            self._cache[oid] = self._read_blob(oid)
        return self._cache[oid]

    def old(self, change: Change) -> bytes | None:
        """Content before the change (None when the file did not exist)."""
        return self._blob(change.old_oid, change.old_mode)

    def new(self, change: Change) -> bytes | None:
        """Content after the change (None when the file no longer exists)."""
        return self._blob(change.new_oid, change.new_mode)


def is_binary(data: bytes | None) -> bool:
    return data is not None and b"\0" in data[:8192]


def decode(data: bytes | None) -> str | None:
    """UTF-8 text, or None for absent content; raises UnicodeDecodeError on bad bytes."""
    if data is None:
        return None
    text = data.decode("utf-8")
    return text.removeprefix("\ufeff")
