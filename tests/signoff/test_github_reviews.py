"""Pull-request approvals and labels, read from a GitHub-shaped API on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo, run_json
from tests.github_events import REPO, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import CTO, POLICY, TF, commit_as, trailer_message

TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
PR = 42


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield stub


class PullRequest:
    def __init__(self, repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 policy: str = POLICY) -> None:
        self.repo, self.tmp_path, self.monkeypatch = repo, tmp_path, monkeypatch
        self.base = repo.commit({".ownership-gate.yaml": policy, "README.md": "hi\n"}, "Policy")
        repo.git("checkout", "-q", "-b", "feature")
        self.head = repo.commit({"terraform/main.tf": TF}, "Add the queue")

    def push(self, files: dict[str, str | bytes | None], message: str = "more") -> str:
        self.head = self.repo.commit(files, message)
        return self.head

    def check(self, capsys: pytest.CaptureFixture[str], labels: tuple[str, ...] = ()) -> tuple[int, Any]:
        enter_actions(self.monkeypatch, self.tmp_path / "run", "pull_request",
                      pull_request_event(PR, self.base, self.head, labels))
        return run_json(capsys)

    def fails(self, capsys: pytest.CaptureFixture[str]) -> str:
        enter_actions(self.monkeypatch, self.tmp_path / "run", "pull_request",
                      pull_request_event(PR, self.base, self.head))
        assert main(["check", "--format", "json"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""  # no report that could be mistaken for a verdict
        return captured.err


@pytest.fixture
def pr(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PullRequest:
    return PullRequest(repo, tmp_path, monkeypatch)


def test_an_approval_by_a_listed_reviewer_signs_off(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.review(REPO, PR, "ACME-cto", "APPROVED", pr.head)
    code, doc = pr.check(capsys)
    assert code == 0
    assert doc["signoff"]["evidence"] == [{"level": "cto", "source": "github-review", "by": "ACME-cto",
                                           "commit": pr.head, "verified": True, "verified_by": "github",
                                           "stale": False}]
    path, headers = api.requests[0]
    assert path == f"/repos/{REPO}/pulls/{PR}/reviews?per_page=100"
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"


def test_every_page_of_reviews_is_read(pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(249):
        api.review(REPO, PR, f"reviewer-{n}", "COMMENTED", pr.head)
    api.review(REPO, PR, "acme-cto", "APPROVED", pr.head)
    code, _ = pr.check(capsys)
    assert code == 0
    assert [path for path, _ in api.requests] == [
        f"/repos/{REPO}/pulls/{PR}/reviews?per_page=100",
        f"/repositories/1296269/pulls/{PR}/reviews?per_page=100&page=2",
        f"/repositories/1296269/pulls/{PR}/reviews?per_page=100&page=3",
    ]


@pytest.mark.parametrize(
    ("states", "counts"),
    [
        (["APPROVED"], True),
        (["APPROVED", "COMMENTED"], True),
        (["CHANGES_REQUESTED", "APPROVED"], True),
        (["APPROVED", "CHANGES_REQUESTED"], False),
        (["APPROVED", "DISMISSED"], False),
        (["DISMISSED", "APPROVED", "COMMENTED"], True),
        (["COMMENTED"], False),
        (["PENDING"], False),
    ],
)
def test_a_reviewers_latest_decisive_review_counts(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str], states: list[str], counts: bool
) -> None:
    for state in states:
        review = api.review(REPO, PR, "acme-cto", state, pr.head)
        if state == "PENDING":
            del review["submitted_at"]  # GitHub omits it until the review is submitted
    code, _ = pr.check(capsys)
    assert code == (0 if counts else 1)


def test_reviews_are_ordered_by_submission_not_by_page_order(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.review(REPO, PR, "acme-cto", "CHANGES_REQUESTED", pr.head, at="2024-05-02T09:00:00Z")
    api.review(REPO, PR, "acme-cto", "APPROVED", pr.head, at="2024-05-01T09:00:00Z")
    code, _ = pr.check(capsys)
    assert code == 1


def test_an_approval_from_an_unlisted_user_does_not_count(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.team("acme", "cto")  # the policy also lists @acme/cto; eng-buddy is not in it
    api.review(REPO, PR, "eng-buddy", "APPROVED", pr.head)
    code, doc = pr.check(capsys)
    assert code == 1
    assert doc["signoff"]["evidence"] == []
    assert main(["check"]) == 1
    assert "the approval by @eng-buddy does not count: not one of the github_reviewers" in capsys.readouterr().out


@pytest.mark.parametrize(("state", "counts"), [("active", True), ("pending", False), (None, False)])
def test_a_member_of_a_listed_team_signs_off(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str], state: str | None, counts: bool
) -> None:
    api.team("acme", "cto")
    if state:
        api.member("acme", "cto", "deputy-cto", state)
    api.review(REPO, PR, "deputy-cto", "APPROVED", pr.head)
    code, doc = pr.check(capsys)
    assert code == (0 if counts else 1)
    assert [e["by"] for e in doc["signoff"]["evidence"]] == (["deputy-cto"] if counts else [])
    assert "/orgs/acme/teams/cto/memberships/deputy-cto" in [p for p, _ in api.requests]


def test_a_team_the_token_cannot_see_stops_the_check(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.review(REPO, PR, "deputy-cto", "APPROVED", pr.head)
    err = pr.fails(capsys)
    assert "cannot see the team @acme/cto" in err
    assert "read:org" in err and "members: read" in err


def test_an_approval_of_an_earlier_commit_is_stale_after_more_cto_work(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    approved = pr.head
    api.review(REPO, PR, "acme-cto", "APPROVED", approved)
    pr.push({"terraform/db.tf": 'resource "null_resource" "db" {}\n'}, "And a database")
    code, doc = pr.check(capsys)
    assert code == 1
    assert doc["signoff"]["evidence"][0] | {"commit": approved, "stale": True} == doc["signoff"]["evidence"][0]


def test_an_approval_of_an_earlier_commit_survives_routine_work(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.review(REPO, PR, "acme-cto", "APPROVED", pr.head)
    pr.push({"app/queue.py": "QUEUE = 'managed'\n"}, "Use it")
    code, _ = pr.check(capsys)
    assert code == 0


def test_an_approval_of_a_commit_missing_from_the_clone_does_not_count(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.review(REPO, PR, "acme-cto", "APPROVED", "0123456789abcdef0123456789abcdef01234567")
    code, doc = pr.check(capsys)
    assert code == 1
    assert doc["signoff"]["evidence"][0]["stale"] is True
    main(["check"])
    assert "which is not in this clone" in capsys.readouterr().out


def test_github_is_not_asked_when_a_trailer_already_signs_off(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.fail("/pulls/", 500, "Server Error")
    pr.head = commit_as(pr.repo, trailer_message("sign-off", CTO), CTO)
    code, _ = pr.check(capsys)
    assert code == 0
    assert api.requests == []


def test_github_enterprise_server_api_paths_work(
    pr: PullRequest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with GitHubStub(prefix="/api/v3") as ghes:
        monkeypatch.setenv("GITHUB_API_URL", ghes.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        for n in range(101):
            ghes.review(REPO, PR, f"r{n}", "COMMENTED", pr.head)
        ghes.review(REPO, PR, "acme-cto", "APPROVED", pr.head)
        code, _ = pr.check(capsys)
    assert code == 0
    assert [p for p, _ in ghes.requests][1] == f"/api/v3/repositories/1296269/pulls/{PR}/reviews?per_page=100&page=2"


# -- failures: exit 2 with what to grant or retry; never a pass ------------------

@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        (lambda s: s.fail("/reviews", 401, "Bad credentials"), "GitHub rejected the token (401)"),
        (lambda s: s.fail("/reviews", 403, "Resource not accessible by integration"),
         "grant `pull-requests: read` in the workflow's `permissions`"),
        (lambda s: s.rate_limited("/reviews"), "rate limit reached"),
        (lambda s: s.fail("/reviews", 429, "You have exceeded a secondary rate limit.", retry_after="60"),
         "retry in 60 seconds"),
        (lambda s: s.fail("/reviews", 404, "Not Found"), "GitHub found nothing at the reviews of pull request #42"),
        (lambda s: s.fail("/reviews", 502, "Server Error"), "failed with 502"),
    ],
    ids=["401", "403", "rate-limit", "secondary-rate-limit", "404", "502"],
)
def test_an_api_failure_exits_2_and_says_what_to_do(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str], arrange: Any, expected: str
) -> None:
    api.review(REPO, PR, "acme-cto", "APPROVED", pr.head)
    arrange(api)
    err = pr.fails(capsys)
    assert expected in err
    assert TOKEN not in err


def test_a_rate_limit_names_the_reset_time(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.rate_limited("/reviews")
    assert "retry after 10:00:00 UTC" in pr.fails(capsys)


def test_one_passing_retry_rescues_a_transient_failure(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    api.review(REPO, PR, "acme-cto", "APPROVED", pr.head)
    api.fail("/reviews", 503, "Service Unavailable", times=1)
    code, _ = pr.check(capsys)
    assert code == 0
    assert len(api.requests) == 2


def test_an_unreachable_api_exits_2(
    pr: PullRequest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    err = pr.fails(capsys)
    assert f"cannot reach the GitHub API at http://127.0.0.1:{port}" in err
    assert "re-run the job" in err


def test_a_missing_token_exits_2(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    err = pr.fails(capsys)
    assert "GITHUB_TOKEN is not set" in err and "pull-requests: read" in err
    assert api.requests == []


def test_pagination_never_follows_a_link_to_another_host(
    pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(150):
        api.review(REPO, PR, f"r{n}", "COMMENTED", pr.head)
    api.link_host = "203.0.113.7"
    err = pr.fails(capsys)
    assert "points away from" in err
    assert len(api.requests) == 1


# -- labels ----------------------------------------------------------------------

def test_a_listed_label_signs_off(pr: PullRequest, api: GitHubStub, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = pr.check(capsys, labels=("infra", "cto-approved"))
    assert code == 0
    assert doc["signoff"]["evidence"] == [{"level": "cto", "source": "label", "by": "cto-approved",
                                           "commit": None, "verified": False, "verified_by": None,
                                           "stale": False}]
    assert api.requests == []


def test_labels_count_only_when_the_policy_lists_them(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pr = PullRequest(repo, tmp_path, monkeypatch, POLICY.replace('labels: ["cto-approved"]', "labels: []"))
    api.reviews[(REPO, PR)] = []
    code, doc = pr.check(capsys, labels=("cto-approved",))
    assert code == 1
    assert doc["signoff"]["evidence"] == []
