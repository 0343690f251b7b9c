"""The JSON Schema (draft 2020-12) of the policy file, built from the classifier registry.

Editors use it to complete and check `.ownership-gate.yaml` as it is typed.
Finding types, kinds and `classify` settings come from the same registry
the parser reads, so the shipped `schema/policy.schema.json` is generated
(`python -m ownership_gate.policy.schema --write`) and a test fails when it
drifts. The parser stays the authority: the schema cannot check that a
rule's level exists, and says less about a list of several types' kinds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ownership_gate.classifiers import REGISTRY
from ownership_gate.classifiers.dependency.ecosystems import REGISTRY as ECOSYSTEMS
from ownership_gate.classifiers.dependency.ecosystems.base import SCOPES
from ownership_gate.classifiers.dependency.vendors import CATEGORIES
from ownership_gate.output.links import schema_id
from ownership_gate.policy import parse

SCHEMA_FILE = Path(__file__).parents[1] / "schema" / "policy.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


def _one_or_many(item: Schema) -> Schema:
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _kinds(types: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(k for t in types for k in REGISTRY[t].KINDS))


def _kind_by_type(types: Sequence[str], property_: str) -> list[Schema]:
    """For a single named type, its own kinds only."""
    rules = []
    for type_ in types:
        kinds = list(REGISTRY[type_].KINDS)
        allowed: Schema = _one_or_many({"enum": kinds}) if kinds else {"not": {}}
        rules.append({
            "if": {"properties": {property_: {"const": type_}}, "required": [property_]},
            "then": {"properties": {"kind": allowed}},
        })
    return rules


def _setting(kind: str) -> Schema:
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "patterns":
        return {"$ref": "#/$defs/patterns"}
    return {"$ref": "#/$defs/strings"}


def _dependency_only(keys: Sequence[str]) -> Schema:
    """A `when` that names any of `keys` (about packages) has type 'dependency' alone."""
    dependency: Schema = {"const": "dependency"}
    return {
        "if": {"anyOf": [{"required": [key]} for key in keys]},
        "then": {"properties": {"type": {"anyOf": [dependency, {"type": "array", "items": dependency}]}}},
    }


def build() -> Schema:
    when_types = parse.when_types()
    finding_types = list(REGISTRY)
    text: Schema = {"type": "string", "minLength": 1}
    return {
        "$schema": DRAFT,
        "$id": schema_id(SCHEMA_FILE.name),
        "title": "ownership-gate policy",
        "description": "Which changes need which level's sign-off. Edit it, then run `ownership-gate validate`.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "levels"],
        "properties": {
            "version": {"const": 1},
            "levels": {
                "description": "Ownership levels, lowest first.",
                "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/level"},
            },
            "default_level": {"description": "The level of a change no rule matches.", **text},
            "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
            "classify": {
                "description": "Tuning of the classifiers.",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    t: {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {key: _setting(kind) for key, kind in c.SETTINGS.items()},
                    }
                    for t, c in REGISTRY.items() if c.SETTINGS
                },
            },
            "tests": {
                "description": "Policy unit tests, run by `ownership-gate validate`.",
                "type": "array", "items": {"$ref": "#/$defs/test"},
            },
        },
        "$defs": {
            "text": text,
            "strings": _one_or_many(text),
            "pattern": {
                "description": "A gitignore-style path pattern, as CODEOWNERS reads it.",
                "type": "string", "minLength": 1, "not": {"pattern": "^[!#]"},
            },
            "patterns": {
                "anyOf": [
                    {"$ref": "#/$defs/pattern"},
                    {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/pattern"}},
                ],
            },
            "owner": {"type": "string", "pattern": "^(@[^\\s]+|[^\\s@]+@[^\\s]+)$"},
            "level": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": text,
                    "description": text,
                    "owners": _one_or_many({"$ref": "#/$defs/owner"}),
                    "signoff": {"$ref": "#/$defs/signoff"},
                },
            },
            "signoff": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "trailer": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]*$"},
                    "signers": _one_or_many({
                        "description": "An email address: a trailer counts by its email alone.",
                        "type": "string", "pattern": "^[^\\s@<>]+@[^\\s@<>]+$",
                    }),
                    "require_signed_commit": {
                        "description": "true: signed by a key in allowed_signers (read at the base);"
                                       " github: GitHub verified the signature of a github_reviewers user.",
                        "anyOf": [{"type": "boolean"}, {"const": "github"}],
                    },
                    "allowed_signers": text,
                    "github_reviewers": {"$ref": "#/$defs/strings"},
                    "labels": {"$ref": "#/$defs/strings"},
                    "gitlab_approvers": {"$ref": "#/$defs/strings"},
                },
                "dependentRequired": {"trailer": ["signers"]},
                "allOf": [
                    {
                        "if": {"properties": {"require_signed_commit": {"const": True}},
                               "required": ["require_signed_commit"]},
                        "then": {"required": ["allowed_signers"]},
                    },
                    {
                        "if": {"properties": {"require_signed_commit": {"const": "github"}},
                               "required": ["require_signed_commit"]},
                        "then": {"required": ["github_reviewers"]},
                    },
                ],
            },
            "rule": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "level"],
                "anyOf": [{"required": ["paths"]}, {"required": ["when"]}],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    "level": text,
                    "when": {"$ref": "#/$defs/when"},
                    "paths": {"$ref": "#/$defs/patterns"},
                    "exclude": {"$ref": "#/$defs/patterns"},
                    "reason": text,
                },
            },
            "when": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type"],
                "properties": {
                    "type": _one_or_many({"enum": when_types}),
                    "kind": _one_or_many({"enum": _kinds(when_types)}),
                    "subject": {"$ref": "#/$defs/strings"},
                    "scope": _one_or_many({"enum": list(SCOPES)}),
                    "ecosystem": _one_or_many({"enum": list(ECOSYSTEMS)}),
                    "vendor": {
                        "description": "true: the package is a client of a hosted or paid service; false: it is not.",
                        "type": "boolean",
                    },
                },
                "allOf": [*_kind_by_type(when_types, "type"), _dependency_only(["scope", "ecosystem", "vendor"])],
            },
            "test": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "expect"],
                "properties": {
                    "path": text,
                    "old_path": text,
                    "expect": text,
                    "finding": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["type"],
                        "properties": {
                            "type": {"enum": finding_types},
                            "kind": {"enum": _kinds(finding_types)},
                            "subject": text,
                            "ecosystem": text,
                            "scope": {"enum": list(SCOPES)},
                            "vendor": {"enum": list(CATEGORIES)},
                        },
                        "allOf": _kind_by_type(finding_types, "type"),
                    },
                },
            },
        },
    }


def dumps(schema: Schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str]) -> int:
    text = dumps(build())
    if list(argv) == ["--write"]:
        SCHEMA_FILE.parent.mkdir(exist_ok=True)
        SCHEMA_FILE.write_text(text, "utf-8")
        print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
    elif argv:
        print("usage: python -m ownership_gate.policy.schema [--write]", file=sys.stderr)
        return 2
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
