"""The history `report` walks: a branch's first-parent commits in a date range.

Part of the git layer (with `repo.py` and `diff.py`): one `git log -z`
with a fixed format reads every commit's fields, and git itself reads the
dates, so `--since 2024-01-08` or `1 week ago` mean what they mean to git.
"""

from __future__ import annotations

from typing import NamedTuple

from ownership_gate.errors import FatalError
from ownership_gate.git.repo import Git

_FIELDS = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s"



class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str
    subject: str


def epoch(git: Git, option: str, value: str) -> int:
    """The time git understands `--since`/`--until` VALUE to mean ("1 week ago", ISO dates)."""
    out = git.run("rev-parse", f"--{option}={value}").decode().strip()
    try:
        return int(out.split("=", 1)[1])
    except (IndexError, ValueError):
        raise FatalError(f"git does not understand the date {value!r}") from None


def first_parent_commits(git: Git, head: str, since: str, until: str | None) -> list[Commit]:
    """The commits that landed on `head`'s first-parent line between the dates, oldest first."""
    args = ["log", "-z", "--first-parent", f"--format={_FIELDS}", f"--since={since}"]
    if until:
        args.append(f"--until={until}")
    out = git.run(*args, head, "--").decode("utf-8", "replace")
    commits = []
    for record in out.split("\0"):
        if not record.strip():
            continue
        sha, parents, author, email, date, subject = record.strip("\n").split("\x1f", 5)
        commits.append(Commit(sha, tuple(parents.split()), author, email, date, subject))
    commits.reverse()
    return commits


def count_missing(git: Git, rev: str, branch: str) -> int:
    """How many commits `rev` has that `branch` does not."""
    out = git.try_run("rev-list", "--count", f"{branch}..{rev}", "--")
    return int(out) if out and out.strip().isdigit() else 0
