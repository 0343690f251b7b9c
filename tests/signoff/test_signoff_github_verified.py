"""`require_signed_commit: github`: a trailer counts when GitHub verified its commit for a listed account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo, run_json
from tests.github_events import REPO, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import CTO, POLICY, TF, commit_as, trailer_message

PR = 12
VERIFIED_POLICY = POLICY.replace("      github_reviewers:", "      require_signed_commit: github\n      github_reviewers:")


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        stub.reviews[(REPO, PR)] = []
        stub.team("acme", "cto")
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_token")
        yield stub


def _feature(repo: Repo, policy: str | None = VERIFIED_POLICY) -> str:
    base = repo.commit({"README.md": "hi\n"} | ({".ownership-gate.yaml": policy} if policy else {}), "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Add the queue")
    return base


def _run(repo: Repo, base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         *argv: str) -> tuple[int, dict[str, Any]]:
    head = repo.git("rev-parse", "HEAD")
    enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    return run_json(capsys, *argv)


def _commit_path(sha: str) -> str:
    return f"/repos/{REPO}/commits/{sha}"


def test_a_trailer_commit_github_verified_for_a_listed_account_signs_off(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _feature(repo)
    sha = commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO)
    api.commit(REPO, sha, CTO, "acme-cto")
    code, doc = _run(repo, base, tmp_path, monkeypatch, capsys)
    assert code == 0
    assert doc["signoff"] == {
        "satisfied": True,
        "evidence": [{"level": "cto", "source": "trailer", "by": "acme-cto", "commit": sha,
                      "verified": True, "verified_by": "github", "stale": False}],
        "notes": [],
    }
    # One question about that commit; the reviews are not needed any more.
    assert [path for path, _ in api.requests] == [_commit_path(sha)]


def test_a_member_of_a_listed_team_counts(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    deputy = "deputy@acme.example"
    base = _feature(repo, VERIFIED_POLICY.replace(f'signers: ["{CTO}"]', f'signers: ["{CTO}", "{deputy}"]'))
    sha = commit_as(repo, trailer_message("sign-off", deputy), deputy)
    api.commit(REPO, sha, deputy, "deputy-cto")
    api.member("acme", "cto", "deputy-cto")
    code, doc = _run(repo, base, tmp_path, monkeypatch, capsys)
    assert code == 0
    assert [(e["by"], e["verified_by"]) for e in doc["signoff"]["evidence"]] == [("deputy-cto", "github")]
    assert "/orgs/acme/teams/cto/memberships/deputy-cto" in [path for path, _ in api.requests]


@pytest.mark.parametrize(
    ("arrange", "why"),
    [
        (lambda api, sha: api.commit(REPO, sha, CTO, "acme-cto", verified=False),
         "GitHub does not verify its signature (unsigned)"),
        (lambda api, sha: api.commit(REPO, sha, CTO, "acme-cto", verified=False, reason="unknown_key"),
         "GitHub does not verify its signature (unknown_key)"),
        (lambda api, sha: api.commit(REPO, sha, CTO, "eng-buddy"),
         "GitHub verified it for @eng-buddy, who is not one of the github_reviewers"),
        (lambda api, sha: api.commit(REPO, sha, CTO, None),
         "GitHub ties its author email to no GitHub account"),
        (lambda api, sha: api.commit(REPO, sha, CTO, "acme-cto", committer="eng-buddy"),
         "GitHub ties its author to @acme-cto but its committer to @eng-buddy"),
    ],
    ids=["unsigned", "unknown-key", "unlisted-account", "no-account", "other-committer"],
)
def test_what_github_does_not_vouch_for_does_not_count(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str], arrange: Any, why: str,
) -> None:
    base = _feature(repo)
    sha = commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO)
    arrange(api, sha)
    code, doc = _run(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert f"trailer `CTO-Approved-by: Cee Tee <{CTO}>` on {sha[:12]} does not count for cto: {why}" in (
        doc["signoff"]["notes"])


def test_a_trailer_on_someone_elses_commit_is_refused_before_github_is_asked(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _feature(repo)
    sha = repo.commit({}, trailer_message("sign-off", f"Cee Tee <{CTO}>"))  # the developer's own commit
    api.commit(REPO, sha, "eng@example.com", "acme-cto")  # even were GitHub to say so
    code, doc = _run(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert _commit_path(sha) not in [path for path, _ in api.requests]


@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        (lambda s: s.fail("/commits/", 403, "Resource not accessible by integration"), "grant `contents: read`"),
        (lambda s: s.fail("/commits/", 502, "Server Error"), "failed with 502"),
        (lambda s: s.rate_limited("/commits/"), "rate limit reached"),
        (lambda s: None, "No commit found for SHA"),  # GitHub does not have the commit: 422
    ],
    ids=["403", "502", "rate-limit", "unknown-commit"],
)
def test_an_api_failure_exits_2_and_advisory_turns_it_into_a_note(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str], arrange: Any, expected: str,
) -> None:
    base = _feature(repo)
    commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO)
    arrange(api)
    head = repo.git("rev-parse", "HEAD")
    enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    assert main(["check", "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and expected in captured.err
    code, doc = run_json(capsys, "--advisory")
    assert (code, doc["signoff"]["satisfied"]) == (0, False)
    assert any(note.startswith("approvals and verified commits could not be read from GitHub:")
               and expected in note for note in doc["signoff"]["notes"])


def test_outside_github_actions_github_verification_is_not_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _feature(repo)
    sha = commit_as(repo, trailer_message("sign-off", f"Cee Tee <{CTO}>"), CTO)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert (f"trailer `CTO-Approved-by: Cee Tee <{CTO}>` on {sha[:12]} does not count for cto:"
            " GitHub's check of its signature is read only in a GitHub Actions run") in doc["signoff"]["notes"]


@pytest.mark.parametrize(
    ("signoff", "error"),
    [
        ("require_signed_commit: github", "levels[1].signoff.github_reviewers: require_signed_commit: github"
                                          " needs github_reviewers"),
        ("require_signed_commit: GitHub, github_reviewers: [acme-cto]",
         "levels[1].signoff.require_signed_commit: expected true, false or 'github', got str 'GitHub'"),
        ("require_signed_commit: 1, github_reviewers: [acme-cto]",
         "levels[1].signoff.require_signed_commit: expected true, false or 'github', got int '1'"),
    ],
)
def test_the_policy_setting_is_validated(repo: Repo, capsys: pytest.CaptureFixture[str], signoff: str,
                                         error: str) -> None:
    policy = f"""\
version: 1
levels:
  - name: engineer
  - name: cto
    signoff: {{trailer: CTO-Approved-by, signers: ["{CTO}"], {signoff}}}
"""
    repo.commit({".ownership-gate.yaml": policy})
    assert main(["validate"]) == 2  # an invalid policy
    assert error in capsys.readouterr().err


# -- the built-in policies ask for evidence someone verified ----------------------

def test_the_built_in_policy_counts_no_plain_trailer_in_ci(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _feature(repo, policy=None)
    # Anyone can write this commit: its emails are whatever its writer set.
    sha = commit_as(repo, trailer_message("sign-off", "Cee Tee <cto@example.com>"), "cto@example.com")
    api.commit(REPO, sha, "cto@example.com", "cto", verified=False)
    code, doc = _run(repo, base, tmp_path, monkeypatch, capsys)
    assert doc["policy"] == {"source": "builtin:startup"}
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    assert any("GitHub does not verify its signature (unsigned)" in note for note in doc["signoff"]["notes"])
    # The CTO's own signed commit, which GitHub verified for @cto, does count.
    api.commit(REPO, sha, "cto@example.com", "cto")
    code, doc = _run(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, [e["verified_by"] for e in doc["signoff"]["evidence"]]) == (0, ["github"])


def test_init_says_which_sign_offs_the_template_counts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    err = capsys.readouterr().err
    assert "wrote .ownership-gate.yaml from the 'startup' template" in err
    assert "cto sign-off, one of:\n  - a commit that GitHub shows as Verified for cto" in err
    assert "  - an approving pull-request review by cto\n" in err
    assert "read only in a GitHub Actions pull-request run" in err
    assert "A plain trailer does not count: anyone can write a commit with another person's email" in err
    written = (repo.root / ".ownership-gate.yaml").read_text("utf-8")
    assert "require_signed_commit: github" in written
    assert "anyone can write a commit with the CTO's email" in written
