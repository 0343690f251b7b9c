"""`check --comment`: one sticky pull-request comment, against the GitHub API stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ownership_gate.cli import main
from ownership_gate.output.comment import MARKER
from tests.conftest import Repo
from tests.github_events import REPO, ActionsRun, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import POLICY, TF

PR = 7


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_workflow_token")
        stub.reviews[(REPO, PR)] = []
        yield stub


class Pull:
    def __init__(self, repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.repo, self.tmp_path, self.monkeypatch = repo, tmp_path, monkeypatch
        self.base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
        repo.git("checkout", "-q", "-b", "feature")
        self.head = repo.commit({"terraform/main.tf": TF, "app/a.py": "x = 1\n"}, "Add the queue")
        self.runs = 0

    def check(self, capsys: pytest.CaptureFixture[str], labels: tuple[str, ...] = (),
              payload: dict[str, Any] | None = None, event: str = "pull_request") -> tuple[int, str, ActionsRun]:
        self.runs += 1
        run = enter_actions(self.monkeypatch, self.tmp_path / f"run{self.runs}", event,
                            payload or pull_request_event(PR, self.base, self.head, labels))
        code = main(["check", "--format", "github", "--comment"])
        captured = capsys.readouterr()
        return code, captured.out + captured.err, run


@pytest.fixture
def pull(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pull:
    return Pull(repo, tmp_path, monkeypatch)


def _ours(api: GitHubStub) -> list[dict[str, Any]]:
    return [c for c in api.comments.get((REPO, PR), []) if c["body"].startswith(MARKER)]


def _writes(api: GitHubStub) -> list[str]:
    return [path.split("?")[0] for path, _ in api.requests if path.split(" ")[0] in ("POST", "PATCH", "DELETE")]


def test_one_comment_is_written_then_updated_in_place(
    api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output, run = pull.check(capsys)
    assert code == 1  # the comment changes nothing about the verdict
    (first,) = _ours(api)
    assert "### ownership-gate: ❌ cto sign-off missing" in first["body"]
    assert "| `terraform/main.tf` | **cto** | `cloud-setup` path matches 'terraform/' |" in first["body"]
    assert "**To sign off**, one of:" in first["body"]
    assert "an approving review of this pull request by `acme-cto`, `@acme/cto`" in first["body"]
    assert "commented on the pull request" in output
    assert "### How to sign off" in run.summary.read_text("utf-8")  # the step summary stays

    pull.head = pull.repo.commit({"terraform/db.tf": TF}, "A database too")
    assert pull.check(capsys)[0] == 1
    (second,) = _ours(api)
    assert second["id"] == first["id"]
    assert "`terraform/db.tf`" in second["body"]
    assert _writes(api) == [f"POST /repos/{REPO}/issues/{PR}/comments",
                            f"PATCH /repos/{REPO}/issues/comments/{first['id']}"]

    pull.check(capsys)  # nothing changed: nothing written
    assert len(_writes(api)) == 2


def test_the_comment_is_compact_each_reason_once(api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]) -> None:
    pull.head = pull.repo.commit({"terraform/db.tf": TF, "terraform/net.tf": TF}, "More")
    _, _, run = pull.check(capsys)
    (ours,) = _ours(api)
    summary = run.summary.read_text("utf-8")
    reason = "Cloud setup is a one-way door."
    assert summary.count(reason) > 1  # the summary's findings list and rules table both say it
    assert ours["body"].count(reason) == 1
    assert len(ours["body"]) < len(summary) / 2
    assert "app/a.py" not in ours["body"]  # routine files are only counted
    assert "3 of 4 changed files need sign-off, 1 routine" in ours["body"]


def test_the_comment_follows_the_sign_off_and_is_deleted_when_nothing_needs_it(
    api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]
) -> None:
    pull.check(capsys)
    assert pull.check(capsys, labels=("cto-approved",))[0] == 0
    (ours,) = _ours(api)
    assert "✅ cto sign-off given" in ours["body"]
    assert "Given: cto by `cto-approved` (label)" in ours["body"]
    assert "To sign off" not in ours["body"]

    pull.head = pull.repo.commit({"terraform/main.tf": None}, "Not yet")
    assert pull.check(capsys)[0] == 0
    assert _ours(api) == []
    assert _writes(api)[-1].startswith("DELETE ")


def test_a_routine_pull_request_gets_no_comment(
    api: GitHubStub, repo: Repo, pull: Pull, capsys: pytest.CaptureFixture[str]
) -> None:
    pull.head = repo.commit({"terraform/main.tf": None}, "Only app code")
    code, output, _ = pull.check(capsys)
    assert code == 0
    assert _writes(api) == []
    assert "no comment: nothing needs sign-off" in output


def test_the_comment_is_found_on_any_page_and_copies_are_removed(
    api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(150):
        api.comment(REPO, PR, f"discussion {n}", login="eng-ineer")
    old = api.comment(REPO, PR, MARKER + "\nold", login="github-actions[bot]")
    copy = api.comment(REPO, PR, MARKER + "\nracing run", login="github-actions[bot]")
    quoted = api.comment(REPO, PR, MARKER + "\nsomeone quoting it", login="eng-ineer")
    pull.check(capsys)
    bodies = {c["id"]: c["body"] for c in api.comments[(REPO, PR)]}
    assert copy["id"] not in bodies  # the copy a racing run left is deleted
    assert bodies[old["id"]].startswith(MARKER + "\n### ownership-gate:")  # the first is updated
    assert bodies[quoted["id"]].endswith("someone quoting it")  # another author's comment is left alone
    assert len(bodies) == 152
    assert any("page=2" in path for path, _ in api.requests)


def test_a_fork_is_skipped_with_a_notice(api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]) -> None:
    payload = pull_request_event(PR, pull.base, pull.head)
    payload["pull_request"]["head"]["repo"] = {**payload["pull_request"]["head"]["repo"], "full_name": "eve/app",
                                               "fork": True}
    code, output, _ = pull.check(capsys, payload=payload)
    assert code == 1
    assert _writes(api) == [] and not any("comments" in path for path, _ in api.requests)
    assert "::notice title=ownership-gate comment::no comment written: the pull request comes from a fork" in output


def test_a_token_that_cannot_write_never_changes_the_verdict(
    api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]
) -> None:
    api.read_only = True
    code, output, run = pull.check(capsys)
    assert code == 1
    assert "::notice title=ownership-gate comment::no comment written: GitHub refused to write" in output
    assert "grant `pull-requests: write`" in output
    assert run.output_values()["satisfied"] == "false"
    api.read_only = False
    api.rate_limited("/comments")
    assert pull.check(capsys, labels=("cto-approved",))[0] == 0
    assert _ours(api) == []


def test_hostile_file_names_stay_literal(api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]) -> None:
    pull.head = pull.repo.commit({"terraform/<img src=x onerror=alert(1)>|x.tf": TF}, "Hostile")
    pull.check(capsys)
    (ours,) = _ours(api)
    assert "| `terraform/<img src=x onerror=alert(1)>\\|x.tf` |" in ours["body"]
    assert "<img" not in ours["body"].replace("`terraform/<img src=x onerror=alert(1)>\\|x.tf`", "")


def test_the_readme_shows_a_real_comment(api: GitHubStub, pull: Pull, capsys: pytest.CaptureFixture[str]) -> None:
    pull.check(capsys)
    (ours,) = _ours(api)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    assert f"```markdown\n{ours['body']}```" in readme
