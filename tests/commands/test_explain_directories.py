"""`ownership-gate explain DIR`: a directory is explained by the levels of its tracked files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ownership_gate.cli import main
from tests.commands.test_explain import POLICY
from tests.conftest import Repo

FILES = {
    ".ownership-gate.yaml": POLICY,
    "app/auth/login.py": "x\n",
    "app/auth/logout.py": "x\n",
    "app/auth/tests/test_login.py": "x\n",
    "app/views.py": "x\n",
}


def _explain(capsys: pytest.CaptureFixture[str], *paths: str, code: int = 0) -> dict[str, Any]:
    assert main(["explain", "--format", "json", *paths]) == code
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_a_directory_gets_its_files_levels_by_deciding_rule(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(FILES)
    [item] = _explain(capsys, "app/auth")["paths"]
    assert item == {
        "path": "app/auth/",
        "directory": True,
        "files": 3,
        "levels": [
            {"level": "cto", "owners": ["@acme-cto"], "files": 2,
             "deciding_rules": [{"rule": "security", "files": 2, "example": "app/auth/login.py"}]},
            {"level": "engineer", "owners": ["@acme/eng"], "files": 1,
             "deciding_rules": [{"rule": None, "files": 1, "example": "app/auth/tests/test_login.py"}]},
        ],
    }


def test_a_directory_among_paths_does_not_stop_the_others(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(FILES)
    assert main(["explain", "app/views.py", "app/auth/", "app/auth/login.py"]) == 0
    out = capsys.readouterr().out
    assert "app/views.py: engineer (@acme/eng)" in out
    assert "app/auth/: a directory; its 3 tracked file(s) by level, strictest first" in out
    assert "  cto (@acme-cto): 2 file(s)\n    decided by security: 2 file(s), e.g. app/auth/login.py" in out
    assert "decided by default level (engineer): 1 file(s), e.g. app/auth/tests/test_login.py" in out
    assert "app/auth/login.py: cto (@acme-cto)" in out


def test_the_repository_root_and_an_empty_directory(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(FILES)
    (repo.root / "empty").mkdir()
    root, empty = _explain(capsys, ".", "empty")["paths"]
    assert (root["path"], root["files"]) == (".", 5)
    assert [(g["level"], g["files"]) for g in root["levels"]] == [("cto", 3), ("engineer", 2)]
    assert (empty["path"], empty["files"], empty["levels"]) == ("empty/", 0, [])


def test_a_directory_that_only_git_knows_is_one(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(FILES)
    shutil.rmtree(repo.root / "app/auth")  # gone from the working tree, still tracked
    [item] = _explain(capsys, "app/auth")["paths"]
    assert (item["path"], item["directory"], item["files"]) == ("app/auth/", True, 3)


def test_a_bad_path_is_reported_and_the_others_explained(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(FILES)
    assert main(["explain", "--format", "json", "../elsewhere.py", "app/auth/login.py"]) == 2
    captured = capsys.readouterr()
    assert [item["path"] for item in json.loads(captured.out)["paths"]] == ["app/auth/login.py"]
    assert "../elsewhere.py is outside the repository" in captured.err


def test_the_readme_example_is_what_it_prints(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    example = readme.split("$ ownership-gate explain deploy\n", 1)[1].split("```", 1)[0]
    repo.commit({"deploy/release.sh": "x\n", "deploy/rollback.sh": "x\n", "deploy/tests/test_release.sh": "x\n"})
    assert main(["explain", "deploy"]) == 0
    assert capsys.readouterr().out == example
