"""Reading Gemfiles and gemspecs (which files are manifests: gem.py)."""

from __future__ import annotations

import re

from ownership_gate.classifiers.ecosystems import semver
from ownership_gate.classifiers.ecosystems.base import ManifestError, Requirement
from ownership_gate.classifiers.ecosystems.formats import public_url

_STATEMENT = re.compile(
    r"^\s*(?:gem|[A-Za-z_]\w*\.add_(?:runtime_|development_)?dependency)(?=[\s(])"
)
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | %[qQwWiI]?(?P<pct><[^>]*>|\{[^}]*\}|\([^)]*\)|\[[^\]]*\]|\|[^|]*\|)
    | (?P<key>[A-Za-z_]\w*):(?!:)
    | :(?P<symbol>[A-Za-z_]\w*[?!]?)\s*=>
    | (?P<punct>=>|[,()\[\]\\])
    | (?P<comment>\#.*)
    | (?P<other>\.freeze|[^\s,()\[\]"'#]+)
    )""",
    re.X,
)
_BLOCK_OPEN = re.compile(r"\bdo\s*(?:\|[^|]*\|)?\s*(?:#.*)?$")
_PATH_BLOCK = re.compile(r"^\s*path\b")
# Ruby's other `end`-closed constructs, so an `end` pops the right block.
_KEYWORD_OPEN = re.compile(r"^\s*(?:if|unless|case|while|until|begin|def|class|module)\b")

_SOURCE_KEYS = ("git", "github", "gitlab", "bitbucket")
_REF_KEYS = ("tag", "branch", "ref")


def _statements(text: str) -> list[tuple[int, str, bool]]:
    """(line, statement, inside a `path` block) for every gem statement, continuations joined."""
    result: list[tuple[int, str, bool]] = []
    blocks: list[bool] = []  # per open `do` block: is it a `path "..." do`?
    lines = text.splitlines()
    number = 0
    in_doc = False
    while number < len(lines):
        line = lines[number]
        number += 1
        if line.startswith("=begin"):
            in_doc = True
        if in_doc:
            in_doc = not line.startswith("=end")
            continue
        if _STATEMENT.match(line):
            start, statement = number, line
            depth, last = _scan(line, 0, None)
            while (depth > 0 or last in (",", "\\", "=>")) and number < len(lines) \
                    and number - start < 50:
                depth, last = _scan(lines[number], depth, last)
                statement += "\n" + lines[number]
                number += 1
            result.append((start, statement, any(blocks)))
        elif _BLOCK_OPEN.search(line) or _KEYWORD_OPEN.match(line):
            blocks.append(bool(_PATH_BLOCK.match(line)) and bool(_BLOCK_OPEN.search(line)))
        elif re.match(r"^\s*end\b", line) and blocks:
            blocks.pop()
    return result


def _scan(line: str, depth: int, last: str | None) -> tuple[int, str | None]:
    """Bracket depth and last token after one more line: does the statement go on?"""
    for kind, value in _tokens(line):
        if kind == "comment":
            break
        if kind == "punct" and value in ("(", "["):
            depth += 1
        elif kind == "punct" and value in (")", "]"):
            depth -= 1
        last = value
    return depth, last


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        kind = match.lastgroup or "other"
        tokens.append((kind, match.group(kind)))
    return tokens


def _literal(kind: str, value: str) -> str | None:
    if kind == "string":
        return value[1:-1].replace('\\"', '"').replace("\\'", "'")
    if kind == "pct":
        return value[1:-1]
    return None


def _arguments(statement: str, line: int) -> tuple[list[str], dict[str, str]]:
    """Positional strings (arrays flattened) and keyword options with their first literal value.

    Ruby puts keyword options after every positional argument, so once the
    first key is seen the rest (arrays of platforms, symbols) only fills options.
    """
    body = _STATEMENT.sub("", statement, count=1)
    positional: list[str] = []
    options: dict[str, str] = {}
    key: str | None = None
    in_options = False
    for kind, value in _tokens(body):
        if kind == "comment" or (kind == "other" and value in ("if", "unless")):
            break
        if kind in ("key", "symbol"):
            key, in_options = value, True
        elif kind == "punct" or (kind == "other" and value == ".freeze"):
            continue
        elif in_options:
            if key is not None:
                options[key] = _literal(kind, value) or value
                key = None
        elif (text := _literal(kind, value)) is not None:
            positional.append(text)
        else:
            positional.append(f"<{value}>")  # computed in Ruby: kept as written, never a version
    if not positional or positional[0].startswith("<"):
        raise ManifestError("a gem statement should start with the gem's name as a string", line)
    return positional, options


def parse(text: str, path: str) -> list[Requirement]:
    found: list[Requirement] = []
    for line, statement, in_path_block in _statements(text):
        positional, options = _arguments(statement, line)
        if in_path_block or "path" in options:
            continue  # the project's own gem
        name, versions = positional[0], positional[1:]
        constraint = ", ".join(" ".join(v.split()) for v in versions)
        source = next((f"{k}: {options[k]}" for k in _SOURCE_KEYS if k in options), None)
        if source is not None:
            ref = next((options[k] for k in _REF_KEYS if k in options), "")
            constraint = f"@ {public_url(source)}" + (f"#{ref}" if ref else "") + (
                f" {constraint}" if constraint else "")
        found.append(Requirement(name, constraint, line))
    return found


def _comparators(constraint: str) -> list[str]:
    """Comma-separated comparators; a bare version is an exact `=` one."""
    result = []
    for part in constraint.split(","):
        match = re.match(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S.*?)\s*$", part)
        if match is not None:
            result.append(f"{match.group(1) or '='} {match.group(2)}")
    return result


# `"= 1.0"` is `"1.0"`; the order of a gem's comparators does not matter.
lowest, canonical = semver.comparator_lists(_comparators, "gem")
