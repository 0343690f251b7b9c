"""`check --comment` in a GitLab merge-request pipeline: one note, updated in place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ownership_gate.cli import main
from ownership_gate.output.comment import MARKER
from tests.conftest import Repo
from tests.gitlab_stub import PROJECT, GitLabStub, gl_user
from tests.signoff_support import POLICY, TF
from tests.test_gitlab_template import run_job

IID = 12


@pytest.fixture
def gitlab(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitLabStub]:
    with GitLabStub() as stub:
        monkeypatch.setenv("CI_API_V4_URL", stub.url)
        monkeypatch.setenv("OWNERSHIP_GATE_GITLAB_TOKEN", "glpat-note-writer")
        monkeypatch.delenv("CI_JOB_TOKEN", raising=False)
        yield stub


def _enter(monkeypatch: pytest.MonkeyPatch, base: str, head: str, labels: str = "") -> None:
    for key, value in {"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head,
                       "CI_MERGE_REQUEST_IID": str(IID), "CI_PROJECT_ID": PROJECT,
                       "CI_MERGE_REQUEST_LABELS": labels}.items():
        monkeypatch.setenv(key, value)


def _ours(gitlab: GitLabStub) -> list[dict[str, Any]]:
    return [n for n in gitlab.notes.get(IID, []) if n["body"].startswith(MARKER)]


def _merge_request(repo: Repo) -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    return base, repo.commit({"terraform/main.tf": TF}, "Add the queue")


def test_one_note_written_updated_and_deleted(
    repo: Repo, gitlab: GitLabStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = _merge_request(repo)
    _enter(monkeypatch, base, head)
    assert main(["check", "--comment"]) == 1
    (note,) = _ours(gitlab)
    assert "### ownership-gate: ❌ cto sign-off missing" in note["body"]
    # GitLab wording: a merge request, and no pull-request review that cannot work here.
    assert "the label `cto-approved` on this merge request" in note["body"]
    assert "pull request" not in note["body"]
    assert "wrote a note on the merge request" in capsys.readouterr().err

    head = repo.commit({"terraform/db.tf": TF}, "More")
    _enter(monkeypatch, base, head, labels="cto-approved")
    assert main(["check", "--comment"]) == 0
    (updated,) = _ours(gitlab)
    assert updated["id"] == note["id"] and "✅ cto sign-off given" in updated["body"]
    assert [m for m, _, _ in gitlab.requests if m != "GET"] == ["POST", "PUT"]

    head = repo.commit({"terraform/main.tf": None, "terraform/db.tf": None}, "Not yet")
    _enter(monkeypatch, base, head)
    assert main(["check", "--comment"]) == 0
    assert _ours(gitlab) == []
    assert [m for m, _, _ in gitlab.requests if m != "GET"] == ["POST", "PUT", "DELETE"]


def test_a_racing_copy_is_removed_and_others_notes_are_kept(
    repo: Repo, gitlab: GitLabStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = _merge_request(repo)
    first = gitlab.note(IID, MARKER + "\nold", gitlab.token_user, "2024-05-01T10:00:00.000Z")
    copy = gitlab.note(IID, MARKER + "\ncopy", gitlab.token_user, "2024-05-01T10:00:01.000Z")
    quoted = gitlab.note(IID, MARKER + "\nquoted", gl_user("eng-ineer", 8), "2024-05-01T10:00:02.000Z")
    _enter(monkeypatch, base, head)
    main(["check", "--comment"])
    ids = {n["id"]: n["body"] for n in gitlab.notes[IID]}
    assert copy["id"] not in ids and quoted["id"] in ids
    assert ids[first["id"]].startswith(MARKER + "\n### ownership-gate")


def test_a_token_that_cannot_write_only_gives_a_notice(
    repo: Repo, gitlab: GitLabStub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = _merge_request(repo)
    _enter(monkeypatch, base, head)
    monkeypatch.delenv("OWNERSHIP_GATE_GITLAB_TOKEN")
    monkeypatch.setenv("CI_JOB_TOKEN", "glcbt-job")
    assert main(["check", "--comment"]) == 1  # the verdict, unchanged
    err = capsys.readouterr().err
    assert "ownership-gate: note: no comment written: the job token (CI_JOB_TOKEN) may not access" in err
    monkeypatch.setenv("OWNERSHIP_GATE_GITLAB_TOKEN", "glpat-note-writer")
    gitlab.fail("/notes", 503, "503 Service Unavailable")
    assert main(["check", "--comment", "--advisory"]) == 0
    assert "no comment written" in capsys.readouterr().err


def test_the_template_note_input_keeps_the_note(repo: Repo, gitlab: GitLabStub) -> None:
    base, head = _merge_request(repo)
    env = {"CI_API_V4_URL": gitlab.url, "OWNERSHIP_GATE_GITLAB_TOKEN": "glpat-note-writer"}
    proc = run_job(repo, base, head, env, note=True)
    assert proc.returncode == 1, proc.stderr
    (note,) = _ours(gitlab)
    assert "`terraform/main.tf`" in note["body"]
    proc = run_job(repo, base, head, env)  # note: false (the default) leaves it alone
    assert len(_ours(gitlab)) == 1 and [m for m, _, _ in gitlab.requests if m != "GET"] == ["POST"]
