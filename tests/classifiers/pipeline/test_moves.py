"""A shipping job moved, unchanged, from one GitHub workflow file to another, judged in real repositories."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.pipeline.compare import findings as compare
from ownership_gate.classifiers.pipeline.moves import Moved, _canonical
from tests.conftest import Repo, findings, kinds_and_subjects, run_json

POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
default_level: engineer
rules:
  - id: pipelines
    level: cto
    when: {type: pipeline}
    reason: How production is shipped and which secrets CI holds.
"""

TRIGGERS = """\
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
"""

# The job that builds and pushes the image, as `build.yml` keys it.
DOCKER = """\
  docker:
    runs-on: ubuntu-latest
    if: github.event_name == 'push'
    permissions:
      contents: read
      packages: write
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.REGISTRY_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:latest
"""

LINT = """\
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make lint
"""

TEST = """\
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""

BUILD = f"name: Build\n{TRIGGERS}jobs:\n{LINT}{DOCKER}"
CI = f"name: CI\n{TRIGGERS}jobs:\n{TEST}"
# The same job in `ci.yml`, keyed `build` there.
BUILD_JOB = DOCKER.replace("  docker:", "  build:", 1)
CI_WITH_BUILD = CI + BUILD_JOB

BUILD_YML, CI_YML, NIGHTLY_YML = ".github/workflows/build.yml", ".github/workflows/ci.yml", ".github/workflows/nightly.yml"
# What moving the job with something changed is today: both sides of the move, and the token it is given in
# `ci.yml`, whose other jobs only read.
MOVED_AND_CHANGED = [
    ("deploy", BUILD_YML),
    ("deploy", f"{CI_YML}: job build"),
    ("permissions", f"{CI_YML}: packages"),
]


def _base(repo: Repo, ci: str = CI, build: str = BUILD) -> str:
    return repo.commit({".ownership-gate.yaml": POLICY, BUILD_YML: build, CI_YML: ci})


def _pipeline(capsys: pytest.CaptureFixture[str], base: str) -> tuple[int, list[tuple[str, str]]]:
    code, doc = run_json(capsys, "--base", base)
    return code, kinds_and_subjects(doc, "pipeline")


def test_a_deploy_job_moved_unchanged_into_another_workflow_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(repo)
    repo.commit({BUILD_YML: None, CI_YML: CI_WITH_BUILD})
    assert _pipeline(capsys, base) == (0, [])


def test_a_deploy_job_moved_out_of_a_workflow_that_keeps_its_other_jobs_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(repo)
    repo.commit({BUILD_YML: BUILD.replace(DOCKER, ""), CI_YML: CI_WITH_BUILD})
    assert _pipeline(capsys, base) == (0, [])


def test_the_triggers_of_a_workflow_whose_only_deploy_job_moved_out_are_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # build.yml no longer ships: when it runs now decides when lint runs, nothing else.
    base = _base(repo)
    lint_only = BUILD.replace(DOCKER, "").replace("  pull_request:\n", "")
    repo.commit({BUILD_YML: lint_only, CI_YML: CI_WITH_BUILD})
    assert _pipeline(capsys, base) == (0, [])
    # A deploy job that stays in it now runs at other times (on a manual run, not on pull requests).
    release = DOCKER.replace("  docker:", "  release:", 1).replace(":latest", ":stable")
    base = repo.commit({BUILD_YML: BUILD + release, CI_YML: CI})
    manual = BUILD.replace(DOCKER, "").replace("  pull_request:\n", "  workflow_dispatch:\n")
    repo.commit({BUILD_YML: manual + release, CI_YML: CI_WITH_BUILD})
    assert _pipeline(capsys, base) == (1, [("deploy", f"{BUILD_YML}: on")])


def test_a_deploy_job_moved_with_its_workflow_into_a_new_file_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(repo)
    image = BUILD.replace("  docker:", "  image:", 1)
    repo.commit({BUILD_YML: None, ".github/workflows/image.yml": image})
    assert repo.git("diff", "--name-status", "-M", base, "HEAD").startswith("R")  # one change, two paths
    assert _pipeline(capsys, base) == (0, [])
    # Changed on the way: the renamed file's job is compared as two, one gone and one new.
    repo.commit({".github/workflows/image.yml": image.replace("push: true", "push: ${{ inputs.push }}")})
    assert _pipeline(capsys, base) == (1, [
        ("deploy", ".github/workflows/image.yml: job docker"), ("deploy", ".github/workflows/image.yml: job image"),
    ])


@pytest.mark.parametrize("edit", [
    pytest.param(("ghcr.io/acme/app:latest", "docker.io/acme/app:latest"), id="a step"),
    pytest.param(("if: github.event_name == 'push'", "if: always()"), id="its condition"),
    pytest.param(("runs-on: ubuntu-latest\n    if:", "runs-on: self-hosted\n    if:"), id="its runner"),
    pytest.param(("      packages: write\n", "      packages: write\n      id-token: write\n"), id="its token"),
    pytest.param(("    permissions:\n      contents: read\n      packages: write\n", ""), id="no token of its own"),
    pytest.param(("    if:", "    environment: production\n    if:"), id="an environment"),
    pytest.param(("    if:", "    needs: test\n    if:"), id="a job it waits for"),
    pytest.param(("v6\n", "v7\n"), id="a version"),
])
def test_a_deploy_job_moved_with_a_change_is_a_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: tuple[str, str]
) -> None:
    base = _base(repo)
    old, new = edit
    assert old in BUILD_JOB
    repo.commit({BUILD_YML: None, CI_YML: CI + BUILD_JOB.replace(old, new, 1)})
    code, found = _pipeline(capsys, base)
    assert code == 1
    assert [f for f in found if f[0] == "deploy"] == [("deploy", BUILD_YML), ("deploy", f"{CI_YML}: job build")]


def test_a_deploy_job_moved_with_a_new_secret_is_a_finding(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _base(repo)
    signed = BUILD_JOB + "      - run: cosign sign ghcr.io/acme/app:latest\n        env:\n" \
        "          COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}\n"
    repo.commit({BUILD_YML: None, CI_YML: CI + signed})
    assert _pipeline(capsys, base) == (1, sorted([*MOVED_AND_CHANGED, ("secret", f"{CI_YML}: COSIGN_PRIVATE_KEY")]))


@pytest.mark.parametrize("trigger", ["workflow_dispatch", "pull_request_target"])
def test_a_deploy_job_moved_into_a_workflow_with_wider_triggers_is_a_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], trigger: str
) -> None:
    wider = CI.replace("  pull_request:\n", f"  pull_request:\n  {trigger}:\n")
    base = _base(repo, ci=wider)
    repo.commit({BUILD_YML: None, CI_YML: wider + BUILD_JOB})
    assert _pipeline(capsys, base) == (1, MOVED_AND_CHANGED)
    # The same triggers written the same way: the job runs when it did.
    base = repo.commit({BUILD_YML: BUILD.replace("  pull_request:\n", f"  pull_request:\n  {trigger}:\n"), CI_YML: wider})
    repo.commit({BUILD_YML: None, CI_YML: wider + BUILD_JOB})
    assert _pipeline(capsys, base) == (0, [])


def test_workflow_settings_the_job_reaches_must_be_the_same(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    with_env = CI.replace("permissions:\n", "env:\n  REGISTRY: docker.io\npermissions:\n")
    base = _base(repo, ci=with_env)
    repo.commit({BUILD_YML: None, CI_YML: with_env + BUILD_JOB})
    assert _pipeline(capsys, base) == (1, MOVED_AND_CHANGED)


def test_the_workflow_token_counts_only_for_a_job_without_its_own(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The job sets its own permissions: the workflow's are not what it holds.
    read_all = CI.replace("permissions:\n  contents: read\n", "permissions: read-all\n")
    base = _base(repo, ci=read_all)
    repo.commit({BUILD_YML: None, CI_YML: read_all + BUILD_JOB})
    assert _pipeline(capsys, base) == (0, [])
    # Without them, it held the old workflow's token and now holds the new one's.
    own = "    permissions:\n      contents: read\n      packages: write\n"
    base = _base(repo, ci=read_all, build=BUILD.replace(own, ""))
    repo.commit({BUILD_YML: None, CI_YML: read_all + BUILD_JOB.replace(own, "")})
    assert _pipeline(capsys, base) == (1, [("deploy", BUILD_YML), ("deploy", f"{CI_YML}: job build")])


def test_a_deploy_job_copied_into_two_workflows_is_a_finding(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Lost once, gained twice: the image is now pushed by two workflows.
    nightly = CI.replace("name: CI", "name: Nightly")
    base = repo.commit({".ownership-gate.yaml": POLICY, BUILD_YML: BUILD, CI_YML: CI, NIGHTLY_YML: nightly})
    repo.commit({BUILD_YML: None, CI_YML: CI_WITH_BUILD, NIGHTLY_YML: nightly + DOCKER})
    assert _pipeline(capsys, base) == (1, sorted([
        *MOVED_AND_CHANGED, ("deploy", f"{NIGHTLY_YML}: job docker"), ("permissions", f"{NIGHTLY_YML}: packages"),
    ]))


def test_a_deploy_job_removed_without_being_added_elsewhere_is_still_a_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(repo)
    repo.commit({BUILD_YML: BUILD.replace(DOCKER, "")})
    code, doc = run_json(capsys, "--base", base)
    assert code == 1
    assert [(f["kind"], f["subject"], f["detail"]) for f in findings(doc, "pipeline")] == [
        ("deploy", f"{BUILD_YML}: job docker", "removed a job that ships"),
    ]
    repo.commit({BUILD_YML: None})
    code, doc = run_json(capsys, "--base", base)
    assert code == 1
    assert [(f["kind"], f["subject"], f["detail"]) for f in findings(doc, "pipeline")] == [
        ("deploy", BUILD_YML, "removed a pipeline that ships (docker)"),
    ]


def test_a_job_renamed_within_one_workflow_is_no_move(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Renamed within one workflow: not a move between files, judged as today.
    base = _base(repo)
    repo.commit({BUILD_YML: BUILD.replace("  docker:", "  image:", 1)})
    assert _pipeline(capsys, base) == (1, [("deploy", f"{BUILD_YML}: job docker"), ("deploy", f"{BUILD_YML}: job image")])


def test_compare_leaves_out_the_jobs_moved() -> None:
    found = compare("github", BUILD_YML, BUILD, BUILD.replace(DOCKER, ""), Moved(out=frozenset({"docker"})))
    assert found == []
    found = compare("github", BUILD_YML, BUILD, None, Moved(out=frozenset({"docker"})))
    assert found == []
    # The secret and the action it reads are judged against every workflow by the classifier, not here.
    found = compare("github", CI_YML, CI, CI_WITH_BUILD, Moved(into=frozenset({"build"})))
    assert [(f.kind, f.subject) for f in found if f.kind not in ("secret", "action")] == []
    found = compare("github", CI_YML, CI, CI_WITH_BUILD)
    assert [(f.kind, f.subject) for f in found if f.kind not in ("secret", "action")] == [
        ("permissions", f"{CI_YML}: packages"), ("deploy", f"{CI_YML}: job build"),
    ]


def test_canonical_values_keep_their_types() -> None:
    assert _canonical({"push": True}) != _canonical({"push": 1})
    assert _canonical({"push": 1}) != _canonical({"push": "1"})
    assert _canonical({"a": 1, "b": [1, 2]}) == _canonical({"b": [1, 2], "a": 1})
    assert _canonical([1, 2]) != _canonical([2, 1])
