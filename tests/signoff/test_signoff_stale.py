"""Staleness: a sign-off at S covers the work up to S, and no more."""

from __future__ import annotations

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo, run_json
from tests.signoff_support import CTO, POLICY, TF, THREE_LEVELS, commit_as, trailer_message

LEAD = "lead@acme.example"


def _signed_off_pull_request(repo: Repo, policy: str = POLICY) -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": policy, "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Add the queue")
    signoff = commit_as(repo, trailer_message("CTO sign-off", f"Cee <{CTO}>"), CTO)
    return base, signoff


def test_routine_work_after_the_sign_off_keeps_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base, signoff = _signed_off_pull_request(repo)
    repo.commit({"app/queue.py": "QUEUE = 'managed'\n"}, "Use the queue")
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 0
    assert doc["signoff"]["evidence"][0] == {
        "level": "cto", "source": "trailer", "by": CTO, "commit": signoff, "verified": False,
        "verified_by": None, "stale": False,
    }


def test_more_cto_work_after_the_sign_off_makes_it_stale(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base, signoff = _signed_off_pull_request(repo)
    repo.commit({"terraform/db.tf": 'resource "null_resource" "db" {}\n'}, "And a database")
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 1
    assert doc["signoff"]["satisfied"] is False
    assert [(e["commit"], e["stale"]) for e in doc["signoff"]["evidence"]] == [(signoff, True)]
    assert main(["check", "--base", base, "--policy-from-base"]) == 1
    out = capsys.readouterr().out
    assert f"sign-off by {CTO} at {signoff[:12]} is stale: later changes need cto sign-off again" in out
    assert "terraform/db.tf" in out


def test_a_stale_note_quotes_the_paths_it_names(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base, _ = _signed_off_pull_request(repo)
    repo.commit({"terraform/db\nOK  Routine change.tf": 'resource "null_resource" "db" {}\n'}, "And a database")
    assert main(["check", "--base", base, "--policy-from-base"]) == 1
    out = capsys.readouterr().out
    assert '("terraform/db\\nOK  Routine change.tf")' in out
    assert not any(line.startswith("OK") for line in out.splitlines())


def test_changing_a_signed_off_file_again_makes_it_stale(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = _signed_off_pull_request(repo)
    repo.commit({"terraform/main.tf": TF + 'resource "null_resource" "more" {}\n'}, "Tweak")
    code, _ = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 1


def test_a_fresh_sign_off_after_the_new_work_counts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base, _ = _signed_off_pull_request(repo)
    repo.commit({"terraform/db.tf": 'resource "null_resource" "db" {}\n'}, "And a database")
    fresh = commit_as(repo, trailer_message("CTO sign-off again", CTO), CTO)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 0
    assert [(e["commit"] == fresh, e["stale"]) for e in doc["signoff"]["evidence"]] == [
        (True, False), (False, True)
    ]


def test_merging_the_base_branch_after_the_sign_off_does_not_make_it_stale(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _, signoff = _signed_off_pull_request(repo)
    # Meanwhile main gets its own (separately approved) cloud change, and the
    # pull request merges main in.
    repo.git("checkout", "-q", "main")
    main_tip = repo.commit({"terraform/cdn.tf": 'resource "null_resource" "cdn" {}\n'}, "CDN")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    code, doc = run_json(capsys, "--base", main_tip, "--policy-from-base")
    assert code == 0
    assert sorted(c["path"] for c in doc["changes"]) == ["terraform/main.tf"]
    assert doc["signoff"]["evidence"][0]["stale"] is False
    assert doc["signoff"]["evidence"][0]["commit"] == signoff


def test_editing_the_policy_after_the_sign_off_makes_it_stale(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = _signed_off_pull_request(repo)
    repo.commit({".ownership-gate.yaml": POLICY.replace('paths: ["terraform/"]', 'paths: ["tf/"]')}, "Tidy")
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 1
    assert doc["signoff"]["evidence"][0]["stale"] is True


def test_a_higher_level_covers_a_lower_one(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": THREE_LEVELS}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"api/v2.py": "ROUTES = []\n"}, "New API surface")
    commit_as(repo, trailer_message("sign-off", CTO), CTO)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert (code, doc["required_level"]) == (0, "lead")
    assert doc["signoff"]["evidence"][0]["level"] == "cto"


def test_a_lower_level_does_not_cover_a_higher_one(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": THREE_LEVELS}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Queue")
    commit_as(repo, trailer_message("sign-off", LEAD, key="Lead-Approved-by"), LEAD)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert (code, doc["required_level"]) == (1, "cto")
    assert doc["signoff"]["evidence"][0]["level"] == "lead"


def test_lower_level_work_after_a_higher_sign_off_needs_its_own_sign_off(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": THREE_LEVELS}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Queue")
    commit_as(repo, trailer_message("sign-off", CTO), CTO)
    repo.commit({"api/v2.py": "ROUTES = []\n"}, "New API surface")
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    # The CTO's sign-off still stands for the cloud change, but nobody has
    # looked at the API change that came after it.
    assert code == 1
    assert doc["signoff"]["evidence"][0]["stale"] is False
    assert main(["check", "--base", base, "--policy-from-base"]) == 1
    assert "no lead sign-off covers the lead-level changes made after the last one" in capsys.readouterr().out
    commit_as(repo, trailer_message("sign-off", LEAD, key="Lead-Approved-by"), LEAD)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 0
