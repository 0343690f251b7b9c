"""GitHub Actions mode: event payloads in, annotations, step summary and outputs out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownership_gate.ci import github_actions
from ownership_gate.cli import main
from tests.conftest import Repo
from tests.github_events import (
    REPO,
    ActionsRun,
    actions_env,
    enter_actions,
    merge_group_event,
    pull_request_event,
    pull_request_review_event,
)
from tests.github_stub import GitHubStub
from tests.signoff_support import POLICY, TF

PR = 7


def read_commands(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """The workflow commands a runner would act on, decoded as the runner decodes them."""
    commands: list[tuple[str, dict[str, str], str]] = []
    resume: str | None = None
    for line in stdout.splitlines():
        if resume is not None:
            if line == f"::{resume}::":
                resume = None
            continue
        match = re.match(r"^::([a-z-]+)(?: ([^:]*))?::(.*)$", line)
        if not match:
            continue
        name, props, message = match.groups()
        if name == "stop-commands":
            resume = message
            continue
        decoded = {}
        for prop in filter(None, (props or "").split(",")):
            key, _, value = prop.partition("=")
            decoded[key] = _unescape(value, property=True)
        commands.append((name, decoded, _unescape(message)))
    return commands


def _unescape(text: str, property: bool = False) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property else [])
    for code, char in pairs:
        text = text.replace(code, char)
    return text.replace("%25", "%")


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_token")
        yield stub


def _pull_request(repo: Repo, files: dict[str, str | bytes | None] | None = None) -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit(files or {"terraform/main.tf": TF, "app/queue.py": "Q = 1\n"}, "Add the queue")
    repo.git("checkout", "-q", "main")  # a checkout of the base: the gate reads commits, not the work tree
    return base, head


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["check", "--format", "github", *argv])
    return code, capsys.readouterr().out


def test_a_pull_request_run_annotates_summarises_and_sets_outputs(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, head = _pull_request(repo)
    api.reviews[(REPO, PR)] = []
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    code, out = _run(capsys)
    assert code == 1
    commands = read_commands(out)
    assert commands[0] == ("error", {"file": "terraform/main.tf", "title": "Needs cto sign-off (rule cloud-setup)"},
                           "path terraform/: path matches 'terraform/'\nCloud setup is a one-way door.")
    assert commands[-1][0:2] == ("error", {"title": "ownership-gate"})
    assert commands[-1][2].startswith("Needs cto sign-off (@acme-cto): missing.\nTo sign off, one of:\n- a commit")
    assert len(commands) == 2  # app/queue.py is routine: no annotation
    assert run.output_values() == {"required-level": "cto", "needs-signoff": "true", "satisfied": "false"}
    summary = run.summary.read_text("utf-8")
    assert summary.startswith("## ownership-gate: ❌ cto sign-off missing\n")
    assert "| `terraform/main.tf` | added | **cto** | `cloud-setup` |" in summary
    assert "### How to sign off" in summary
    assert "--trailer \"CTO-Approved-by: Your Name <cto@acme.example>\"" in summary
    assert "| `cloud-setup` | cto | 1 | Cloud setup is a one-way door. |" in summary


def test_an_approval_event_re_runs_the_check_and_passes(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, head = _pull_request(repo)
    api.review(REPO, PR, "acme-cto", "APPROVED", head)
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request_review",
                        pull_request_review_event(PR, base, head, "acme-cto"))
    code, out = _run(capsys)
    assert code == 0
    assert {name for name, _, _ in read_commands(out)} == {"notice"}
    assert run.output_values() == {"required-level": "cto", "needs-signoff": "true", "satisfied": "true"}
    summary = run.summary.read_text("utf-8")
    assert "## ownership-gate: ✅ cto sign-off given" in summary
    assert f"| cto | github-review | `acme-cto` | `{head[:12]}` | yes (GitHub) | no |" in summary


def test_pull_request_target_runs_judge_the_same_range(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, head = _pull_request(repo)
    api.reviews[(REPO, PR)] = []
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request_target",
                        pull_request_event(PR, base, head, action="opened"))
    code, _ = _run(capsys)
    assert code == 1
    assert run.output_values()["required-level"] == "cto"


def test_a_merge_group_run_reads_the_queued_pull_requests_reviews(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, head = _pull_request(repo)
    repo.git("checkout", "-q", "-b", "gh-readonly-queue/main/pr-7-" + base, base)
    repo.git("merge", "-q", "--no-ff", "--no-edit", head)
    group_head = repo.git("rev-parse", "HEAD")
    api.review(REPO, PR, "acme-cto", "APPROVED", head)
    run = enter_actions(monkeypatch, tmp_path / "run", "merge_group", merge_group_event(PR, base, group_head))
    code, _ = _run(capsys)
    assert code == 0
    assert run.output_values()["satisfied"] == "true"
    assert api.requests[0][0] == f"/repos/{REPO}/pulls/{PR}/reviews?per_page=100"


def test_advisory_mode_warns_and_exits_0(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, head = _pull_request(repo)
    api.reviews[(REPO, PR)] = []
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    code, out = _run(capsys, "--advisory")
    assert code == 0
    assert {name for name, _, _ in read_commands(out)} == {"warning"}
    assert run.output_values()["satisfied"] == "false"
    assert "⚠️ cto sign-off missing (advisory)" in run.summary.read_text("utf-8")


def test_a_routine_pull_request_passes_quietly(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, head = _pull_request(repo, {"app/queue.py": "Q = 1\n"})
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    code, out = _run(capsys)
    assert code == 0
    assert read_commands(out) == [("notice", {"title": "ownership-gate"},
                                   "Routine change: engineer level, no sign-off needed.")]
    assert run.output_values() == {"required-level": "engineer", "needs-signoff": "false", "satisfied": "true"}
    assert api.requests == []


def test_file_names_cannot_inject_workflow_commands(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: GitHubStub,
    capsys: pytest.CaptureFixture[str],
) -> None:
    evil = "terraform/x.tf\n::set-output name=satisfied::true\n::error file=a::b"
    odd = "terraform/a,b:c%41 d.tf"
    base, head = _pull_request(repo, {evil: TF, odd: TF})
    api.reviews[(REPO, PR)] = []
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    code, out = _run(capsys)
    assert code == 1
    commands = read_commands(out)
    assert sorted(props["file"] for name, props, _ in commands if "file" in props) == sorted([evil, odd])
    assert all(name == "error" for name, _, _ in commands)
    assert run.output_values() == {"required-level": "cto", "needs-signoff": "true", "satisfied": "false"}


def test_a_broken_event_file_exits_2(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", {})
    run.event_path.write_text("{not json", "utf-8")
    assert main(["check", "--format", "github"]) == 2
    assert "cannot read the GitHub event" in capsys.readouterr().err


def test_escaping_follows_the_runners_rules() -> None:
    assert github_actions.escape_data("50%\r\ndone: a,b") == "50%25%0D%0Adone: a,b"
    assert github_actions.escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert github_actions.command("error", "m", file="a,b", line=3, title=None) == "::error file=a%2Cb,line=3::m"


def test_outputs_cannot_be_forged_by_a_value(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    outputs.write_text("", "utf-8")
    github_actions.write_outputs({"required-level": "cto\nsatisfied=true"}, {"GITHUB_OUTPUT": str(outputs)})
    run = ActionsRun(tmp_path, tmp_path, outputs)
    assert run.output_values() == {"required-level": "cto\nsatisfied=true"}


def test_the_summary_stays_under_githubs_limit(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    github_actions.write_summary("x" * (2 * github_actions.SUMMARY_LIMIT), {"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text("utf-8")
    assert len(text.encode()) <= github_actions.SUMMARY_LIMIT
    assert text.endswith("run `check --format markdown` for all of it)*\n")


def test_the_installed_console_script_runs_in_actions_mode(repo: Repo, tmp_path: Path) -> None:
    """The way action.yml runs it: the console script, in a subprocess, with the runner's variables."""
    base, head = _pull_request(repo)
    script = Path(sys.executable).parent / "ownership-gate"
    assert script.exists(), "the package's console script is not installed"
    with GitHubStub() as api:
        api.reviews[(REPO, PR)] = []
        env = {**os.environ, **actions_env("pull_request", pull_request_event(PR, base, head), tmp_path / "run"),
               "GITHUB_API_URL": api.url, "GITHUB_TOKEN": "ghs_token", "PYTHONSAFEPATH": "1"}
        proc = subprocess.run((str(script), "check", "--format", "github"), cwd=repo.root, env=env,
                              capture_output=True, text=True, check=False)
        api.review(REPO, PR, "acme-cto", "APPROVED", head)
        env["GITHUB_OUTPUT"] = str(tmp_path / "second-output.txt")
        approved = subprocess.run((str(script), "check", "--format", "github"), cwd=repo.root, env=env,
                                  capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert ("error", {"file": "terraform/main.tf", "title": "Needs cto sign-off (rule cloud-setup)"}) in [
        (name, props) for name, props, _ in read_commands(proc.stdout)
    ]
    run = ActionsRun(tmp_path / "run" / "event.json", tmp_path / "run" / "step_summary.md",
                     tmp_path / "run" / "output.txt")
    assert run.output_values() == {"required-level": "cto", "needs-signoff": "true", "satisfied": "false"}
    assert "### How to sign off" in run.summary.read_text("utf-8")
    assert approved.returncode == 0, approved.stderr
    second = ActionsRun(run.event_path, run.summary, tmp_path / "second-output.txt")
    assert second.output_values()["satisfied"] == "true"
    assert run.summary.read_text("utf-8").count("## ownership-gate:") == 2  # appended, as the runner expects


@pytest.mark.parametrize(
    "payload",
    [{"pull_request": {"base": "main", "head": [], "labels": "cto-approved", "number": "7"}, "repository": "x"},
     {"pull_request": None}, {"merge_group": {"head_sha": 5}}],
    ids=["odd-shapes", "no-pull-request", "merge-group-without-shas"],
)
def test_an_event_of_an_unexpected_shape_exits_2(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    payload: dict[str, object],
) -> None:
    repo.commit({"a": "1\n"}, "base")
    event = "merge_group" if "merge_group" in payload else "pull_request"
    enter_actions(monkeypatch, tmp_path / "run", event, payload)
    assert main(["check", "--format", "github"]) == 2
    err = capsys.readouterr().err
    assert "no pull_request object" in err or "names no base/head commit" in err


def test_a_built_in_policy_can_be_chosen_in_a_pull_request_run(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = _pull_request(repo)
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    code = main(["check", "--format", "json", "--policy", "builtin:startup", "--advisory"])
    assert code == 0
    assert '"source": "builtin:startup"' in capsys.readouterr().out
    assert run.event_path.exists()


def test_advisory_mode_reports_an_api_failure_as_a_note_and_still_exits_0(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = _pull_request(repo)
    run = enter_actions(monkeypatch, tmp_path / "run", "pull_request", pull_request_event(PR, base, head))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    code, out = _run(capsys, "--advisory")
    assert code == 0
    assert "could not be read from GitHub: GITHUB_TOKEN is not set" in out
    assert run.output_values()["satisfied"] == "false"
    assert main(["check", "--format", "github"]) == 2  # enforcing: never a pass, never a silent 1
