"""`security` findings: the GitHub Settings app's `.github/settings.yml`, read by what it governs."""

from __future__ import annotations

import pytest

from tests.conftest import Repo, findings, kinds_and_subjects, run_json

METADATA = """\
repository:
  name: terraform-aws-rds
  description: Terraform module to provision AWS RDS instances
  homepage: https://example.com
  topics: terraform, rds
"""
# What the app adds once the file takes the organisation's settings: its branch protection and teams.
EXTENDED = "# Upstream changes from _extends are only recognized on the default branch.\n_extends: .github\n" + METADATA
PROTECTED = METADATA + """\
branches:
  - name: main
    protection:
      required_pull_request_reviews:
        required_approving_review_count: 1
teams:
  - name: engineering
    permission: push
labels:
  - name: bug
    color: d73a4a
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    (None, EXTENDED, [("access", ".github/settings.yml: _extends")]),
    (None, METADATA, []),  # only describes the repository
    (EXTENDED, EXTENDED + "\n", []),  # a blank line
    (EXTENDED, EXTENDED.replace("topics: terraform, rds", "topics: terraform, rds, aws"), []),
    (PROTECTED, PROTECTED.replace("count: 1", "count: 0"), [("access", ".github/settings.yml: branches")]),
    (PROTECTED, PROTECTED.replace("permission: push", "permission: admin"), [("access", ".github/settings.yml: teams")]),
    (PROTECTED, PROTECTED.replace("color: d73a4a", "color: ff0000"), []),  # a label's colour
    (PROTECTED, METADATA, [("access", ".github/settings.yml: branches"), ("access", ".github/settings.yml: teams")]),
    (METADATA, METADATA + "  private: false\n", [("access", ".github/settings.yml: repository")]),
])
def test_what_the_settings_file_governs(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str | None, after: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"README.md": "# module\n", **({".github/settings.yml": before} if before else {})})
    repo.commit({".github/settings.yml": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == found
    assert code == (1 if found else 0)


def test_a_settings_file_that_no_longer_reads_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".github/settings.yml": PROTECTED})
    repo.commit({".github/settings.yml": PROTECTED.replace("teams:", "teams: [")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", ".github/settings.yml")]
    assert "no longer reads" in findings(doc, "security")[0]["detail"]
    assert code == 1


def test_a_settings_file_elsewhere_is_not_the_apps(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "# app\n"})
    repo.commit({"config/settings.yml": EXTENDED, ".github/workflows/settings.yml": "name: x\non: push\njobs: {}\n"})
    _, doc = run_json(capsys, "--base", base)
    assert [s for _, s in kinds_and_subjects(doc, "security") if "settings.yml" in s] == []
