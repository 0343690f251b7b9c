"""`ownership-gate validate`: errors, warnings, and the policy's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.cli import main
from tests.conftest import Repo

ROOT = Path(__file__).resolve().parents[2]

LEVELS = """\
version: 1
levels:
  - name: engineer
    owners: ["@acme/eng"]
  - name: lead
    owners: ["@acme/leads"]
    signoff: {github_reviewers: ["lead"]}
  - name: cto
    owners: ["@acme-cto"]
    signoff: {trailer: CTO-Approved-by, signers: ["cto@acme.example"], github_reviewers: ["acme-cto"]}
default_level: engineer
"""

CLEAN = LEVELS + """\
rules:
  - id: cloud
    level: cto
    paths: ["terraform/"]
    exclude: ["**/examples/**"]
  - id: modules
    level: lead
    paths: ["modules/"]
  - id: vendors
    level: cto
    when: {type: dependency, kind: [added, major]}
    exclude: ["**/tests/**"]
tests:
  - path: terraform/main.tf
    expect: cto
  - path: terraform/examples/demo.tf
    expect: engineer
  - path: app/main.tf
    old_path: terraform/main.tf
    expect: cto
  - path: package.json
    finding: {type: dependency, kind: added, subject: stripe}
    expect: cto
  - path: pkg/tests/package.json
    finding: {type: dependency, kind: added, subject: stripe}
    expect: engineer
  - path: package.json
    finding: {type: dependency, kind: patch, subject: left-pad}
    expect: engineer
  - path: .ownership-gate.yaml
    expect: cto
  - path: modules/net/main.tf
    expect: lead
"""

FILES = {"terraform/main.tf": "x\n", "terraform/examples/demo.tf": "x\n", "modules/net/main.tf": "x\n"}


def _run(repo: Repo, capsys: pytest.CaptureFixture[str], policy: str, files: dict[str, str] | None = None) -> tuple[int, str]:
    repo.commit({**(FILES if files is None else files), ".ownership-gate.yaml": policy})
    code = main(["validate"])
    return code, capsys.readouterr().err


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = text.splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


def test_a_clean_policy_passes_its_tests_without_warnings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(repo, capsys, CLEAN)
    assert code == 0, err
    assert err.strip() == ".ownership-gate.yaml: OK (3 levels, 3 rules, 8/8 tests passed, 0 warnings)"


def test_failing_tests_exit_1_with_their_lines(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = CLEAN + """\
  - path: terraform/examples/demo.tf
    expect: cto
  - path: package.json
    finding: {type: dependency, kind: minor, subject: stripe}
    expect: cto
"""
    code, err = _run(repo, capsys, policy)
    assert code == 1
    first = _line_of(policy, "- path: terraform/examples/demo.tf", 2)
    second = _line_of(policy, "- path: package.json", 3)
    assert (
        f".ownership-gate.yaml:{first}: tests[8]: path 'terraform/examples/demo.tf': expected cto, got engineer"
        " (no rule matched, so the default level applies)"
    ) in err
    assert (
        f".ownership-gate.yaml:{second}: tests[9]: path 'package.json' with finding dependency/minor stripe:"
        " expected cto, got engineer"
    ) in err
    assert "FAILED (3 levels, 3 rules, 8/10 tests passed, 0 warnings)" in err


def test_a_failing_test_names_the_rules_that_fired(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = CLEAN + "  - path: terraform/x.tf\n    expect: engineer\n"
    code, err = _run(repo, capsys, policy)
    assert code == 1
    assert "expected engineer, got cto (rules that fired: cloud (cto))" in err


def test_errors_exit_2_and_come_from_the_parser(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = CLEAN.replace('paths: ["modules/"]', 'pathz: ["modules/"]')
    code, err = _run(repo, capsys, policy)
    assert code == 2  # an invalid policy, as for every command; 1 is kept for failing policy tests
    line = _line_of(policy, "pathz")
    assert f".ownership-gate.yaml:{line}:5: rules[1].pathz: unknown key 'pathz' (did you mean 'paths'?)" in err
    assert "the policy has" in err and "error" in err


def test_a_missing_policy_file_is_a_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "x\n"})
    assert main(["validate", "--policy", "nope.yaml"]) == 2
    assert "policy file not found: nope.yaml" in capsys.readouterr().err


WARNINGS = [
    pytest.param(
        LEVELS + "rules:\n  - id: typo\n    level: cto\n    paths: [\"terrafrom/\"]\n",
        "- id: typo", "rules[0] (typo): its paths match no tracked file", id="no-tracked-file",
    ),
    pytest.param(
        LEVELS + "rules:\n  - id: all-out\n    level: cto\n    paths: [\"terraform/\"]\n    exclude: [\"*.tf\"]\n",
        "- id: all-out", "rules[0] (all-out): every tracked file its paths match is excluded", id="all-excluded",
    ),
    pytest.param(
        LEVELS + "rules:\n  - id: cloud\n    level: cto\n    paths: [\"terraform/\"]\n"
        "  - id: tf-modules\n    level: lead\n    paths: [\"terraform/modules/\", \"/terraform/*.tf\"]\n",
        "- id: tf-modules", "rules[1] (tf-modules): it can never decide anything: wherever it matches, cloud",
        id="outranked-by-path",
    ),
    pytest.param(
        LEVELS + "rules:\n  - id: cloud\n    level: cto\n    paths: [\"terraform/\"]\n"
        "  - id: tf-deps\n    level: lead\n    paths: [\"terraform/\"]\n    when: {type: dependency}\n",
        "- id: tf-deps", "rules[1] (tf-deps): it can never decide anything", id="outranked-when-rule",
    ),
    pytest.param(
        LEVELS + "rules:\n  - id: deps\n    level: cto\n    when: {type: dependency}\n"
        "  - id: some-deps\n    level: lead\n    when: {type: dependency, kind: added}\n",
        "- id: some-deps", "rules[1] (some-deps): it can never decide anything: wherever it matches, deps",
        id="outranked-by-broader-when",
    ),
    pytest.param(
        LEVELS + "rules:\n  - id: docs\n    level: engineer\n    paths: [\"modules/\"]\n",
        "- id: docs", "rules[0] (docs): its level 'engineer' is the lowest and also the default", id="lowest-and-default",
    ),
    pytest.param(
        LEVELS.replace('    owners: ["@acme/leads"]\n', "") + "rules: []\n",
        "- name: lead", "levels[1] (lead): no owners", id="level-without-owners",
    ),
    pytest.param(
        LEVELS.replace(
            '    signoff: {trailer: CTO-Approved-by, signers: ["cto@acme.example"], github_reviewers: ["acme-cto"]}\n', ""
        ) + "rules: []\n",
        "- name: cto", "levels[2] (cto): no one can sign off this level", id="no-signoff",
    ),
    pytest.param(
        LEVELS + "rules:\n  - id: ranges\n    level: cto\n    paths: [\"modules/[ab]*/\", \"terraform/\"]\n",
        "- id: ranges", "rules[0] (ranges).paths[0]: 'modules/[ab]*/' cannot be written in CODEOWNERS", id="inexpressible",
    ),
    pytest.param(
        LEVELS.replace("github_reviewers: [\"acme-cto\"]}",
                       "require_signed_commit: true, allowed_signers: .github/allowed_signers}") + "rules: []\n",
        "signoff: {trailer", "levels[2] (cto).signoff: allowed_signers file '.github/allowed_signers' does not exist",
        id="allowed-signers-missing",
    ),
    pytest.param(
        LEVELS.replace(', github_reviewers: ["acme-cto"]}', "}") + "rules: []\n",
        "- name: cto", "levels[2] (cto): every sign-off it accepts can be given by the change's own author",
        id="forgeable-signoff",
    ),
]


@pytest.mark.parametrize(("policy", "anchor", "message"), WARNINGS)
def test_warnings_go_to_stderr_with_their_line_and_exit_0(
    repo: Repo, capsys: pytest.CaptureFixture[str], policy: str, anchor: str, message: str
) -> None:
    code, err = _run(repo, capsys, policy)
    assert code == 0, err
    line = _line_of(policy, anchor)
    assert f".ownership-gate.yaml:{line}: warning: {message}" in err, err


@pytest.mark.parametrize(
    "rules",
    [
        # A stricter rule that covers only part of the paths, or only some kinds, outranks nothing.
        "  - id: cloud\n    level: cto\n    paths: [\"terraform/\"]\n  - id: tf\n    level: lead\n    paths: [\"*.tf\"]\n",
        "  - id: deps\n    level: cto\n    when: {type: dependency, kind: added}\n"
        "  - id: all-deps\n    level: lead\n    when: {type: dependency}\n",
        "  - id: a\n    level: cto\n    paths: [\"modules/a*\"]\n  - id: m\n    level: lead\n    paths: [\"modules/*\"]\n",
        "  - id: cloud\n    level: cto\n    paths: [\"terraform/\"]\n    exclude: [\"**/examples/**\"]\n"
        "  - id: tf\n    level: lead\n    paths: [\"terraform/\"]\n",
    ],
)
def test_no_false_outranked_warnings(repo: Repo, capsys: pytest.CaptureFixture[str], rules: str) -> None:
    code, err = _run(repo, capsys, LEVELS + "rules:\n" + rules, {**FILES, "modules/a1.tf": "x\n", "modules/b.tf": "x\n"})
    assert code == 0
    assert "never decide" not in err, err


@pytest.mark.parametrize("template", sorted(p.stem for p in (ROOT / "policies").glob("*.yaml")))
def test_every_builtin_policy_is_valid_and_passes_its_tests(
    repo: Repo, capsys: pytest.CaptureFixture[str], template: str
) -> None:
    repo.commit({"README.md": "x\n"})
    assert main(["validate", "--policy", f"builtin:{template}"]) == 0
    err = capsys.readouterr().err
    assert "warning:" not in err, err
    assert "FAILED" not in err


def test_validate_ignores_filenames_from_pre_commit(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({**FILES, ".ownership-gate.yaml": CLEAN})
    assert main(["validate", ".ownership-gate.yaml"]) == 0
