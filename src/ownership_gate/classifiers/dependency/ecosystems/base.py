"""What every dependency ecosystem module provides.

An ecosystem module (one per package manager) has these names:

    NAME: str                                  # "npm", "pypi", ...: the finding's `ecosystem`
    def is_manifest(path: str) -> bool         # path-only, cheap
    def is_lockfile(path: str) -> bool         # path-only, cheap
    def parse(text: str, path: str) -> list[Requirement]   # raises ManifestError
    def lowest(constraint: str) -> Release | None          # lowest version admitted

and is listed in `ecosystems/__init__.py`'s REGISTRY. Every module is
asked about every changed path, so it keeps only its path rules and binds
`parse`, `lowest` and the like from a `DeferredReader`, which imports its
parser (`<name>_read.py`) when a manifest is first read. Three optional names let the
dependency classifier skip the module for ordinary source files (most of
a large change set) without calling it:

    NAMES: frozenset[str]      # lower-case file names it may claim
    SUFFIXES: tuple[str, ...]  # lower-case endings of file names it may claim
    PREFIXES: tuple[str, ...]  # lower-case beginnings of file names it may claim

A module that declares any of them promises that `is_manifest` and
`is_lockfile` are false for every path whose lower-cased ASCII file name
matches none of them; one that declares none is asked about every path.

More optional names are used when present (see `dependency_compare`):

    def canonical(constraint: str) -> str     # one spelling of equal constraints
    def unpinned(constraint: str) -> str      # the constraint without its pin's value
    def floats(constraint: str) -> bool       # it names no version and no pin: whatever is published next
    def unresolved(requirement: Requirement) -> list[str]  # variables it names, set elsewhere
    def ceiling(constraint: str) -> float | None  # highest major admitted: math.inf uncapped, None unreadable
    def os_release(constraint: str) -> str | None  # the operating-system release an image tag names
    def variant(constraint: str) -> frozenset[str] | None  # the words of an image tag besides its version
    def matched(old: list[Requirement], new: list[Requirement]) -> list[Requirement]  # old, under new's names

and one by the dependency classifier, for manifests that build what ships
on an image (a Dockerfile):

    def shipped_base(text: str, path: str) -> Requirement | None  # the image what ships is built on

and one by the dependency classifier, for manifests that are YAML:

    def parse_yaml(text: str, path: str, load: Loader) -> list[Requirement]

which reads YAML with `load`, the change set's shared `Context.load_yaml`,
so a file another classifier reads too (a Kubernetes manifest's cost) is
parsed once.

And two for an ecosystem whose lockfiles are read (see `dependency_locked`):

    LOCKFILES: Mapping[str, str]              # lockfile name -> the manifest it locks, same folder
    def locked(text: str, path: str) -> Lock  # what a lockfile holds (lockfiles.py); raises ManifestError

And one by the dependency classifier, to skip reading a manifest whose
revisions differ only where nothing is required (a Terraform file's
resources):

    def unchanged(old: str, new: str) -> bool
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from ownership_gate.formats.yaml import Loader

# A release as comparable numeric components: "1.7.4" -> (1, 7, 4).
# Pre-release and build parts are dropped: steps are judged on the release.
Release = tuple[int, ...]

# Where a dependency is needed, as its manifest says, from what production
# runs on to what only the developers' machines and CI install. A package
# declared in several places takes the first of its scopes in this order.
RUNTIME, OPTIONAL, PEER, BUILD, DEV, TEST = "runtime", "optional", "peer", "build", "dev", "test"

# Words in a group's or requirements file's name that say who installs it.
_SCOPE_TEST_WORDS = frozenset({"test", "tests", "testing"})
_SCOPE_DEV_WORDS = frozenset({"dev", "devel", "develop", "development", "lint", "typing", "docs", "doc", "ci"})


def named_scope(name: str, default: str) -> str:
    """`dev` for a name with a development word (`dev`, `lint`, `docs`, ...), `test` for one
    with a test word and none of those (`test`, `tests`, `testing`), else `default`."""
    words = set(re.split(r"[-_.\s]+", name.lower()))
    if words & _SCOPE_DEV_WORDS:
        return DEV
    return TEST if words & _SCOPE_TEST_WORDS else default


SCOPES: tuple[str, ...] = (RUNTIME, OPTIONAL, PEER, BUILD, DEV, TEST)
# What only the developers' machines and CI install: production never runs it.
TOOLING_SCOPES = frozenset({BUILD, DEV, TEST})


def widest(scopes: Iterable[str]) -> str:
    """The scope nearest production among `scopes` (runtime when there are none)."""
    return min(scopes, key=SCOPES.index, default=RUNTIME)


class Requirement(NamedTuple):
    """One dependency as the manifest requires it."""

    name: str  # normalised the ecosystem's way (PEP 503 for pypi, ...)
    constraint: str  # as written, whitespace-normalised; "" when none
    line: int | None = None  # 1-based line in the new (or old) file
    indirect: bool = False  # transitive (Go's `// indirect`): changes are `lockfile`
    # What the package is built with besides its version (Cargo's features): a change
    # of it alone is `changed`, and it is shown next to the constraint when it changed.
    features: str = ""
    scope: str = RUNTIME  # one of SCOPES
    # Its name was inferred, not written: a Terraform provider given by its local name alone is read as
    # `hashicorp/<name>`, which another revision may write as the source it is published under.
    implied: bool = False


class ManifestError(ValueError):
    """The manifest does not parse; `line` points at the problem when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Ecosystem(Protocol):
    NAME: str

    def is_manifest(self, path: str) -> bool: ...

    def is_lockfile(self, path: str) -> bool: ...

    def parse(self, text: str, path: str) -> list[Requirement]: ...

    def lowest(self, constraint: str) -> Release | None: ...


class DeferredReader:
    """An ecosystem's reader module (`<name>_read.py`: its parser and version
    rules), imported on first use. A front module binds the methods its reader
    has (`parse = READER.parse`): naming a manifest's path loads nothing, and
    reading one loads only that ecosystem's reader."""

    def __init__(self, module: str) -> None:
        self.module = f"{__package__}.{module}"
        self._module: ModuleType | None = None

    def _reader(self) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self.module)
        return self._module

    def parse(self, text: str, path: str) -> list[Requirement]:
        parsed: list[Requirement] = self._reader().parse(text, path)
        return parsed

    def parse_yaml(self, text: str, path: str, load: Loader) -> list[Requirement]:
        parsed: list[Requirement] = self._reader().parse(text, path, load)
        return parsed

    def lowest(self, constraint: str) -> Release | None:
        release: Release | None = self._reader().lowest(constraint)
        return release

    def canonical(self, constraint: str) -> str:
        spelled: str = self._reader().canonical(constraint)
        return spelled

    def unpinned(self, constraint: str) -> str:
        spelled: str = self._reader().unpinned(constraint)
        return spelled

    def unresolved(self, requirement: Requirement) -> list[str]:
        names: list[str] = self._reader().unresolved(requirement)
        return names

    def floats(self, constraint: str) -> bool:
        floating: bool = self._reader().floats(constraint)
        return floating

    def readable(self, text: str, path: str) -> tuple[list[Requirement], tuple[str, ...]]:
        """The reader's `readable(text, path)`: what it can read, and the text of each statement it cannot."""
        found: tuple[list[Requirement], tuple[str, ...]] = self._reader().readable(text, path)
        return found

    def ceiling(self, constraint: str) -> float | None:
        highest: float | None = self._reader().ceiling(constraint)
        return highest

    def os_release(self, constraint: str) -> str | None:
        named: str | None = self._reader().os_release(constraint)
        return named

    def variant(self, constraint: str) -> frozenset[str] | None:
        words: frozenset[str] | None = self._reader().variant(constraint)
        return words

    def shipped_base(self, text: str, path: str) -> Requirement | None:
        base: Requirement | None = self._reader().shipped_base(text, path)
        return base

    def locked(self, text: str, path: str) -> Any:
        """The reader's `locked(text, path)`: a `lockfiles.Lock`."""
        return self._reader().locked(text, path)

    def unchanged(self, old: str, new: str) -> bool:
        same: bool = self._reader().unchanged(old, new)
        return same
