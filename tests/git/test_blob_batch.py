"""A change set's blobs are read in one request to git, each once, wherever classifying runs."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from ownership_gate.cli import main
from ownership_gate.git.repo import Git
from tests.conftest import Repo

POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@org/eng"]}
  - {name: cto, owners: ["@cto"]}
rules:
  - {id: vendor, level: cto, when: {type: dependency, kind: [added, removed, major]}}
  - {id: schema, level: cto, when: {type: schema, kind: [destructive, risky, unknown]}}
  - {id: spend, level: cto, when: {type: cost, kind: [increase]}}
  - {id: cloud, level: cto, when: {type: infra}}
"""

BEFORE = {
    ".ownership-gate.yaml": POLICY,
    "package.json": json.dumps({"dependencies": {"express": "^4.18.2"}}),
    "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {}}),
    "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n",
    "db/migrations/0001_init.sql": "CREATE TABLE users (id bigint, legacy text);\n",
    "terraform/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n',
    "terraform/.terraform.lock.hcl": 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.0.0"\n}\n',
    "src/app.py": "x = 1\n",
}
AFTER = {
    "package.json": json.dumps({"dependencies": {"express": "^5.0.0"}}),
    "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"x": {}}}),
    "deploy/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 6\n",
    "db/migrations/0002_drop.sql": "ALTER TABLE users DROP COLUMN legacy;\n",
    "terraform/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "m5.large"\n}\n',
    "terraform/.terraform.lock.hcl": 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.1.0"\n}\n',
    "src/app.py": "x = 2\n",
}
READ = ("package.json", "deploy/web.yaml", "terraform/main.tf")  # and the new migration


def _blob_ids(repo: Repo, rev: str, paths: Sequence[str]) -> set[str]:
    return {repo.git("rev-parse", f"{rev}:{path}") for path in paths}


def test_blobs_come_back_in_order_from_one_request(repo: Repo) -> None:
    # Far more than a pipe holds in both directions: git must not wait for us, nor we for git.
    files = {f"f{i:03}.bin": os.urandom(50_000).hex() for i in range(300)}
    repo.commit(files)
    oids = [repo.git("rev-parse", f"HEAD:{name}") for name in files]
    tree = repo.git("rev-parse", "HEAD^{tree}")
    git = Git(repo.root)
    try:
        found = git.blobs([*oids, "0" * 40, tree, oids[0]])
    finally:
        git.close()
    assert found == [*(c.encode() for c in files.values()), None, None, files["f000.bin"].encode()]


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every request for blobs, by the process that made it, written where a forked child can add to it too."""
    log = tmp_path / "requests.jsonl"
    real = Git.blobs

    def noted(self: Git, oids: Sequence[str]) -> list[bytes | None]:
        with log.open("a") as out:
            out.write(json.dumps({"pid": os.getpid(), "oids": list(oids)}) + "\n")
        return real(self, oids)

    monkeypatch.setattr(Git, "blobs", noted)
    return log


def _requests(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_change_set_reads_what_its_classifiers_need_in_one_request(
    repo: Repo, capsys: pytest.CaptureFixture[str], requests: Path
) -> None:
    base = repo.commit(BEFORE)
    repo.commit(AFTER)
    assert main(["check", "--format", "json", "--base", base]) == 1
    document = json.loads(capsys.readouterr().out)
    kinds = {(f["type"], f["kind"]) for c in document["changes"] for f in c["findings"]}
    assert {("dependency", "major"), ("cost", "increase"), ("schema", "destructive"), ("infra", "terraform")} <= kinds
    [request] = _requests(requests)
    assert request["pid"] == os.getpid()
    # Lockfiles are judged by their manifests and never read; unclaimed files neither.
    assert request["oids"] == sorted(request["oids"], key=request["oids"].index)  # each once
    wanted = _blob_ids(repo, base, READ) | _blob_ids(repo, "HEAD", (*READ, "db/migrations/0002_drop.sql"))
    assert set(request["oids"]) == wanted  # type: ignore[arg-type]


def test_the_files_of_many_folders_are_listed_in_one_request(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    base = repo.commit({"top": "1", "a/x": "2", "a/b/y": "3", "c/z": "4", "a/b/deeper/w": "5"})
    git = Git(repo.root)
    calls: list[tuple[str, ...]] = []
    run = git.run

    def counted(*args: str) -> bytes:
        calls.append(args)
        return run(*args)

    monkeypatch.setattr(git, "run", counted)
    listed = git.files_in(base, ["", "a", "a/b", "missing"])
    # Files only: a folder asked for with its parent is not among the parent's names.
    assert listed == {"": {"top"}, "a": {"x"}, "a/b": {"y"}, "missing": frozenset()}
    assert len(calls) == 1
