"""`--format gitlab-codequality`: GitLab's Code Quality report of the findings that need sign-off."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo
from tests.signoff_support import CTO, commit_as, trailer_message

POLICY = f"""\
version: 1
levels:
  - name: engineer
  - name: cto
    signoff: {{trailer: CTO-Approved-by, signers: ["{CTO}"]}}
rules:
  - {{id: new-vendor, level: cto, when: {{type: dependency, kind: [added]}}, reason: New vendors change cost.}}
  - {{id: cloud, level: cto, paths: ["terraform/"]}}
"""
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _issues(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["check", "--format", "gitlab-codequality", *argv])
    issues: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    for issue in issues:  # the fields GitLab's Code Quality report format requires
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in SEVERITIES
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab shows one issue per fingerprint
    return code, issues


def _change(repo: Repo) -> str:
    base = repo.commit({".ownership-gate.yaml": POLICY, "requirements.txt": "django==4.2\n"}, "base")
    repo.commit({"requirements.txt": "django==4.2\nstripe==7.0\n", "terraform/main tf.tf": "x\n",
                 "docs/a.md": "a\n"}, "change")
    return base


def test_one_issue_per_finding_that_needs_sign_off(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _change(repo)
    code, issues = _issues(capsys, "--base", base)
    assert code == 1
    by_check = {i["check_name"]: i for i in issues}
    assert set(by_check) == {"ownership-gate/new-vendor", "ownership-gate/cloud"}
    vendor = by_check["ownership-gate/new-vendor"]
    assert vendor["location"] == {"path": "requirements.txt", "lines": {"begin": 2}}
    assert vendor["severity"] == "major"
    assert vendor["description"] == (
        "Needs cto sign-off (rule new-vendor): dependency/added stripe (line 2): new dependency stripe."
        " New vendors change cost."
    )
    assert by_check["ownership-gate/cloud"]["location"] == {"path": "terraform/main tf.tf", "lines": {"begin": 1}}


def test_fingerprints_survive_a_moved_line(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _change(repo)
    _, before = _issues(capsys, "--base", base)
    repo.commit({"requirements.txt": "# pinned\ndjango==4.2\nstripe==7.0\n"}, "comment")
    _, after = _issues(capsys, "--base", base)
    assert {i["fingerprint"] for i in before} == {i["fingerprint"] for i in after}
    assert [i["location"]["lines"]["begin"] for i in after if "vendor" in i["check_name"]] == [3]


def test_severity_follows_the_verdict(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _change(repo)
    assert {i["severity"] for i in _issues(capsys, "--base", base, "--advisory")[1]} == {"minor"}
    commit_as(repo, trailer_message("sign-off", CTO))  # the signer's own commit
    code, issues = _issues(capsys, "--base", base)
    assert code == 0 and {i["severity"] for i in issues} == {"info"}


def test_a_routine_change_is_an_empty_report(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "base")
    repo.commit({"docs/a.md": "a\n"}, "docs")
    assert _issues(capsys, "--base", base) == (0, [])
