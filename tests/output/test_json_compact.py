"""Large `--format json` documents are written by a fast path that must match json.dumps byte for byte."""

from __future__ import annotations

import json

import pytest

from ownership_gate.cli import main
from ownership_gate.model import STATUSES, Change, ChangeVerdict, Evidence, Finding, SignoffResult, Verdict
from ownership_gate.output import json_
from ownership_gate.policy.load import load_builtin
from tests.conftest import TERRAFORM_DB, Repo

ODD = ["plain.py", 'quote".py', "back\\slash.py", "tab\there.py", "new\nline.py", "ünïcödé/ファイル.md",
       "ctrl\x01\x1f.txt", "emoji 🚀.txt", "</script>.html", "\u2028sep.txt"]


def _verdict(count: int) -> Verdict:
    levels = ("engineer", "lead", 'c"t\\o')
    changes = []
    # The engine hands one findings tuple to every file matching the same rules.
    shared = (Finding("path", None, "svc/", detail="path matches 'svc/'", rule="r1", level="lead", reason="ops"),)
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        old_path = ODD[(i + 3) % len(ODD)] if status in ("renamed", "copied") else None
        findings: tuple[Finding, ...] = ()
        if i % 7 == 0:
            findings = (
                Finding("dependency", "major", f"pkg{i}", detail="1.0 → 2.0 \"quoted\"", ecosystem="npm",
                        from_="1.0", to="2.0", line=i, rule="vendor", level=levels[2], reason="new\nvendor"),
                Finding("path", None, ODD[i % len(ODD)]),
            )
        elif i % 5 == 1:
            findings = shared
        change = Change(status, f"{i}/{ODD[i % len(ODD)]}", old_path, None, None)
        changes.append(ChangeVerdict(change, levels[i % 3], findings))
    evidence = (Evidence('c"t\\o', "trailer", "Ada Lövelace <ada@example.com>", "a" * 40, "git", False),
                Evidence("lead", "label", "bot\n", None, None, True))
    return Verdict(base="b" * 40, head=None, policy_source=".ownership-gate.yaml", levels=levels,
                   default_level="engineer", required_level=levels[2], changes=tuple(changes),
                   signoff=SignoffResult(False, evidence), advisory=True)


@pytest.mark.parametrize("count", [json_.PRETTY_LIMIT + 1, 5000])
def test_large_documents_are_exactly_json_dumps_compact(count: int) -> None:
    verdict = _verdict(count)
    text = json_.render(verdict, load_builtin("startup"))
    assert text == json.dumps(json_.document(verdict), ensure_ascii=False) + "\n"
    assert text.count("\n") == 1  # compact: one line
    doc = json.loads(text)
    assert len(doc["changes"]) == count and doc["summary"]["files"] == count
    assert doc["changes"][7]["findings"][0]["from"] == "1.0"


def test_small_documents_stay_indented() -> None:
    verdict = _verdict(json_.PRETTY_LIMIT)
    text = json_.render(verdict, load_builtin("startup"))
    assert text == json.dumps(json_.document(verdict), indent=2, ensure_ascii=False) + "\n"
    assert text.startswith('{\n  "schema": ')


def test_document_keys_and_order_are_the_contract() -> None:
    doc = json_.document(_verdict(8))
    assert list(doc) == ["schema", "base", "head", "policy", "required_level", "needs_signoff", "signoff",
                         "changes", "summary"]
    assert list(doc["changes"][0]) == ["path", "old_path", "status", "level", "findings"]
    assert list(doc["changes"][0]["findings"][0]) == [
        "type", "kind", "subject", "ecosystem", "scope", "vendor", "from", "to", "line", "detail", "rule", "level",
        "reason"]


def test_check_on_a_large_change_writes_what_json_dumps_would(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"src/{i:04}/{ODD[i % len(ODD)]}" for i in range(json_.PRETTY_LIMIT + 20)]
    base = repo.commit({"terraform/main.tf": "# one\n", "old.txt": "moved\n" * 20,
                        **{name: "x = 1\n" for name in names}})
    repo.git("mv", "old.txt", "new ünï.txt")
    repo.commit({"terraform/main.tf": TERRAFORM_DB, **{name: "x = 2\n" for name in names}})
    assert main(["check", "--base", base, "--format", "json"]) == 1
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert out == json.dumps(doc, ensure_ascii=False) + "\n"  # keys keep their order through loads
    by_path = {c["path"]: c for c in doc["changes"]}
    assert len(by_path) == len(names) + 2
    assert by_path["new ünï.txt"]["old_path"] == "old.txt"
    assert by_path["terraform/main.tf"]["level"] == "cto" and by_path["terraform/main.tf"]["findings"]
    assert by_path[names[1]] == {"path": names[1], "old_path": None, "status": "modified",
                                 "level": "engineer", "findings": []}


def test_a_draft_written_before_the_findings_keeps_only_what_did_not_change() -> None:
    final = _verdict(3000)
    # Before the classifiers answer, every change stands without findings; then a
    # few verdicts are replaced by new objects, as the engine does.
    before = [ChangeVerdict(v.change, "engineer", ()) for v in final.changes]
    early = json_.EarlyEntries(before)
    replaced = {7, 1500, 2999}
    mixed = tuple(final.changes[i] if i in replaced else before[i] for i in range(len(before)))
    verdict = Verdict(base=final.base, head=final.head, policy_source=final.policy_source, levels=final.levels,
                      default_level=final.default_level, required_level=final.required_level, changes=mixed,
                      signoff=final.signoff, advisory=final.advisory)
    text = json_.render(verdict, load_builtin("startup"), early=early)
    assert text == json.dumps(json_.document(verdict), ensure_ascii=False) + "\n"
    assert json.loads(text)["changes"][1500]["level"] == final.changes[1500].level
    shorter = verdict._replace(changes=mixed[:2000])
    assert json_.render(shorter, load_builtin("startup"), early=early) == json.dumps(
        json_.document(shorter), ensure_ascii=False) + "\n"
