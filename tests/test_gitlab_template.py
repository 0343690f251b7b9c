"""templates/ownership-gate.gitlab-ci.yml: the job's script, run as a GitLab runner would, in a real repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import Repo
from tests.signoff_support import POLICY, TF

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "ownership-gate.gitlab-ci.yml"
INPUT = re.compile(r"\$\[\[\s*inputs\.([a-z_]+)\s*\]\]")


def _documents() -> tuple[dict[str, Any], dict[str, Any]]:
    header, jobs = YAML(typ="safe", pure=True).load_all(TEMPLATE.read_text("utf-8"))
    return header, jobs


def _interpolate(**inputs: object) -> dict[str, Any]:
    """The job after GitLab replaced `$[[ inputs.x ]]` with the inputs (or their defaults)."""
    spec = _documents()[0]["spec"]["inputs"]
    values = {name: inputs.get(name, field.get("default")) for name, field in spec.items()}
    text = TEMPLATE.read_text("utf-8").split("\n---\n", 1)[1]
    text = INPUT.sub(lambda m: str(values[m.group(1)]).lower() if isinstance(values[m.group(1)], bool)
                     else str(values[m.group(1)]), text)
    job: dict[str, Any] = YAML(typ="safe", pure=True).load(text)["ownership-gate"]
    return job


def test_the_inputs_are_the_actions() -> None:
    spec = _documents()[0]["spec"]["inputs"]
    assert {"policy", "format", "advisory", "note", "codequality"} <= set(spec)
    assert spec["advisory"] == {**spec["advisory"], "type": "boolean", "default": False}
    assert spec["note"]["default"] is False
    assert spec["format"]["options"] == ["text", "markdown", "json", "sarif"]


def test_inputs_reach_the_script_only_through_variables() -> None:
    job = _documents()[1]["ownership-gate"]
    for line in [*job["before_script"], *job["script"]]:
        assert "$[[" not in line, line
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"


def _merge_request(repo: Repo) -> tuple[str, str]:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"terraform/main.tf": TF, "app/a.py": "x = 1\n"}, "Add the queue")
    return base, head


def run_job(repo: Repo, base: str, head: str, extra_env: dict[str, str] | None = None,
            **inputs: object) -> subprocess.CompletedProcess[str]:
    """The job's script, as the runner runs it: its variables plus the merge request's, with `sh -e`."""
    job = _interpolate(**inputs)
    env = {
        **os.environ,
        **{key: str(value) for key, value in job["variables"].items()},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head, "CI_MERGE_REQUEST_IID": "12",
        "CI_PROJECT_ID": "42", "CI_PROJECT_PATH": "acme/app", "CI_MERGE_REQUEST_LABELS": "",
        **(extra_env or {}),
    }
    return subprocess.run(["sh", "-e", "-c", "\n".join(job["script"])], cwd=repo.root, env=env,
                          capture_output=True, text=True, check=False)


def test_the_job_fails_while_sign_off_is_missing_and_reports_in_the_widget(repo: Repo) -> None:
    proc = run_job(repo, *_merge_request(repo))
    assert proc.returncode == 1, proc.stderr
    assert "FAIL Needs cto sign-off (@acme-cto): missing." in proc.stdout  # the report, in the log
    assert (repo.root / "ownership-gate-report").read_text("utf-8") in proc.stdout
    issues = json.loads((repo.root / "gl-code-quality-report.json").read_text("utf-8"))
    assert [(i["check_name"], i["location"]["path"], i["severity"]) for i in issues] == [
        ("ownership-gate/cloud-setup", "terraform/main.tf", "minor"),  # written in advisory mode: never fails
    ]


@pytest.mark.parametrize(("inputs", "code"), [
    ({"advisory": True}, 0),
    ({"format": "json", "codequality": False}, 1),
    ({"policy": "missing.yaml"}, 2),
])
def test_the_inputs_change_the_run(repo: Repo, inputs: dict[str, object], code: int) -> None:
    proc = run_job(repo, *_merge_request(repo), **inputs)
    assert proc.returncode == code, proc.stderr
    codequality = repo.root / "gl-code-quality-report.json"
    if inputs.get("format") == "json":
        assert json.loads(proc.stdout)["required_level"] == "cto"
        assert not codequality.exists()
    if code == 2:
        assert "does not exist at the base revision" in proc.stderr
        assert not codequality.exists()  # no report that could read as a verdict


def test_the_readme_include_names_the_template_and_its_inputs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("# .gitlab-ci.yml: the template", 1)[1].split("\n", 1)[1].split("```", 1)[0]
    include = YAML(typ="safe", pure=True).load(block)["include"][0]
    assert include["file"] == "templates/ownership-gate.gitlab-ci.yml"
    assert set(include["inputs"]) <= set(_documents()[0]["spec"]["inputs"])
