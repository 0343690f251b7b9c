"""The command line as a user meets it: text output, files, init, the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ownership_gate.cli import main
from tests.conftest import TERRAFORM_DB, Repo

ROOT = Path(__file__).resolve().parents[1]


def test_text_output_groups_by_level_and_says_what_to_do(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"terraform/main.tf": TERRAFORM_DB, "app/a.py": "x\n", "app/b.py": "x\n"})
    assert main(["check", "--base", base]) == 1
    out = capsys.readouterr().out
    assert out.index("cto: 1 file(s)") < out.index("engineer: 2 file(s)")
    assert "terraform/main.tf [added]" in out
    assert "cloud added: aws_db_instance.main" in out or "aws_db_instance.main" in out
    assert "rule cloud-resources: Cloud resources and who can reach them are a one-way door" in out
    assert "FAIL Needs cto sign-off (@cto): missing." in out
    assert "CTO-Approved-by: Name <email>" in out
    assert "\033[" not in out  # no colour when not on a terminal


def test_routine_change_passes_with_one_line(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"app/a.py": "x\n"})
    assert main(["check", "--base", base]) == 0
    assert "OK  Routine change: engineer level, no sign-off needed." in capsys.readouterr().out


def test_advisory_reports_but_exits_0(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "x\n"})
    repo.stage({"terraform/main.tf": TERRAFORM_DB})
    assert main(["check", "--staged", "--advisory"]) == 0
    out = capsys.readouterr().out
    assert "Heads-up: this change will need cto sign-off (@cto) in its pull request." in out


def test_output_file_gets_the_report_and_stdout_stays_empty(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"app/a.py": "x\n"})
    target = tmp_path / "report.json"
    assert main(["check", "--base", base, "--format", "json", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    document = json.loads(target.read_text("utf-8"))
    assert document["schema"] == "ownership-gate/check/v1"
    assert document["summary"] == {"files": 1, "by_level": {"engineer": 1, "cto": 0}}


def test_json_document_has_the_contract_fields(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "x\n"})
    head = repo.commit({"terraform/main.tf": TERRAFORM_DB})
    assert main(["check", "--base", base, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"schema", "base", "head", "policy", "required_level", "needs_signoff",
                        "signoff", "changes", "summary"}
    assert (doc["base"], doc["head"]) == (base, head)
    assert doc["signoff"] == {"satisfied": False, "evidence": [], "notes": [
        "pull-request approvals are read only in a GitHub Actions pull-request run"]}
    finding = next(f for f in doc["changes"][0]["findings"] if f["type"] == "cloud")
    assert set(finding) == {"type", "kind", "subject", "ecosystem", "scope", "vendor", "from", "to", "line",
                            "detail", "rule", "level", "reason"}
    assert (finding["scope"], finding["vendor"]) == (None, None)  # a cloud finding is about no package


def test_usage_errors_exit_2(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "yaml"]) == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err
    assert main(["check", "--staged", "--base", "HEAD"]) == 2
    assert "--staged compares the index with HEAD" in capsys.readouterr().err
    assert main([]) == 2


def test_init_writes_refuses_to_overwrite_and_lists(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--list"]) == 0
    listing = capsys.readouterr().out
    assert {line.split()[0] for line in listing.splitlines()} >= {"startup", "monorepo", "security"}
    assert main(["init", "--template", "monorepo"]) == 0
    assert "name: platform" in (repo.root / ".ownership-gate.yaml").read_text("utf-8")
    assert main(["init"]) == 2
    assert "already exists; not overwriting" in capsys.readouterr().err
    assert main(["init", "--template", "nope"]) == 2


def test_every_builtin_template_passes_its_own_tests_shape(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("startup", "monorepo", "security"):
        assert main(["validate", "--policy", f"builtin:{name}"]) == 0, name


def test_internal_errors_exit_3_and_ask_for_a_report(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ownership_gate.commands.check as check_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(check_module, "start_diff", broken)
    repo.commit({"a": "1"})
    assert main(["check", "--staged"]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "report" in err and "ZeroDivisionError" in err


def _console_script() -> str:
    found = shutil.which("ownership-gate", path=os.path.dirname(sys.executable))
    assert found, "the ownership-gate console script is not installed next to this python"
    return found


def test_console_script_and_python_dash_m(repo: Repo) -> None:
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"terraform/main.tf": TERRAFORM_DB})
    for command in ([_console_script()], [sys.executable, "-m", "ownership_gate"]):
        proc = subprocess.run([*command, "check", "--base", base, "--format", "json"],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 1, proc.stderr
        assert json.loads(proc.stdout)["required_level"] == "cto"


def test_the_command_leaves_nothing_unwritten_on_a_large_change(repo: Repo, tmp_path: Path) -> None:
    # The command leaves with os._exit (no teardown): every byte must be out before it does.
    base = repo.commit({"README.md": "x\n"})
    repo.commit({f"src/m{i:04}/file.py": f"x = {i}\n" for i in range(2500)})
    command = [_console_script(), "check", "--base", base, "--format", "json"]
    piped = subprocess.run(command, capture_output=True, check=False)
    assert piped.returncode == 0, piped.stderr
    assert len(json.loads(piped.stdout)["changes"]) == 2500
    out = tmp_path / "report.json"
    written = subprocess.run([*command, "--output", str(out)], capture_output=True, check=False)
    assert written.returncode == 0 and written.stdout == b""
    assert json.loads(out.read_text("utf-8")) == json.loads(piped.stdout)


def test_pre_commit_try_repo_runs_the_hook(repo: Repo, tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable))
    assert pre_commit, "pre-commit is a test dependency"
    source = tmp_path / "hook-source"
    # try-repo wants a git repository: snapshot this checkout's tracked files into one.
    subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(source)], check=True)
    subprocess.run(["git", "-C", str(source), "checkout", "-q", "--detach"], check=True)
    repo.commit({"README.md": "x\n"})
    repo.stage({"terraform/main.tf": TERRAFORM_DB})
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INPUT": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the package pre-commit installed
    proc = subprocess.run(
        [pre_commit, "try-repo", str(source), "ownership-gate", "--verbose"],
        cwd=repo.root, capture_output=True, text=True, env=env, check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output  # advisory: never blocks
    assert "ownership-gate (does this change need sign-off?)" in output
    assert "Passed" in output
    assert "Heads-up: this change will need cto sign-off" in output
