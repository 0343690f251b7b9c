"""Classifying in a forked child gives the same answer as classifying here."""

from __future__ import annotations

import json
import os
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from ownership_gate import engine
from ownership_gate.aside import Aside, can_fork
from ownership_gate.git_diff import PendingDiff
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


def _edits_only(repo: Repo) -> str:
    """A change set with findings of every type and no added file (so no second pass for copies)."""
    base = repo.commit({
        ".ownership-gate.yaml": POLICY,
        "package.json": json.dumps({"dependencies": {"express": "^4.18.2"}}),
        "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n",
        "db/migrations/0001_init.sql": "CREATE TABLE users (id bigint, legacy text);\n",
        "terraform/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n',
        "src/api/m.py": "x = 1\n",
    })
    repo.commit({
        "package.json": json.dumps({"dependencies": {"express": "^5.0.0", "stripe": "^14.0.0"}}),
        "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 6\n",
        "db/migrations/0001_init.sql": "CREATE TABLE users (id bigint);\n",
        "terraform/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "m5.large"\n}\n',
        "src/api/m.py": "x = 2\n",
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


class Recording(Aside[object]):
    """An Aside that notes what happens to it in `EVENTS`."""

    def __init__(self, function: object, fork: bool, **options: Any) -> None:
        EVENTS.append("held" if options.get("work") else "fork" if fork else "here")
        super().__init__(function, fork, **options)  # type: ignore[arg-type]

    def release(self, message: bytes = b"") -> None:
        if self.waiting:
            EVENTS.append("released")
        super().release(message)

    def cancel(self) -> None:
        if self.waiting:
            EVENTS.append("cancelled")
        super().cancel()


EVENTS: list[str] = []


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    EVENTS.clear()
    monkeypatch.setattr(engine, "Aside", Recording)
    return EVENTS


def _git_still_running(monkeypatch: pytest.MonkeyPatch, running: bool) -> None:
    """Whether `check` finds git still at work once the engine is built (a large change)."""
    monkeypatch.setattr(PendingDiff, "running", lambda self: running)


def test_a_change_set_nobody_claims_forks_no_child(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, recording: list[str]
) -> None:
    _git_still_running(monkeypatch, False)
    monkeypatch.setattr(engine, "FORK_AT", 0)
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/api/a.py": "x = 1\n"})
    repo.commit({"src/api/a.py": "x = 2\n", "docs/guide.md": "words\n"})
    _check(capsys, base)
    assert recording == ["here"]
    recording.clear()
    repo.commit({"requirements.txt": "django==4.2.1\n"})
    _check(capsys, base)
    assert recording == ["fork"]


@needs_fork
@pytest.mark.parametrize("claims_sent", [True, False], ids=["claims-sent", "too-many-claims-to-send"])
def test_a_child_started_while_git_works_classifies_exactly_as_this_process_does(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, recording: list[str],
    claims_sent: bool,
) -> None:
    if not claims_sent:
        monkeypatch.setattr(engine, "QUICK_MESSAGE", 0)  # the child claims again itself
    base = _edits_only(repo)
    _git_still_running(monkeypatch, False)
    here = _check(capsys, base)
    assert recording == ["here"]
    recording.clear()
    _git_still_running(monkeypatch, True)
    monkeypatch.setattr(engine, "FORK_AT", 0)
    early = _check(capsys, base)
    assert recording == ["held", "released"]
    assert early == here
    kinds = {(f["type"], f["kind"]) for c in json.loads(early[1])["changes"] for f in c["findings"]}
    assert {("dependency", "added"), ("dependency", "major"), ("cost", "increase"), ("infra", "terraform")} <= kinds
    assert "schema" in {t for t, _ in kinds}


@needs_fork
def test_a_child_reads_the_whole_change_set_when_a_classifier_asks_for_it(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, recording: list[str]
) -> None:
    """A Django AlterField is judged by the model source, which the reader finds among all changed files."""
    model = "from django.db import models\n\n\nclass Book(models.Model):\n    title = {title}\n"
    alter = ("from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
             "    operations = [\n        migrations.AlterField(model_name='book', name='title',"
             " field=models.CharField(max_length=20)),\n    ]\n")
    base = repo.commit({
        ".ownership-gate.yaml": POLICY,
        "library/models.py": model.format(title="models.CharField(max_length=20, null=True)"),
    })
    repo.commit({"library/models.py": model.format(title="models.CharField(max_length=20)"),
                 "library/migrations/0005_title.py": alter})
    _git_still_running(monkeypatch, False)
    here = _check(capsys, base)
    _git_still_running(monkeypatch, True)
    monkeypatch.setattr(engine, "FORK_AT", 0)
    recording.clear()
    early = _check(capsys, base)
    assert recording == ["held", "released"]
    assert early == here
    found = [(f["kind"], f["subject"]) for c in json.loads(early[1])["changes"] for f in c["findings"]]
    assert found == [("risky", "library_book.title")]  # NULL to NOT NULL, read from the model


@needs_fork
def test_a_child_loading_parsers_is_stopped_when_nothing_is_claimed(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, recording: list[str]
) -> None:
    _git_still_running(monkeypatch, True)
    monkeypatch.setattr(engine, "FORK_AT", 0)
    monkeypatch.setattr(engine, "import_module", lambda name: time.sleep(60))  # parsers that never finish loading
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/api/a.py": "x = 1\n", "docs/guide.md": "words\n"})
    repo.commit({"src/api/a.py": "x = 2\n", "docs/guide.md": "more words\n"})
    code, out = _check(capsys, base)
    assert recording == ["held", "cancelled", "here"]
    assert code == 1 and {c["level"] for c in json.loads(out)["changes"]} == {"lead", "engineer"}


@needs_fork
def test_a_held_child_sees_the_copies_of_the_second_pass_too(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, recording: list[str]
) -> None:
    body = "".join(f"line {i}\n" for i in range(50))
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/api/a.py": body})
    repo.commit({"src/api/a.py": body + "more\n", "requirements.txt": "django==4.2.1\n", "lib/b.py": body})
    _git_still_running(monkeypatch, False)
    here = _check(capsys, base)
    _git_still_running(monkeypatch, True)
    recording.clear()
    early = _check(capsys, base)
    assert recording == ["held", "released"]  # a small change set: the child is warm, so it is used
    assert early == here
    statuses = {c["path"]: (c["status"], c["old_path"]) for c in json.loads(early[1])["changes"]}
    assert statuses["lib/b.py"] == ("copied", "src/api/a.py")
    assert {f["subject"] for c in json.loads(early[1])["changes"] for f in c["findings"]} >= {"django"}


@needs_fork
def test_a_held_child_prepares_then_works_on_the_message_it_is_released_with(tmp_path: Path) -> None:
    marks = tmp_path / "marks"

    def mark(label: str) -> None:
        with marks.open("a") as file:
            file.write(f"{label} {os.getpid()}\n")

    def work(message: bytes) -> tuple[int, bytes]:
        return os.getpid(), message

    held = Aside.held(work, prepare=[partial(mark, "prepared")])
    assert held.waiting
    deadline = time.monotonic() + 30
    while not marks.exists() and time.monotonic() < deadline:  # released at once, it would skip preparing
        time.sleep(0.01)
    message = b"claims " * 20_000  # more than a pipe holds
    held.release(message)
    assert not held.waiting
    child, received = held.result(here=lambda: (0, b""))
    assert child not in (0, os.getpid()) and received == message
    assert marks.read_text() == f"prepared {child}\n"


@needs_fork
def test_a_released_child_stops_preparing(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    steps = [partial(time.sleep, 0.3), partial(marks.write_text, "second step ran")]
    held = Aside.held(lambda message: os.getpid(), prepare=steps)
    held.release()
    assert held.result(here=lambda: -1) not in (-1, os.getpid())
    assert not marks.exists()


@needs_fork
def test_a_held_child_never_released_is_cancelled_and_the_work_runs_here() -> None:
    held = Aside.held(lambda message: os.getpid(), prepare=[partial(time.sleep, 60)])
    assert held.result(here=lambda: -1) == -1
    assert not held.waiting
    other = Aside.held(lambda message: os.getpid(), prepare=[partial(time.sleep, 60)])
    other.cancel()
    assert other.result(here=os.getpid) == os.getpid()


def test_a_fork_the_system_refuses_runs_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert Aside(os.getpid, fork=True).result() == os.getpid()
