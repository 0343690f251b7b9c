"""Reading manifest formats with their real parsers, and finding lines in them.

tomllib and json give values without positions, so a requirement's line is
found afterwards by searching the text for how the format writes it; YAML
trees (`formats.yaml`) know their lines. Parse errors become
`ManifestError`s that carry the parser's own line.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.formats.yaml import Loader, Node, TooDeep, YamlError

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_toml(text: str) -> dict[str, Any]:
    # Imported here, with the first TOML manifest read, not when a path is named.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        raise ManifestError(f"invalid TOML: {message}", line) from None
    return document


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", exc.lineno
        ) from None


def load_yaml(text: str, load: Loader) -> list[Node]:
    """Every document of a YAML stream, read by `load`; ManifestError when the YAML does
    not read or a mapping gives a key twice (which of the two a tool takes is its own)."""
    try:
        documents = load(text)
    except TooDeep as exc:
        raise ManifestError(f"YAML is {exc}", exc.line) from None
    except YamlError as exc:
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ManifestError(f"invalid YAML: {message}", exc.line) from None
    if documents.duplicate is not None:
        key, line = documents.duplicate
        raise ManifestError(f"invalid YAML: found duplicate key {key!r}", line)
    return documents.roots


def table(document: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The table at `document[k1][k2]...`, {} when absent; ManifestError when not a table."""
    value: Any = document
    for depth, key in enumerate(keys):
        if not isinstance(value, Mapping):
            raise ManifestError(f"`{'.'.join(keys[:depth])}` should be a table")
        value = value.get(key, {})
    if not isinstance(value, Mapping):
        raise ManifestError(f"`{'.'.join(keys)}` should be a table, not {type(value).__name__}")
    return dict(value)


def strings(value: Any, where: str) -> list[str]:
    """A list of strings, {} when absent; ManifestError naming `where` otherwise."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"`{where}` should be a list of strings")
    return list(value)


class Lines:
    """Line numbers of text offsets, for formats whose parser gives none."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(m.end() for m in re.finditer(r"\n", text))]

    def at(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return bisect.bisect_right(self._starts, offset)

    def find(self, patterns: Iterable[re.Pattern[str]], start: int = 0) -> int | None:
        """The line of the first match, from offset `start`, of the first pattern that matches."""
        for pattern in patterns:
            match = pattern.search(self.text, start)
            if match is not None:
                return self.at(match.start())
        return None


# Regular expressions built from manifest text stay short: a megabyte-long
# "version" must not cost a megabyte-long pattern (it only locates a line).
_MAX_LITERAL = 256
NEVER = "(?!)"


def escape(text: str) -> str:
    """`re.escape(text)`, or a pattern that never matches when the text is too long to look for."""
    return re.escape(text) if len(text) <= _MAX_LITERAL else NEVER


def name_pattern(name: str, separators: str = "") -> str:
    """A regex for a package name as written, case-insensitive; `separators` are interchangeable."""
    if not separators or len(name) > _MAX_LITERAL:
        return escape(name)
    klass = "[" + re.escape(separators) + "]+"
    return klass.join(re.escape(part) for part in re.split(klass, name))


def public_url(url: str) -> str:
    """The URL without user and password: tokens in git URLs must not reach a report."""
    # Bounded repetitions keep this linear on a hostile megabyte-long "URL".
    return re.sub(r"([a-z][a-z0-9+.-]{0,31}://)[^/@\s]{0,1024}@", r"\1", url, flags=re.I)
