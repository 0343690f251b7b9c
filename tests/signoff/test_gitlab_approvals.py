"""Merge-request approvals as sign-off, read from a GitLab-shaped API on 127.0.0.1, in real repositories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo, run_json
from tests.gitlab_stub import PROJECT, GitLabStub, gl_user
from tests.signoff_support import TF, commit_as

IID = 12
TOKEN = "glpat-2Hn4rT6yV8bN0mQ3sW5x"
POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
    owners: ["@acme-cto"]
    signoff:
      gitlab_approvers: ["cto-user", "@acme/leadership"]
rules:
  - {id: cloud-setup, level: cto, paths: ["terraform/"], reason: Cloud setup is a one-way door.}
"""


@pytest.fixture
def gitlab(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitLabStub]:
    with GitLabStub() as stub:
        monkeypatch.setenv("CI_API_V4_URL", stub.url)
        monkeypatch.setenv("OWNERSHIP_GATE_GITLAB_TOKEN", TOKEN)
        monkeypatch.delenv("CI_JOB_TOKEN", raising=False)
        yield stub


class MergeRequest:
    def __init__(self, repo: Repo, gitlab: GitLabStub, monkeypatch: pytest.MonkeyPatch) -> None:
        self.repo, self.gitlab, self.monkeypatch = repo, gitlab, monkeypatch
        self.base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
        repo.git("checkout", "-q", "-b", "feature")
        self.head = ""
        self.minute = 0
        self.push({"terraform/main.tf": TF}, "Add the queue")

    def at(self) -> str:
        self.minute += 1
        return f"2024-05-01T10:{self.minute:02d}:00.000Z"

    def push(self, files: dict[str, str | bytes | None], message: str) -> str:
        self.head = self.repo.commit(files, message)
        self.gitlab.push(IID, self.head, self.at())
        return self.head

    def approve(self, username: str = "cto-user", user_id: int = 7) -> None:
        self.gitlab.approve(IID, username, user_id, self.at())

    def enter(self) -> None:
        env = {"GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
               "CI_MERGE_REQUEST_DIFF_BASE_SHA": self.base, "CI_COMMIT_SHA": self.head,
               "CI_MERGE_REQUEST_IID": str(IID), "CI_PROJECT_ID": PROJECT, "CI_PROJECT_PATH": "acme/app"}
        for key, value in env.items():
            self.monkeypatch.setenv(key, value)

    def check(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
        self.enter()
        return run_json(capsys, *argv)

    def fails(self, capsys: pytest.CaptureFixture[str]) -> str:
        self.enter()
        assert main(["check", "--format", "json"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""  # no report that could read as a verdict
        return captured.err


@pytest.fixture
def mr(repo: Repo, gitlab: GitLabStub, monkeypatch: pytest.MonkeyPatch) -> MergeRequest:
    return MergeRequest(repo, gitlab, monkeypatch)


def test_an_approval_from_a_listed_user_signs_off(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    assert mr.check(capsys)[0] == 1
    mr.approve()
    code, document = mr.check(capsys)
    assert code == 0
    assert document["signoff"]["evidence"] == [{
        "level": "cto", "source": "gitlab-approval", "by": "cto-user", "commit": mr.head,
        "verified": True, "verified_by": "gitlab", "stale": False,
    }]
    sent = [headers for _, _, headers in mr.gitlab.requests]
    assert all(h["private-token"] == TOKEN for h in sent)


def test_more_work_at_its_level_after_the_approval_makes_it_stale(
    mr: MergeRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    approved = mr.head
    mr.approve()
    mr.push({"app/a.py": "x = 1\n"}, "Routine work")  # keeps the approval
    code, document = mr.check(capsys)
    assert code == 0 and document["signoff"]["evidence"][0]["commit"] == approved
    mr.push({"terraform/db.tf": TF}, "A database too")  # needs the CTO again
    code, document = mr.check(capsys)
    assert code == 1
    assert document["signoff"]["evidence"][0]["stale"] is True
    mr.approve()  # approving again, after the push, covers it
    assert mr.check(capsys)[0] == 0


def test_a_withdrawn_approval_does_not_count(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.approve()
    mr.gitlab.unapprove(IID, 7, mr.at())
    code, document = mr.check(capsys)
    assert code == 1 and document["signoff"]["evidence"] == []


def test_an_unlisted_approver_does_not_count(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.approve("eng-ineer", 8)
    mr.gitlab.groups["acme/leadership"] = {}
    mr.enter()
    assert main(["check"]) == 1
    assert "the approval by @eng-ineer does not count: not one of the gitlab_approvers" in capsys.readouterr().out


def test_a_member_of_a_listed_group_signs_off(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.gitlab.member("acme/leadership", 31)
    mr.approve("vp-eng", 31)
    code, document = mr.check(capsys)
    assert code == 0 and document["signoff"]["evidence"][0]["by"] == "vp-eng"
    assert any("/groups/acme%2Fleadership/members/all/31" in path for _, path, _ in mr.gitlab.requests)


def test_an_invited_member_does_not_count(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.gitlab.member("acme/leadership", 31, state="awaiting")
    mr.approve("vp-eng", 31)
    assert mr.check(capsys)[0] == 1


def test_a_group_the_token_cannot_see_fails_closed(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.approve("vp-eng", 31)
    assert "cannot see the group @acme/leadership listed in gitlab_approvers" in mr.fails(capsys)


def test_an_approval_gitlab_cannot_place_in_time_does_not_count(
    mr: MergeRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    mr.gitlab.approved_by[IID] = [{"user": gl_user("cto-user", 7)}]  # no system note says when
    mr.enter()
    assert main(["check"]) == 1
    assert "the approval by @cto-user does not count: GitLab's record of when it was given" in capsys.readouterr().out


def test_notes_are_read_across_pages(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.approve()
    for n in range(150):
        mr.gitlab.note(IID, f"discussion {n}", gl_user("eng-ineer", 8), "2024-05-01T09:00:00.000Z")
    mr.gitlab.notes[IID].sort(key=lambda note: note["created_at"])
    assert mr.check(capsys)[0] == 0
    assert any("page=2" in path for _, path, _ in mr.gitlab.requests)


def test_other_sources_first_the_api_only_when_needed(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    # The trailer on a commit its signer wrote (a trailer counts only on its signer's own commit).
    mr.head = commit_as(mr.repo, "sign-off\n\nCTO-Approved-by: Cee Tee <cto@acme.example>", "cto@acme.example")
    mr.gitlab.push(IID, mr.head, mr.at())
    mr.repo.git("checkout", "-q", "main")
    policy = POLICY.replace('      gitlab_approvers:', '      trailer: CTO-Approved-by\n      signers: ["cto@acme.example"]\n'
                            '      gitlab_approvers:')
    mr.base = mr.repo.commit({".ownership-gate.yaml": policy}, "Policy with a trailer too")
    mr.repo.git("checkout", "-q", "feature")
    mr.repo.git("merge", "-q", "--no-edit", "main")
    mr.head = mr.repo.git("rev-parse", "HEAD")
    mr.gitlab.fail("/projects/", 503, "503 Service Unavailable")
    assert mr.check(capsys)[0] == 0  # signed off by the trailer: GitLab's outage cannot fail it
    assert mr.gitlab.requests == []


@pytest.mark.parametrize(("status", "headers", "expected"), [
    (401, {}, "GitLab rejected the token (401)"),
    (403, {}, "the token may not access the approvals of merge request !12 (403)"),
    (404, {}, "GitLab found nothing at the approvals of merge request !12 (404)"),
    (429, {"Retry_After": "30"}, "GitLab API rate limit reached for the approvals of merge request !12"),
    (500, {}, "failed with 500"),
])
def test_api_failures_fail_closed(
    mr: MergeRequest, capsys: pytest.CaptureFixture[str], status: int, headers: dict[str, str], expected: str
) -> None:
    mr.gitlab.fail("/approvals", status, f"{status} error", **headers)
    err = mr.fails(capsys)
    assert expected in err
    if status in (401, 403, 404):
        assert "OWNERSHIP_GATE_GITLAB_TOKEN" in err and "read_api" in err


def test_one_server_error_is_retried(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.approve()
    mr.gitlab.fail("/approvals", 502, "502 Bad Gateway", times=1)
    assert mr.check(capsys)[0] == 0


def test_the_job_token_is_tried_and_its_refusal_explained(
    mr: MergeRequest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OWNERSHIP_GATE_GITLAB_TOKEN")
    monkeypatch.setenv("CI_JOB_TOKEN", "glcbt-64_job")
    err = mr.fails(capsys)
    assert "the job token (CI_JOB_TOKEN) may not access the approvals of merge request !12 (403)" in err
    assert "set the CI/CD variable OWNERSHIP_GATE_GITLAB_TOKEN" in err
    assert mr.gitlab.requests[0][2]["job-token"] == "glcbt-64_job"
    monkeypatch.delenv("CI_JOB_TOKEN")
    assert "no GitLab token, so merge-request approvals cannot be read" in mr.fails(capsys)


def test_advisory_turns_an_api_failure_into_a_note(mr: MergeRequest, capsys: pytest.CaptureFixture[str]) -> None:
    mr.gitlab.fail("/approvals", 403, "403 Forbidden")
    mr.enter()
    assert main(["check", "--advisory"]) == 0
    assert "approvals could not be read from GitLab: the token may not access" in capsys.readouterr().out


def test_the_policy_key_is_validated_like_github_reviewers(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from jsonschema import Draft202012Validator
    from ruamel.yaml import YAML

    from ownership_gate.policy.schema import build

    Draft202012Validator(build()).validate(YAML(typ="safe", pure=True).load(POLICY))
    repo.commit({".ownership-gate.yaml": POLICY.replace("gitlab_approvers: [", "gitlab_approver: [")})
    assert main(["validate"]) == 2  # an invalid policy
    assert "unknown key 'gitlab_approver' (did you mean 'gitlab_approvers'?)" in capsys.readouterr().err
    repo.commit({".ownership-gate.yaml": POLICY.replace('["cto-user", "@acme/leadership"]', "[1, 2]")})
    assert main(["validate"]) == 2  # an invalid policy
    assert "gitlab_approvers" in capsys.readouterr().err
    assert json.dumps(build()).count("gitlab_approvers") == 1


def test_the_readme_example_is_a_valid_policy(tmp_path: Any) -> None:
    import re
    from pathlib import Path

    from ownership_gate.policy.load import parse

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "gitlab_approvers:" in b]
    policy = parse("version: 1\n" + block + "rules: []\n", "README.md")
    cto = policy.level("cto")
    assert cto.signoff is not None and cto.signoff.gitlab_approvers == ("acme-cto", "@acme/leadership")
    assert "gitlab-approval" in cto.signoff.sources
