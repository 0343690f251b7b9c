"""Real git repositories in temporary directories, and helpers to drive them."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ownership_gate.cli import main

# A change the built-in policies send to the CTO by what it does: a new managed database.
TERRAFORM_DB = 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n'

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Eng Ineer",
    "GIT_AUTHOR_EMAIL": "eng@example.com",
    "GIT_COMMITTER_NAME": "Eng Ineer",
    "GIT_COMMITTER_EMAIL": "eng@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Repo:
    """A real git repository in a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str, input: bytes | None = None) -> str:
        proc = subprocess.run(
            ("git", *args), cwd=self.root, input=input, capture_output=True, check=False
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr.decode()}")
        return proc.stdout.decode("utf-8", "replace").strip()

    def write(self, path: str, content: str | bytes) -> Path:
        file = self.root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            file.write_bytes(content)
        else:
            file.write_text(content, "utf-8")
        return file

    def commit(self, files: dict[str, str | bytes | None] | None = None, message: str = "change") -> str:
        """Write (or, for None, delete) files, stage everything, commit; return the sha."""
        for path, content in (files or {}).items():
            if content is None:
                self.git("rm", "-q", "--", path)
            else:
                self.write(path, content)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def stage(self, files: dict[str, str | bytes]) -> None:
        for path, content in files.items():
            self.write(path, content)
            self.git("add", "--", path)


@pytest.fixture(autouse=True)
def _git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITLAB_CI",
                "CI_MERGE_REQUEST_DIFF_BASE_SHA", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT",
                "COLUMNS"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    """An empty repository on branch main, with the working directory inside it."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(("git", "init", "-q", "-b", "main", str(root)), check=True)
    monkeypatch.chdir(root)
    yield Repo(root)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    """Run `ownership-gate check --format json ...` in-process; return (exit, document)."""
    code = main(["check", "--format", "json", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out)


def levels_by_path(document: dict[str, Any]) -> dict[str, str]:
    return {c["path"]: c["level"] for c in document["changes"]}


def findings(document: dict[str, Any], type_: str | None = None) -> list[dict[str, Any]]:
    return [
        f for c in document["changes"] for f in c["findings"] if type_ is None or f["type"] == type_
    ]


def kinds_and_subjects(document: dict[str, Any], type_: str) -> list[tuple[str, str]]:
    """(kind, subject) of every finding of one type, sorted."""
    return sorted((f["kind"], f["subject"]) for f in findings(document, type_))


@pytest.fixture(autouse=True)
def _policy_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the policy cache out of the user's home during tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
