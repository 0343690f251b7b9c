"""What every classifier shares: the Protocol and the lazy view of contents."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import cached_property
from itertools import compress, repeat
from operator import is_not
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ownership_gate.model import MODE_SUBMODULE, MODE_SYMLINK, Change, Finding

if TYPE_CHECKING:
    from ownership_gate.formats.yaml import Cache, Documents
    from ownership_gate.git.repo import Git

# A setting's kind tells the policy validator how to check it:
# "patterns" (list of path patterns), "strings" (list of strings), "bool".
SettingKinds = Mapping[str, str]


class Classifier(Protocol):
    """One kind of finding. A module with these names satisfies it.

    A module may also define `reads(change, settings) -> bool`: whether
    `classify` reads the contents of a change it claims (a lockfile judged by
    its manifests, a file known by its name alone). The engine reads both
    revisions of every claimed change it reads, in one request, before any
    classifier asks; without `reads`, that is every claimed change.
    """

    TYPE: str
    KINDS: tuple[str, ...]
    SETTINGS: SettingKinds

    def claims(self, paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
        """Cheap, path-only: the paths of the change set this classifier wants to read.

        Asked once per change set, so a classifier can decide most paths by
        their file name, once per distinct name (`paths.by_name`).
        """
        ...

    def classify(self, change: Change, context: Context) -> list[Finding]:
        """Findings for one change; read contents only through `context`."""
        ...


class ChangedPaths:
    """Every path (old and new) a change set touches, grouped by file name.

    A monorepo change touches tens of thousands of files with a few hundred
    distinct names (`index.ts`, `__init__.py`); classifiers ask about a name
    once, and look at the full paths only for names that may concern them.
    """

    def __init__(self, changes: Sequence[Change]) -> None:
        self._changes = changes
        new_paths = [c.path for c in changes]
        old_paths = [c.old_path for c in changes]
        moves = list(compress(range(len(old_paths)), map(is_not, old_paths, repeat(None))))
        # Where each path is the new path, and the old path of moves: what
        # `positions_touching` looks up instead of scanning the change set.
        self._at: dict[str, int] | None = dict(zip(new_paths, range(len(new_paths)), strict=True))
        if len(self._at) != len(new_paths):
            self._at = None  # a path listed twice as a new path (never by git): scan instead
        self._moved_from: dict[str, list[int]] = {}
        for position in moves:
            self._moved_from.setdefault(old_paths[position], []).append(position)  # type: ignore[arg-type]
        # Every path once, in change-set order: the new paths, then the old paths of moves.
        unique = dict.fromkeys(new_paths)
        unique.update(dict.fromkeys(self._moved_from))
        self._unique = unique
        self.all = frozenset(unique)

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Each file name, with its paths in change-set order."""
        by_name: dict[str, list[str]] = {}
        for path in self._unique:
            name = path[path.rfind("/") + 1 :]
            group = by_name.get(name)
            if group is None:
                by_name[name] = [path]
            else:
                group.append(path)
        return by_name

    def positions_touching(self, paths: AbstractSet[str]) -> list[int]:
        """The positions of the changes with a new or old path among `paths`, in order."""
        if not paths:
            return []
        if self._at is None:
            return [n for n, c in enumerate(self._changes)
                    if c.path in paths or (c.old_path is not None and c.old_path in paths)]
        at, moved_from = self._at, self._moved_from
        found = {at[p] for p in paths if p in at}
        for path in paths & moved_from.keys():
            found.update(moved_from[path])
        return sorted(found)


class Trees(NamedTuple):
    """The two sides of a change set as git names them, to read files it did not change."""

    old: str  # a commit or a tree
    new: str | None  # a commit, or None for the index
    # The files directly in each of some directories at a revision (`files(rev, ["infra/modules/x"])`),
    # listed in one request, when git can say.
    files: Callable[[str, Collection[str]], Mapping[str, frozenset[str]]] | None = None
    # Which of some strings a file at a revision names (`contains(rev, {"example.io"})`, ignoring case, one
    # search for all of them); None when git cannot say.
    contains: Callable[[str, Collection[str]], frozenset[str] | None] | None = None

    @classmethod
    def of(cls, git: Git, old: str, new: str | None) -> Trees:
        """The two sides in `git`'s repository, with every question about them git can answer."""
        return cls(old, new, files=git.files_in, contains=git.contains)


# Reads blobs by id, all in one request, in order (None for what is no blob).
ReadBlobs = Callable[[Sequence[str]], "list[bytes | None]"]


class Context:
    """Lazy, cached access to old and new contents, plus the whole change set.

    A classifier never touches git: it asks for the bytes it needs and the
    engine reads each blob at most once, usually all of them in one request
    (`prefetch`) before the classifiers ask. With `trees`, a file the change
    set did not touch (the Gemfile next to a changed Gemfile.lock) can be read
    too.
    """

    def __init__(
        self,
        changes: Sequence[Change],
        read_blobs: ReadBlobs,
        settings: Mapping[str, Mapping[str, Any]],
        classifiers: Mapping[str, Classifier],
        policy_paths: frozenset[str] = frozenset(),
        trees: Trees | None = None,
    ) -> None:
        self.changes = changes
        self.classifiers = classifiers
        self._read_blobs = read_blobs
        self._settings = settings
        self.policy_paths = policy_paths
        self.trees = trees
        self._cache: dict[str, bytes | None] = {}
        # Per-classifier scratch space, shared across the change set (parsed
        # manifests, findings of a sibling file), so each file is read once.
        self.memo: dict[str, Any] = {}
        self._paths: ChangedPaths | None = None
        self._claimed: dict[str, list[Change]] = {}
        self._claimed_at: dict[str, list[int]] = {}
        self._yaml: Cache | None = None

    def settings(self, type_: str) -> Mapping[str, Any]:
        return self._settings.get(type_, {})

    @property
    def paths(self) -> ChangedPaths:
        if self._paths is None:
            self._paths = ChangedPaths(self.changes)
        return self._paths

    @property
    def changed_paths(self) -> frozenset[str]:
        """Every path (old and new) that the change set touches."""
        return self.paths.all

    def claimed(self, type_: str) -> list[Change]:
        """The changes a classifier claims (any of their paths), in change-set order; asked once."""
        found = self._claimed.get(type_)
        if found is None:
            changes = self.changes
            found = self._claimed[type_] = [changes[n] for n in self.claimed_positions(type_)]
        return found

    def claimed_positions(self, type_: str) -> list[int]:
        """Where in the change set the changes a classifier claims are."""
        found = self._claimed_at.get(type_)
        if found is None:
            paths = self.paths
            claimed = self.classifiers[type_].claims(paths, self.settings(type_))
            found = self._claimed_at[type_] = paths.positions_touching(claimed)
        return found

    def prefetch(self, changes: Iterable[Change]) -> None:
        """Read both revisions of `changes` now, in one request, for the classifiers to ask for."""
        wanted = dict.fromkeys(
            oid for change in changes
            for oid, mode in ((change.old_oid, change.old_mode), (change.new_oid, change.new_mode))
            if oid is not None and mode not in _NOT_FILES and oid not in self._cache
        )
        if wanted:
            self._cache.update(zip(wanted, self._read_blobs(list(wanted)), strict=True))

    def _blob(self, oid: str | None, mode: str) -> bytes | None:
        if oid is None or mode in _NOT_FILES:
            return None  # absent, a submodule commit, or a symlink target
        if oid not in self._cache:
            self._cache[oid] = self._read_blobs((oid,))[0]
        return self._cache[oid]

    def old(self, change: Change) -> bytes | None:
        """Content before the change (None when the file did not exist)."""
        return self._blob(change.old_oid, change.old_mode)

    def new(self, change: Change) -> bytes | None:
        """Content after the change (None when the file no longer exists)."""
        return self._blob(change.new_oid, change.new_mode)

    def old_as(self, change: Change, same_kind: Callable[[str], bool]) -> bytes | None:
        """Content before the change, when it was an earlier version of the same kind of file.

        A file renamed or copied from a path that was not that kind of file
        (`deps.json` moved onto `package.json`) had no earlier version: None,
        as for an added file, so everything in it counts as new.
        """
        if change.old_path is not None and change.old_path != change.path and not same_kind(change.old_path):
            return None
        return self.old(change)

    def new_as(self, change: Change, same_kind: Callable[[str], bool]) -> bytes | None:
        """Content after the change, when its path is still that kind of file (else None, as
        for a deleted file: `package.json` moved onto `deps.json` is a manifest gone)."""
        return self.new(change) if same_kind(change.path) else None

    def load_yaml(self, text: str) -> Documents:
        """A file's YAML documents (`formats.yaml.load`), parsed once however many classifiers
        read it: the cost and dependency readers of a Kubernetes manifest share one parse."""
        if self._yaml is None:
            from ownership_gate.formats.yaml import Cache

            self._yaml = Cache()
        return self._yaml.load(text)

    def old_file(self, path: str) -> bytes | None:
        """`path` before the change set, whether it changed or not; None when it was no
        file, or when it did not change and the context has no trees to read it from."""
        touching = [self.changes[n] for n in self.paths.positions_touching({path})]
        for change in touching:
            if change.source_path == path:
                return self.old(change)
        if touching:  # added, or the new path of a rename or copy: nothing was there
            return None
        return self._unchanged(path, new=False)

    def new_file(self, path: str) -> bytes | None:
        """`path` after the change set, whether it changed or not (see `old_file`)."""
        touching = [self.changes[n] for n in self.paths.positions_touching({path})]
        for change in touching:
            if change.path == path:
                return self.new(change)
        if any(change.status == "renamed" for change in touching):
            return None  # moved away
        return self._unchanged(path, new=True)

    def old_names(self, directory: str) -> frozenset[str] | None:
        """The names of the files directly in `directory` before the change set ("" for the top), whether
        they changed or not; None when the context has no trees to list."""
        listed = self.old_files_in((directory,))
        return None if listed is None else listed[directory]

    def old_files_in(self, directories: Collection[str]) -> Mapping[str, frozenset[str]] | None:
        """The files directly in each of `directories` before the change set ("" for the top), those not
        listed yet listed in one request; None when the context has no trees to list."""
        if self.trees is None or self.trees.files is None:
            return None
        listed: dict[str, frozenset[str]] = self.memo.setdefault("files_in", {})
        missing = [directory for directory in directories if directory not in listed]
        if missing:
            listed.update(self.trees.files(self.trees.old, missing))
        return listed

    def old_contains(self, strings: Collection[str]) -> frozenset[str] | None:
        """Which of `strings` (lower case) some file names before the change set, whether it changed or not;
        None when the context has no trees to search or git cannot say. Each string is searched for once."""
        if self.trees is None or self.trees.contains is None:
            return None
        known: dict[str, bool] = self.memo.setdefault("contains:old", {})
        missing = [s for s in strings if s not in known]
        if missing:
            found = self.trees.contains(self.trees.old, missing)
            if found is None:
                return None
            known.update((s, s in found) for s in missing)
        return frozenset(s for s in strings if known[s])

    def read_old_files(self, paths: Collection[str]) -> None:
        """Read the files at `paths` as they were before the change set in one request, so `old_file` then
        answers from memory (a reader about to look at a folder's every earlier migration)."""
        wanted = [name for name in (self._blob_name(p, new=False) for p in paths)
                  if name is not None and name not in self._cache]
        if wanted:
            self._cache.update(zip(wanted, self._read_blobs(wanted), strict=True))

    def _unchanged(self, path: str, *, new: bool) -> bytes | None:
        name = self._blob_name(path, new=new)
        if name is None:
            return None
        if name not in self._cache:
            self._cache[name] = self._read_blobs((name,))[0]
        return self._cache[name]

    def _blob_name(self, path: str, *, new: bool) -> str | None:
        """What git cat-file names `path` by on one side: `<commit>:<path>`, or `:0:<path>` for the index
        (stage 0 named, so a path such as `1:x` is never read as a stage); None without trees, or for a
        name with a newline (cat-file --batch reads one name a line)."""
        if self.trees is None or "\n" in path:
            return None
        tree = self.trees.new if new else self.trees.old
        return f"{tree}:{path}" if tree is not None else f":0:{path}"


_NOT_FILES = (MODE_SUBMODULE, MODE_SYMLINK)  # a submodule commit, a symlink


def is_binary(data: bytes | None) -> bool:
    return data is not None and b"\0" in data[:8192]


GIT_CRYPT = b"\x00GITCRYPT\x00"  # the header git-crypt writes before a file's ciphertext


def binary_kind(data: bytes, otherwise: str = "binary content") -> str:
    """What a binary revision is, as a reader's error says it: git-crypt's ciphertext, or `otherwise`."""
    return "encrypted with git-crypt, unreadable in review" if data.startswith(GIT_CRYPT) else otherwise


def decode(data: bytes | None) -> str | None:
    """UTF-8 text, or None for absent content; raises UnicodeDecodeError on bad bytes."""
    if data is None:
        return None
    text = data.decode("utf-8")
    return text.removeprefix("\ufeff")


def text_of(data: bytes | None, *, lossy: bool = False) -> str | None:
    """The text of a file to read line by line: None when absent or binary; bytes
    that are not UTF-8 make it None too, or are replaced when `lossy`."""
    if data is None or is_binary(data):
        return None
    try:
        return decode(data)
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace").removeprefix("\ufeff") if lossy else None
