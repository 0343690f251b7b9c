"""Reading `mix.exs` and `mix.lock` with tree-sitter-elixir, and Elixir's version requirements.

A Mix project lists its dependencies in functions named for them (`deps`,
`test_deps`, any name ending in `deps`), as tuples of the lists they
return: `{:name, requirement, options}`, `{:name, options}` for a git or
path dependency. Every such tuple in those functions is read, whichever
branch or `++` it sits in. A requirement written as a module attribute
(`{:phoenix, @phoenix_version}`) is the attribute's string; one computed
otherwise, or a list built by a comprehension or an `Enum` call, could hide
dependencies, and makes the manifest unreadable.

Scope, from the options Mix reads: `only:` environments without `:prod`
are `dev` (or `test` when only `:test`), `runtime: false` (needed to
compile, never started) is `build`, `optional: true` is `optional`.
A `path:` or `in_umbrella: true` dependency is the project's own code;
`git:` and `github:` ones name a repository and ref.

Requirements are Elixir's: `~>` as RubyGems reads it (`~> 2.0` is 2.x,
`~> 2.0.1` is 2.0.x), comparators joined by `and`, alternatives by `or`,
a bare version exact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tree_sitter import Node

from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    DEV,
    OPTIONAL,
    RUNTIME,
    TEST,
    ManifestError,
    Release,
    Requirement,
)
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, one_version_each
from ownership_gate.classifiers.dependency.ecosystems.manifests import public_url
from ownership_gate.classifiers.dependency.versions import semver
from ownership_gate.formats import elixir, treesitter
from ownership_gate.formats.elixir import Lit, Opaque, Value

_SOURCES = ("git", "github")
_REFS = ("tag", "branch", "ref")
# What builds a list out of the reader's sight.
_HIDDEN = re.compile(r"^\s*(?:for\b|Enum\.|Stream\.)")


def parse(text: str, path: str) -> list[Requirement]:
    root = _root(text)
    attributes = _attributes(root)
    found: list[Requirement] = []
    for name, bodies in elixir.functions(root).items():
        if not name.endswith("deps"):
            continue
        for body in bodies:
            for node in treesitter.walk(body):
                if node.type == "call" and _HIDDEN.match(treesitter.text(node)):
                    raise ManifestError(f"the {name} function builds its list with code, which could hide"
                                        " dependencies: only literal lists of dependency tuples are read",
                                        treesitter.line(node))
                if node.type == "tuple" and node.parent is not None and node.parent.type == "list":
                    requirement = _dependency(elixir.value(node), attributes, treesitter.line(node))
                    if requirement is not None:
                        found.append(requirement)
    return found


def _root(text: str) -> Node:
    try:
        return elixir.parse(text)
    except ValueError as exc:
        raise ManifestError(f"not valid Elixir: {exc}") from None


def _attributes(root: Node) -> dict[str, str]:
    """Module attributes set to a plain string (`@phoenix_version "~> 1.7"`)."""
    found: dict[str, str] = {}
    for node in treesitter.walk(root):
        if node.type != "unary_operator" or elixir.operator(node) != "@":
            continue
        operand = node.child_by_field_name("operand")
        if operand is None or operand.type != "call":
            continue
        target, arguments = operand.child_by_field_name("target"), operand.named_children[1:]
        if target is None or len(arguments) != 1 or arguments[0].type != "arguments":
            continue
        values = [elixir.value(a) for a in arguments[0].named_children]
        if len(values) == 1 and isinstance(values[0], Lit) and values[0].kind == "string" and not values[0].dynamic:
            found[treesitter.text(target)] = str(values[0].value)
    return found


def _dependency(value: Value, attributes: Mapping[str, str], line: int) -> Requirement | None:
    """A `{:name, requirement, options}` tuple as a Requirement; None for the project's own code or for a
    tuple that is no dependency (its first element no atom)."""
    if not isinstance(value, list) or not value:
        return None
    first = value[0]
    if not (isinstance(first, Lit) and first.kind == "atom" and isinstance(first.value, str)):
        return None
    name = first.value
    rest = value[1:]
    last = rest[-1] if rest else None
    options: Mapping[str, Value] = last if isinstance(last, dict) else {}
    if isinstance(last, dict):
        rest = rest[:-1]
    if len(rest) > 1:
        return None  # not the shape of a dependency
    if _true(options.get("in_umbrella")) or "path" in options:
        return None  # the project's own code
    constraint = ""
    if rest:
        constraint = _requirement(rest[0], attributes, name, line)
    source = next((f"{key}: {_text(options[key])}" for key in _SOURCES if key in options), None)
    if source is not None:
        ref = next((_text(options[key]) for key in _REFS if key in options), "")
        constraint = f"@ {public_url(source)}" + (f"#{ref}" if ref else "") + (f" {constraint}" if constraint else "")
    return Requirement(name, " ".join(constraint.split()), line, scope=_scope(options))


def _requirement(value: Value, attributes: Mapping[str, str], name: str, line: int) -> str:
    if isinstance(value, Lit) and value.kind == "string" and not value.dynamic:
        return str(value.value)
    if isinstance(value, Opaque) and value.text.startswith("@") and value.text[1:] in attributes:
        return attributes[value.text[1:]]
    raise ManifestError(f"the version requirement or options of {name} are computed, so they cannot be compared",
                        line)


def _scope(options: Mapping[str, Value]) -> str:
    only = options.get("only")
    environments = {str(v.value) for v in (only if isinstance(only, list) else [only]) if isinstance(v, Lit)}
    if only is not None and "prod" not in environments:
        return TEST if environments == {"test"} else DEV
    if options.get("runtime") is not None and not _true(options.get("runtime")):
        return BUILD
    return OPTIONAL if _true(options.get("optional")) else RUNTIME


def _true(value: Value | None) -> bool:
    return isinstance(value, Lit) and value.value is True


def _text(value: Value) -> str:
    return str(value.value) if isinstance(value, Lit) else ""


def locked(text: str, path: str) -> Lock:
    """Every package a `mix.lock` holds, and the version of each one from Hex: a map of them, or in the
    oldest lockfiles a keyword list (`["bcrypt": {:git, ...}]`)."""
    root = _root(text)
    top = next((n for n in root.named_children if n.type != "comment"), None)
    entries = elixir.value(top) if top is not None and top.type in ("map", "list") else None
    if not isinstance(entries, dict):
        raise ManifestError("a mix.lock holds one map of its packages")
    pairs = []
    for name, entry in entries.items():
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], Lit):
            raise ManifestError(f"the entry of {name} is not a lock tuple")
        if entry[0].value == "hex" and len(entry) > 2 and isinstance(entry[2], Lit):
            pairs.append((name, str(entry[2].value)))
    return Lock(frozenset(entries), one_version_each(pairs))


def _comparators(requirement: str) -> str:
    """An Elixir requirement in the comparator-set syntax the semver reader takes: `and` joins
    comparators, `or` alternatives, `==` and a bare version are exact."""
    alternatives = []
    for alternative in re.split(r"\s+or\s+", requirement.strip()):
        parts = []
        for part in re.split(r"\s+and\s+", alternative):
            match = re.match(r"^\s*(~>|>=|<=|!=|==|>|<)?\s*(\S+)\s*$", part)
            if match is None:
                return requirement  # unreadable: the semver reader says so
            operator = match.group(1) or "="
            parts.append(f"{'=' if operator == '==' else operator} {match.group(2)}")
        alternatives.append(", ".join(sorted(parts)))
    return " || ".join(alternatives)


def lowest(constraint: str) -> Release | None:
    return None if constraint.startswith("@") else semver.lowest(_comparators(constraint), "gem")


def ceiling(constraint: str) -> float | None:
    return None if constraint.startswith("@") else semver.ceiling(_comparators(constraint), "gem")


def canonical(constraint: str) -> str:
    return " ".join(constraint.split()) if constraint.startswith("@") else _comparators(constraint)
