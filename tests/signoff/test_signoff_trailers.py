"""Trailer sign-off: read the way git reads trailers, counted only from listed signers."""

from __future__ import annotations

import pytest

from ownership_gate.git import trailers
from ownership_gate.git.repo import Git
from tests.conftest import Repo, run_json
from tests.signoff_support import CTO, POLICY, TF, commit_as, trailer_message


def _pull_request(repo: Repo) -> str:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"}, "Policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Add the queue")
    return base


def test_a_listed_signers_trailer_signs_off(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _pull_request(repo)
    sha = commit_as(repo, trailer_message("CTO sign-off", f"Cee Tee <{CTO}>"), CTO)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 0
    assert doc["signoff"]["satisfied"] is True
    assert doc["signoff"]["evidence"] == [{"level": "cto", "source": "trailer", "by": CTO, "commit": sha,
                                           "verified": False, "verified_by": None, "stale": False}]


def test_without_a_trailer_the_sign_off_is_missing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _pull_request(repo)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 1
    assert (doc["signoff"]["satisfied"], doc["signoff"]["evidence"]) == (False, [])


def test_a_trailer_already_on_the_base_branch_does_not_count(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({".ownership-gate.yaml": POLICY}, "Policy")
    base = commit_as(repo, trailer_message("Old sign-off", CTO), CTO)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Add the queue")
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 1
    assert doc["signoff"]["evidence"] == []


@pytest.mark.parametrize(
    ("value", "counts"),
    [
        (f"Cee Tee <{CTO}>", True),
        (f"Cee Tee <{CTO.upper()}>", True),  # emails compare case-insensitively
        (CTO, True),  # a bare email
        ("Cee Tee <someone@acme.example>", False),
        (f"Cee Tee <{CTO}.evil.example>", False),
        (f"Cee Tee <x@evil.example> {CTO}", False),  # not an identity git would write
        (f"{CTO} <x@evil.example>", False),  # an email is matched by itself, never by the name part
        ("Cee Tee", False),  # no email: names nobody
    ],
)
def test_the_value_must_name_a_signer(
    repo: Repo, capsys: pytest.CaptureFixture[str], value: str, counts: bool
) -> None:
    base = _pull_request(repo)
    commit_as(repo, trailer_message("sign-off", value), CTO)
    code, doc = run_json(capsys, "--base", base, "--policy-from-base")
    assert (code, doc["signoff"]["satisfied"]) == ((0, True) if counts else (1, False))


def test_the_text_report_explains_an_unlisted_signer(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    from ownership_gate.cli import main

    base = _pull_request(repo)
    sha = repo.commit({}, trailer_message("sign-off", "Eng Ineer <eng@acme.example>"))
    assert main(["check", "--base", base, "--policy-from-base"]) == 1
    out = capsys.readouterr().out
    assert "FAIL Needs cto sign-off (@acme-cto): missing." in out
    assert f"on {sha[:12]} does not count: eng@acme.example is not one of the signers" in out


# Messages where a home-grown parser and git tend to disagree. Each is
# committed and read through `trailers.read`; the oracle is
# `git interpret-trailers --parse --no-divider` on the same message (`%(trailers)`
# on a commit never treats `---` as a patch divider, hence --no-divider).
MESSAGES = {
    "plain": f"Add queue\n\nBody.\n\nCTO-Approved-by: Cee <{CTO}>\n",
    "lowercase key": f"Add queue\n\ncto-approved-by: Cee <{CTO}>\n",
    "folded value": f"Add queue\n\nCTO-Approved-by: Cee\n  Tee <{CTO}>\n",
    "two of them": f"Add queue\n\nCTO-Approved-by: A <a@x.example>\nCTO-Approved-by: B <{CTO}>\n",
    "not the last paragraph": f"Add queue\n\nCTO-Approved-by: Cee <{CTO}>\n\nMore prose here.\n",
    "subject only": f"CTO-Approved-by: Cee <{CTO}>\n",
    "mixed with prose, git trailer present":
        f"Add queue\n\nsome prose line\nCTO-Approved-by: Cee <{CTO}>\nSigned-off-by: Eng <e@x.example>\n",
    "mostly prose": f"Add queue\n\nprose one\nprose two\nprose three\nprose four\nCTO-Approved-by: C <{CTO}>\n",
    "after a divider": f"Add queue\n\nnotes\n---\nCTO-Approved-by: Cee <{CTO}>\n",
    "space before colon": f"Add queue\n\nCTO-Approved-by : Cee <{CTO}>\n",
    "other separator": f"Add queue\n\nCTO-Approved-by= Cee <{CTO}>\n",
    "cherry-pick line": f"Add queue\n\nCTO-Approved-by: Cee <{CTO}>\n(cherry picked from commit {'a' * 40})\n",
    "non-ascii name": f"Add queue\n\nCTO-Approved-by: Çé Tée <{CTO}>\n",
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_trailers_are_read_exactly_as_git_interpret_trailers_parses_them(repo: Repo, name: str) -> None:
    base = repo.commit({"a": "1\n"}, "base")
    head = repo.commit({"b": "2\n"}, MESSAGES[name])
    message = repo.git("log", "-1", "--format=%B", head)
    parsed = repo.git("interpret-trailers", "--parse", "--no-divider", input=message.encode())
    expected = [
        value.strip()
        for key, _, value in (line.partition(":") for line in parsed.splitlines())
        if key.strip().lower() == "cto-approved-by"
    ]
    got = [t.value for t in trailers.read(Git(repo.root), base, head, "CTO-Approved-by")]
    assert got == expected
    assert all(t.commit == head for t in trailers.read(Git(repo.root), base, head, "CTO-Approved-by"))


def test_trailers_are_attributed_to_their_own_commit(repo: Repo) -> None:
    base = repo.commit({"a": "1\n"}, "base")
    first = repo.commit({"b": "1\n"}, trailer_message("one", "A <a@x.example>"))
    repo.commit({"c": "1\n"}, "no trailer here")
    third = repo.commit({"d": "1\n"}, trailer_message("three", f"C <{CTO}>"))
    found = trailers.read(Git(repo.root), base, third, "CTO-Approved-by")
    assert [(t.commit, t.email) for t in found] == [(third, CTO), (first, "a@x.example")]


def test_the_readme_trailer_command_signs_off(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _pull_request(repo)
    for role in ("AUTHOR", "COMMITTER"):  # the signer's own `git config user.email`
        monkeypatch.setenv(f"GIT_{role}_EMAIL", CTO)
    repo.git("commit", "--allow-empty", "-m", "CTO sign-off", "--trailer", f"CTO-Approved-by: Cee Tee <{CTO}>")
    code, _ = run_json(capsys, "--base", base, "--policy-from-base")
    assert code == 0
