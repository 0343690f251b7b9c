"""The hook manifest, and what each hook prints and does in a real repository."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pre_commit.clientlib import load_manifest
from ruamel.yaml import YAML

from ownership_gate.cli import main
from tests.conftest import TERRAFORM_DB, Repo
from tests.signoff_support import commit_as

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _hooks() -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = YAML(typ="safe", pure=True).load(MANIFEST.read_text("utf-8"))
    return hooks


def test_every_hook_asks_for_the_pre_commit_that_knows_its_stage_names() -> None:
    hooks = _hooks()
    assert hooks, "the manifest lists the hooks"
    for hook in hooks:
        # A string: pre-commit compares it as a version; 3.2 read as a float would be wrong.
        assert hook["minimum_pre_commit_version"] == "3.2.0", hook["id"]
        # Stage names from before 3.2.0 (commit, push) are the ones 3.2.0 renamed.
        assert set(hook.get("stages", [])) <= {"pre-commit", "pre-push", "manual"}, hook["id"]


def test_pre_commit_itself_accepts_the_manifest() -> None:
    assert [hook["id"] for hook in load_manifest(str(MANIFEST))] == [hook["id"] for hook in _hooks()]


def _entry(hook_id: str) -> list[str]:
    """The hook's command line, as pre-commit runs it, without the program name."""
    hook = next(h for h in _hooks() if h["id"] == hook_id)
    argv = shlex.split(hook["entry"])
    assert argv[0] == "ownership-gate"
    return argv[1:]


def test_a_routine_commit_gets_one_line(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "x\n"})
    repo.stage({"app/a.py": "x = 1\n", "app/b.py": "y = 2\n"})
    assert main(_entry("ownership-gate")) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        "ownership-gate: OK, routine change (2 staged files, engineer level, policy builtin:startup):"
        " no sign-off needed.\n"
    )
    assert captured.err == ""


def test_a_commit_that_needs_sign_off_gets_the_full_notice(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "x\n"})
    repo.stage({"terraform/main.tf": TERRAFORM_DB, "app/a.py": "x = 1\n"})
    assert main(_entry("ownership-gate")) == 0  # advisory: never blocks
    out = capsys.readouterr().out
    assert "terraform/main.tf [added]" in out
    assert "rule cloud-resources: Cloud resources and who can reach them are a one-way door" in out
    assert "Heads-up: this change will need cto sign-off (@cto) in its pull request." in out
    assert "To sign off, one of:" in out


def test_a_broken_policy_is_listed_once_across_the_hooks(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": "version: 1\nlevels:\n  - name: engineer\nrulez: []\n"})
    repo.stage({"app/a.py": "x = 1\n"})
    # The hooks that run on every commit; validate runs only when the policy is staged.
    codes = [main(_entry(hook_id)) for hook_id in ("ownership-gate", "ownership-gate-codeowners")]
    assert codes == [2, 2]  # a broken policy never lets anything pass quietly
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert output.count("unknown key 'rulez'") == 1, output
    assert "`ownership-gate validate` lists them" in output


POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@acme/eng"]}
  - name: cto
    owners: ["@acme-cto"]
    signoff: {trailer: CTO-Approved-by, signers: [cto@acme.example]}
rules:
  - {id: cloud, level: cto, paths: ["terraform/"], reason: Cloud setup is a one-way door.}
"""


def _pushed(monkeypatch: pytest.MonkeyPatch, base: str, head: str) -> None:
    """What pre-commit puts in a pre-push hook's environment."""
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)


def test_pre_push_judges_the_pushed_commits_with_the_policy_the_remote_has(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "x\n"}, "base")
    # The push also tries to drop the rule that judges it: the remote's policy still applies.
    repo.commit({".ownership-gate.yaml": POLICY.replace('["terraform/"]', '["nothing/"]')}, "weaken")
    head = repo.commit({"terraform/main.tf": "x\n"}, "cloud")
    _pushed(monkeypatch, base, head)
    assert main(_entry("ownership-gate-pre-push")) == 0  # advisory: never blocks the push
    out = capsys.readouterr().out
    assert f"policy .ownership-gate.yaml@{base}" in out
    assert "terraform/main.tf [added]" in out
    assert "rule cloud: Cloud setup is a one-way door." in out
    assert "!   Needs cto sign-off (@acme-cto): missing." in out


def test_pre_push_sees_a_sign_off_in_the_pushed_commits(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "base")
    repo.commit({"terraform/main.tf": "x\n"}, "cloud")
    # The sign-off is the CTO's own commit: a trailer counts only where its signer wrote it.
    head = commit_as(repo, "sign-off\n\nCTO-Approved-by: Cee Tee <cto@acme.example>")
    _pushed(monkeypatch, base, head)
    assert main(["check", "--pre-push", "--format", "json"]) == 0
    assert '"satisfied": true' in capsys.readouterr().out


def test_pre_push_without_a_range_says_there_is_nothing_to_judge(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({"terraform/main.tf": "x\n"})
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    monkeypatch.delenv("PRE_COMMIT_TO_REF", raising=False)
    assert main(_entry("ownership-gate-pre-push")) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing to judge: pre-commit names no pushed range" in captured.err


def test_pre_push_takes_no_other_range(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "x\n"})
    assert main(["check", "--pre-push", "--base", "HEAD"]) == 2
    assert "--pre-push takes the pushed range from pre-commit" in capsys.readouterr().err


def _hook_source(tmp_path: Path) -> tuple[Path, str]:
    """A repository holding this checkout's files as they are now (pre-commit installs hooks from a commit)."""
    source = tmp_path / "hook-source"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    subprocess.run(["git", "-C", str(source), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(source), "commit", "-q", "-m", "snapshot"], check=True)
    rev = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    return source, rev.stdout.strip()


def test_a_real_git_push_runs_the_pre_push_hook(repo: Repo, tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable))
    assert pre_commit, "pre-commit is a test dependency"
    source, rev = _hook_source(tmp_path)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    config = f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: ownership-gate-pre-push\n"
    repo.commit({".ownership-gate.yaml": POLICY, ".pre-commit-config.yaml": config}, "base")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INPUT": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the package pre-commit installed
    subprocess.run([pre_commit, "install", "-t", "pre-push"], cwd=repo.root, env=env, check=True, capture_output=True)
    repo.git("checkout", "-q", "-b", "cloud")
    repo.commit({"terraform/main.tf": "x\n", "app/a.py": "x = 1\n"}, "cloud")
    push = subprocess.run(
        ["git", "push", "origin", "cloud"], cwd=repo.root, env=env, capture_output=True, text=True, check=False,
    )
    output = push.stdout + push.stderr
    assert push.returncode == 0, output  # advisory: the push goes through
    assert "ownership-gate (do the pushed commits need sign-off?)" in output
    assert "terraform/main.tf [added]" in output
    assert "Needs cto sign-off (@acme-cto): missing." in output
    assert "engineer: 1 file(s)" in output  # the range is the branch's own commit, not main's history
    assert repo.git("ls-remote", str(remote), "refs/heads/cloud")
