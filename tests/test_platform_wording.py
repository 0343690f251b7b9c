"""Sign-off instructions name what works where the check runs: GitHub reviews there, GitLab approvals here."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo
from tests.github_events import REPO, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import TF

POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
    owners: ["@acme-cto"]
    signoff:
      trailer: CTO-Approved-by
      signers: ["cto@acme.example"]
      github_reviewers: ["acme-cto"]
      gitlab_approvers: ["cto-user"]
      labels: ["cto-approved"]
rules:
  - {id: cloud-setup, level: cto, paths: ["terraform/"]}
"""


def _change(repo: Repo) -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "Policy")
    return base, repo.commit({"terraform/main.tf": TF}, "Queue")


@pytest.mark.parametrize("format", ["text", "markdown"])
def test_a_gitlab_pipeline_asks_for_a_merge_request_approval(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], format: str
) -> None:
    base, head = _change(repo)
    for key, value in {"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head,
                       "CI_MERGE_REQUEST_IID": "12", "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_LABELS": ""}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CI_API_V4_URL", raising=False)
    # Approvals are not read (no API here) in advisory mode: the instructions are what matters.
    assert main(["check", "--advisory", "--format", format]) == 0
    out = capsys.readouterr().out
    instructions = out.split("To sign off" if format == "text" else "### How to sign off", 1)[1]
    instructions = instructions.split("note:" if format == "text" else "Notes:", 1)[0]  # what did not count
    assert "pull request" not in instructions and "pull-request" not in instructions
    assert "review" not in instructions
    if format == "text":
        assert "- an approval of the merge request by cto-user" in instructions
        assert "- the merge-request label 'cto-approved'" in instructions
    else:
        assert "- **Approval** of the merge request by `cto-user` (a group means any member)" in instructions
        assert "- **Label** `cto-approved` on the merge request" in instructions


def test_a_github_run_asks_for_a_pull_request_review(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base, head = _change(repo)
    with GitHubStub() as api:
        api.reviews[(REPO, 7)] = []
        monkeypatch.setenv("GITHUB_API_URL", api.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_x")
        enter_actions(monkeypatch, tmp_path, "pull_request", pull_request_event(7, base, head))
        assert main(["check"]) == 1
    instructions = capsys.readouterr().out.split("To sign off", 1)[1]
    assert "- an approving pull-request review by acme-cto" in instructions
    assert "- the pull-request label 'cto-approved'" in instructions
    assert "merge request" not in instructions


def test_outside_ci_every_way_is_listed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base, _ = _change(repo)
    assert main(["check", "--base", base]) == 1
    instructions = capsys.readouterr().out.split("To sign off", 1)[1]
    assert "- an approving pull-request review by acme-cto" in instructions
    assert "- an approval of the merge request by cto-user" in instructions
