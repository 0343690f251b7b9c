"""GitLab merge-request pipelines: base and head from the predefined variables."""

from __future__ import annotations

import pytest

from ownership_gate.ci import detect as ci
from ownership_gate.cli import main
from tests.conftest import Repo, run_json
from tests.signoff_support import CTO, POLICY, TF, commit_as, trailer_message


def _merge_request(repo: Repo, monkeypatch: pytest.MonkeyPatch, labels: str = "") -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    # The merge request also tries to drop the rule that flags it.
    head = repo.commit({"terraform/main.tf": TF,
                        ".ownership-gate.yaml": POLICY.replace('paths: ["terraform/"]', 'paths: ["nowhere/"]')},
                       "Queue")
    for key, value in {
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": "12",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_COMMIT_SHA": head,
        "CI_PROJECT_PATH": "acme/app",
        "CI_MERGE_REQUEST_LABELS": labels,
    }.items():
        monkeypatch.setenv(key, value)
    repo.git("checkout", "-q", "main")
    return base, head


def test_a_merge_request_pipeline_judges_diff_base_to_commit_with_the_base_policy(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = _merge_request(repo, monkeypatch)
    code, doc = run_json(capsys)
    assert code == 1
    assert (doc["base"], doc["head"]) == (base, head)
    assert doc["policy"] == {"source": f".ownership-gate.yaml@{base}"}
    assert {c["path"]: c["level"] for c in doc["changes"]} == {"terraform/main.tf": "cto",
                                                                 ".ownership-gate.yaml": "cto"}


def test_a_trailer_signs_off_a_merge_request(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _merge_request(repo, monkeypatch)
    repo.git("checkout", "-q", "feature")
    head = commit_as(repo, trailer_message("sign-off", CTO), CTO)
    monkeypatch.setenv("CI_COMMIT_SHA", head)
    code, doc = run_json(capsys)
    assert code == 0
    assert doc["signoff"]["evidence"][0]["source"] == "trailer"


def test_merge_request_labels_count_when_the_policy_lists_them(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _merge_request(repo, monkeypatch, labels="backend,cto-approved")
    code, doc = run_json(capsys)
    assert code == 0
    assert doc["signoff"]["evidence"][0] == {"level": "cto", "source": "label", "by": "cto-approved",
                                             "commit": None, "verified": False, "verified_by": None,
                                             "stale": False}


def test_github_reviews_are_not_read_on_gitlab(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _merge_request(repo, monkeypatch)
    assert main(["check"]) == 1
    assert "pull-request approvals are read only in a GitHub Actions pull-request run" in capsys.readouterr().out


def test_branch_pipelines_are_not_merge_request_runs() -> None:
    assert ci.detect({"GITLAB_CI": "true", "CI_COMMIT_SHA": "a" * 40}) is None
    run = ci.detect({"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": "b" * 40,
                     "CI_COMMIT_SHA": "c" * 40, "CI_MERGE_REQUEST_IID": "3"})
    assert run is not None
    assert (run.provider, run.base, run.head, run.pr_number) == ("gitlab", "b" * 40, "c" * 40, 3)
