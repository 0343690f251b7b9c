"""`ownership-gate explain`: which rules own a path, and why."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo, levels_by_path, run_json

POLICY = """\
version: 1
levels:
  - name: engineer
    owners: ["@acme/eng"]
  - name: cto
    owners: ["@acme-cto"]
default_level: engineer
rules:
  - id: security
    level: cto
    paths: ["**/auth/**"]
    exclude: ["**/tests/**"]
    reason: Auth protects customer data.
  - id: vendors
    level: cto
    when: {type: dependency, kind: [added, major]}
    exclude: ["**/tests/**"]
    reason: New vendors change cost.
  - id: payments-sdk
    level: cto
    when: {type: dependency, kind: minor, subject: ["stripe*"]}
    reason: Payment SDK bumps are reviewed.
  - id: migrations
    level: cto
    when: {type: schema, kind: destructive}
    paths: ["db/"]
    reason: Dropping data is forever.
"""


def _explain(capsys: pytest.CaptureFixture[str], *paths: str) -> dict[str, Any]:
    assert main(["explain", "--format", "json", *paths]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


@pytest.mark.parametrize(
    ("path", "level", "deciding", "excluded_by"),
    [
        ("app/auth/login.py", "cto", "security", None),
        ("app/auth/tests/test_login.py", "engineer", None, "**/tests/**"),
        ("README.md", "engineer", None, None),
        (".ownership-gate.yaml", "cto", "policy-file", None),
    ],
)
def test_level_deciding_rule_and_excludes(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, level: str, deciding: str | None, excluded_by: str | None
) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "app/auth/login.py": "x\n", "app/auth/tests/test_login.py": "x\n"})
    document = _explain(capsys, path)
    assert document["schema"] == "ownership-gate/explain/v1"
    assert document["policy"] == {"source": ".ownership-gate.yaml"}
    [item] = document["paths"]
    assert (item["level"], item["deciding_rule"]) == (level, deciding)
    assert item["owners"] == (["@acme-cto"] if level == "cto" else ["@acme/eng"])
    security = [r for r in item["path_rules"] if r["rule"] == "security"]
    if "auth" in path:
        assert security[0]["pattern"] == "**/auth/**"
        assert security[0]["excluded_by"] == excluded_by
        assert security[0]["applies"] is (excluded_by is None)
    else:
        assert security == []


def test_rules_for_each_kind_of_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": POLICY})
    [item] = _explain(capsys, "package.json")["paths"]
    assert item["tracked"] is False
    by_kind = {(row["type"], row["kind"]): row for row in item["by_kind"]}
    assert by_kind["dependency", "added"]["level"] == "cto"
    assert by_kind["dependency", "added"]["rules"] == ["vendors"]
    assert by_kind["dependency", "patch"]["level"] == "engineer"
    assert by_kind["dependency", "minor"]["level"] == "engineer"
    assert by_kind["dependency", "minor"]["conditional"] == [
        {"rule": "payments-sdk", "level": "cto", "subject": ["stripe*"]}
    ]
    # `migrations` only holds under db/: not here, but there.
    assert by_kind["schema", "destructive"]["level"] == "engineer"
    assert "migrations" not in {r["rule"] for r in item["change_rules"]}
    [db] = _explain(capsys, "db/001_drop.sql")["paths"]
    assert {(row["type"], row["kind"]): row["level"] for row in db["by_kind"]}["schema", "destructive"] == "cto"
    assert [r["pattern"] for r in db["change_rules"] if r["rule"] == "migrations"] == ["db/"]


def test_text_output_says_why(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": POLICY})
    assert main(["explain", "app/auth/tests/x.py", "app/auth/x.py"]) == 0
    out = capsys.readouterr().out
    assert "app/auth/tests/x.py: engineer (@acme/eng)  (not a tracked file)" in out
    assert "security (cto): matches '**/auth/**', but excluded by '**/tests/**'" in out
    assert "no path rule matches it, so it has the default level 'engineer'" in out
    assert "app/auth/x.py: cto (@acme-cto)" in out
    assert "why: Auth protects customer data." in out
    assert "dependency added, major: cto (vendors)" in out
    assert "dependency minor of stripe*: cto (payments-sdk)" in out


def test_paths_are_relative_to_the_working_directory(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "app/auth/login.py": "x\n"})
    monkeypatch.chdir(repo.root / "app")
    [item] = _explain(capsys, "auth/login.py")["paths"]
    assert (item["path"], item["level"], item["tracked"]) == ("app/auth/login.py", "cto", True)


@pytest.mark.parametrize(("argument", "message"), [("../elsewhere.py", "outside the repository"), ("", "not a path")])
def test_bad_paths_exit_2(repo: Repo, capsys: pytest.CaptureFixture[str], argument: str, message: str) -> None:
    repo.commit({"app/x.py": "x\n"})
    assert main(["explain", argument]) == 2
    assert message in capsys.readouterr().err


def test_explain_agrees_with_check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    paths = ["app/auth/login.py", "app/auth/tests/t.py", "src/auth/deep/x.py", "docs/readme.md", "we ird/auth/ü.py"]
    base = repo.commit({".ownership-gate.yaml": POLICY})
    repo.commit({path: "x\n" for path in paths})
    _, document = run_json(capsys, "--base", base)
    explained = {item["path"]: item["level"] for item in _explain(capsys, *paths)["paths"]}
    assert explained == levels_by_path(document)


def test_scope_vendor_and_ecosystem_conditions_are_shown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({})
    assert main(["explain", "--format", "json", "--policy", "builtin:startup", "package.json"]) == 0
    [item] = json.loads(capsys.readouterr().out)["paths"]
    by_kind = {(row["type"], row["kind"]): row for row in item["by_kind"]}
    assert by_kind["dependency", "added"]["level"] == "engineer"  # unless it is a vendor
    assert by_kind["dependency", "added"]["conditional"] == [
        {"rule": "new-vendor", "level": "cto", "scope": ["runtime", "optional", "peer", "build"], "vendor": True}]
    assert [row["rule"] for row in by_kind["dependency", "major"]["conditional"]] == [
        "runtime-major", "datastore-upgrade", "migration-tool-major", "deploy-tool-major"]
    assert by_kind["dependency", "major"]["conditional"][0] == {"rule": "runtime-major", "level": "cto", "scope": ["runtime"]}
    assert by_kind["dependency", "minor"]["conditional"][0]["ecosystem"] == ["docker"]  # datastore-upgrade
    [vendor_rule] = [r for r in item["change_rules"] if r["rule"] == "new-vendor"]
    assert vendor_rule["when"] == {"type": ["dependency"], "kind": ["added", "removed"], "subject": None,
                                   "scope": ["runtime", "optional", "peer", "build"], "ecosystem": None, "vendor": True}
    assert main(["explain", "--policy", "builtin:startup", "package.json"]) == 0
    out = capsys.readouterr().out
    assert "dependency major in runtime scope: cto (runtime-major)" in out
    assert "dependency added of a vendor in runtime, optional, peer, build scope: cto (new-vendor)" in out
