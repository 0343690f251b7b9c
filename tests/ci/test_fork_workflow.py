"""The README's workflow for pull requests from forks with @org/team reviewers, run for real.

The workflow's own steps run here: a clone of the base branch (as
actions/checkout makes it), the fetch step's script against an `origin`
that carries the fork's commits under refs/pull/N/head, then the check with
a pull_request_target event and the GitHub API stand-in.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from ownership_gate.cli import main
from tests.conftest import Repo
from tests.github_events import REPO, enter_actions, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import POLICY, TF

ROOT = Path(__file__).resolve().parents[2]
PR = 7


def _workflow() -> dict[str, Any]:
    readme = (ROOT / "README.md").read_text("utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "for pull requests from forks" in b]
    workflow: dict[str, Any] = YAML(typ="safe", pure=True).load(block)
    return workflow


def test_it_never_checks_out_or_runs_the_pull_requests_code() -> None:
    workflow = _workflow()
    assert list(workflow["on"]) == ["pull_request_target"]  # no review trigger: a fork's review run has no secrets
    assert "labeled" in workflow["on"]["pull_request_target"]["types"]  # a label re-runs it
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    steps = workflow["jobs"]["ownership-gate"]["steps"]
    checkout, fetch, gate = steps
    assert checkout["uses"].startswith("actions/checkout@") and "ref" not in checkout["with"]
    assert "${{" not in fetch["run"]  # event values reach the script through env only
    assert gate["uses"].startswith("your-org/ownership-gate@")
    assert gate["with"]["token"].startswith("${{ secrets.")


@pytest.fixture
def fork(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Repo, str, str]:
    """`origin` with main and the fork's pull request head; a clone of main, as the checkout leaves it."""
    base = repo.commit({".ownership-gate.yaml": POLICY.replace('"acme-cto", ', ""), "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "fork-work")
    head = repo.commit({"terraform/main.tf": TF}, "From a fork")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(origin)], check=True)
    subprocess.run(["git", "-C", str(origin), "update-ref", f"refs/pull/{PR}/head", head], check=True)
    subprocess.run(["git", "-C", str(origin), "update-ref", "-d", "refs/heads/fork-work"], check=True)
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", "--no-local", "--branch", "main", str(origin), str(workspace)], check=True)
    monkeypatch.chdir(workspace)
    return Repo(workspace), base, head


def test_the_recipe_fetches_judges_and_an_approval_re_run_passes(
    fork: tuple[Repo, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clone, base, head = fork
    assert subprocess.run(["git", "cat-file", "-e", head], cwd=clone.root, capture_output=True).returncode != 0
    fetch = _workflow()["jobs"]["ownership-gate"]["steps"][1]
    env = {**os.environ, **{k: str(v).replace("${{ github.event.pull_request.number }}", str(PR))
                            for k, v in fetch["env"].items()}}
    subprocess.run(["bash", "-e", "-c", fetch["run"]], cwd=clone.root, env=env, check=True, capture_output=True)
    assert clone.git("rev-parse", "refs/remotes/pull/head") == head
    assert clone.git("rev-parse", "HEAD") == base  # the working tree is still the base branch's

    payload = pull_request_event(PR, base, head)
    payload["pull_request"]["head"]["repo"] = {**payload["pull_request"]["head"]["repo"], "full_name": "eve/app"}
    with GitHubStub() as api:
        monkeypatch.setenv("GITHUB_API_URL", api.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_org_read_token")  # the secret: it can read teams
        api.member("acme", "cto", "cee-tee")
        api.reviews[(REPO, PR)] = []
        enter_actions(monkeypatch, tmp_path / "run1", "pull_request_target", payload)
        assert main(["check"]) == 1
        # The CTO approves, then re-runs the job: same event, reviews read anew.
        api.review(REPO, PR, "cee-tee", "APPROVED", head)
        enter_actions(monkeypatch, tmp_path / "run2", "pull_request_target", payload)
        assert main(["check"]) == 0
    assert "Needs cto sign-off: given by cee-tee." in capsys.readouterr().out


def test_a_forks_review_run_without_secrets_fails_closed_for_teams(
    fork: tuple[Repo, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clone, base, head = fork
    clone.git("fetch", "-q", "origin", f"+refs/pull/{PR}/head:refs/remotes/pull/head")
    with GitHubStub() as api:
        monkeypatch.setenv("GITHUB_API_URL", api.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_read_only")  # the default token cannot see the org's teams
        api.review(REPO, PR, "cee-tee", "APPROVED", head)
        enter_actions(monkeypatch, tmp_path / "run", "pull_request_review", pull_request_event(PR, base, head))
        assert main(["check"]) == 2
    assert "cannot see the team @acme/cto" in capsys.readouterr().err
