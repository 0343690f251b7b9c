"""action.yml: a composite action that never runs code from the pull request.

The check step's script is run here with bash, with its `env:` mapping
evaluated the way the runner would, against a real repository and the
GitHub API stand-in; the install step is checked for where it installs
from and where it runs (installing needs a package index).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import Repo
from tests.github_events import REPO, ActionsRun, actions_env, pull_request_event
from tests.github_stub import GitHubStub
from tests.signoff_support import POLICY, TF

ACTION = YAML(typ="safe", pure=True).load((Path(__file__).parent.parent / "action.yml").read_text("utf-8"))
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
INSTALL = STEPS["Install ownership-gate from the action's own files"]
CHECK = STEPS["Check sign-off"]
EXPRESSION = re.compile(r"\$\{\{\s*([a-z._-]+)\s*\}\}")


def test_it_is_a_composite_action_with_the_documented_interface() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"policy", "advisory", "comment", "token", "working-directory", "python"}
    assert ACTION["inputs"]["comment"]["default"] == "false"
    assert ACTION["inputs"]["token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["advisory"]["default"] == "false"
    assert {name: out["value"] for name, out in ACTION["outputs"].items()} == {
        "required-level": "${{ steps.check.outputs.required-level }}",
        "needs-signoff": "${{ steps.check.outputs.needs-signoff }}",
        "satisfied": "${{ steps.check.outputs.satisfied }}",
    }
    assert CHECK["id"] == "check"


def test_scripts_take_inputs_only_through_the_environment() -> None:
    # `${{ }}` inside `run:` is pasted into the script before bash sees it: an
    # input such as a policy path could then inject shell code.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


def test_it_installs_the_actions_own_files_outside_the_workspace() -> None:
    assert INSTALL["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert INSTALL["run"].index('cd -- "$RUNNER_TEMP"') < INSTALL["run"].index("-m venv")
    assert 'pip install --quiet -c "$ACTION_PATH/constraints.txt" "$ACTION_PATH"' in INSTALL["run"]
    for step in (INSTALL, CHECK):
        assert step["env"]["PYTHONSAFEPATH"] == "1"
        assert not re.search(r"pip install[^\n]*\s\.(\s|$)", step["run"])
    # The check runs the venv's console script; `python -m` would put the
    # pull request's checkout first on sys.path.
    assert "python -m" not in CHECK["run"]
    assert '"$RUNNER_TEMP/ownership-gate-venv/bin/ownership-gate"' in CHECK["run"]
    assert "--policy-from-base" in CHECK["run"]


def _evaluate(value: str, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m.group(1)], value)


def _run_check_step(repo: Repo, tmp_path: Path, api: GitHubStub, base: str, head: str,
                    **inputs: str) -> tuple[subprocess.CompletedProcess[str], ActionsRun]:
    runner_temp = tmp_path / "runner-temp"
    venv_bin = runner_temp / "ownership-gate-venv" / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    script = venv_bin / "ownership-gate"
    if not script.exists():
        # Stands for what the install step puts there: the package's console script.
        script.symlink_to(Path(sys.executable).parent / "ownership-gate")
    run_env = actions_env("pull_request", pull_request_event(7, base, head), tmp_path / "run")
    context = {
        "github.token": "ghs_workflow_token",
        "github.workspace": str(repo.root),
        "github.action_path": str(Path(__file__).parent.parent),
        "runner.temp": str(runner_temp),
        **{f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()},
        **{f"inputs.{name}": value for name, value in inputs.items()},
    }
    context = {key: _evaluate(value, context) for key, value in context.items()}
    step_env: dict[str, Any] = {key: _evaluate(str(value), context) for key, value in CHECK["env"].items()}
    env = {**os.environ, **run_env, **step_env, "RUNNER_TEMP": str(runner_temp), "GITHUB_API_URL": api.url,
           "GITHUB_WORKSPACE": str(repo.root)}
    proc = subprocess.run(("bash", "-e", "-c", CHECK["run"]), cwd=runner_temp,
                          env=env, capture_output=True, text=True, check=False)
    outputs = Path(run_env["GITHUB_OUTPUT"])
    return proc, ActionsRun(Path(run_env["GITHUB_EVENT_PATH"]), Path(run_env["GITHUB_STEP_SUMMARY"]), outputs)


@pytest.fixture
def pull_request(repo: Repo) -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"terraform/main.tf": TF}, "Queue")
    return base, head


def test_the_check_step_fails_the_step_and_sets_outputs(
    repo: Repo, tmp_path: Path, pull_request: tuple[str, str]
) -> None:
    with GitHubStub() as api:
        api.reviews[(REPO, 7)] = []
        proc, run = _run_check_step(repo, tmp_path, api, *pull_request)
        assert api.requests[0][1]["authorization"] == "Bearer ghs_workflow_token"
    assert proc.returncode == 1, proc.stderr
    assert "::error file=terraform/main.tf,title=Needs cto sign-off (rule cloud-setup)::" in proc.stdout
    assert run.output_values() == {"required-level": "cto", "needs-signoff": "true", "satisfied": "false"}
    assert "### How to sign off" in run.summary.read_text("utf-8")


def test_advisory_input_never_fails_the_step(repo: Repo, tmp_path: Path, pull_request: tuple[str, str]) -> None:
    with GitHubStub() as api:
        api.reviews[(REPO, 7)] = []
        proc, run = _run_check_step(repo, tmp_path, api, *pull_request, advisory="true")
    assert proc.returncode == 0, proc.stderr
    assert run.output_values()["satisfied"] == "false"


def test_the_policy_input_is_read_from_the_base_revision_and_cannot_inject_shell(
    repo: Repo, tmp_path: Path, pull_request: tuple[str, str]
) -> None:
    marker = tmp_path / "pwned"
    with GitHubStub() as api:
        proc, _ = _run_check_step(repo, tmp_path, api, *pull_request, policy=f'x"; touch {marker}; echo "')
    assert proc.returncode == 2
    assert "does not exist at the base revision" in proc.stderr
    assert not marker.exists()


def _readme_blocks(language: str) -> list[str]:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme.split("<!-- section:pr-gate -->", 1)[1].split("<!-- /section:pr-gate -->", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def test_the_readme_workflow_is_least_privilege_and_re_runs_on_reviews() -> None:
    workflow = YAML(typ="safe", pure=True).load(_readme_blocks("yaml")[1])
    assert {"pull_request", "pull_request_review"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    steps = workflow["jobs"]["ownership-gate"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["uses"].startswith("your-org/ownership-gate@")


def test_the_comment_input_keeps_one_comment_and_never_fails_the_step(
    repo: Repo, tmp_path: Path, pull_request: tuple[str, str]
) -> None:
    with GitHubStub() as api:
        api.reviews[(REPO, 7)] = []
        proc, _ = _run_check_step(repo, tmp_path, api, *pull_request, comment="true")
        assert proc.returncode == 1, proc.stderr
        (comment,) = api.comments[(REPO, 7)]
        assert comment["body"].startswith("<!-- ownership-gate: sign-off comment -->")
        api.comments.clear()
        api.read_only = True  # as from a fork: the step's verdict is unchanged
        proc, _ = _run_check_step(repo, tmp_path, api, *pull_request, comment="true")
        assert proc.returncode == 1, proc.stderr
        assert "::notice title=ownership-gate comment::no comment written" in proc.stdout
    with GitHubStub() as api:
        api.reviews[(REPO, 7)] = []
        proc, _ = _run_check_step(repo, tmp_path, api, *pull_request)
        assert not api.comments  # off by default
