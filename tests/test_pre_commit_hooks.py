"""The hook manifest, and what each hook prints and does in a real repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pre_commit.clientlib import load_manifest
from ruamel.yaml import YAML

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
