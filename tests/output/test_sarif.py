"""`--format sarif` validates against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ownership_gate.cli import main
from tests.conftest import Repo
from tests.signoff_support import CTO, commit_as, trailer_message

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))

POLICY = f"""\
version: 1
levels:
  - name: engineer
  - name: cto
    signoff:
      trailer: CTO-Approved-by
      signers: ["{CTO}"]
default_level: engineer
rules:
  - id: new-vendor
    level: cto
    when: {{type: dependency, kind: [added, removed, major]}}
    reason: New vendors change cost and risk.
  - id: cloud-setup
    level: cto
    paths: ["terraform/"]
    reason: Cloud setup is a one-way door.
  - id: docs
    level: engineer
    paths: ["docs/"]
"""


def _sarif(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--format", "sarif", *argv])
    document = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    return code, document


def _pull_request(repo: Repo) -> str:
    base = repo.commit({".ownership-gate.yaml": POLICY, "requirements.txt": "django==4.2.1\n"}, "base")
    repo.commit({
        "requirements.txt": "django==4.2.2\nstripe==7.0.0\n",
        "terraform/main stack.tf": 'resource "null_resource" "q" {}\n',
        "docs/queue.md": "# Queue\n",
    }, "queue")
    return base


def test_the_schema_copy_is_the_official_one() -> None:
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_an_invalid_document_is_rejected_by_the_schema() -> None:
    # Proof that validation has teeth: a result without a message is not SARIF.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(bad)


def test_one_rule_per_policy_rule_and_one_result_per_finding_that_needs_sign_off(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _pull_request(repo)
    code, sarif = _sarif(capsys, "--base", base, "--policy-from-base")
    assert code == 1
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["new-vendor", "cloud-setup", "docs", "policy-file", "classifier-error"]
    assert rules[0]["fullDescription"]["text"] == "New vendors change cost and risk."
    assert [r["defaultConfiguration"]["level"] for r in rules] == ["error", "error", "none", "error", "error"]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r
               for r in run["results"]}
    assert sorted(results) == [("cloud-setup", "terraform/main%20stack.tf"), ("new-vendor", "requirements.txt")]
    vendor = results[("new-vendor", "requirements.txt")]
    assert vendor["level"] == "error"
    assert vendor["ruleIndex"] == 0
    assert vendor["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert vendor["message"]["text"] == "New dependency stripe (dependency/added, line 2). Needs cto sign-off under rule new-vendor."
    # A finding without a line still has a region: code scanning drops results without one.
    cloud = results[("cloud-setup", "terraform/main%20stack.tf")]
    assert cloud["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert cloud["message"]["text"] == "Path matches 'terraform/' (path). Needs cto sign-off under rule cloud-setup."
    assert run["properties"]["requiredLevel"] == "cto"
    assert run["properties"]["satisfied"] is False


def test_results_become_notes_once_signed_off(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _pull_request(repo)
    commit_as(repo, trailer_message("sign-off", CTO), CTO)
    code, sarif = _sarif(capsys, "--base", base, "--policy-from-base")
    assert code == 0
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"note"}
    assert sarif["runs"][0]["properties"]["evidence"][0]["by"] == CTO


def test_advisory_results_are_warnings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _pull_request(repo)
    code, sarif = _sarif(capsys, "--base", base, "--policy-from-base", "--advisory")
    assert code == 0
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"warning"}


def test_a_routine_change_has_no_results(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "base")
    repo.commit({"docs/queue.md": "# Queue\n"}, "docs")
    code, sarif = _sarif(capsys, "--base", base)
    assert code == 0
    assert sarif["runs"][0]["results"] == []


def _readme_anchors() -> set[str]:
    """GitHub's heading anchors: lower-cased, punctuation dropped, spaces to hyphens."""
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    anchors = set()
    for line in readme.splitlines():
        if line.startswith("#") and " " in line:
            title = line.lstrip("#").strip().lower()
            anchors.add("".join(c for c in title if c.isalnum() or c in " -_").replace(" ", "-"))
    return anchors


def test_every_result_has_a_region_a_sentence_and_a_rule_with_a_readme_link(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _pull_request(repo)
    repo.commit({".ownership-gate.yaml": POLICY + "# edited\n"}, "policy edit")
    _, sarif = _sarif(capsys, "--base", base)
    run = sarif["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {"new-vendor", "cloud-setup", "policy-file"}
    for result in run["results"]:
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        text = result["message"]["text"]
        assert text[0].isupper() and text.endswith("."), text
    anchors = _readme_anchors()
    links = {rule["id"]: rule["helpUri"] for rule in run["tool"]["driver"]["rules"]}
    for link in links.values():
        page, anchor = link.split("#")
        assert page.endswith("/README.md") and anchor in anchors, link
    assert links["new-vendor"].endswith("#dependencies-a-new-vendor-is-not-a-routine-bump")
    assert links["cloud-setup"].endswith("#the-policy-file")
    assert links["policy-file"].endswith("#the-policy-file")
