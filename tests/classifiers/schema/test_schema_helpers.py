"""Shared helpers for the schema classifier tests: real commits, judged through `check`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, findings, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "schema"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def judge(
    repo: Repo,
    capsys: pytest.CaptureFixture[str],
    after: dict[str, str | bytes | None],
    before: dict[str, str | bytes | None] | None = None,
    *argv: str,
) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    """Commit `before` (or a README), then `after`; run `check --format json` on the step."""
    base = repo.commit(before or {"README.md": "project\n"}, "base")
    repo.commit(after, "change")
    code, doc = run_json(capsys, "--base", base, *argv)
    return code, findings(doc, "schema"), doc


def pairs(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kind, subject) of each finding, in order."""
    return [(f["kind"], f["subject"]) for f in found]


def kinds(found: list[dict[str, Any]]) -> set[str]:
    return {f["kind"] for f in found}
