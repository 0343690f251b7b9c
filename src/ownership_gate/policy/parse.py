"""Validate policy YAML into a Policy.

The YAML is composed into nodes (`formats.yaml`: ruamel.yaml, safe mode)
so every value keeps its line and column; validation walks those nodes and
collects every problem before failing, each as `file:line:col: key.path: message`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ownership_gate.classifiers import REGISTRY
from ownership_gate.classifiers.dependency.ecosystems import REGISTRY as ECOSYSTEMS
from ownership_gate.classifiers.dependency.ecosystems.base import SCOPES
from ownership_gate.classifiers.dependency.vendors import CATEGORIES
from ownership_gate.errors import PolicyError
from ownership_gate.formats.yaml import TooDeep, YamlError, compose
from ownership_gate.output.quoting import quote_path
from ownership_gate.paths.patterns import PatternError, compile_pattern
from ownership_gate.policy.model import (
    RULE_ID,
    SIGNED_ALLOWED_SIGNERS,
    SIGNED_GITHUB,
    Level,
    Policy,
    PolicyTest,
    Rule,
    Signoff,
    When,
)

# A signer is an email address: a trailer counts by its email alone, on a
# commit whose author and committer have that email.
EMAIL = re.compile(r"^[^\s@<>]+@[^\s@<>]+$")


def when_types() -> list[str]:
    """Finding types a rule's `when` can name (path findings come from `paths`)."""
    return [t for t in REGISTRY if t != "path"]


def _closest(word: str, choices: Iterable[str]) -> str:
    by_lower = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.5)
    return f" (did you mean {by_lower[match[0]]!r}?)" if match else ""


def _one_of(choices: Iterable[str]) -> str:
    return ", ".join(repr(c) for c in choices)


class _Tagged:
    """A scalar with a tag the policy format does not use (`!foo x`): never a valid value."""

    def __init__(self, tag: str, value: str) -> None:
        self.tag, self.value = tag, value

    def __repr__(self) -> str:
        return f"{self.tag} {self.value!r}"


class _Constructor(SafeConstructor):
    """Safe construction of scalars; an unknown tag gives a `_Tagged` instead of failing."""

    def construct_tagged(self, node: Node) -> _Tagged:
        return _Tagged(str(node.tag), str(node.value))


_Constructor.add_constructor(None, _Constructor.construct_tagged)


class _Reader:
    """Walks composed YAML nodes, collecting located problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []
        yaml = YAML(typ="safe")
        yaml.Constructor = _Constructor
        self._constructor = yaml.constructor

    def error(self, node: Node | None, keypath: str, message: str) -> None:
        where = self.filename
        if node is not None:
            where += f":{node.start_mark.line + 1}:{node.start_mark.column + 1}"
        self.problems.append(f"{where}: {keypath or '(top level)'}: {message}")

    def value(self, node: Node) -> Any:
        """A scalar's value; a collection is described instead (`a list`), never built."""
        if not isinstance(node, ScalarNode):
            return _Described(_describe(node))
        return self._constructor.construct_object(node)

    def mapping(
        self, node: Node, keypath: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.error(node, keypath, f"expected a mapping, got {_describe(node)}")
            return None
        allowed = list(allowed)
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            child = f"{keypath}.{key}" if keypath else str(key)
            if not isinstance(key, str):
                self.error(key_node, keypath, f"keys must be strings, got {key!r}")
            elif key in result:
                self.error(key_node, child, "duplicate key")
            elif key not in allowed:
                self.error(
                    key_node, child,
                    f"unknown key {key!r}{_closest(key, allowed)}; expected one of {_one_of(allowed)}",
                )
            else:
                result[key] = value_node
        for key in required:
            if key not in result:
                self.error(node, keypath, f"missing required key {key!r}")
        return result

    def string(self, node: Node, keypath: str) -> str | None:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str) or not value:
            self.error(node, keypath, f"expected a non-empty string, got {_describe(node)}")
            return None
        return value

    def boolean(self, node: Node, keypath: str) -> bool | None:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            self.error(node, keypath, f"expected true or false, got {_describe(node)}")
            return None
        return value

    def strings(self, node: Node, keypath: str, single_ok: bool = True) -> list[tuple[str, Node]]:
        """A list of strings (or, where allowed, one string), with each item's node."""
        if isinstance(node, ScalarNode) and single_ok:
            text = self.string(node, keypath)
            return [(text, node)] if text is not None else []
        if not isinstance(node, SequenceNode):
            self.error(node, keypath, f"expected a list of strings, got {_describe(node)}")
            return []
        items = []
        for i, item in enumerate(node.value):
            text = self.string(item, f"{keypath}[{i}]")
            if text is not None:
                items.append((text, item))
        return items

    def patterns(self, node: Node, keypath: str) -> tuple[str, ...]:
        good = []
        items = self.strings(node, keypath)
        if not items and isinstance(node, SequenceNode):
            self.error(node, keypath, "expected at least one pattern")
        for i, (text, item) in enumerate(items):
            try:
                compile_pattern(text)
            except PatternError as exc:
                self.error(item, f"{keypath}[{i}]", f"{exc}: {text!r}")
            else:
                good.append(text)
        return tuple(good)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = str(node.tag).rsplit(":", 1)[-1]
    if node.value == "" and getattr(node, "style", None) in ("'", '"'):
        return "an empty string"
    if tag == "null" or node.value in ("", "~", "null"):
        return "nothing (null)"
    return f"{tag} {node.value!r}"


class _Described:
    """What a collection is (`a mapping`), standing in for its value in messages."""

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return self.description


def _located(filename: str, line: int | None, column: int | None) -> str:
    return f"{filename}:{line}:{column}" if line is not None and column is not None else filename


def parse(text: str, filename: str, path: str | None = None) -> Policy:
    """Parse and validate policy text; raise PolicyError listing every mistake."""
    shown = quote_path(filename)
    reader = _Reader(shown)
    try:
        roots = compose(text)
    except TooDeep as exc:
        raise PolicyError([f"{_located(shown, exc.line, exc.column)}: not read: the YAML is {exc}"]) from None
    except YamlError as exc:
        raise PolicyError([f"{_located(shown, exc.line, exc.column)}: not valid YAML: {exc}"]) from None
    if not roots:
        raise PolicyError([f"{shown}: the policy is empty; start from `ownership-gate init`"])
    if len(roots) > 1:
        mark = roots[1].start_mark
        raise PolicyError([
            f"{_located(shown, mark.line + 1, mark.column + 1)}: not valid YAML: "
            "a policy is one document, but another one starts here"
        ])
    policy = _build(reader, roots[0], filename, path)
    if reader.problems or policy is None:
        raise PolicyError(reader.problems)
    return policy


_TOP = ("version", "levels", "default_level", "rules", "classify", "tests")
_LEVEL = ("name", "description", "owners", "signoff")
_SIGNOFF = (
    "trailer", "signers", "require_signed_commit", "allowed_signers", "github_reviewers", "labels",
    "gitlab_approvers",
)
_RULE = ("id", "level", "when", "paths", "exclude", "reason")
_WHEN = ("type", "kind", "subject", "scope", "ecosystem", "vendor")
_DEPENDENCY_ONLY = ("scope", "ecosystem", "vendor")  # `when` keys about packages
_TEST = ("path", "old_path", "finding", "expect")
_TEST_FINDING = ("type", "kind", "subject", "ecosystem", "scope", "vendor")


def _build(reader: _Reader, root: Node, filename: str, path: str | None) -> Policy | None:
    top = reader.mapping(root, "", _TOP, required=("version", "levels"))
    if top is None:
        return None
    if "version" in top:
        version = reader.value(top["version"])
        if version != 1 or isinstance(version, bool):
            reader.error(top["version"], "version", f"expected 1, got {version!r}")
    levels = _levels(reader, top.get("levels"))
    names = [level.name for level in levels]
    default = names[0] if names else ""
    if "default_level" in top:
        default = reader.string(top["default_level"], "default_level") or default
        if names and default not in names:
            reader.error(
                top["default_level"], "default_level",
                f"undefined level {default!r}{_closest(default, names)}; levels are {_one_of(names)}",
            )
    rules = _rules(reader, top.get("rules"), names)
    classify = _classify(reader, top.get("classify"))
    tests = _tests(reader, top.get("tests"), names)
    if not levels:
        return None
    return Policy(
        source=path or filename,
        levels=tuple(levels),
        default_level=default,
        rules=tuple(rules),
        classify=classify,
        tests=tuple(tests),
        path=path,
    )


def _levels(reader: _Reader, node: Node | None) -> list[Level]:
    if node is None:
        return []
    if not isinstance(node, SequenceNode) or not node.value:
        reader.error(node, "levels", "expected a non-empty list of levels, lowest first")
        return []
    levels: list[Level] = []
    for i, item in enumerate(node.value):
        keypath = f"levels[{i}]"
        fields = reader.mapping(item, keypath, _LEVEL, required=("name",))
        if fields is None or "name" not in fields:
            continue
        name = reader.string(fields["name"], f"{keypath}.name")
        if name is None:
            continue
        if any(level.name == name for level in levels):
            reader.error(fields["name"], f"{keypath}.name", f"level {name!r} is defined twice")
            continue
        owners: tuple[str, ...] = ()
        if "owners" in fields:
            owners = tuple(t for t, _ in reader.strings(fields["owners"], f"{keypath}.owners"))
        for j, owner in enumerate(owners):
            if " " in owner or not (owner.startswith("@") or "@" in owner):
                reader.error(
                    fields["owners"], f"{keypath}.owners[{j}]",
                    f"expected '@user', '@org/team' or an email address, got {owner!r}",
                )
        description = ""
        if "description" in fields:
            description = reader.string(fields["description"], f"{keypath}.description") or ""
        signoff = _signoff(reader, fields["signoff"], f"{keypath}.signoff") if "signoff" in fields else None
        levels.append(
            Level(name, len(levels), description, owners, signoff, item.start_mark.line + 1)
        )
    return levels


def _signoff(reader: _Reader, node: Node, keypath: str) -> Signoff | None:
    fields = reader.mapping(node, keypath, _SIGNOFF)
    if fields is None:
        return None

    def strings(key: str) -> tuple[str, ...]:
        if key not in fields:
            return ()
        return tuple(t for t, _ in reader.strings(fields[key], f"{keypath}.{key}"))

    trailer = reader.string(fields["trailer"], f"{keypath}.trailer") if "trailer" in fields else None
    if trailer is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", trailer):
        reader.error(fields["trailer"], f"{keypath}.trailer", f"not a git trailer key: {trailer!r}")
    signature = _signature(reader, fields.get("require_signed_commit"), f"{keypath}.require_signed_commit")
    allowed = None
    if "allowed_signers" in fields:
        allowed = reader.string(fields["allowed_signers"], f"{keypath}.allowed_signers")
    if signature == SIGNED_ALLOWED_SIGNERS and allowed is None:
        reader.error(
            node, f"{keypath}.allowed_signers",
            "require_signed_commit needs an allowed_signers file to verify against",
        )
    reviewers = strings("github_reviewers")
    if signature == SIGNED_GITHUB and not reviewers:
        reader.error(
            node, f"{keypath}.github_reviewers",
            "require_signed_commit: github needs github_reviewers, the GitHub users (or @org/teams)"
            " whose verified commits count",
        )
    signers = strings("signers")
    if trailer and not signers:
        reader.error(node, f"{keypath}.signers", "a trailer sign-off needs a list of signers")
    for i, signer in enumerate(signers):
        if not EMAIL.match(signer):
            reader.error(
                fields["signers"], f"{keypath}.signers[{i}]",
                f"expected an email address, got {signer!r}: a trailer counts by its email alone",
            )
    return Signoff(
        trailer=trailer,
        signers=signers,
        signature=signature,
        allowed_signers=allowed,
        github_reviewers=reviewers,
        labels=strings("labels"),
        line=node.start_mark.line + 1,
        gitlab_approvers=strings("gitlab_approvers"),
    )


def _signature(reader: _Reader, node: Node | None, keypath: str) -> str | None:
    """`require_signed_commit`: false (or absent), true (allowed_signers) or `github`."""
    if node is None:
        return None
    value = reader.value(node) if isinstance(node, ScalarNode) else None
    if value is True:
        return SIGNED_ALLOWED_SIGNERS
    if value == SIGNED_GITHUB:
        return SIGNED_GITHUB
    if value is not False:
        reader.error(node, keypath, f"expected true, false or 'github', got {_describe(node)}")
    return None


def _rules(reader: _Reader, node: Node | None, levels: list[str]) -> list[Rule]:
    if node is None:
        return []
    if not isinstance(node, SequenceNode):
        reader.error(node, "rules", f"expected a list of rules, got {_describe(node)}")
        return []
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(node.value):
        keypath = f"rules[{i}]"
        fields = reader.mapping(item, keypath, _RULE, required=("id", "level"))
        if fields is None:
            continue
        rule_id = reader.string(fields["id"], f"{keypath}.id") if "id" in fields else None
        if rule_id is not None:
            if not RULE_ID.match(rule_id):
                reader.error(fields["id"], f"{keypath}.id", f"rule ids use [a-z0-9-]+, got {rule_id!r}")
            elif rule_id in seen:
                reader.error(fields["id"], f"{keypath}.id", f"duplicate rule id {rule_id!r}")
            seen.add(rule_id)
        level = reader.string(fields["level"], f"{keypath}.level") if "level" in fields else None
        if level is not None and levels and level not in levels:
            reader.error(
                fields["level"], f"{keypath}.level",
                f"undefined level {level!r}{_closest(level, levels)}; levels are {_one_of(levels)}",
            )
        paths = reader.patterns(fields["paths"], f"{keypath}.paths") if "paths" in fields else None
        exclude = reader.patterns(fields["exclude"], f"{keypath}.exclude") if "exclude" in fields else ()
        when = _when(reader, fields["when"], f"{keypath}.when") if "when" in fields else None
        if "paths" not in fields and "when" not in fields:
            reader.error(item, keypath, "a rule needs `paths`, `when`, or both (otherwise it matches every change)")
        reason = reader.string(fields["reason"], f"{keypath}.reason") or "" if "reason" in fields else ""
        if rule_id is not None and level is not None:
            rules.append(Rule(rule_id, level, reason, paths, exclude, when, item.start_mark.line + 1))
    return rules


def _when(reader: _Reader, node: Node, keypath: str) -> When | None:
    fields = reader.mapping(node, keypath, _WHEN, required=("type",))
    if fields is None or "type" not in fields:
        return None
    allowed_types = when_types()
    types: set[str] = set()
    for text, item in reader.strings(fields["type"], f"{keypath}.type"):
        if text == "path":
            reader.error(item, f"{keypath}.type", "path findings come from `paths`: drop `when` to match by path alone")
        elif text not in allowed_types:
            reader.error(
                item, f"{keypath}.type",
                f"unknown finding type {text!r}{_closest(text, allowed_types)}; "
                f"expected one of {_one_of(allowed_types)}",
            )
        else:
            types.add(text)
    kinds: set[str] | None = None
    if "kind" in fields:
        kinds = set()
        allowed_kinds = sorted({k for t in types for k in REGISTRY[t].KINDS}) if types else []
        for text, item in reader.strings(fields["kind"], f"{keypath}.kind"):
            if types and text not in allowed_kinds:
                reader.error(
                    item, f"{keypath}.kind",
                    f"{text!r} is not a kind of {_one_of(sorted(types))}{_closest(text, allowed_kinds)}; "
                    f"expected one of {_one_of(allowed_kinds)}",
                )
            kinds.add(text)
    subjects = None
    if "subject" in fields:
        subjects = tuple(t for t, _ in reader.strings(fields["subject"], f"{keypath}.subject"))
    for key in _DEPENDENCY_ONLY:
        if key in fields and types and types != {"dependency"}:
            reader.error(
                fields[key], f"{keypath}.{key}",
                f"`{key}` is about packages: it applies to type 'dependency' alone, not {_one_of(sorted(types))}",
            )
    scopes = _choices(reader, fields.get("scope"), f"{keypath}.scope", "dependency scope", SCOPES)
    ecosystems = _choices(reader, fields.get("ecosystem"), f"{keypath}.ecosystem", "dependency ecosystem",
                          tuple(ECOSYSTEMS))
    vendor = reader.boolean(fields["vendor"], f"{keypath}.vendor") if "vendor" in fields else None
    kinds_ = frozenset(kinds) if kinds is not None else None
    return When(frozenset(types), kinds_, subjects, scopes, ecosystems, vendor)


def _choices(
    reader: _Reader, node: Node | None, keypath: str, what: str, allowed: tuple[str, ...]
) -> frozenset[str] | None:
    """One or more of `allowed`, each checked; None when the key is absent."""
    if node is None:
        return None
    chosen: set[str] = set()
    for text, item in reader.strings(node, keypath):
        if text not in allowed:
            reader.error(
                item, keypath,
                f"{text!r} is not a {what}{_closest(text, allowed)}; expected one of {_one_of(allowed)}",
            )
        chosen.add(text)
    return frozenset(chosen)


def _classify(reader: _Reader, node: Node | None) -> dict[str, dict[str, Any]]:
    if node is None:
        return {}
    configurable = [t for t, c in REGISTRY.items() if c.SETTINGS]
    fields = reader.mapping(node, "classify", configurable)
    if fields is None:
        return {}
    result: dict[str, dict[str, Any]] = {}
    for type_, child in fields.items():
        kinds = REGISTRY[type_].SETTINGS
        settings = reader.mapping(child, f"classify.{type_}", kinds)
        if settings is None:
            continue
        values: dict[str, Any] = {}
        for key, value_node in settings.items():
            keypath = f"classify.{type_}.{key}"
            if kinds[key] == "bool":
                values[key] = reader.boolean(value_node, keypath)
            elif kinds[key] == "patterns":
                values[key] = reader.patterns(value_node, keypath)
            else:
                values[key] = tuple(t for t, _ in reader.strings(value_node, keypath))
        result[type_] = values
    return result


def _tests(reader: _Reader, node: Node | None, levels: list[str]) -> list[PolicyTest]:
    if node is None:
        return []
    if not isinstance(node, SequenceNode):
        reader.error(node, "tests", f"expected a list of tests, got {_describe(node)}")
        return []
    tests = []
    for i, item in enumerate(node.value):
        keypath = f"tests[{i}]"
        fields = reader.mapping(item, keypath, _TEST, required=("path", "expect"))
        if fields is None or "path" not in fields or "expect" not in fields:
            continue
        path = reader.string(fields["path"], f"{keypath}.path")
        old_path = reader.string(fields["old_path"], f"{keypath}.old_path") if "old_path" in fields else None
        expect = reader.string(fields["expect"], f"{keypath}.expect")
        if expect is not None and levels and expect not in levels:
            reader.error(
                fields["expect"], f"{keypath}.expect",
                f"undefined level {expect!r}{_closest(expect, levels)}; levels are {_one_of(levels)}",
            )
        finding = None
        if "finding" in fields:
            finding = _test_finding(reader, fields["finding"], f"{keypath}.finding")
        if path is not None and expect is not None:
            tests.append(PolicyTest(path, expect, finding, old_path, item.start_mark.line + 1))
    return tests


def _test_finding(reader: _Reader, node: Node, keypath: str) -> dict[str, str] | None:
    fields = reader.mapping(node, keypath, _TEST_FINDING, required=("type",))
    if fields is None:
        return None
    finding: dict[str, str] = {}
    for key, value_node in fields.items():
        text = reader.string(value_node, f"{keypath}.{key}")
        if text is not None:
            finding[key] = text
    for key, what, allowed in (("scope", "dependency scope", SCOPES), ("vendor", "vendor category", CATEGORIES)):
        if key in finding and finding[key] not in allowed:
            value = finding[key]
            reader.error(
                fields[key], f"{keypath}.{key}",
                f"{value!r} is not a {what}{_closest(value, allowed)}; expected one of {_one_of(allowed)}",
            )
    type_ = finding.get("type")
    if type_ is not None and type_ not in REGISTRY:
        reader.error(fields["type"], f"{keypath}.type", f"unknown finding type {type_!r}{_closest(type_, REGISTRY)}")
    elif type_ is not None and "kind" in finding and finding["kind"] not in REGISTRY[type_].KINDS:
        kinds = REGISTRY[type_].KINDS
        reader.error(
            fields["kind"], f"{keypath}.kind",
            f"{finding['kind']!r} is not a kind of {type_!r}{_closest(finding['kind'], kinds)}; "
            f"expected one of {_one_of(kinds)}",
        )
    return finding


# -- loading --------------------------------------------------------------
