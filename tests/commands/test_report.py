"""`ownership-gate report`: the weekly decisions report, from real history."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import ownership_gate.commands.report as report_module
from ownership_gate.cli import main
from tests.conftest import Repo

POLICY = """\
version: 1
levels:
  - name: engineer
    owners: ["@acme/eng"]
  - name: cto
    owners: ["@acme-cto"]
    signoff: {trailer: CTO-Approved-by, signers: ["cto@acme.example"]}
rules:
  - id: cloud
    level: cto
    paths: ["terraform/"]
  - id: secrets
    level: cto
    paths: ["secrets/"]
  - id: vendors
    level: cto
    when: {type: dependency, kind: added}
"""
SIGNED = "\n\nCTO-Approved-by: The CTO <cto@acme.example>"


def _at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", when)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)


def _as(monkeypatch: pytest.MonkeyPatch, name: str, email: str) -> None:
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", name)
        monkeypatch.setenv(f"GIT_{role}_EMAIL", email)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["report", "--format", "json", *argv]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def _history(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A week on main: routine work, a signed and an unsigned CTO change, a merged pull request."""
    shas = {}
    _at(monkeypatch, "2024-01-08T09:00:00Z")
    shas["policy"] = repo.commit({".ownership-gate.yaml": POLICY, "app/main.py": "x = 1\n"}, "Start")
    _at(monkeypatch, "2024-01-15T09:00:00Z")
    shas["routine"] = repo.commit({"app/main.py": "x = 2\n"}, "Routine fix")
    _at(monkeypatch, "2024-01-16T09:00:00Z")
    shas["unsigned"] = repo.commit({"terraform/main.tf": "a\n"}, "Bigger | database")
    _at(monkeypatch, "2024-01-17T09:00:00Z")
    _as(monkeypatch, "The CTO", "cto@acme.example")  # a trailer counts on its signer's own commit
    shas["signed"] = repo.commit({"terraform/main.tf": "b\n"}, "Smaller database" + SIGNED)
    repo.git("checkout", "-q", "-b", "feature")
    _at(monkeypatch, "2024-01-18T09:00:00Z")
    _as(monkeypatch, "Eng Ineer", "eng@example.com")
    repo.commit({"secrets/key.txt": "k\n"}, "Rotate key")
    _as(monkeypatch, "The CTO", "cto@acme.example")
    repo.commit({"app/main.py": "x = 3\n"}, "Tidy" + SIGNED)
    _as(monkeypatch, "Eng Ineer", "eng@example.com")
    repo.git("checkout", "-q", "main")
    _at(monkeypatch, "2024-01-18T10:00:00Z")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from feature", "feature")
    shas["merge"] = repo.git("rev-parse", "HEAD")
    return shas


def test_json_lists_only_decisions_with_their_signoff(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = _history(repo, monkeypatch)
    document = _json(capsys, "--since", "2024-01-14", "--until", "2024-01-20", "--branch", "main")
    assert document["schema"] == "ownership-gate/report/v1"
    assert document["period"] == {"from": "2024-01-14", "to": "2024-01-20"}
    assert document["commits"] == 4  # first-parent only: the feature commits are inside the merge
    decisions = {d["commit"]: d for d in document["decisions"]}
    assert list(decisions) == [shas["unsigned"], shas["signed"], shas["merge"]]
    unsigned, signed, merge = decisions.values()
    assert unsigned["subject"] == "Bigger | database"
    assert unsigned["author"] == {"name": "Eng Ineer", "email": "eng@example.com"}
    assert unsigned["level"] == "cto" and unsigned["rules"] == ["cloud"]
    assert unsigned["signoff"]["satisfied"] is False and unsigned["signoff"]["by"] == []
    assert signed["signoff"] == {**signed["signoff"], "satisfied": True, "by": ["cto@acme.example"]}
    # The merge is the pull request: judged against its first parent, signed inside the branch.
    assert merge["merge"] is True and merge["parent"] == shas["signed"]
    assert [(f["path"], f["rule"]) for f in merge["findings"]] == [("secrets/key.txt", "secrets")]
    assert merge["signoff"]["satisfied"] is True
    assert merge["date"].startswith("2024-01-18")
    assert document["by_level"] == {"engineer": 1, "cto": 3}
    assert document["by_rule"] == {"cloud": 2, "secrets": 1}


def test_markdown_for_the_meeting(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = _history(repo, monkeypatch)
    assert main(["report", "--since", "2024-01-14", "--until", "2024-01-20", "--branch", "main"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Ownership check-in: 2024-01-14 to 2024-01-20\n")
    assert "4 commit(s) landed, 3 needed more than engineer sign-off." in out
    assert (
        f"| 2024-01-16 | `{shas['unsigned'][:10]}` | Bigger \\| database | Eng Ineer | cto |"
        " cloud: terraform/main.tf | **missing** (@acme-cto) |"
    ) in out
    assert f"| `{shas['signed'][:10]}` | Smaller database | The CTO | cto | cloud: terraform/main.tf | cto@acme.example |" in out
    missing = out.split("## Merged without sign-off", 1)[1].split("##", 1)[0]
    assert shas["unsigned"][:10] in missing and shas["signed"][:10] not in missing
    assert "| cloud | cto | 2 |" in out
    for heading in ("**Open decisions**", "**New risks**", "**Blocked work**"):
        assert heading in out


def test_policy_as_it_was_at_the_parent(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2024-02-01T09:00:00Z")
    repo.commit({".ownership-gate.yaml": POLICY, "secrets/a": "1\n"}, "Start")
    _at(monkeypatch, "2024-02-02T09:00:00Z")
    loosened = POLICY.replace('  - id: secrets\n    level: cto\n    paths: ["secrets/"]\n', "")
    weaken = repo.commit({".ownership-gate.yaml": loosened, "secrets/a": "2\n"}, "Drop the secrets rule")
    _at(monkeypatch, "2024-02-03T09:00:00Z")
    later = repo.commit({"secrets/a": "3\n"}, "Edit a secret")
    document = _json(capsys, "--since", "2024-02-02", "--until", "2024-02-04", "--branch", "main")
    decisions = {d["commit"]: d for d in document["decisions"]}
    # The commit that weakens the policy is still judged by the policy it weakens.
    assert set(decisions[weaken]["rules"]) == {"secrets", "policy-file"}
    assert decisions[weaken]["policy"] == f".ownership-gate.yaml@{decisions[weaken]['parent']}"
    assert later not in decisions
    # --policy judges all of history with one policy: what would it have flagged?
    (repo.root / "strict.yaml").write_text(POLICY, "utf-8")
    strict = _json(capsys, "--since", "2024-02-02", "--until", "2024-02-04", "--branch", "main", "--policy", "strict.yaml")
    assert later in {d["commit"] for d in strict["decisions"]}


def test_an_invalid_policy_counts_at_the_top_level(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2024-03-01T09:00:00Z")
    repo.commit({".ownership-gate.yaml": POLICY}, "Start")
    repo.commit({".ownership-gate.yaml": POLICY.replace("paths:", "pathz:", 1)}, "Break the policy")
    broken_parent = repo.commit({"app/x.py": "1\n"}, "Routine on a broken policy")
    document = _json(capsys, "--since", "2024-02-28", "--branch", "main")
    [*_, decision] = document["decisions"]
    assert decision["commit"] == broken_parent
    assert decision["level"] == "cto" and decision["rules"] == ["invalid-policy"]
    assert "is invalid" in decision["signoff"]["notes"][-1]


def test_default_branch_is_the_remotes_and_falls_back_to_the_current_branch(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _at(monkeypatch, "2024-04-01T09:00:00Z")
    repo.commit({".ownership-gate.yaml": POLICY}, "Start")
    pushed = repo.commit({"terraform/a.tf": "1\n"}, "Pushed")
    assert _json(capsys, "--since", "2024-03-30")["branch"] == "main"
    remote = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("fetch", "-q", "origin")
    repo.git("remote", "set-head", "origin", "main")
    local = repo.commit({"terraform/b.tf": "1\n"}, "Not pushed yet")
    assert main(["report", "--format", "json", "--since", "2024-03-30"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["branch"] == "origin/main"
    assert [d["commit"] for d in document["decisions"]][-1] == pushed
    assert local not in json.dumps(document)
    # The commits left out are named, with the way to include them.
    assert f"reading origin/main at {pushed[:12]} (the remote default branch" in captured.err
    assert "1 commit(s) on main are not on origin/main and are left out; pass --branch main" in captured.err
    assert main(["report", "--format", "json", "--since", "2024-03-30", "--branch", "main"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["decisions"][-1]["commit"] == local
    assert f"reading main at {local[:12]} (--branch)" in captured.err and "left out" not in captured.err


def test_without_a_remote_it_reads_the_current_branch_and_says_so(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2024-04-01T09:00:00Z")
    repo.commit({"a": "1\n"})
    repo.git("checkout", "-q", "-b", "topic")
    head = repo.commit({"terraform/a.tf": "1\n"}, "On topic")
    assert main(["report", "--since", "2024-03-30"]) == 0
    captured = capsys.readouterr()
    assert f"Branch `topic` at `{head[:12]}`: 2 commit(s) landed" in captured.out
    assert f"reading topic at {head[:12]} (no remote default branch, so the current branch" in captured.err
    repo.git("checkout", "-q", "--detach")
    assert _json(capsys, "--since", "2024-03-30")["branch"] == "HEAD"


@pytest.mark.parametrize(
    ("since", "until", "subjects"),
    [
        ("2024-05-02", "2024-05-04", ["two", "three"]),
        ("2024-05-02T12:00:00Z", None, ["three", "four"]),
        ("1 week ago", None, []),  # git's own date words; the history is years old
    ],
)
def test_dates_are_what_git_accepts(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    since: str, until: str | None, subjects: list[str],
) -> None:
    for day, subject in ((1, "one"), (2, "two"), (3, "three"), (5, "four")):
        _at(monkeypatch, f"2024-05-0{day}T09:00:00Z")
        repo.commit({"terraform/x.tf": subject}, subject)
    argv = ["--since", since, "--branch", "main"] + (["--until", until] if until else [])
    document = _json(capsys, *argv)
    assert [d["subject"] for d in document["decisions"]] == subjects


def test_long_ranges_show_progress_on_stderr(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _at(monkeypatch, "2024-06-01T09:00:00Z")
    for n in range(5):
        repo.commit({"app/x.py": f"{n}\n"}, f"c{n}")
    monkeypatch.setattr(report_module, "PROGRESS_EVERY", 2)
    out = tmp_path / "report.md"
    assert main(["report", "--since", "2024-05-01", "--branch", "main", "--output", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert [line for line in captured.err.splitlines() if "judged" in line] == [
        "ownership-gate: report: judged 2/5 commits",
        "ownership-gate: report: judged 4/5 commits",
        "ownership-gate: report: judged 5/5 commits",
    ]
    assert "5 commit(s) landed, 0 needed more than engineer sign-off" in out.read_text("utf-8")


def test_a_bare_date_is_the_whole_day_at_any_time_of_day(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # git alone reads "2024-05-02" as that day at the current time of day; pin "now" late.
    monkeypatch.setenv("GIT_TEST_DATE_NOW", "1764543600")  # 2025-11-30T23:00:00Z
    for day, subject in ((1, "one"), (2, "two"), (3, "three")):
        _at(monkeypatch, f"2024-05-0{day}T09:00:00Z")
        repo.commit({"terraform/x.tf": subject}, subject)
    document = _json(capsys, "--since", "2024-05-02", "--until", "2024-05-02", "--branch", "main")
    assert [d["subject"] for d in document["decisions"]] == ["two"]


def test_markdown_escapes_html_and_emphasis_in_every_cell(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2024-01-08T09:00:00Z")
    repo.commit({".ownership-gate.yaml": POLICY.replace("@acme-cto", "@acme_cto*"), "app/main.py": "x\n"}, "Start")
    _at(monkeypatch, "2024-01-16T09:00:00Z")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "*Mal* _lory_ [x](y)")
    repo.commit(
        {"terraform/<b>x*y*</b>.tf": "a\n", "package.json": '{"dependencies": {"<i>pay_sdk</i>": "1.0.0"}}\n'},
        "<img src=x onerror=alert(1)> *urgent* | __now__",
    )
    assert main(["report", "--since", "2024-01-14", "--until", "2024-01-20", "--branch", "main"]) == 0
    out = capsys.readouterr().out
    subject = "&lt;img src=x onerror=alert(1)&gt; \\*urgent\\* \\| \\_\\_now\\_\\_"
    author = "\\*Mal\\* \\_lory\\_ \\[x\\](y)"
    (row,) = [line for line in out.splitlines() if line.startswith("| 2024-01-16 ")]
    assert f"| {subject} | {author} | cto |" in row
    assert "cloud: terraform/&lt;b&gt;x\\*y\\*&lt;/b&gt;.tf" in row
    assert row.endswith("| **missing** (@acme\\_cto\\*) |")
    # Seven columns: every other pipe in the row is escaped.
    assert row.replace("\\|", "").count("|") == 8
    assert f"{subject} (cto, {author}): needed @acme\\_cto\\*" in out
    assert "dependency/added &lt;i&gt;pay\\_sdk&lt;/i&gt; in `package.json`" in out
    # Nothing from the history reaches the page as HTML.
    for raw in ("<img", "<b>", "<i>", "*urgent*", "_lory_"):
        assert raw not in out, raw


def test_a_new_risk_named_with_control_characters_stays_on_its_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "package.json": '{"dependencies": {}}\n'}, "Start")
    hostile = "pay\u001b[2J\nOK  Routine change\r"
    repo.commit({"package.json": json.dumps({"dependencies": {hostile: "1.0.0"}}) + "\n"}, "Vendor")
    assert main(["report", "--since", "2000-01-01", "--branch", "main"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "OK  Routine change" not in [line.strip() for line in out.splitlines()]
    # The agenda shows the name escaped exactly as the decisions table does.
    shown = "pay\\\\033\\[2J\\\\nOK  Routine change\\\\r"
    assert f"vendors: dependency/added {shown} in package.json |" in out
    assert f"   - dependency/added {shown} in `package.json` (`" in out


def test_new_risks_leave_out_tooling_dependencies(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2024-01-08T09:00:00Z")
    repo.commit({".ownership-gate.yaml": POLICY, "package.json": '{"name": "a"}\n'}, "Start")
    _at(monkeypatch, "2024-01-15T09:00:00Z")
    manifest = {"name": "a", "dependencies": {"left-pad": "^1.3.0", "stripe": "^14.0.0"},
                "devDependencies": {"prettier": "^3.0.0", "@sentry/cli": "^2.0.0"}}
    repo.commit({"package.json": json.dumps(manifest) + "\n"}, "Add packages")
    assert main(["report", "--since", "2024-01-14", "--until", "2024-01-20", "--branch", "main"]) == 0
    risks = capsys.readouterr().out.split("**New risks**", 1)[1].split("3. **Blocked work**", 1)[0]
    assert "dependency/added left-pad" in risks and "dependency/added stripe" in risks
    assert "dependency/added @sentry/cli" in risks  # a vendor's tool, even for development
    assert "prettier" not in risks
