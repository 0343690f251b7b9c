"""The engine: strictest match wins, defaults, excludes, renames, the policy file."""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest

from ownership_gate.classifiers import REGISTRY, Context
from ownership_gate.classifiers.base import ChangedPaths
from ownership_gate.cli import main
from ownership_gate.engine.judge import Engine
from ownership_gate.model import Change, Finding
from ownership_gate.policy.load import parse
from tests.conftest import Repo, findings, levels_by_path, run_json

LEVELS = """\
version: 1
levels:
  - {name: engineer, owners: ["@eng"]}
  - {name: lead, owners: ["@lead"]}
  - {name: cto, owners: ["@cto"]}
"""


def _policy(rules: str, extra: str = "") -> Any:
    return parse(LEVELS + extra + "rules:\n" + rules, "p.yaml")


def _judge(policy: Any, change: Change) -> Any:
    engine = Engine(policy)
    return engine.judge(change, engine.context([change], lambda oid: None))


RULES = [
    "  - {id: docs, level: engineer, paths: ['docs/']}\n",
    "  - {id: infra, level: cto, paths: ['infra/']}\n",
    "  - {id: infra-docs, level: lead, paths: ['infra/**/*.md']}\n",
    "  - {id: tf, level: lead, paths: ['*.tf']}\n",
]


@pytest.mark.parametrize("seed", range(5))
def test_strictest_match_wins_whatever_the_rule_order(seed: int) -> None:
    rules = RULES[:]
    random.Random(seed).shuffle(rules)
    policy = _policy("".join(rules))
    assert _judge(policy, Change("modified", "infra/readme.md")).level == "cto"
    assert _judge(policy, Change("modified", "modules/x.tf")).level == "lead"
    assert _judge(policy, Change("modified", "docs/x.tf")).level == "lead"
    assert _judge(policy, Change("modified", "src/app.py")).level == "engineer"


def test_adding_a_rule_never_lowers_a_level() -> None:
    before = _policy(RULES[1])
    after = _policy(RULES[1] + "  - {id: relax, level: engineer, paths: ['infra/']}\n")
    change = Change("modified", "infra/main.tf")
    assert _judge(before, change).level == _judge(after, change).level == "cto"


def test_default_level_applies_when_nothing_matches() -> None:
    policy = _policy("  - {id: docs, level: engineer, paths: ['docs/']}\n", "default_level: lead\n")
    assert _judge(policy, Change("modified", "src/x.py")).level == "lead"
    # a matching rule decides, even below the default
    assert _judge(policy, Change("modified", "docs/x.md")).level == "engineer"


def test_exclude_removes_a_rule_for_either_path() -> None:
    policy = _policy("  - {id: infra, level: cto, paths: ['infra/'], exclude: ['**/test/**']}\n")
    assert _judge(policy, Change("modified", "infra/main.tf")).level == "cto"
    assert _judge(policy, Change("modified", "infra/test/fixture.tf")).level == "engineer"


def test_a_rename_is_judged_on_both_paths() -> None:
    policy = _policy("  - {id: infra, level: cto, paths: ['infra/']}\n")
    out = Change("renamed", "archive/main.tf", old_path="infra/main.tf")
    into = Change("renamed", "infra/main.tf", old_path="archive/main.tf")
    assert _judge(policy, out).level == "cto"
    assert _judge(policy, into).level == "cto"


def test_path_findings_carry_rule_level_reason_and_pattern() -> None:
    policy = _policy("  - {id: infra, level: cto, paths: ['docs/', 'infra/'], reason: Cloud.}\n")
    verdict = _judge(policy, Change("added", "infra/x"))
    assert verdict.findings == (
        Finding(type="path", kind=None, subject="infra/", detail="path matches 'infra/'",
                rule="infra", level="cto", reason="Cloud."),
    )


def _toy_module(kinds: tuple[str, ...] = ("big", "small")) -> SimpleNamespace:
    def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
        return {p for p in paths.all if p.endswith(".toy")}

    def classify(change: Change, context: Context) -> list[Finding]:
        data = context.new(change) or b""
        return [Finding("toy", word, word) for word in data.decode().split()]

    return SimpleNamespace(TYPE="toy", KINDS=kinds, SETTINGS={}, claims=claims, classify=classify)


def test_a_new_classifier_is_one_registry_line(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(REGISTRY, "toy", _toy_module())
    policy = LEVELS + """\
rules:
  - {id: big-toys, level: cto, when: {type: toy, kind: big}, reason: Big toys cost money.}
  - {id: small-toys, level: lead, when: {type: toy, kind: small, subject: 's*'}}
"""
    base = repo.commit({".ownership-gate.yaml": policy})
    repo.commit({"a.toy": "big\n", "b.toy": "small\n", "c.toy": "", "d.txt": "big\n"})
    code, doc = run_json(capsys, "--base", base)
    assert levels_by_path(doc) == {"a.toy": "cto", "b.toy": "lead", "c.toy": "engineer", "d.txt": "engineer"}
    (big,) = [f for f in findings(doc, "toy") if f["kind"] == "big"]
    assert (big["rule"], big["level"], big["reason"]) == ("big-toys", "cto", "Big toys cost money.")
    assert code == 1


def test_a_classifier_that_fails_on_a_file_fails_closed_for_that_file_only(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(REGISTRY, "toy", _toy_module())  # it decodes contents as UTF-8: a bug on other bytes
    policy = LEVELS + "rules:\n  - {id: toys, level: lead, when: {type: toy}}\n"
    base = repo.commit({".ownership-gate.yaml": policy})
    repo.commit({"a.toy": "small\n", "b.toy": b"\xff\xfe big\n"})
    code, doc = run_json(capsys, "--base", base)
    assert levels_by_path(doc) == {"a.toy": "lead", "b.toy": "cto"}
    (error,) = findings(doc, "error")
    assert (error["kind"], error["subject"], error["rule"], error["level"]) == (
        "classifier", "b.toy", "classifier-error", "cto")
    assert error["detail"].startswith("the toy classifier failed on this file (UnicodeDecodeError: ")
    assert code == 1
    assert main(["check", "--base", base]) == 1  # the text report, not a traceback
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "classifier-error" in out.out


def test_unmatched_findings_are_reported_with_null_rule(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(REGISTRY, "toy", _toy_module())
    policy = LEVELS + "rules:\n  - {id: big-toys, level: cto, when: {type: toy, kind: big}, paths: ['*.toy']}\n"
    base = repo.commit({".ownership-gate.yaml": policy})
    repo.commit({"a.toy": "small\n"})
    code, doc = run_json(capsys, "--base", base)
    (finding,) = findings(doc, "toy")
    assert finding["rule"] is None and finding["level"] is None
    assert code == 0


@pytest.mark.parametrize(
    ("when", "finding", "matches"),
    [
        ("{type: dependency, scope: runtime}", {"scope": "runtime"}, True),
        ("{type: dependency, scope: runtime}", {"scope": "dev"}, False),
        ("{type: dependency, scope: [dev, test]}", {"scope": "test"}, True),
        ("{type: dependency, scope: runtime}", {"scope": None}, False),  # unparsed: no scope
        ("{type: dependency, ecosystem: npm}", {"ecosystem": "npm"}, True),
        ("{type: dependency, ecosystem: [gem, pypi]}", {"ecosystem": "npm"}, False),
        ("{type: dependency, kind: major, scope: runtime, ecosystem: gem}",
         {"kind": "major", "scope": "runtime", "ecosystem": "gem"}, True),
        ("{type: dependency, kind: major, scope: runtime, ecosystem: gem}",
         {"kind": "minor", "scope": "runtime", "ecosystem": "gem"}, False),
        ("{type: dependency, vendor: true}", {"vendor": "payments"}, True),
        ("{type: dependency, vendor: true}", {"vendor": None}, False),
        ("{type: dependency, vendor: false}", {"vendor": None}, True),
        ("{type: dependency, vendor: false}", {"vendor": "policy"}, False),
    ],
)
def test_when_matches_scope_ecosystem_and_vendor(when: str, finding: dict[str, Any], matches: bool) -> None:
    policy = _policy(f"  - {{id: r, level: cto, when: {when}}}\n")
    engine = Engine(policy)
    fields = {"kind": "added", "ecosystem": "npm", **finding}
    judged = engine._verdict(Change("modified", "package.json"), [Finding("dependency", subject="x", **fields)])
    assert (judged.level == "cto") is matches


def test_the_validator_takes_kinds_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(REGISTRY, "toy", _toy_module(kinds=("huge",)))
    parse(LEVELS + "rules:\n  - {id: t, level: cto, when: {type: toy, kind: huge}}\n", "p.yaml")
    with pytest.raises(Exception, match="'big' is not a kind of 'toy'"):
        parse(LEVELS + "rules:\n  - {id: t, level: cto, when: {type: toy, kind: big}}\n", "p.yaml")


def test_editing_the_policy_file_needs_the_top_level(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = LEVELS + "rules:\n  - {id: docs, level: engineer, paths: ['.ownership-gate.yaml']}\n"
    base = repo.commit({".ownership-gate.yaml": policy})
    repo.commit({".ownership-gate.yaml": policy + "# a harmless comment\n"})
    code, doc = run_json(capsys, "--base", base)
    (change,) = doc["changes"]
    assert change["level"] == "cto"
    assert [(f["type"], f["kind"], f["rule"]) for f in change["findings"] if f["type"] == "policy"] == [
        ("policy", "changed", "policy-file")
    ]
    assert code == 1


def test_adding_a_policy_file_needs_the_top_level(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"a": "1"})
    repo.commit({".ownership-gate.yml": LEVELS})
    code, doc = run_json(capsys, "--base", base)
    assert levels_by_path(doc) == {".ownership-gate.yml": "cto"}
    assert code == 1


@pytest.mark.parametrize("seed", range(3))
def test_a_large_change_set_is_judged_as_each_file_alone(seed: int) -> None:
    """The one-pass matching of a whole change set gives each file the verdict it gets alone."""
    policy = _policy("".join(RULES) + (
        "  - {id: api, level: lead, paths: ['src/api/', '/README.md'], exclude: ['src/api/gen/**']}\n"
        "  - {id: any-lock, level: lead, paths: ['**/package-lock.json']}\n"
    ))
    pick = random.Random(seed)
    directories = ["", "docs", "infra", "infra/net", "src/api", "src/api/gen", "src/web", "lib/docs"]
    names = ["README.md", "main.tf", "notes.md", "package-lock.json", "a.py", "gen.py"]
    changes = []
    for _ in range(600):
        path = "/".join(filter(None, [pick.choice(directories), pick.choice(names)]))
        old = "/".join(filter(None, [pick.choice(directories), pick.choice(names)])) if pick.random() < 0.1 else None
        changes.append(Change("renamed" if old else "modified", path, old))
    engine = Engine(policy)
    alone = [_judge(policy, change) for change in changes]
    assert engine._unclassified(changes) == alone
    assert {v.level for v in alone} == {"engineer", "lead", "cto"}
