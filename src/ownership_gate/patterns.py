"""Gitignore-style path patterns, as CODEOWNERS reads them, compiled once.

pathspec translates each pattern to a regex (its gitignore "spec" flavour,
which follows git's own edge cases). `PatternIndex` files every pattern
under a literal it requires (a root directory, a path segment, or a file
extension) so a path is only tested against patterns that could match it:
matching cost grows with the handful of candidates, not with the number of
rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)

_GLOB_CHARS = frozenset("*?[\\")


class PatternError(ValueError):
    """A pattern pathspec (or CODEOWNERS) cannot use."""


# Translations of patterns already seen, filled from the policy cache so a
# warm run never imports pathspec.
TRANSLATED: dict[str, str] = {}


def translate(text: str) -> str:
    """The regex source of a pattern (raising PatternError when it is unusable)."""
    if text not in TRANSLATED:
        TRANSLATED[text] = _translate(text)
    return TRANSLATED[text]


def compile_pattern(text: str) -> re.Pattern[str]:
    return re.compile(translate(text))


def _translate(text: str) -> str:
    if not text or not text.strip():
        raise PatternError("empty pattern")
    if text.startswith("!"):
        raise PatternError("negated patterns ('!') are not supported: CODEOWNERS has none; use `exclude`")
    if text.startswith("#"):
        raise PatternError("a pattern cannot start with '#' (it would be a comment); escape it as '\\#'")
    wild = _only_wildcards(text)
    if wild is not None:
        return wild
    source = text
    if source.endswith("**/") and not source.endswith("\\**/"):
        # git reads `a/**/` as "a directory somewhere below a"; pathspec reads
        # it as `a/`. Spelling the directory out gives git's answer.
        source += "*/"
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern  # imported on first use

    try:
        regex, include = GitIgnoreSpecPattern.pattern_to_regex(source)
    except Exception as exc:  # pathspec raises several types for bad globs
        raise PatternError(f"not a valid pattern: {exc}") from None
    if regex is None or include is None:
        raise PatternError("not a valid pattern (an unclosed '[' range?)")
    return str(regex)


def _only_wildcards(text: str) -> str | None:
    """Patterns made only of `*` and `**` (`*/`, `**/`, `*/*`): pathspec
    mistranslates some of them, and they only say "at least N levels deep"."""
    is_dir = text.endswith("/")
    segments = text.strip("/").split("/")
    if not all(s in ("*", "**") for s in segments):
        return None
    stars = segments.count("*")
    # A trailing `**` after a `*` needs something inside; git agrees (see tests).
    depth = max(stars + (1 if stars and segments[-1] == "**" else 0), 1) + (1 if is_dir else 0)
    return "^" + "[^/]+/" * (depth - 1) + "[^/]+"


def _literal(segment: str) -> bool:
    return bool(segment) and not (_GLOB_CHARS & set(segment))


def _extension(segment: str) -> str | None:
    dot = segment.rfind(".")
    return segment[dot:] if dot >= 0 else None


def index_key(text: str) -> tuple[str, str] | None:
    """The literal every path matching `text` must contain, if there is one.

    ("prefix", "a/b"): an anchored pattern's literal leading directories;
    ("segment", "x"): some path segment equals x; ("ext", ".tf"): some
    segment ends with that extension.
    """
    body = text
    anchored = body.startswith("/")
    body = body.lstrip("/").rstrip("/")
    if "/" in body:
        if body.startswith("**/"):
            body = body[3:]
            anchored = False
        else:
            anchored = True
    segments = body.split("/")
    if anchored:
        literal = []
        for segment in segments:
            if not _literal(segment):
                break
            literal.append(segment)
        return ("prefix", "/".join(literal)) if literal else None
    first = segments[0]
    if _literal(first):
        return ("segment", first)
    if len(segments) == 1 and first.startswith("*") and _literal(first[1:]):
        ext = _extension(first[1:])
        if ext is not None:
            return ("ext", ext)
    return None


def setting_matches(settings: Mapping[str, Any], key: str, path: str) -> bool:
    """Whether `path` matches a pattern list from the policy's `classify` settings."""
    patterns = tuple(settings.get(key) or ())
    return bool(patterns) and _settings_index(patterns).any_match(path)


@functools.lru_cache(maxsize=64)
def _settings_index(patterns: tuple[str, ...]) -> PatternIndex[str]:
    return PatternIndex((p, p) for p in patterns)


class PatternIndex(Generic[K]):
    """Which keys (rules, levels, ...) have a pattern matching a path."""

    def __init__(self, entries: Iterable[tuple[K, str]]) -> None:
        # (key, pattern, regex source); each regex is compiled the first time a
        # path is a candidate for it: the pre-commit hook judges a file or two
        # and so compiles a few of a policy's hundreds of patterns, not all.
        self._patterns: list[tuple[K, str, str]] = []
        self._compiled: list[re.Pattern[str] | None] = []
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._generic: list[int] = []
        self._by_directory: dict[str, list[int]] = {}
        for key, text in entries:
            number = len(self._patterns)
            self._patterns.append((key, text, translate(text)))
            self._compiled.append(None)
            bucket = index_key(text)
            if bucket is None:
                self._generic.append(number)
            else:
                self._buckets.setdefault(bucket, []).append(number)

    def __len__(self) -> int:
        return len(self._patterns)

    def _regex(self, number: int) -> re.Pattern[str]:
        regex = self._compiled[number]
        if regex is None:
            regex = self._compiled[number] = re.compile(self._patterns[number][2])
        return regex

    def _bucket_hits(self, prefix: str, segment: str, out: list[int]) -> None:
        buckets = self._buckets
        for key in (("prefix", prefix), ("segment", segment), ("ext", _extension(segment))):
            hit = buckets.get(key)  # type: ignore[arg-type]
            if hit:
                out.extend(hit)

    def _directory_candidates(self, directory: str) -> list[int]:
        """Candidates contributed by a directory's components, cached: files share directories."""
        cached = self._by_directory.get(directory)
        if cached is None:
            cached = list(self._generic)
            prefix = ""
            for segment in directory.split("/") if directory else ():
                prefix = f"{prefix}/{segment}" if prefix else segment
                self._bucket_hits(prefix, segment, cached)
            self._by_directory[directory] = cached
        return cached

    def _candidates(self, path: str) -> list[int]:
        directory, _, name = path.rpartition("/")
        found = list(self._directory_candidates(directory))
        self._bucket_hits(path, name, found)
        found.sort()
        return found

    def matches(self, path: str) -> dict[K, str]:
        """Every key with a matching pattern, mapped to its first such pattern."""
        result: dict[K, str] = {}
        if not self._patterns:
            return result
        last = -1
        for number in self._candidates(path):
            if number == last:
                continue
            last = number
            key, text, _ = self._patterns[number]
            if key not in result and (self._compiled[number] or self._regex(number)).match(path):
                result[key] = text
        return result

    def any_match(self, path: str) -> bool:
        return any((self._compiled[n] or self._regex(n)).match(path) for n in self._candidates(path))
