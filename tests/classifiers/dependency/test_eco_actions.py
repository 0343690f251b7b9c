from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import actions
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.conftest import Repo
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

WORKFLOW = fixture("actions/before.ci.yml")
ACTION = fixture("actions/before.action.yml")
SHA = "b4ffde65f46336ab88eb53be808477a3936bae11"


@pytest.mark.parametrize(
    ("path", "manifest"),
    [(".github/workflows/ci.yml", True), (".github/workflows/release.yaml", True),
     ("action.yml", True), (".github/actions/setup/action.yaml", True),
     (".github/workflows/README.md", False), (".github/dependabot.yml", False),
     ("services/api/.github/workflows/ci.yml", True)],
)
def test_which_files_are_read(path: str, manifest: bool) -> None:
    assert actions.is_manifest(path) is manifest


def test_parse_reads_steps_reusable_workflows_containers_and_services() -> None:
    found = [(r.name, r.constraint, r.line) for r in actions.parse(WORKFLOW, "ci.yml")]
    assert found == [
        ("actions/checkout", f"{SHA} # v4.1.1", 22),
        ("actions/setup-node", "v3", 23),
        ("actions/cache", "v3.3.1", 28),
        ("docker://hadolint/hadolint", "v2.12.0", 34),
        ("docker://node", "18-bookworm", 15),
        ("docker://postgres", "15", 18),
        ("actions/checkout", "v4", 41),
        ("github/codeql-action", "v2", 42),  # init and analyze: one repository
        ("github/codeql-action", "v2", 45),
        ("example/shared-workflows", "v1.2.0", 49),
    ]


@pytest.mark.parametrize(
    ("line", "version"),
    [
        (f"      - uses: actions/checkout@{SHA} # v4.1.1", "v4.1.1"),
        (f"      - uses: actions/checkout@{SHA}  # tag=v4.1.1", "v4.1.1"),
        (f"      - uses: 'actions/checkout@{SHA}' # pin @v4.1.1", "v4.1.1"),
        (f"      - uses: actions/checkout@{SHA} # ratchet:actions/checkout@v4", "v4"),
        (f"      - uses: actions/checkout@{SHA} # 4.1.1", "4.1.1"),
        (f"      - uses: actions/checkout@{SHA}", None),
        (f"      - uses: actions/checkout@{SHA} # pinned for security", None),
    ],
)
def test_sha_pins_read_the_version_their_comment_names(line: str, version: str | None) -> None:
    text = f"jobs:\n  a:\n    steps:\n{line}\n"
    (found,) = actions.parse(text, "ci.yml")
    expected = SHA if version is None else f"{SHA} # {version}"
    assert found.constraint == expected


@pytest.mark.parametrize(
    ("constraint", "low"),
    [("v4", (4,)), ("v4.1.2", (4, 1, 2)), ("main", None), ("releases/v2", None), (SHA, None),
     (f"{SHA} # v4.1.2", (4, 1, 2))],
)
def test_lowest_reads_tags_and_comments(constraint: str, low: tuple[int, ...] | None) -> None:
    assert actions.lowest(constraint) == low


def test_composite_and_docker_actions() -> None:
    composite = [(r.name, r.constraint) for r in actions.parse(ACTION, "action.yml")]
    assert composite == [("actions/setup-go", "v4"), ("actions/cache", "v3")]
    docker = actions.parse(fixture("actions/docker.action.yml"), "action.yml")
    assert [(r.name, r.constraint) for r in docker] == [("docker://hadolint/hadolint", "v2.12.0")]


def test_matrix_images_and_local_actions_are_not_dependencies() -> None:
    text = (
        "jobs:\n  a:\n    container: ${{ matrix.image }}\n    steps:\n"
        "      - uses: ./.github/actions/setup\n      - run: echo\n"
        "  b:\n    uses: ./.github/workflows/reusable.yml\n"
    )
    assert actions.parse(text, "ci.yml") == []


@pytest.mark.parametrize(
    ("step", "message"),
    [("uses: actions/checkout", "owner/repo[/path]@ref"), ("uses: checkout@v4", "owner/repo"),
     ("uses: ''", "must name an action"), ("uses: [a, b]", "must name an action")],
)
def test_malformed_uses_names_the_line(step: str, message: str) -> None:
    text = f"jobs:\n  a:\n    steps:\n      - {step}\n"
    with pytest.raises(ManifestError) as error:
        actions.parse(text, "ci.yml")
    assert error.value.line == 4
    assert message in str(error.value)


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = {".github/workflows/ci.yml": WORKFLOW, ".github/actions/go/action.yml": ACTION}
    after = {".github/workflows/ci.yml": fixture("actions/after.ci.yml"),
             ".github/actions/go/action.yml": fixture("actions/after.action.yml")}
    found = dependency_findings(repo, capsys, before, after)
    new_sha = "692973e3d937129bcbf40652eb9f2f61becf3332"
    assert summary(found) == {
        ("patch", "actions/checkout", f"{SHA} # v4.1.1", f"{new_sha} # v4.1.7"),
        ("major", "actions/setup-node", "v3", "v4"),
        ("patch", "actions/cache", "v3.3.1", "v3.3.3"),
        ("changed", "docker://hadolint/hadolint", "v2.12.0", "v2.12.0-alpine"),
        ("major", "github/codeql-action", "v2", "v3"),
        ("changed", "example/shared-workflows", "v1.2.0", "main"),  # a tag to a branch
        ("added", "codecov/codecov-action", None, "v4"),
        ("major", "actions/setup-go", "v4", "v5"),
        ("major", "actions/cache", "v3", "v4"),
    }
    assert {f["ecosystem"] for f in found} == {"github-actions"}
    assert by_subject(found)["codecov/codecov-action"]["line"] == 28


def test_pinning_a_tag_to_its_sha_is_changed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    pinned = WORKFLOW.replace("actions/setup-node@v3",
                              "actions/setup-node@1a4442cacd436585916779262731d5b162bc6ec7 # v3")
    found = dependency_findings(repo, capsys, {".github/workflows/ci.yml": WORKFLOW},
                                {".github/workflows/ci.yml": pinned})
    assert [(f["kind"], f["subject"]) for f in found] == [("changed", "actions/setup-node")]


def test_a_broken_workflow_is_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = WORKFLOW.replace("    runs-on: ubuntu-latest\n    container:",
                              "    runs-on: ubuntu-latest\n   container:", 1)
    found = dependency_findings(repo, capsys, {".github/workflows/ci.yml": WORKFLOW},
                                {".github/workflows/ci.yml": broken})
    assert [(f["kind"], f["subject"]) for f in found] == [
        ("unparsed", ".github/workflows/ci.yml")
    ]
    assert found[0]["line"] == 14


def test_duplicate_keys_are_unparsed_as_github_refuses_them() -> None:
    with pytest.raises(ManifestError) as error:
        actions.parse("jobs:\n  a:\n    runs-on: x\n  a:\n    runs-on: y\n", "ci.yml")
    assert error.value.line is not None


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (f"{SHA} # v4", "692973e3d937129bcbf40652eb9f2f61becf3332 # v4", "lockfile"),
        (f"{SHA} # v4.1.1", "692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7", "patch"),
        (SHA, "692973e3d937129bcbf40652eb9f2f61becf3332", "changed"),  # nothing says which version
        ("v4", f"{SHA} # v4", "changed"),  # pinning a tag
    ],
)
def test_a_new_commit_for_the_same_version_comment_is_a_lock_refresh(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str
) -> None:
    workflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
    found = dependency_findings(
        repo, capsys,
        {".github/workflows/ci.yml": f"{workflow}      - uses: actions/checkout@{before}\n"},
        {".github/workflows/ci.yml": f"{workflow}      - uses: actions/checkout@{after}\n"},
    )
    assert [(f["kind"], f["subject"]) for f in found] == [(kind, "actions/checkout")]


_STEPS = [
    "uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1",
    "uses: actions/setup-node@v4",
    "run: npm test",
    "uses: github/codeql-action/init@v3",
    "uses: docker://alpine:3.19",
    "name: Cache\n        uses: actions/cache@v4",
]


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(len(_STEPS))), split=st.integers(0, len(_STEPS)))
def test_reordering_steps_or_splitting_jobs_compares_equal(order: list[int], split: int) -> None:
    def workflow(steps: list[list[int]]) -> str:
        text = "on: push\njobs:\n"
        for number, job in enumerate(steps):
            text += f"  job{number}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
            text += "".join(f"      - {_STEPS[i]}\n" for i in job)
        return text

    reference = actions.parse(workflow([list(range(len(_STEPS)))]), "ci.yml")
    shuffled = actions.parse(workflow([list(order[:split]), list(order[split:])]), "ci.yml")
    assert compare(reference, shuffled, actions) == []
