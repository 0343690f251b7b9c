from __future__ import annotations

import pytest

from tests.conftest import Repo, levels_by_path, run_json


def test_builtin_policy_flags_terraform_and_passes_app_code(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({"terraform/main.tf": 'resource "null_resource" "x" {}\n', "app/models.py": "x = 1\n"})
    code, doc = run_json(capsys, "--base", base)
    assert code == 1
    assert levels_by_path(doc) == {"terraform/main.tf": "cto", "app/models.py": "engineer"}
    assert doc["required_level"] == "cto"
    assert doc["policy"] == {"source": "builtin:startup"}
