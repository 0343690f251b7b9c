"""Text output folds long lines at the terminal's width, with a hanging indent."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios

import pytest

from ownership_gate.cli import main
from ownership_gate.output.wrap import fold
from tests.conftest import Repo

POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@acme/eng"]}
  - {name: cto, owners: ["@acme-cto"]}
rules:
  - id: cloud
    level: cto
    paths: ["terraform/"]
    reason: Cloud accounts, networks and managed services are a one-way door that decides cost and uptime.
"""
REASON_LINE = "      rule cloud: Cloud accounts, networks and managed services are a one-way door that decides cost and uptime."


def _change(repo: Repo) -> str:
    base = repo.commit({".ownership-gate.yaml": POLICY}, "base")
    repo.commit({"terraform/main.tf": "x\n"}, "cloud")
    return base


def test_fold_keeps_the_indent_and_hangs_continuations_two_columns_in() -> None:
    report = "    - a finding whose detail is long enough to need a second line here\nshort\n"
    assert fold(report, 40) == (
        "    - a finding whose detail is long\n"
        "      enough to need a second line here\n"
        "short\n"
    )


def test_fold_repaints_each_piece_of_a_coloured_line() -> None:
    report = "\x1b[2m      rule cloud: one two three four five six seven eight nine\x1b[0m\n"
    assert fold(report, 40) == (
        "\x1b[2m      rule cloud: one two three four\x1b[0m\n"
        "\x1b[2m        five six seven eight nine\x1b[0m\n"
    )


def test_fold_never_splits_a_word_or_folds_below_forty_columns() -> None:
    path = "    - terraform/" + "x" * 60 + ".tf"
    assert fold(path + "\n", 50) == path + "\n"
    assert fold("a " * 40 + "\n", 39) == "a " * 40 + "\n"
    assert fold("a " * 40 + "\n", None) == "a " * 40 + "\n"


def test_not_a_terminal_one_line_per_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    base = _change(repo)
    assert main(["check", "--base", base]) == 1
    assert REASON_LINE in capsys.readouterr().out.splitlines()


def test_columns_folds_even_when_not_a_terminal(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    base = _change(repo)
    assert main(["check", "--base", base]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 60
    start = lines.index("      rule cloud: Cloud accounts, networks and managed")
    assert lines[start + 1 : start + 3] == [
        "        services are a one-way door that decides cost and",
        "        uptime.",
    ]


def test_a_real_terminal_folds_at_its_width(repo: Repo) -> None:
    base = _change(repo)
    program = shutil.which("ownership-gate", path=os.path.dirname(sys.executable))
    assert program, "the ownership-gate console script is installed next to this python"
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 72, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    env["NO_COLOR"] = "1"
    proc = subprocess.Popen([program, "check", "--base", base], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the program is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait() == 1, proc.stderr.read() if proc.stderr else ""
    lines = b"".join(chunks).decode().replace("\r\n", "\n").splitlines()
    assert max(len(line) for line in lines) <= 72
    assert "      rule cloud: Cloud accounts, networks and managed services are a" in lines
    assert "        one-way door that decides cost and uptime." in lines
