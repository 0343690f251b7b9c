"""A dependency folder committed: `.gitignore` stops ignoring it and the change adds files there."""

from __future__ import annotations

from typing import Any

import pytest

from ownership_gate.classifiers.dependency.vendored import _folder
from tests.conftest import Repo, findings, run_json

GITIGNORE = "/.env\n/vendor\n/storage/*.key\n"
PACKAGE = "<?php\nnamespace Monolog;\nclass Logger {}\n"


def _vendored(doc: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(f["subject"], f["detail"], f["level"]) for f in findings(doc, "dependency") if f["kind"] == "vendored"]


def test_a_vendor_folder_committed_asks_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".gitignore": GITIGNORE, "composer.json": '{"require": {"monolog/monolog": "^3.0"}}'})
    repo.commit({".gitignore": GITIGNORE.replace("/vendor\n", ""),
                 "vendor/monolog/monolog/src/Logger.php": PACKAGE,
                 "vendor/monolog/monolog/src/Handler.php": PACKAGE,
                 "vendor/autoload.php": "<?php\n"})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert _vendored(doc) == [(
        "vendor/",
        ".gitignore no longer ignores vendor/ and the change commits 3 files there: production now ships the"
        " copies in the repository, not what the manifests install",
        "cto",
    )]
    assert code == 1


def test_a_nested_ignore_file_names_the_folder_below_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"web/.gitignore": "node_modules/\ndist/\n", "web/package.json": '{"name": "web"}'})
    repo.commit({"web/.gitignore": "dist/\n", "web/packages/ui/node_modules/left-pad/index.js": "module.exports = 1\n"})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert [subject for subject, _, _ in _vendored(doc)] == ["web/node_modules/"]
    assert code == 1


@pytest.mark.parametrize(("before", "after"), [
    # The line goes, but nothing is committed there (yet).
    ({".gitignore": GITIGNORE}, {".gitignore": GITIGNORE.replace("/vendor\n", "")}),
    # An already committed folder updated: its manifests judge what changed.
    ({".gitignore": "/.env\n", "vendor/a/a.php": PACKAGE}, {"vendor/a/a.php": PACKAGE + "// 1.0.1\n"}),
    # The ignore line reworded, the folder still ignored.
    ({".gitignore": GITIGNORE}, {".gitignore": GITIGNORE.replace("/vendor\n", "/vendor/\n")}),
    # Another folder no longer ignored, with files committed there.
    ({".gitignore": GITIGNORE + "/build\n"}, {".gitignore": GITIGNORE, "build/app.js": "1\n"}),
])
def test_no_dependency_folder_committed(repo: Repo, capsys: pytest.CaptureFixture[str],
                                        before: dict[str, str | None], after: dict[str, str | None]) -> None:
    base = repo.commit(before)
    repo.commit(after)
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert _vendored(doc) == []
    assert code == 0


@pytest.mark.parametrize(("line", "folder"), [
    ("/vendor", "/vendor"), ("vendor/", "vendor"), ("/node_modules/**", "/node_modules"), ("Pods/", "Pods"),
    ("# vendor", None), ("!vendor/", None), ("app/vendor", None), ("vendor.js", None), ("", None),
])
def test_the_folder_an_ignore_line_names(line: str, folder: str | None) -> None:
    assert _folder(line) == folder
