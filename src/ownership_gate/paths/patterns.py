"""Gitignore-style path patterns, as CODEOWNERS reads them, compiled once.

pathspec translates each pattern to a regex (its gitignore "spec" flavour,
which follows git's own edge cases); `index_key` names the literal every
match must contain, which `pattern_index.PatternIndex` files patterns under.
"""

from __future__ import annotations

import re

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


def is_literal(segment: str) -> bool:
    return bool(segment) and not (_GLOB_CHARS & set(segment))


def extension(segment: str) -> str | None:
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
            if not is_literal(segment):
                break
            literal.append(segment)
        return ("prefix", "/".join(literal)) if literal else None
    first = segments[0]
    if is_literal(first):
        return ("segment", first)
    if len(segments) == 1 and first.startswith("*") and is_literal(first[1:]):
        ext = extension(first[1:])
        if ext is not None:
            return ("ext", ext)
    return None
