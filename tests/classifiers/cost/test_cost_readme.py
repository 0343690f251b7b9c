"""The README's cost and infra examples, run as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Repo, findings, run_json

ROOT = Path(__file__).parents[3]
SECTION = re.search(
    r"<!-- section:cost-infra -->(.*)<!-- /section:cost-infra -->", (ROOT / "README.md").read_text(), re.S
)
assert SECTION is not None
TEXT = SECTION[1]
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", TEXT, re.S)
FIXTURES = Path(__file__).parents[2] / "fixtures" / "cost"


def _block(language: str, contains: str) -> str:
    return next(body for lang, body in BLOCKS if lang == language and contains in body)


def test_replicas_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads(_block("json", '"type": "cost"'))
    text = (FIXTURES / "k8s" / "nginx-deployment.yaml").read_text()
    base = repo.commit({"k8s/web.yaml": text})
    repo.commit({"k8s/web.yaml": text.replace("replicas: 3", "replicas: 5")})
    _, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "cost")
    assert {k: finding[k] for k in expected} == expected


def test_infra_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads(_block("json", '"type": "infra"'))
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({"k8s/statefulset.yaml": (FIXTURES / "k8s" / "web-statefulset.yaml").read_text()})
    _, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "infra")
    assert {k: finding[k] for k in expected} == expected


def test_terraform_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    expected = [line.split(None, 2) for line in _block("text", "aws_instance.web").splitlines()]
    main = (FIXTURES / "terraform" / "main.tf").read_text()
    base = repo.commit({"main.tf": main})
    repo.commit({"main.tf": main.replace('"t3.micro"', '"t3.large"').replace('"db.t3.micro"', '"db.r5.large"')})
    _, doc = run_json(capsys, "--base", base)
    got = [[f["kind"], f["subject"], f["detail"].split(": ", 1)[1]] for f in findings(doc, "cost")]
    assert sorted(got) == sorted([kind, subject, rest.strip()] for kind, subject, rest in expected)


def test_settings_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = (
        "version: 1\nlevels:\n  - name: engineer\n  - name: cto\ndefault_level: engineer\n"
        "rules:\n  - id: spend\n    level: cto\n    when: {type: cost, kind: [increase, change]}\n"
        + _block("yaml", "classify:")
    )
    base = repo.commit({".ownership-gate.yaml": policy, "config/workers.yml": "worker:\n  concurrency: 4\n"})
    repo.commit({"config/workers.yml": "worker:\n  concurrency: 8\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "cost")] == [("increase", "worker.concurrency")]
    assert code == 1
