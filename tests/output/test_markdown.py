"""`--format markdown`: the pull-request summary, safe for any file name."""

from __future__ import annotations

import re

import pytest

from ownership_gate.cli import main
from ownership_gate.output.markdown import code, text
from tests.conftest import Repo
from tests.signoff_support import CTO, POLICY, SIGNED_POLICY, TF, commit_as, trailer_message


def _markdown(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code_ = main(["check", "--format", "markdown", *argv])
    return code_, capsys.readouterr().out


def _cells(row: str) -> int:
    """Cells in a GFM table row: pipes not escaped with a backslash delimit them."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def _tables_are_intact(markdown: str) -> None:
    width = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        if width is None:
            width = _cells(line)
        assert _cells(line) == width, line


def test_the_summary_tells_what_needs_sign_off_and_how(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "Policy")
    repo.commit({"terraform/main.tf": TF, "app/a.py": "A = 1\n", "app/b.py": "B = 1\n"}, "Queue")
    status, out = _markdown(capsys, "--base", base)
    assert status == 1
    assert out.splitlines()[:3] == [
        "## ownership-gate: ❌ cto sign-off missing", "", "**Needs cto sign-off (@acme-cto): missing.**",
    ]
    assert "3 changed file(s): 1 cto, 2 engineer" in out
    assert "| `terraform/main.tf` | added | **cto** | `cloud-setup` |" in out
    assert "- `terraform/main.tf` · path terraform/: path matches 'terraform/' — rule `cloud-setup` (**cto**)." in out
    assert "- **Commit trailer**: a commit on the branch whose message ends with" in out
    assert "- **Approving review** of the pull request by `acme-cto`, `@acme/cto`" in out
    assert "- **Label** `cto-approved` on the pull request" in out
    assert '  --trailer "CTO-Approved-by: Your Name <cto@acme.example>"' in out
    assert "<details><summary>Routine: 2 file(s) at engineer level, no sign-off needed</summary>" in out
    _tables_are_intact(out)


def test_a_signed_trailer_policy_explains_signing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": SIGNED_POLICY}, "Policy")
    repo.commit({"terraform/main.tf": TF}, "Queue")
    _, out = _markdown(capsys, "--base", base)
    assert "**signed** with a key listed for the signer in `.github/allowed_signers` on the base branch" in out
    assert "git commit --allow-empty -S -m" in out


def test_evidence_and_staleness_are_listed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "Policy")
    repo.commit({"terraform/main.tf": TF}, "Queue")
    old = commit_as(repo, trailer_message("sign-off", CTO), CTO)
    repo.commit({"terraform/db.tf": TF}, "More")
    _, out = _markdown(capsys, "--base", base)
    assert f"| cto | trailer | `{CTO}` | `{old[:12]}` | no | **stale** |" in out
    assert "is stale: later changes need cto sign-off again (terraform/db.tf)" in out


def test_hostile_file_names_stay_literal(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["terraform/a|b.tf", "terraform/`tick`.tf", "terraform/<img src=x onerror=alert(1)>.tf",
             "docs/**bold** [link](http://x).md"]
    base = repo.commit({".ownership-gate.yaml": POLICY}, "Policy")
    repo.commit(dict.fromkeys(names, TF), "Odd names")
    _, out = _markdown(capsys, "--base", base)
    _tables_are_intact(out)
    assert "| `terraform/a\\|b.tf` |" in out
    assert "| ``terraform/`tick`.tf`` |" in out
    assert "| `terraform/<img src=x onerror=alert(1)>.tf` |" in out  # a code span shows HTML as text
    assert "<img" not in out.replace("`terraform/<img src=x onerror=alert(1)>.tf`", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", "`plain`"), ("a|b", "`a\\|b`"), ("`x`", "`` `x` ``"), ("a``b", "```a``b```"), ("l1\nl2", "`l1␊l2`")],
)
def test_code_spans(value: str, expected: str) -> None:
    assert code(value) == expected


def test_text_is_escaped_for_markdown_and_html() -> None:
    assert text("<b>*x*</b> & [y](z)\nnext") == "&lt;b&gt;\\*x\\*&lt;/b&gt; &amp; \\[y\\](z) next"


def test_every_format_the_cli_offers_has_a_reporter() -> None:
    from ownership_gate.cli import FORMATS
    from ownership_gate.output.reporters import REPORTERS

    assert set(REPORTERS) == set(FORMATS)
