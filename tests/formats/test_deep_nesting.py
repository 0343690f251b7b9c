"""Files nested 50,000 levels deep: a precise verdict, never a crash.

A parser that recursed that deep would kill the process (SIGSEGV, exit
139) rather than raise, so every run here is a child process: the hook and
the check must still exit 0, 1 or 2 with a message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import Repo

DEEP = 50_000
FLOW = "[" * DEEP + "]" * DEEP
POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@eng"]}
  - {name: cto, owners: ["@cto"]}
rules:
  - {id: vendors, level: cto, when: {type: dependency}}
  - {id: spend, level: cto, when: {type: cost}}
"""

# path -> (deep content, the message the finding carries)
MANIFESTS = {
    "compose.yaml": ("services:\n  web:\n    image: nginx:1\n    x: " + FLOW + "\n", "nested more than 200 levels"),
    ".github/workflows/ci.yml": (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - " + "- " * DEEP + "x\n",
        "nested more than 200 levels",
    ),
    "charts/web/values.yaml": ("replicaCount: 2\nresources: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n",
                               "nested more than 200 levels"),
    "charts/web/Chart.yaml": ("apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies: " + FLOW + "\n",
                              "nested more than 200 levels"),
    "k8s/web.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  x: " + FLOW + "\n",
        "nested more than 200 levels",
    ),
    "template.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: AWS::EC2::Instance\n"
        "    Properties: {InstanceType: t3.large, X: " + FLOW + "}\n",
        "nested more than 200 levels",
    ),
    "package.json": ('{"name": "a", "dependencies": {"x": "1"}, "y": ' + FLOW + "}\n", "nested too deeply"),
    "pyproject.toml": ("[project]\nname = 'a'\ndependencies = ['x==1']\ny = " + FLOW + "\n", "nested too deeply"),
    "main.tf.json": ('{"resource": ' + FLOW + "}\n", "nested too deeply"),
}


def _check(repo: Repo, *args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "ownership_gate", "check", *args], cwd=repo.root,
        capture_output=True, text=True, check=False,
    )
    return done.returncode, done.stdout, done.stderr


def _findings(report: str, path: str) -> list[dict[str, Any]]:
    document = json.loads(report)
    [change] = [c for c in document["changes"] if c["path"] == path]
    assert change["level"] == "cto"
    return list(change["findings"])


@pytest.mark.parametrize("path", list(MANIFESTS))
def test_a_deep_manifest_is_unreadable_and_needs_sign_off(repo: Repo, path: str) -> None:
    content, message = MANIFESTS[path]
    base = repo.commit({".ownership-gate.yaml": POLICY})
    repo.commit({path: content})
    code, out, err = _check(repo, "--base", base, "--format", "json")
    assert code == 1, err[-2000:]
    found = _findings(out, path)
    assert any(f["kind"] in ("unparsed", "change") and message in f["detail"] for f in found), found
    assert not [f for f in found if f["type"] == "error"], found  # told as unreadable, not as a classifier's failure

    repo.git("reset", "-q", "--soft", base)  # the same file staged, for the hook
    code, out, err = _check(repo, "--staged", "--advisory")
    assert code == 0, err[-2000:]
    assert "Heads-up: this change will need cto sign-off (@cto) in its pull request." in out
    assert message in out


def test_a_terraform_block_nested_too_deeply_is_unreadable_with_the_built_in_policy(repo: Repo) -> None:
    # Deeper than a configuration nests (64), yet shallow enough for tree-sitter to parse it whole: every
    # classifier reading the block is told it cannot be read, none fails on it.
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"infra/main.tf": 'locals {\n  size = "t3.large"\n  tags = ' + "[" * 300 + "]" * 300 + "\n}\n"})
    code, out, err = _check(repo, "--base", base, "--format", "json")
    assert code == 1, err[-2000:]
    found = _findings(out, "infra/main.tf")
    assert ("cloud", "unparsed") in {(f["type"], f["kind"]) for f in found}, found
    assert not [f for f in found if f["type"] == "error"], found


def test_a_deep_xml_manifest_is_read_to_its_dependencies(repo: Repo) -> None:
    # Expat and ElementTree do not recurse: the dependency next to the deep subtree is found.
    pom = (
        "<project><dependencies><dependency><groupId>org.x</groupId><artifactId>y</artifactId>"
        "<version>1.0</version></dependency></dependencies>" + "<a>" * DEEP + "</a>" * DEEP + "</project>\n"
    )
    base = repo.commit({".ownership-gate.yaml": POLICY})
    repo.commit({"pom.xml": pom})
    code, out, err = _check(repo, "--base", base, "--format", "json")
    assert code == 1, err[-2000:]
    assert [(f["kind"], f["subject"]) for f in _findings(out, "pom.xml")] == [("added", "org.x:y")]


@pytest.mark.parametrize(
    "tail",
    ["x: " + FLOW + "\n", "x:\n" + "".join(" " * i + "k:\n" for i in range(1, 1000)), "x:\n" + "- " * DEEP + "1\n"],
    ids=["flow", "block", "compact"],
)
def test_a_deep_policy_is_a_policy_error_naming_the_file(repo: Repo, tail: str) -> None:
    repo.commit({"README.md": "x\n"})
    repo.stage({".ownership-gate.yaml": POLICY + tail})
    for args in (("--staged",), ("--staged", "--advisory")):
        code, _, err = _check(repo, *args)
        assert code == 2, err[-2000:]
        assert "invalid policy" in err and ".ownership-gate.yaml:" in err
        assert "nested more than 200 levels deep" in err
    for command in ("validate", "explain"):  # an invalid policy exits 2 for every command
        done = subprocess.run([sys.executable, "-m", "ownership_gate", command, "README.md"], cwd=repo.root,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 2 and "nested more than 200 levels deep" in done.stderr, done.stderr[-2000:]


def test_a_deep_lockfile_the_manifest_leaves_versions_to_is_unreadable(repo: Repo) -> None:
    # The lockfile decides `x`'s version (the manifest says `*`), so a lockfile that cannot be read needs sign-off.
    manifest = '{"name": "a", "dependencies": {"x": "*"}}\n'
    lock = "lockfileVersion: '9.0'\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "package.json": manifest,
                        "pnpm-lock.yaml": lock + "packages:\n  x@1.0.0: {}\n"})
    repo.commit({"pnpm-lock.yaml": lock + "importers: " + FLOW + "\n"})
    code, out, err = _check(repo, "--base", base, "--format", "json")
    assert code == 1, err[-2000:]
    found = _findings(out, "pnpm-lock.yaml")
    [unparsed] = [f for f in found if f["kind"] == "unparsed"]
    assert "nested more than 200 levels" in unparsed["detail"]


MIGRATIONS = {
    "db/migrate/20240101000000_add_x.rb": (
        "class AddX < ActiveRecord::Migration[7.1]\n  def change\n    x = " + FLOW + "\n  end\nend\n"),
    "priv/repo/migrations/20240101000000_add_x.exs": (
        "defmodule AddX do\n  use Ecto.Migration\n  def change do\n    x = " + FLOW + "\n  end\nend\n"),
    "alembic/versions/abc123_add_x.py": 'from alembic import op\nrevision = "abc123"\ndef upgrade():\n    x = ' + FLOW + "\n",
}


@pytest.mark.parametrize("path", list(MIGRATIONS))
def test_a_deep_migration_cannot_be_analysed_and_needs_sign_off(repo: Repo, path: str) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY + "  - {id: schema, level: cto, when: {type: schema}}\n"})
    repo.commit({path: MIGRATIONS[path]})
    # A reader that walked the tree by asking each node for its parent took minutes here.
    done = subprocess.run([sys.executable, "-m", "ownership_gate", "check", "--base", base, "--format", "json"],
                          cwd=repo.root, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert [f["kind"] for f in _findings(done.stdout, path)] == ["unknown"]
