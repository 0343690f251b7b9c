"""The JSON Schemas shipped in the package describe what the commands really print."""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from ruamel.yaml import YAML

from ownership_gate.cli import main
from ownership_gate.commands import explain
from ownership_gate.output import json_
from ownership_gate.output import report as report_render
from ownership_gate.output.links import schema_id
from ownership_gate.policy.schema import build
from tests.conftest import Repo
from tests.signoff_support import commit_as

DOCUMENTS = {
    json_.SCHEMA: "check.schema.json",
    explain.SCHEMA: "explain.schema.json",
    report_render.SCHEMA: "report.schema.json",
}
POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@acme/eng"]}
  - name: cto
    owners: ["@acme-cto"]
    signoff: {trailer: CTO-Approved-by, signers: [cto@acme.example]}
rules:
  - {id: cloud, level: cto, paths: ["terraform/"], reason: Cloud setup is a one-way door.}
  - {id: vendors, level: cto, when: {type: dependency, kind: [added, major]}, exclude: ["**/tests/**"]}
  - {id: stripe, level: cto, paths: ["billing/"], when: {type: dependency, subject: ["stripe*"]}}
"""


def _schema(file_name: str) -> dict[str, Any]:
    text = (importlib.resources.files("ownership_gate") / "schema" / file_name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validate(document: dict[str, Any]) -> None:
    schema = _schema(DOCUMENTS[document["schema"]])
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(document)
    # Keys may be added within v1, so the schemas accept unknown keys: the check
    # that they describe every key the command prints is this one.
    assert _undescribed(document, schema, schema, "") == []


def _undescribed(value: object, schema: dict[str, Any], root: dict[str, Any], where: str) -> list[str]:
    """The keys in `value` that `schema` (with its $refs and allOf) has no words for."""
    properties: dict[str, Any] = {}
    others: dict[str, Any] | None = None
    items: dict[str, Any] | None = None
    pending = [schema]
    while pending:
        part = pending.pop()
        if "$ref" in part:
            pending.append(root["$defs"][part["$ref"].removeprefix("#/$defs/")])
        pending.extend(part.get("allOf", []))
        properties |= part.get("properties", {})
        others = part["additionalProperties"] if isinstance(part.get("additionalProperties"), dict) else others
        items = part.get("items", items)
    missing: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            described = properties.get(key, others)
            if described is None:
                missing.append(f"{where}/{key}")
            else:
                missing += _undescribed(inner, described, root, f"{where}/{key}")
    elif isinstance(value, list) and items is not None:
        for index, inner in enumerate(value):
            missing += _undescribed(inner, items, root, f"{where}/{index}")
    return missing


@pytest.mark.parametrize("file_name", ["policy.schema.json", *DOCUMENTS.values()])
def test_each_shipped_schema_is_valid_and_has_its_id(file_name: str) -> None:
    schema = _schema(file_name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id(file_name)
    assert schema["$id"].endswith(f"/src/ownership_gate/schema/{file_name}")


@pytest.mark.parametrize(("name", "file_name"), DOCUMENTS.items())
def test_each_document_schema_names_its_document(name: str, file_name: str) -> None:
    assert _schema(file_name)["properties"]["schema"] == {"const": name}


def _pull_request(repo: Repo) -> str:
    base = repo.commit({
        ".ownership-gate.yaml": POLICY, "requirements.txt": "django==4.2.1\n", "old.py": "x = 1\n",
        "docs/a.md": "a\n",
    }, "base")
    repo.commit({
        "requirements.txt": "django==5.0\nstripe==7.0.0\n",
        "terraform/main.tf": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n}\n',
        "old.py": None, "new.py": "y = 2\n",
        "migrations/0002_drop.sql": "ALTER TABLE users DROP COLUMN email;\n",
    }, "pull request")
    repo.git("mv", "docs/a.md", "docs/b.md")
    commit_as(repo, "sign-off\n\nCTO-Approved-by: Cee Tee <cto@acme.example>")  # the signer's own commit
    return base


def test_check_json_validates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _pull_request(repo)
    assert main(["check", "--base", base, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["signoff"]["evidence"], "the document carries evidence to validate"
    assert {c["status"] for c in document["changes"]} >= {"added", "modified", "deleted", "renamed"}
    _validate(document)


def test_check_json_of_the_index_validates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.stage({"terraform/main.tf": "x\n"})  # an unborn branch: base and head are both null
    assert main(["check", "--staged", "--advisory", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["base"] is None and document["head"] is None
    _validate(document)


def test_a_large_check_document_written_compact_validates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "x\n"})
    repo.commit({f"src/m{i:04}.py": "x\n" for i in range(json_.PRETTY_LIMIT + 5)} | {"terraform/a.tf": "x\n"})
    assert main(["check", "--base", base, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert len(document["changes"]) == json_.PRETTY_LIMIT + 6
    _validate(document)


def test_a_wrong_document_is_rejected() -> None:
    # Proof the schema has teeth: an unknown change status is not check/v1.
    document = {
        "schema": json_.SCHEMA, "base": None, "head": None, "policy": {"source": "builtin:startup"},
        "required_level": "engineer", "needs_signoff": False, "signoff": {"satisfied": True, "evidence": [], "notes": []},
        "changes": [{"path": "a", "old_path": None, "status": "moved", "level": "engineer", "findings": []}],
        "summary": {"files": 1, "by_level": {"engineer": 1}},
    }
    with pytest.raises(ValidationError, match="moved"):
        _validate(document)


def test_explain_json_validates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _pull_request(repo)
    paths = ["terraform/main.tf", "billing/requirements.txt", "app/tests/requirements.txt", ".ownership-gate.yaml"]
    assert main(["explain", "--format", "json", *paths]) == 0
    document = json.loads(capsys.readouterr().out)
    assert any(m["when"]["subject"] for p in document["paths"] for m in p["change_rules"])
    assert any(m["excluded_by"] for p in document["paths"] for m in p["change_rules"])
    _validate(document)


def test_report_json_validates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _pull_request(repo)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/b.tf": "x\n"}, "more cloud")
    commit_as(repo, "sign-off\n\nCTO-Approved-by: Cee Tee <cto@acme.example>")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    assert main(["report", "--format", "json", "--branch", "main", "--since", "1 year ago"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert any(d["merge"] for d in document["decisions"])
    assert any(d["signoff"]["evidence"] for d in document["decisions"])
    _validate(document)


def test_init_points_editors_at_a_copy_of_the_schema(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    policy_text = (repo.root / ".ownership-gate.yaml").read_text("utf-8")
    assert policy_text.splitlines()[0] == "# yaml-language-server: $schema=./.ownership-gate.schema.json"
    copy = json.loads((repo.root / ".ownership-gate.schema.json").read_text("utf-8"))
    assert copy == build() == _schema("policy.schema.json")
    # The policy init wrote is one the schema accepts, and validate agrees.
    Draft202012Validator(copy).validate(YAML(typ="safe", pure=True).load(policy_text))
    assert main(["validate"]) == 0


def test_the_readme_recipe_validates_a_real_document(repo: Repo, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    recipe = readme.split("python - ownership.json <<'PY'\n", 1)[1].split("\nPY\n", 1)[0]
    base = _pull_request(repo)
    out = tmp_path / "ownership.json"
    assert main(["check", "--base", base, "--format", "json", "--output", str(out)]) == 0
    proc = subprocess.run([sys.executable, "-", str(out)], input=recipe, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{out}: valid ownership-gate/check/v1\n"
    out.write_text(out.read_text("utf-8").replace('"status": "added"', '"status": "moved"'), "utf-8")
    broken = subprocess.run([sys.executable, "-", str(out)], input=recipe, capture_output=True, text=True, check=False)
    assert broken.returncode != 0 and "ValidationError" in broken.stderr


def test_the_finding_types_are_the_registry() -> None:
    from ownership_gate.classifiers import REGISTRY

    for name in ("check", "report"):
        schema = _schema(f"{name}.schema.json")
        assert schema["$defs"]["finding"]["properties"]["type"]["enum"] == list(REGISTRY), name
