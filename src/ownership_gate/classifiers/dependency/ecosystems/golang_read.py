"""Reading go.mod files (which files are manifests: golang.py)."""

from __future__ import annotations

import re
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.versions.ranges import release

_MODULE_VERSION = patterns.compile(r"v\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.+-]*)?")
_GO_VERSION = patterns.compile(r"(?:go)?(\d+(?:\.\d+){0,2})((?:rc|beta|alpha)\d*)?")
_PSEUDO = patterns.compile(r"v(\d{1,9})\.(\d{1,9})\.(\d{1,9})-(?:[0-9A-Za-z.-]*\.)?(\d{14})-[0-9a-f]{12}")
_TOOLCHAIN = "toolchain "
_MAJOR_SUFFIX = patterns.compile(r"^(.+)/v(?:[2-9]|[1-9]\d+)$")
_GOPKG = patterns.compile(r"^(gopkg\.in/.+)\.v\d+$")


def module_name(path: str) -> str:
    """The subject for a module path: its major-version suffix dropped."""
    for pattern in (_MAJOR_SUFFIX, _GOPKG):
        match = pattern.match(path)
        if match is not None:
            return match.group(1)
    return path


def _padded(version: str) -> Release | None:
    found = release(version)
    return None if found is None else found + (0,) * (3 - len(found))


def _go_lines(constraint: str) -> tuple[str, str | None]:
    """`1.22.0, toolchain 1.22.5` -> ("1.22.0", "1.22.5")."""
    go, _, toolchain = constraint.partition(_TOOLCHAIN)
    return go.strip().rstrip(","), toolchain.strip() or None


def canonical(constraint: str) -> str:
    """One spelling of a Go version: `1.22` is `1.22.0`; a toolchain equal to it is dropped."""
    if constraint.startswith("v") or "=>" in constraint:
        return constraint  # a module version
    go, toolchain = _go_lines(constraint)
    go_release, toolchain_release = _padded(go), _padded(toolchain or "")
    plain = go_release is not None and re.fullmatch(r"\d+(?:\.\d+)*", go) is not None
    spelled = ".".join(map(str, go_release)) if plain and go_release else go
    if toolchain is None or toolchain_release == go_release:
        return spelled
    return f"{spelled}, {_TOOLCHAIN}{toolchain}"


def lowest(constraint: str) -> Release | None:
    if not constraint.startswith("v") and "=>" not in constraint:
        # The go line decides; the toolchain follows as lower-order components.
        go, toolchain = _go_lines(constraint)
        go_release, toolchain_release = _padded(go), _padded(toolchain or "")
        if go_release is None:
            return toolchain_release
        return go_release + (toolchain_release or ())
    if "=>" in constraint:
        return None  # replaced by another module or a directory: not a version step
    pseudo = _PSEUDO.match(constraint)
    if pseudo is not None:
        # A pseudo-version sits after the commit it builds on and before the
        # release it names: v1.2.4-0.2024...-abc is (1, 2, 4, -1, 2024...),
        # above v1.2.3 and below v1.2.4.
        major, minor, patch, stamp = (int(g) for g in pseudo.groups())
        return (major, minor, patch, -1, stamp)
    return release(constraint)


class _Line(NamedTuple):
    number: int
    verb: str
    args: tuple[str, ...]
    comment: str


def _tokens(text: str, number: int) -> tuple[list[str], str]:
    tokens: list[str] = []
    i, end = 0, len(text)
    while i < end:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            return tokens, text[i + 2 :].strip()
        elif ch in "()":
            tokens.append(ch)
            i += 1
        elif ch in '"`':
            close = _closing_quote(text, i)
            if close < 0:
                raise ManifestError("unterminated quoted string", number)
            tokens.append(text[i + 1 : close].replace('\\"', '"'))
            i = close + 1
        else:
            start = i
            while i < end and not text[i].isspace() and text[i] not in '()"`' and not text.startswith("//", i):
                i += 1
            tokens.append(text[start:i])
    return tokens, ""


def _closing_quote(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return -1


def _lines(text: str) -> list[_Line]:
    """Directives with their arguments, blocks flattened (`require ( ... )`)."""
    found: list[_Line] = []
    block: tuple[str, int] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        tokens, comment = _tokens(raw, number)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
            elif "(" in tokens or ")" in tokens:
                raise ManifestError(f"unexpected parenthesis inside the {block[0]} block", number)
            else:
                found.append(_Line(number, block[0], tuple(tokens), comment))
            continue
        verb, args = tokens[0], tokens[1:]
        if args == ["("]:
            block = (verb, number)
        elif args == ["(", ")"]:
            continue
        elif verb in ("(", ")") or "(" in args or ")" in args:
            raise ManifestError("unexpected parenthesis", number)
        else:
            found.append(_Line(number, verb, tuple(args), comment))
    if block is not None:
        raise ManifestError(f"the {block[0]} block opened here is never closed", block[1])
    return found


def _check_version(version: str, number: int) -> str:
    if not _MODULE_VERSION.fullmatch(version):
        raise ManifestError(f"invalid module version {version!r}", number)
    return version


def _is_directory(target: str) -> bool:
    return (
        target.startswith(("./", "../", "/"))
        or target in (".", "..")
        or re.match(r"[A-Za-z]:[\\/]", target) is not None
    )


def parse(text: str, path: str) -> list[Requirement]:
    requires: list[tuple[str, str, int, bool]] = []
    replaces: dict[tuple[str, str | None], tuple[str, str | None, int]] = {}
    go: dict[str, tuple[str, int]] = {}
    for line in _lines(text):
        if line.verb == "require":
            if len(line.args) != 2:
                raise ManifestError("require needs a module path and a version", line.number)
            indirect = re.match(r"indirect\b", line.comment) is not None
            requires.append((line.args[0], _check_version(line.args[1], line.number), line.number, indirect))
        elif line.verb == "replace":
            _replace(line, replaces)
        elif line.verb in ("go", "toolchain"):
            if len(line.args) != 1:
                raise ManifestError(f"{line.verb} needs exactly one version", line.number)
            if line.args[0] == "default":
                continue
            match = _GO_VERSION.fullmatch(line.args[0])
            if match is None:
                raise ManifestError(f"invalid Go version {line.args[0]!r}", line.number)
            go[line.verb] = (match.group(1) + (match.group(2) or ""), line.number)
    return _requirements(requires, replaces, go)


def _replace(line: _Line, replaces: dict[tuple[str, str | None], tuple[str, str | None, int]]) -> None:
    args = line.args
    if "=>" not in args:
        raise ManifestError("replace needs '=>'", line.number)
    arrow = args.index("=>")
    old, new = args[:arrow], args[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        raise ManifestError("replace must read: module [version] => module version | directory", line.number)
    if len(new) == 1 and not _is_directory(new[0]):
        raise ManifestError(f"replacement module {new[0]!r} needs a version", line.number)
    old_version = _check_version(old[1], line.number) if len(old) == 2 else None
    new_version = _check_version(new[1], line.number) if len(new) == 2 else None
    replaces[(old[0], old_version)] = (new[0], new_version, line.number)


def _replaced(
    module: str, replacement: tuple[str, str | None, int], indirect: bool, required: bool
) -> list[Requirement]:
    """What a replaced module requires: the version override, or the redirect plus the fork.

    A redirect (`=> github.com/acme/fork`, `=> ../local`) compares to nothing,
    so starting or ending one is `changed`; the fork is a source of its own,
    so it is `added` when it arrives and steps like any module afterwards.
    A replace of a module the build does not list is inert or transitive,
    unless it brings in a fork.
    """
    target, target_version, line = replacement
    if target == module and target_version is not None:
        return [Requirement(module_name(module), target_version, line, indirect)]
    fork = not _is_directory(target)
    found = [Requirement(module_name(module), f"=> {target}", line, indirect=not (required or fork))]
    if fork and target_version is not None:
        found.append(Requirement(module_name(target), target_version, line, indirect and required))
    return found


def _requirements(
    requires: list[tuple[str, str, int, bool]],
    replaces: dict[tuple[str, str | None], tuple[str, str | None, int]],
    go: dict[str, tuple[str, int]],
) -> list[Requirement]:
    found: list[Requirement] = []
    used: set[tuple[str, str | None]] = set()
    for module, version, number, indirect in requires:
        key: tuple[str, str | None] = (module, None)
        if (module, version) in replaces:
            key = (module, version)
        if key not in replaces:
            found.append(Requirement(module_name(module), version, number, indirect))
            continue
        used.add(key)
        found.extend(_replaced(module, replaces[key], indirect, required=True))
    for key, replacement in replaces.items():
        if key not in used:
            found.extend(_replaced(key[0], replacement, True, required=False))
    if go:
        parts = [go["go"][0]] if "go" in go else []
        if "toolchain" in go:
            parts.append(f"{_TOOLCHAIN}{go['toolchain'][0]}")
        number = (go.get("go") or go["toolchain"])[1]
        found.append(Requirement("golang", ", ".join(parts), number))
    return found
