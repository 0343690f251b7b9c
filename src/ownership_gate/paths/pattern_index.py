"""The pattern index: which of many gitignore-style patterns match a path.

`PatternIndex` files every pattern under a literal it requires (a root
directory, a path segment, or a file extension; see `patterns.index_key`)
so a path is only tested against patterns that could match it: matching
cost grows with the handful of candidates, not with the number of rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from ownership_gate.paths.patterns import extension, index_key, is_literal, translate

K = TypeVar("K", bound=Hashable)


def setting_matches(settings: Mapping[str, Any], key: str, path: str) -> bool:
    """Whether `path` matches a pattern list from the policy's `classify` settings."""
    patterns = tuple(settings.get(key) or ())
    return bool(patterns) and _settings_index(patterns).any_match(path)


@functools.lru_cache(maxsize=64)
def _settings_index(patterns: tuple[str, ...]) -> PatternIndex[str]:
    return PatternIndex((p, p) for p in patterns)


class Matcher(Protocol):
    def match(self, path: str, /) -> object: ...


class _Literal:
    """A pattern without wildcards (`infra/`, `/db/schema.sql`, `Dockerfile`), matched
    with string comparisons: a policy's hundreds of such paths would otherwise each
    compile a regex (60 us apiece) before the first file is judged."""

    __slots__ = ("_exact", "_inner", "_prefix", "_suffix")

    def __init__(self, body: str, anchored: bool, directory_only: bool) -> None:
        self._exact = None if directory_only else body  # the file (or directory) itself
        self._prefix = body + "/"  # anything below it
        # Unanchored: the name may be any segment of the path.
        self._inner = None if anchored else "/" + body + "/"
        self._suffix = None if anchored or directory_only else "/" + body

    def match(self, path: str, /) -> bool:
        return (
            path == self._exact
            or path.startswith(self._prefix)
            or (self._inner is not None and self._inner in path)
            or (self._suffix is not None and path.endswith(self._suffix))
        )


def literal_matcher(text: str) -> _Literal | None:
    """The string matcher for a pattern without wildcards or escapes, or None."""
    body = text.removesuffix("/")
    directory_only = body != text
    anchored = body.startswith("/")
    body = body.removeprefix("/")
    segments = body.split("/")
    if text != text.strip() or any(not is_literal(s) or s in (".", "..") for s in segments):
        return None
    return _Literal(body, anchored or len(segments) > 1, directory_only)


class PatternIndex(Generic[K]):
    """Which keys (rules, levels, ...) have a pattern matching a path.

    Files share directories, so most of the work is done once per directory:
    the candidate patterns its components bring, and the verdict of every
    pattern that can only match a whole directory (`infra/`, `src/**`). A
    path then costs a dictionary lookup, plus a regex for each remaining
    candidate that depends on the file name.
    """

    def __init__(self, entries: Iterable[tuple[K, str]]) -> None:
        # (key, pattern, regex source); each regex is compiled the first time a
        # path is a candidate for it: the pre-commit hook judges a file or two
        # and so compiles a few of a policy's hundreds of patterns, not all.
        self._patterns: list[tuple[K, str, str]] = []
        self._compiled: list[Matcher | None] = []
        self._whole_directory: list[bool] = []
        buckets: dict[str, dict[str, list[int]]] = {"prefix": {}, "segment": {}, "ext": {}}
        self._generic: list[int] = []
        # directory -> (its directory-only patterns that match, sorted; the other candidates)
        self._directories: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._names: dict[str, tuple[int, ...]] = {}  # file name -> candidates it brings
        self._components: dict[str, frozenset[int]] = {}  # directory -> _component_candidates
        for key, text in entries:
            number = len(self._patterns)
            self._patterns.append((key, text, translate(text)))
            self._compiled.append(None)
            self._whole_directory.append(_whole_directory(text))
            bucket = index_key(text)
            if bucket is None:
                self._generic.append(number)
            else:
                buckets[bucket[0]].setdefault(bucket[1], []).append(number)
        self._prefix, self._segment, self._ext = (buckets[k] for k in ("prefix", "segment", "ext"))

    def __len__(self) -> int:
        return len(self._patterns)

    def _regex(self, number: int) -> Matcher:
        regex = self._compiled[number]
        if regex is None:
            _, text, source = self._patterns[number]
            regex = self._compiled[number] = literal_matcher(text) or re.compile(source)
        return regex

    def _segment_hits(self, segment: str, out: set[int]) -> None:
        out.update(self._segment.get(segment, ()))
        ext = extension(segment)
        if ext is not None:
            out.update(self._ext.get(ext, ()))

    def _component_candidates(self, directory: str) -> frozenset[int]:
        """Patterns a path below `directory` may match, by the directory's components:
        its parent's, and what its own name and full path bring (worked out once each)."""
        known = self._components.get(directory)
        if known is None:
            if directory:
                parent, _, segment = directory.rpartition("/")
                found = set(self._component_candidates(parent))
                found.update(self._prefix.get(directory, ()))
                self._segment_hits(segment, found)
                known = frozenset(found)
            else:
                known = frozenset(self._generic)
            self._components[directory] = known
        return known

    def _directory(self, directory: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        found = self._component_candidates(directory)
        # A directory-only pattern says the same of every file in the directory.
        sample = f"{directory}/-" if directory else "-"
        whole = tuple(sorted(n for n in found if self._whole_directory[n] and self._regex(n).match(sample)))
        rest = tuple(sorted(n for n in found if not self._whole_directory[n]))
        entry = self._directories[directory] = (whole, rest)
        return entry

    def _name(self, name: str) -> tuple[int, ...]:
        found: set[int] = set()
        self._segment_hits(name, found)
        entry = self._names[name] = tuple(sorted(found))
        return entry

    def numbers(self, path: str) -> tuple[int, ...]:
        """The numbers of the patterns matching `path`, in order (the policy's order)."""
        return self.numbers_many((path,))[0]

    def numbers_many(self, paths: Iterable[str]) -> list[tuple[int, ...]]:
        """`numbers` of each path, in order. A change set lists a directory's files
        one after the other, so a run of them looks the directory up once."""
        result: list[tuple[int, ...]] = []
        append = result.append
        directories, names, prefix, compiled = self._directories, self._names, self._prefix, self._compiled
        current: str | None = None
        whole: tuple[int, ...] = ()
        rest: tuple[int, ...] = ()
        one: Matcher | None = None  # the matcher when the directory leaves one candidate
        for path in paths:
            directory, _, name = path.rpartition("/")
            if not name:  # a directory (`docs/`): no shortcut, every candidate is tried
                found = self._component_candidates(directory)
                append(tuple(n for n in sorted(found) if self._regex(n).match(path)))
                continue
            if directory != current:
                whole, rest = directories.get(directory) or self._directory(directory)
                one = self._regex(rest[0]) if len(rest) == 1 else None
                current = directory
            named = names.get(name)
            if named is None:
                named = self._name(name)
            exact = prefix.get(path)
            if named or exact:
                candidates = tuple(sorted({*rest, *named, *(exact or ())}.difference(whole)))
            elif one is not None:  # the common case in a large change: one pattern to try
                if not one.match(path):
                    append(whole)
                elif whole:
                    append(tuple(sorted((*whole, rest[0]))))
                else:
                    append(rest)
                continue
            else:
                candidates = rest
            if not candidates:
                append(whole)
                continue
            hits = tuple([n for n in candidates if (compiled[n] or self._regex(n)).match(path)])
            append(tuple(sorted(whole + hits)) if whole and hits else hits or whole)
        return result

    def keyed(self, numbers: tuple[int, ...]) -> dict[K, str]:
        """Pattern numbers (from `numbers`) as each key's first matching pattern."""
        result: dict[K, str] = {}
        patterns = self._patterns
        for number in numbers:
            key, text, _ = patterns[number]
            if key not in result:
                result[key] = text
        return result

    def matches(self, path: str) -> dict[K, str]:
        """Every key with a matching pattern, mapped to its first such pattern."""
        return self.keyed(self.numbers(path)) if self._patterns else {}

    def any_match(self, path: str) -> bool:
        return bool(self._patterns) and bool(self.numbers(path))


def _whole_directory(text: str) -> bool:
    """A pattern that can only match whole directories (`infra/`, `src/**`): whether
    a file matches depends on its directory alone."""
    return (text.endswith("/") or text.endswith("/**")) and not text.endswith(("\\/", "\\**"))
