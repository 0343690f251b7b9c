"""The built-in policies' `ownership` rule: review routing and the bots that merge or approve, by the CLI."""

from __future__ import annotations

import pytest

from tests.conftest import Repo, levels_by_path, run_json

MERGIFY = """pull_request_rules:
  - name: automatic merge for Renovate
    conditions:
      - author=renovate[bot]
      - check-success=test
    actions:
      merge:
        method: squash
"""

BUILTINS = ["builtin:startup", "builtin:monorepo", "builtin:security"]


@pytest.mark.parametrize("policy", BUILTINS)
@pytest.mark.parametrize("path, text", [
    (".github/mergify.yml", MERGIFY),
    (".mergify.yml", MERGIFY),
    (".kodiak.toml", "version = 1\n[merge]\nautomerge_label = \"ship it\"\n"),
    ("bors.toml", "status = [\"ci\"]\nrequired_approvals = 1\n"),
    (".policy.yml", "policy:\n  approval:\n    - one reviewer\n"),
])
def test_a_merge_bots_rules_need_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str], policy: str,
                                         path: str, text: str) -> None:
    base = repo.commit({"README.md": "# app\n"})
    repo.commit({path: text})
    code, document = run_json(capsys, "--base", base, "--policy", policy)
    (change,) = document["changes"]
    assert (change["path"], change["level"]) == (path, "cto")
    assert ("ownership", "cto") in [(f["rule"], f["level"]) for f in change["findings"]]
    assert code == 1


@pytest.mark.parametrize("policy", BUILTINS)
def test_files_of_the_same_name_elsewhere_are_not_the_bots(repo: Repo, capsys: pytest.CaptureFixture[str],
                                                           policy: str) -> None:
    """The bots read their rules at the repository's root (or `.github/`): a copy under docs is an example."""
    base = repo.commit({"README.md": "# app\n"})
    repo.commit({"docs/examples/.mergify.yml": MERGIFY, "docs/examples/bors.toml": "status = [\"ci\"]\n"})
    code, document = run_json(capsys, "--base", base, "--policy", policy)
    assert levels_by_path(document) == {"docs/examples/.mergify.yml": "engineer", "docs/examples/bors.toml": "engineer"}
    assert code == 0
