"""Every policy mistake is an error with file:line:column, key path and what was expected."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ownership_gate.cli import main
from ownership_gate.errors import PolicyError
from ownership_gate.policy.load import parse
from tests.conftest import Repo

HEAD = """\
version: 1
levels:
  - name: engineer
    owners: ["@eng"]
  - name: cto
    owners: ["@cto"]
    signoff: {trailer: CTO-Approved-by, signers: [cto@example.com]}
"""

CASES = [
    # (policy text, expected message fragment)
    ("version: 1\nlevels: [\n", "p.yaml:3:1: not valid YAML"),
    ("", "p.yaml: the policy is empty"),
    ("- a\n- b\n", "p.yaml:1:1: (top level): expected a mapping, got a list"),
    (HEAD + "1: x\n", "p.yaml:8:1: (top level): keys must be strings, got 1"),
    (HEAD + "rules: []\nrules: []\n", "p.yaml:9:1: rules: duplicate key"),
    (HEAD + "rulez: []\n", "p.yaml:8:1: rulez: unknown key 'rulez' (did you mean 'rules'?)"),
    ("levels: [{name: a}]\n", "p.yaml:1:1: (top level): missing required key 'version'"),
    (HEAD.replace("name: cto", "name: ''"), "p.yaml:5:11: levels[1].name: expected a non-empty string, got an empty string"),
    (
        HEAD.replace("signers: [cto@example.com]", "signers: [cto@example.com], require_signed_commit: maybe"),
        "levels[1].signoff.require_signed_commit: expected true, false or 'github', got str 'maybe'",
    ),
    (HEAD.replace('owners: ["@eng"]', "owners: {a: b}"), "p.yaml:4:13: levels[0].owners: expected a list of strings, got a mapping"),
    (HEAD + "rules:\n  - {id: a, level: cto, paths: []}\n", "p.yaml:9:32: rules[0].paths: expected at least one pattern"),
    (HEAD + "rules:\n  - {id: a, level: cto, paths: ['!x']}\n", "rules[0].paths[0]: negated patterns"),
    (HEAD + "rules:\n  - {id: a, level: cto, paths: ['src/[a']}\n", "rules[0].paths[0]: not a valid pattern"),
    (HEAD.replace("version: 1", "version: 2"), "p.yaml:1:10: version: expected 1, got 2"),
    (HEAD + "default_level: ctoo\n", "default_level: undefined level 'ctoo' (did you mean 'cto'?)"),
    ("version: 1\nlevels: []\n", "p.yaml:2:9: levels: expected a non-empty list of levels"),
    (HEAD + "  - name: cto\n", "p.yaml:8:11: levels[2].name: level 'cto' is defined twice"),
    (HEAD.replace('owners: ["@eng"]', 'owners: ["eng team"]'), "levels[0].owners[0]: expected '@user', '@org/team' or an email"),
    (HEAD.replace("trailer: CTO-Approved-by", "trailer: 'CTO approved'"), "levels[1].signoff.trailer: not a git trailer key"),
    (
        HEAD.replace("signers: [cto@example.com]", "signers: [cto@example.com], require_signed_commit: true"),
        "levels[1].signoff.allowed_signers: require_signed_commit needs an allowed_signers file",
    ),
    (HEAD.replace(", signers: [cto@example.com]", ""), "levels[1].signoff.signers: a trailer sign-off needs a list of signers"),
    (HEAD + "rules: {a: 1}\n", "p.yaml:8:8: rules: expected a list of rules, got a mapping"),
    (HEAD + "rules:\n  - {id: New_Vendor, level: cto, paths: [x]}\n", "rules[0].id: rule ids use [a-z0-9-]+"),
    (
        HEAD + "rules:\n  - {id: a, level: cto, paths: [x]}\n  - {id: a, level: cto, paths: [y]}\n",
        "p.yaml:10:10: rules[1].id: duplicate rule id 'a'",
    ),
    (HEAD + "rules:\n  - {id: a, level: CTO, paths: [x]}\n", "rules[0].level: undefined level 'CTO' (did you mean 'cto'?)"),
    (HEAD + "rules:\n  - {id: a, level: cto}\n", "p.yaml:9:5: rules[0]: a rule needs `paths`, `when`, or both"),
    (HEAD + "rules:\n  - {id: a, level: cto, when: {type: path}}\n", "rules[0].when.type: path findings come from `paths`"),
    (
        HEAD + "rules:\n  - {id: a, level: cto, when: {type: dependancy}}\n",
        "rules[0].when.type: unknown finding type 'dependancy' (did you mean 'dependency'?)",
    ),
    (
        HEAD + "rules:\n  - id: a\n    level: cto\n    when: {type: dependency, kind: [added, majr]}\n",
        "p.yaml:11:44: rules[0].when.kind: 'majr' is not a kind of 'dependency' (did you mean 'major'?)",
    ),
    (
        HEAD + "rules:\n  - {id: a, level: cto, when: {type: schema}, pathz: [x]}\n",
        "rules[0].pathz: unknown key 'pathz' (did you mean 'paths'?)",
    ),
    (HEAD + "classify:\n  dependancy: {}\n", "classify.dependancy: unknown key 'dependancy' (did you mean 'dependency'?)"),
    (HEAD + "classify:\n  schema: {migration: [x]}\n", "classify.schema.migration: unknown key 'migration' (did you mean 'migrations'?)"),
    (HEAD + "classify:\n  dependency: {zero_major: yes please}\n", "classify.dependency.zero_major: expected true or false"),
    (HEAD + "tests: {}\n", "tests: expected a list of tests, got a mapping"),
    (HEAD + "tests:\n  - {path: a, expect: boss}\n", "tests[0].expect: undefined level 'boss'"),
    (HEAD + "tests:\n  - {path: a}\n", "p.yaml:9:5: tests[0]: missing required key 'expect'"),
    (
        HEAD + "tests:\n  - {path: a, expect: cto, finding: {type: dependency, kind: big}}\n",
        "tests[0].finding.kind: 'big' is not a kind of 'dependency'",
    ),
    (HEAD + "tests:\n  - {path: a, expect: cto, finding: {type: vibes}}\n", "tests[0].finding.type: unknown finding type 'vibes'"),
    (
        HEAD + "rules:\n  - id: a\n    level: cto\n    when: {type: dependency, scope: [runtime, devv]}\n",
        "p.yaml:11:47: rules[0].when.scope: 'devv' is not a dependency scope (did you mean 'dev'?);"
        " expected one of 'runtime', 'optional', 'peer', 'build', 'dev', 'test'",
    ),
    (
        HEAD + "rules:\n  - {id: a, level: cto, when: {type: dependency, ecosystem: rubygems}}\n",
        "rules[0].when.ecosystem: 'rubygems' is not a dependency ecosystem (did you mean 'gem'?); expected one of 'pypi'",
    ),
    (
        HEAD + "rules:\n  - {id: a, level: cto, when: {type: [dependency, infra], scope: runtime}}\n",
        "rules[0].when.scope: `scope` is about packages: it applies to type 'dependency' alone, not 'dependency', 'infra'",
    ),
    (
        HEAD + "tests:\n  - {path: a, expect: cto, finding: {type: dependency, scope: prod}}\n",
        "tests[0].finding.scope: 'prod' is not a dependency scope",
    ),
    (
        HEAD + "rules:\n  - {id: a, level: cto, when: {type: dependency, vendor: payments}}\n",
        "rules[0].when.vendor: expected true or false, got str 'payments'",
    ),
    (
        HEAD + "rules:\n  - {id: a, level: cto, when: {type: schema, vendor: true}}\n",
        "rules[0].when.vendor: `vendor` is about packages: it applies to type 'dependency' alone, not 'schema'",
    ),
    (
        HEAD + "tests:\n  - {path: a, expect: cto, finding: {type: dependency, vendor: payment}}\n",
        "tests[0].finding.vendor: 'payment' is not a vendor category (did you mean 'payments'?)",
    ),
    (HEAD + "classify:\n  dependency: {vendors: {a: b}}\n", "classify.dependency.vendors: expected a list of strings"),
]


@pytest.mark.parametrize(("text", "message"), CASES, ids=[c[1][:50] for c in CASES])
def test_policy_error_messages(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse(text, "p.yaml")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_every_mistake_is_reported_at_once() -> None:
    text = HEAD + "rules:\n  - {id: a, level: boss, paths: [x]}\n  - {id: b, level: cto, when: {type: nope}}\n"
    with pytest.raises(PolicyError) as caught:
        parse(text, "p.yaml")
    assert len(caught.value.problems) == 2


def test_valid_policy_parses() -> None:
    policy = parse(HEAD + "rules:\n  - {id: a, level: cto, paths: [x]}\n", "p.yaml")
    assert policy.level_names == ("engineer", "cto")
    assert policy.default_level == "engineer"
    assert [r.id for r in policy.rules] == ["a"]


def test_broken_policy_never_passes_a_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": HEAD + "rules: [oops\n"})
    repo.commit({"app.py": "x = 1\n"})
    assert main(["check", "--base", base]) == 2
    err = capsys.readouterr().err
    assert "invalid policy" in err and ".ownership-gate.yaml:" in err
    assert main(["check", "--base", base, "--advisory"]) == 2  # advisory is no way around it


def test_unreadable_policy_path_is_a_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"a": "1"})
    assert main(["check", "--staged", "--policy", "missing.yaml"]) == 2
    assert "policy file not found: missing.yaml" in capsys.readouterr().err


def test_validate_reports_errors_with_location(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    repo.write(".ownership-gate.yaml", textwrap.dedent(HEAD) + "default_level: boss\n")
    assert main(["validate"]) == 2  # an invalid policy exits 2, as it does for every command
    assert ".ownership-gate.yaml:8:16: default_level: undefined level 'boss'" in capsys.readouterr().err
