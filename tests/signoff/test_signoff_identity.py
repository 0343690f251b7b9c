"""A trailer counts only on a commit its signer wrote (author and committer, by email), and says how little that proves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo, run_json
from tests.github_events import REPO, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import CTO, POLICY, TF, commit_as, trailer_message

DEV = "eng@example.com"  # who tests/conftest.py commits as
PR = 7


def _feature(repo: Repo, policy: str | None = POLICY) -> str:
    files = {"README.md": "hi\n"} | ({".ownership-gate.yaml": policy} if policy else {})
    base = repo.commit(files, "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Add the queue")
    return base


def _developer_signs_off_for(repo: Repo, email: str) -> str:
    """What the developer types: their own commit, with the CTO's name in a trailer."""
    repo.git("commit", "-q", "--allow-empty", "-m", "x", "-m", f"CTO-Approved-by: Cee Tee <{email}>")
    return repo.git("rev-parse", "HEAD")


def test_a_trailer_on_the_developers_own_commit_does_not_count(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _feature(repo)
    sha = _developer_signs_off_for(repo, CTO)
    assert main(["check", "--base", "main"]) == 1
    out = capsys.readouterr().out
    assert "FAIL Needs cto sign-off (@acme-cto): missing." in out
    why = (f"on {sha[:12]} does not count: it names {CTO}, but the commit was written by {DEV};"
           " a trailer counts only on a commit whose author and committer are the signer it names")
    assert why in out
    code, doc = run_json(capsys, "--base", "main")
    assert (code, doc["signoff"]["satisfied"], doc["signoff"]["evidence"]) == (1, False, [])
    assert any(why in note for note in doc["signoff"]["notes"])


def test_the_built_in_policy_is_not_fooled_either(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _feature(repo, policy=None)
    _developer_signs_off_for(repo, "cto@example.com")
    code, doc = run_json(capsys, "--base", "main")
    assert doc["policy"] == {"source": "builtin:startup"}
    assert (code, doc["signoff"]["evidence"]) == (1, [])


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        stub.reviews[(REPO, PR)] = []
        stub.team("acme", "cto")
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_token")
        yield stub


def test_nor_is_a_github_actions_pull_request_run(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _feature(repo)
    head = _developer_signs_off_for(repo, CTO)
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    assert main(["check", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert f"it names {CTO}, but the commit was written by {DEV}" in out
    assert "::error title=ownership-gate::" in out
    assert f"it names {CTO}, but the commit was written by {DEV}" in run.summary.read_text("utf-8")
    code, doc = run_json(capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])


@pytest.mark.parametrize("author", [CTO, "mallory@evil.example"])
def test_a_value_with_an_email_is_that_email_whatever_its_name_says(
    repo: Repo, capsys: pytest.CaptureFixture[str], author: str
) -> None:
    _feature(repo)
    sha = commit_as(repo, trailer_message("sign-off", f"{CTO} <mallory@evil.example>"), author)
    code, doc = run_json(capsys, "--base", "main")
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert (f"trailer `CTO-Approved-by: {CTO} <mallory@evil.example>` on {sha[:12]} does not count:"
            " mallory@evil.example is not one of the signers") in doc["signoff"]["notes"]


def test_a_value_without_an_email_names_nobody(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _feature(repo)
    commit_as(repo, trailer_message("sign-off", "Cee Tee"), CTO)
    code, doc = run_json(capsys, "--base", "main")
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert any("it names no email address" in note for note in doc["signoff"]["notes"])


def test_the_signers_own_commit_counts_and_the_report_says_how_little_that_proves(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _feature(repo)
    sha = commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO)
    code, doc = run_json(capsys, "--base", "main")
    assert code == 0
    assert doc["signoff"]["evidence"] == [{"level": "cto", "source": "trailer", "by": CTO, "commit": sha,
                                           "verified": False, "verified_by": None, "stale": False}]
    warning = (f"the cto sign-off rests on an unsigned commit trailer ({CTO} at {sha[:12]}): anyone can write"
               " a commit with that author email; require a signed commit or a review for enforcement")
    assert doc["signoff"]["notes"] == [warning]
    assert main(["check", "--base", "main"]) == 0
    out = capsys.readouterr().out
    assert f"OK  Needs cto sign-off: given by {CTO}." in out
    assert f"    note: {warning}" in out
    assert main(["check", "--base", "main", "--format", "markdown"]) == 0
    assert f"- {warning}" in capsys.readouterr().out


def test_emails_compare_case_insensitively(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _feature(repo)
    commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO.upper())
    code, _ = run_json(capsys, "--base", "main")
    assert code == 0


def test_a_commit_someone_else_committed_does_not_count(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The CTO's commit, cherry-picked or rebased by the developer: the
    # committer is the developer now, and nothing shows the CTO saw the result.
    _feature(repo)
    commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO, committer=DEV)
    code, doc = run_json(capsys, "--base", "main")
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert any(f"written by {CTO} (author) and {DEV} (committer)" in note for note in doc["signoff"]["notes"])


def test_a_mailmap_in_the_pull_request_does_not_rename_the_developer(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _feature(repo)
    repo.git("config", "log.mailmap", "true")
    repo.commit({".mailmap": f"Cee Tee <{CTO}> <{DEV}>\n"}, "Tidy author names")
    _developer_signs_off_for(repo, CTO)
    assert repo.git("log", "-1", "--use-mailmap", "--format=%aE") == CTO  # git itself would map it
    code, doc = run_json(capsys, "--base", "main")
    assert (code, doc["signoff"]["evidence"]) == (1, [])


def test_a_signer_is_an_email_address(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": POLICY.replace(f'"{CTO}"', '"Cee Tee"')}, "Policy")
    assert main(["check", "--base", "main"]) == 2
    err = capsys.readouterr().err
    assert ("levels[1].signoff.signers[0]: expected an email address, got 'Cee Tee':"
            " a trailer counts by its email alone") in err


def test_json_signoff_keys(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _feature(repo)
    code, doc = run_json(capsys, "--base", "main")
    assert code == 1
    assert doc["signoff"] == {"satisfied": False, "evidence": [], "notes": [
        "pull-request approvals are read only in a GitHub Actions pull-request run"]}
