"""The shipped JSON Schema of the policy file: in step with the registry and the parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from ownership_gate.classifiers import REGISTRY
from ownership_gate.errors import PolicyError
from ownership_gate.policy.load import parse
from ownership_gate.policy.schema import SCHEMA_FILE, build

ROOT = Path(__file__).resolve().parents[2]


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
    return loaded


def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_shipped_schema_is_the_generated_one() -> None:
    assert _schema() == build(), "regenerate it: python -m ownership_gate.policy.schema --write"


def test_types_and_kinds_match_the_registry() -> None:
    defs = _schema()["$defs"]
    when_types = [t for t in REGISTRY if t != "path"]
    assert defs["when"]["properties"]["type"]["anyOf"][0]["enum"] == when_types
    every_kind = {k for t in when_types for k in REGISTRY[t].KINDS}
    assert set(defs["when"]["properties"]["kind"]["anyOf"][0]["enum"]) == every_kind
    per_type = {
        rule["if"]["properties"]["type"]["const"]: rule["then"]["properties"]["kind"]
        for rule in defs["when"]["allOf"] if "properties" in rule["if"]
    }
    assert set(per_type) == set(when_types)
    for type_, allowed in per_type.items():
        kinds = REGISTRY[type_].KINDS
        assert (allowed["anyOf"][0]["enum"] if kinds else None) == (list(kinds) if kinds else None), type_
    assert defs["test"]["properties"]["finding"]["properties"]["type"]["enum"] == list(REGISTRY)
    classify = _schema()["properties"]["classify"]["properties"]
    assert {t: set(v["properties"]) for t, v in classify.items()} == {
        t: set(c.SETTINGS) for t, c in REGISTRY.items() if c.SETTINGS
    }


@pytest.mark.parametrize("policy_file", sorted((ROOT / "policies").glob("*.yaml")), ids=lambda p: p.name)
def test_every_builtin_policy_validates(policy_file: Path) -> None:
    document = YAML(typ="safe", pure=True).load(policy_file.read_text("utf-8"))
    errors = [e.message for e in _validator().iter_errors(document)]
    assert errors == []


BASE = """\
version: 1
levels:
  - name: engineer
    owners: ["@eng"]
  - name: cto
    owners: ["@cto", "cto@acme.example"]
    signoff: {trailer: CTO-Approved-by, signers: ["cto@acme.example"]}
rules:
"""

CASES = [
    ("ok-path-rule", "  - {id: a, level: cto, paths: [\"terraform/\"]}\n", True),
    ("ok-when-rule", "  - {id: a, level: cto, when: {type: dependency, kind: [added, major]}}\n", True),
    ("ok-single-kind", "  - {id: a, level: cto, when: {type: infra, kind: terraform}}\n", True),
    ("ok-two-types", "  - {id: a, level: cto, when: {type: [schema, cost], kind: [destructive, increase]}}\n", True),
    ("unknown-key", "  - {id: a, level: cto, pathz: [\"x/\"]}\n", False),
    ("no-paths-no-when", "  - {id: a, level: cto, reason: nothing}\n", False),
    ("kind-of-another-type", "  - {id: a, level: cto, when: {type: infra, kind: added}}\n", False),
    ("unknown-type", "  - {id: a, level: cto, when: {type: dependencies}}\n", False),
    ("path-type", "  - {id: a, level: cto, when: {type: path}}\n", False),
    ("bad-id", "  - {id: Not_OK, level: cto, paths: [\"x/\"]}\n", False),
    ("negated-pattern", "  - {id: a, level: cto, paths: [\"!x/\"]}\n", False),
    ("empty-paths", "  - {id: a, level: cto, paths: []}\n", False),
    ("boolean-reason", "  - {id: a, level: cto, paths: [\"x/\"], reason: true}\n", False),
    ("ok-scope", "  - {id: a, level: cto, when: {type: dependency, kind: major, scope: runtime}}\n", True),
    ("ok-scopes-ecosystems",
     "  - {id: a, level: cto, when: {type: dependency, scope: [dev, test], ecosystem: [npm, gem]}}\n", True),
    ("ok-scope-type-list", "  - {id: a, level: cto, when: {type: [dependency], scope: build}}\n", True),
    ("unknown-scope", "  - {id: a, level: cto, when: {type: dependency, scope: production}}\n", False),
    ("unknown-ecosystem", "  - {id: a, level: cto, when: {type: dependency, ecosystem: rubygems}}\n", False),
    ("scope-of-infra", "  - {id: a, level: cto, when: {type: infra, scope: runtime}}\n", False),
    ("ecosystem-of-two-types", "  - {id: a, level: cto, when: {type: [dependency, cost], ecosystem: npm}}\n", False),
    ("ok-vendor", "  - {id: a, level: cto, when: {type: dependency, kind: added, vendor: true}}\n", True),
    ("vendor-category", "  - {id: a, level: cto, when: {type: dependency, vendor: payments}}\n", False),
    ("vendor-of-infra", "  - {id: a, level: cto, when: {type: infra, vendor: false}}\n", False),
]


@pytest.mark.parametrize(("snippet", "valid"), [pytest.param(s, v, id=i) for i, s, v in CASES])
def test_schema_and_parser_agree(snippet: str, valid: bool) -> None:
    text = BASE + snippet
    try:
        parse(text, "policy.yaml")
        parsed = True
    except PolicyError:
        parsed = False
    document = YAML(typ="safe", pure=True).load(text)
    assert (parsed, _validator().is_valid(document)) == (valid, valid)


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({"version": 2}, False),
        ({"colour": "blue"}, False),
        ({"levels": []}, False),
        ({"levels": [{"name": "x", "owners": ["not an owner"]}]}, False),
        ({"levels": [{"name": "x", "signoff": {"trailer": "CTO-Approved-by"}}]}, False),
        ({"levels": [{"name": "x", "signoff": {"require_signed_commit": True}}]}, False),
        ({"classify": {"dependency": {"manifests": ["tools/*.txt"], "zero_major": True}}}, True),
        ({"classify": {"dependency": {"zero_major": "yes"}}}, False),
        ({"tests": [{"path": "a", "expect": "cto", "finding": {"type": "dependency", "kind": "added"}}]}, True),
        ({"tests": [{"path": "a", "expect": "cto", "finding": {"type": "dependency", "kind": "terraform"}}]}, False),
    ],
)
def test_top_level_shapes(change: dict[str, Any], valid: bool) -> None:
    document = YAML(typ="safe", pure=True).load(BASE + "  - {id: a, level: engineer, paths: [x/]}\n")
    document.update(change)
    assert _validator().is_valid(document) is valid


def test_module_prints_the_schema_for_editors() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ownership_gate.policy.schema"], capture_output=True, text=True, check=True
    )
    assert json.loads(proc.stdout) == _schema()


def test_readme_shows_how_to_point_an_editor_at_it() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("<!-- section:ownership-tools -->", 1)[1].split("<!-- /section:ownership-tools -->", 1)[0]
    assert "# yaml-language-server: $schema=" in section
    assert "python -m ownership_gate.policy.schema" in section
