"""File names that try to print lines of their own: every human-facing output quotes them as git does."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse

import pytest

from ownership_gate.cli import main
from ownership_gate.output.quoting import one_line, quote_path
from tests.conftest import Repo

FORGED = "OK  Routine change: engineer level, no sign-off needed."
# A name with a verdict line, a workflow command, a Markdown heading with HTML, a table cell
# and a terminal escape of its own.
NAME = f"infra/x\n{FORGED}\n::error::forged\n## forged <b>bold</b> | cell\r\x1b[2J.tf"
QUOTED = (
    '"infra/x\\nOK  Routine change: engineer level, no sign-off needed.\\n::error::forged\\n'
    '## forged <b>bold</b> | cell\\r\\033[2J.tf"'
)
POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@eng"]}
  - name: cto
    owners: ["@cto"]
    signoff: {trailer: CTO-Approved-by, signers: [cto@example.com]}
rules:
  - {id: cloud, level: cto, paths: ["infra/"], reason: "Cloud changes are one-way doors."}
"""


def _no_forgery(output: str) -> None:
    lines = output.splitlines()
    assert FORGED not in lines
    assert not any(line.startswith(("::error::forged", "## forged")) for line in lines)
    # A workflow command's `file` property names the file itself (encoded for the runner, not for people).
    shown = re.sub(r"file=[^,]*,", "file=...,", output)
    assert "\x1b" not in shown and "\r" not in shown


@pytest.mark.parametrize(
    "name",
    ["plain/name.py", "with space.py", "café/naïve.py", "tab\there", "new\nline", 'q"uote', "back\\slash",
     "\x1b[31mred", "bell\a\b\v\f", "del\x7f", "\x01\x1f"],
)
def test_paths_are_quoted_exactly_as_git_quotes_them(repo: Repo, name: str) -> None:
    repo.commit({name: "x\n"})
    listed = repo.git("-c", "core.quotePath=false", "ls-files")
    assert quote_path(name) == listed


def test_invisible_characters_are_escaped_as_their_utf8_bytes() -> None:
    assert quote_path("a\u2028b") == '"a\\342\\200\\250b"'  # a line separator
    assert quote_path("\u202eexe.txt") == '"\\342\\200\\256exe.txt"'  # a right-to-left override
    assert quote_path("bad\udcff") == '"bad\\377"'  # a byte that is not UTF-8, as os.fsdecode keeps it
    assert one_line('say "hi"\nthere') == 'say "hi"\\nthere'


@pytest.fixture
def forged(repo: Repo) -> str:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "x\n"})
    repo.commit({NAME: "resource\n"})
    return base


@pytest.mark.parametrize("format", ["text", "markdown", "github"])
def test_a_forged_name_prints_no_line_of_its_own(
    repo: Repo, capsys: pytest.CaptureFixture[str], forged: str, format: str
) -> None:
    assert main(["check", "--base", forged, "--format", format]) == 1
    out = capsys.readouterr().out
    _no_forgery(out)
    if format == "github":
        # The annotation's file property is the raw path, encoded for the runner.
        assert "file=infra/x%0AOK  Routine change%3A engineer level%2C no sign-off needed.%0A" in out
        assert out.count("::error ") == 2  # the finding and the summary; nothing from the name
    else:
        assert QUOTED in out or QUOTED.replace("|", "\\|").replace("\\", "\\\\") in out


def test_markdown_shows_the_quoted_name_in_code_and_no_html(
    repo: Repo, capsys: pytest.CaptureFixture[str], forged: str
) -> None:
    assert main(["check", "--base", forged, "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert f"`{QUOTED}`" in out  # the list of findings: a code span outside any table
    assert f"`{QUOTED.replace('|', chr(92) + '|')}`" in out  # the table, its pipe escaped
    assert "<b>" not in re.sub(r"`[^`]*`", "", out)  # HTML only ever inside code spans


def test_machine_formats_carry_the_raw_path(repo: Repo, capsys: pytest.CaptureFixture[str], forged: str) -> None:
    assert main(["check", "--base", forged, "--format", "json"]) == 1
    [change] = json.loads(capsys.readouterr().out)["changes"]
    assert change["path"] == NAME
    assert main(["check", "--base", forged, "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in sarif["runs"][0]["results"] for loc in result["locations"]]
    assert uris and set(uris) == {urllib.parse.quote(NAME)}


def test_explain_quotes_the_path(repo: Repo, capsys: pytest.CaptureFixture[str], forged: str) -> None:
    assert main(["explain", NAME]) == 0
    out = capsys.readouterr().out
    _no_forgery(out)
    assert f"{QUOTED}: cto (@cto)" in out


def test_report_quotes_the_path(repo: Repo, capsys: pytest.CaptureFixture[str], forged: str) -> None:
    assert main(["report", "--since", "2000-01-01", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    _no_forgery(out)
    assert "<b>" not in out
    # The Why cell is escaped text, as the Markdown reporter escapes it: HTML shown literally, and
    # backslashes, brackets and the pipe escaped so no link, emphasis or new cell starts.
    escaped = QUOTED.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")
    assert f"| cloud: {escaped} |" in out


def test_codeowners_and_validate_quote_paths(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, NAME: "x\n"})
    assert main(["codeowners"]) == 0
    err = capsys.readouterr().err
    _no_forgery(err)
    assert f"with a tab or newline: {QUOTED}" in err
    written = (repo.root / ".github/CODEOWNERS").read_text("utf-8")
    assert f"#   {QUOTED}\n" in written
    _no_forgery(written)
    odd_policy = repo.root / f"p\n{FORGED}.yaml"
    odd_policy.write_text(POLICY, "utf-8")
    assert main(["validate", "--policy", str(odd_policy)]) == 0
    err = capsys.readouterr().err
    _no_forgery(err)
    assert f'\\n{FORGED}.yaml": OK' in err


def test_errors_quote_the_paths_they_name(repo: Repo, capsys: pytest.CaptureFixture[str], forged: str) -> None:
    target = repo.root / f"no\n{FORGED}" / "report.txt"
    assert main(["check", "--base", forged, "--output", str(target)]) == 2
    err = capsys.readouterr().err
    _no_forgery(err)
    assert f'cannot write "{repo.root}/no\\n{FORGED}/report.txt"' in err


def test_the_hook_quotes_a_staged_name_as_git_does(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": POLICY})
    repo.stage({NAME: "x\n"})
    git_says = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=repo.root, capture_output=True,
                              text=True, check=True).stdout.strip()
    assert main(["check", "--staged", "--advisory"]) == 0
    out = capsys.readouterr().out
    _no_forgery(out)
    assert f"  {git_says} [added]" in out


def test_the_html_report_quotes_the_path(repo: Repo, capsys: pytest.CaptureFixture[str], forged: str) -> None:
    assert main(["report", "--since", "2000-01-01", "--format", "html"]) == 0
    out = capsys.readouterr().out
    _no_forgery(out)
    assert "<b>" not in out
    escaped = QUOTED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert f"<td>cloud: {escaped}</td>" in out
