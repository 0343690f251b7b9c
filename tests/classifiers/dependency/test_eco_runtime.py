"""runtime: the language a platform runs the application on (runtime.txt, .python-version, .ruby-version)."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import runtime
from tests.conftest import Repo, findings, run_json


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("runtime.txt", "python-3.12.4\n", [("python", "3.12.4", 1)]),
    ("app/runtime.txt", "# Heroku\nruby-3.3.1", [("ruby", "3.3.1", 2)]),
    ("runtime.txt", "python-3.10.x\n", [("python", "3.10", 1)]),
    ("runtime.txt", "PHP-8.3\n", [("php", "8.3", 1)]),
    (".python-version", "3.12\n3.11\n", [("python", "3.12", 1)]),  # pyenv's first version is the one used
    (".ruby-version", "ruby-3.3.1\n", [("ruby", "3.3.1", 1)]),
    (".ruby-version", "3.3.1\n", [("ruby", "3.3.1", 1)]),
    # Other kinds of runtime are not releases of these languages.
    ("runtime.txt", "r-2024-01-01\n", []),
    ("runtime.txt", "3.12\n", []),  # no language named
    (".python-version", "pypy3.10-7.3.12\n", []),
    (".python-version", "system\n", []),
    (".ruby-version", "python-3.12\n", []),
    (".ruby-version", "", []),
])
def test_what_a_runtime_file_names(path: str, text: str, expected: list[tuple[str, str, int]]) -> None:
    assert [(r.name, r.constraint, r.line) for r in runtime.parse(text, path)] == expected


def _dependency(repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str | None],
                after: dict[str, str | None]) -> tuple[int, list[tuple[str, str, str | None, str | None, str]]]:
    base = repo.commit(before)
    repo.commit(after)
    code, document = run_json(capsys, "--base", base)
    return code, [(f["kind"], f["subject"], f["from"], f["to"], f["level"] or "-")
                  for f in findings(document, "dependency")]


@pytest.mark.parametrize(("path", "before", "after", "expected"), [
    ("runtime.txt", "python-3.10.1\n", "python-3.9.9\n", ("major", "python", "3.10.1", "3.9.9", "cto")),
    (".python-version", "3.11\n", "3.12\n", ("major", "python", "3.11", "3.12", "cto")),
    (".ruby-version", "3.2.4\n", "3.3.1\n", ("major", "ruby", "3.2.4", "3.3.1", "cto")),
])
def test_another_feature_release_of_the_language_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str,
    expected: tuple[str, str, str, str, str],
) -> None:
    code, found = _dependency(repo, capsys, {"README.md": "app\n", path: before}, {path: after})
    assert found == [expected]
    assert code == 1


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({".ruby-version": "4.0.4\n"}, {".ruby-version": "4.0.6\n"}, [("patch", "ruby", "4.0.4", "4.0.6", "-")]),
    ({"README.md": "app\n"}, {".ruby-version": "3.0.2\n"}, [("added", "ruby", None, "3.0.2", "-")]),
    ({"runtime.txt": "r-2023-01-01\n"}, {"runtime.txt": "r-2024-01-01\n"}, []),
])
def test_a_patch_release_or_a_new_runtime_file_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str | None], after: dict[str, str | None],
    expected: list[tuple[str, str, str | None, str | None, str]],
) -> None:
    code, found = _dependency(repo, capsys, before, after)
    assert found == expected
    assert code == 0
