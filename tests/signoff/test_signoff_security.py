"""The gate's security properties, each attacked the way a pull request would, in a GitHub Actions run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, run_json
from tests.github_events import REPO, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import (
    CTO,
    POLICY,
    SIGNED_POLICY,
    TF,
    Key,
    commit_as,
    signed_commit,
    ssh_key,
    trailer_message,
)

PR = 99
ENG = "eng@acme.example"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        stub.reviews[(REPO, PR)] = []
        stub.team("acme", "cto")
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_token")
        yield stub


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Key]:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("needs ssh-keygen")
    directory = tmp_path_factory.mktemp("keys")
    return {name: ssh_key(directory, name) for name in ("cto", "eng")}


def _gate(repo: Repo, base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str], labels: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    head = repo.git("rev-parse", "HEAD")
    enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head, labels))
    return run_json(capsys)


def _branch(repo: Repo, files: dict[str, str | bytes | None]) -> str:
    base = repo.commit(files, "Base")
    repo.git("checkout", "-q", "-b", "feature")
    return base


def test_a_pull_request_that_edits_the_policy_cannot_lower_its_own_bar(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _branch(repo, {".ownership-gate.yaml": POLICY})
    weakened = (POLICY.replace('paths: ["terraform/"]', 'paths: ["nowhere/"]')
                .replace(f'signers: ["{CTO}"]', f'signers: ["{CTO}", "{ENG}"]')
                .replace('labels: ["cto-approved"]', 'labels: ["cto-approved", "yolo"]')
                .replace('github_reviewers: ["acme-cto", "@acme/cto"]', 'github_reviewers: ["eng-buddy"]'))
    repo.commit({".ownership-gate.yaml": weakened, "terraform/main.tf": TF}, "Queue, and a lighter policy")
    repo.commit({}, trailer_message("sign-off", f"Eng <{ENG}>"))
    api.review(REPO, PR, "eng-buddy", "APPROVED", repo.git("rev-parse", "HEAD"))
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys, labels=("yolo",))
    assert code == 1
    assert doc["policy"] == {"source": f".ownership-gate.yaml@{base}"}
    assert {c["path"]: c["level"] for c in doc["changes"]} == {".ownership-gate.yaml": "cto",
                                                               "terraform/main.tf": "cto"}
    assert (doc["signoff"]["satisfied"], doc["signoff"]["evidence"]) == (False, [])


def test_a_trailer_from_someone_not_in_signers_does_not_count(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _branch(repo, {".ownership-gate.yaml": POLICY})
    repo.commit({"terraform/main.tf": TF}, "Queue")
    repo.commit({}, trailer_message("sign-off", f"The CTO <{ENG}>"))
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])


@pytest.mark.parametrize("signer", [None, "eng"], ids=["unsigned", "signed-by-someone-else"])
def test_a_trailer_on_an_unsigned_or_wrongly_signed_commit_does_not_count(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    keys: dict[str, Key], signer: str | None,
) -> None:
    base = _branch(repo, {".ownership-gate.yaml": SIGNED_POLICY, ".github/allowed_signers": keys["cto"].allowed(CTO)})
    repo.commit({"terraform/main.tf": TF}, "Queue")
    signed_commit(repo, {}, trailer_message("sign-off", f"Cee <{CTO}>"), keys[signer] if signer else None)
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])
    # ...while the CTO's own signature on the same kind of commit does count.
    signed_commit(repo, {}, trailer_message("sign-off", f"Cee <{CTO}>"), keys["cto"])
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, [e["verified"] for e in doc["signoff"]["evidence"]]) == (0, [True])


def test_an_allowed_signers_file_edited_in_the_pull_request_is_not_trusted(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    keys: dict[str, Key],
) -> None:
    base = _branch(repo, {".ownership-gate.yaml": SIGNED_POLICY, ".github/allowed_signers": keys["cto"].allowed(CTO)})
    repo.commit({"terraform/main.tf": TF, ".github/allowed_signers": keys["eng"].allowed(CTO)}, "Queue; rotate key")
    signed_commit(repo, {}, trailer_message("sign-off", f"Cee <{CTO}>"), keys["eng"])
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])


def test_a_sign_off_followed_by_more_cto_level_work_is_stale(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _branch(repo, {".ownership-gate.yaml": POLICY})
    repo.commit({"terraform/main.tf": TF}, "Queue")
    signoff = commit_as(repo, trailer_message("sign-off", CTO), CTO)
    api.review(REPO, PR, "acme-cto", "APPROVED", signoff)
    repo.commit({"terraform/admin.tf": 'resource "null_resource" "open_admin" {}\n'}, "small follow-up")
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys)
    assert code == 1
    assert sorted((e["source"], e["stale"]) for e in doc["signoff"]["evidence"]) == [
        ("github-review", True), ("trailer", True)
    ]


def test_an_approval_from_an_unlisted_user_does_not_count(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = _branch(repo, {".ownership-gate.yaml": POLICY})
    head = repo.commit({"terraform/main.tf": TF}, "Queue")
    api.review(REPO, PR, "eng-buddy", "APPROVED", head)
    api.review(REPO, PR, "acme-cto-fan", "APPROVED", head)
    code, doc = _gate(repo, base, tmp_path, monkeypatch, capsys)
    assert (code, doc["signoff"]["evidence"]) == (1, [])
