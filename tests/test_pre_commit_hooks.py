"""The hook manifest, and what each hook prints and does in a real repository."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
from pre_commit.clientlib import load_manifest
from ruamel.yaml import YAML

from ownership_gate.main import main
from tests.conftest import Repo

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
    repo.stage({"terraform/main.tf": "x\n", "app/a.py": "x = 1\n"})
    assert main(_entry("ownership-gate")) == 0  # advisory: never blocks
    out = capsys.readouterr().out
    assert "terraform/main.tf [added]" in out
    assert "rule cloud-folders: Committing to a cloud setup is a one-way door." in out
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
