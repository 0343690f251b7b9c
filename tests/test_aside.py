"""Classifying in a forked child gives the same answer as classifying here."""

from __future__ import annotations

import json
import os

import pytest

from ownership_gate import engine
from ownership_gate.aside import Aside, can_fork
from ownership_gate.main import main
from tests.conftest import Repo

needs_fork = pytest.mark.skipif(not can_fork(), reason="forks only on Linux with two cores or more")

POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@org/eng"]}
  - {name: lead, owners: ["@org/leads"]}
  - {name: cto, owners: ["@cto"]}
rules:
  - {id: vendor, level: cto, when: {type: dependency, kind: [added, removed, major]}}
  - {id: schema, level: cto, when: {type: schema, kind: [destructive, risky, unknown]}}
  - {id: spend, level: cto, when: {type: cost, kind: [increase]}}
  - {id: cloud, level: lead, when: {type: infra}}
  - {id: api, level: lead, paths: ["src/api/"]}
"""


def _change_set(repo: Repo) -> str:
    base = repo.commit({
        ".ownership-gate.yaml": POLICY,
        "package.json": json.dumps({"dependencies": {"express": "^4.18.2"}}),
        "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n",
        **{f"src/api/m{i}.py": f"x = {i}\n" for i in range(30)},
    })
    repo.commit({
        "package.json": json.dumps({"dependencies": {"express": "^5.0.0", "stripe": "^14.0.0"}}),
        "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 6\n",
        "db/migrations/0002_drop.sql": "ALTER TABLE users DROP COLUMN legacy;\n",
        "terraform/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n',
        **{f"src/api/m{i}.py": f"x = {i + 1}\n" for i in range(30)},
        "src/api/m3.py": None,
    })
    return base


def _check(capsys: pytest.CaptureFixture[str], base: str) -> tuple[int, str]:
    code = main(["check", "--format", "json", "--base", base])
    return code, capsys.readouterr().out


@needs_fork
def test_a_forked_child_classifies_exactly_as_this_process_does(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _change_set(repo)
    here = _check(capsys, base)
    monkeypatch.setattr(engine, "FORK_AT", 0)
    forked = _check(capsys, base)
    assert forked == here
    document = json.loads(forked[1])
    kinds = {(f["type"], f["kind"]) for c in document["changes"] for f in c["findings"]}
    assert {("dependency", "added"), ("dependency", "major"), ("schema", "destructive"),
            ("cost", "increase"), ("infra", "terraform")} <= kinds
    assert forked[0] == 1


@needs_fork
def test_the_work_runs_in_a_child_and_comes_back() -> None:
    assert Aside(os.getpid, fork=True).result() != os.getpid()
    assert Aside(os.getpid, fork=False).result() == os.getpid()


@needs_fork
def test_a_failing_child_leaves_the_error_to_this_process() -> None:
    def broken() -> int:
        raise ValueError("classifier bug")

    with pytest.raises(ValueError, match="classifier bug"):
        Aside(broken, fork=True).result()


@needs_fork
def test_an_answer_that_cannot_travel_is_computed_here() -> None:
    parent = os.getpid()

    def unpicklable() -> object:
        return lambda: os.getpid() == parent  # a lambda does not pickle

    assert Aside(unpicklable, fork=True).result()()  # type: ignore[operator]


def test_a_change_set_nobody_claims_forks_no_child(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forks: list[bool] = []

    class Recording(Aside[object]):
        def __init__(self, function: object, fork: bool) -> None:
            forks.append(fork)
            super().__init__(function, fork)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "FORK_AT", 0)
    monkeypatch.setattr(engine, "Aside", Recording)
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/api/a.py": "x = 1\n"})
    repo.commit({"src/api/a.py": "x = 2\n", "docs/guide.md": "words\n"})
    _check(capsys, base)
    repo.commit({"requirements.txt": "django==4.2.1\n"})
    _check(capsys, base)
    assert forks == [False, True]


def test_a_fork_the_system_refuses_runs_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert Aside(os.getpid, fork=True).result() == os.getpid()
