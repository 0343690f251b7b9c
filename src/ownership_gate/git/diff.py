"""`git diff --raw`, run in the background and parsed into Change records.

A monorepo-sized diff takes git tens of milliseconds and Python as long
again to parse, so `check` starts it before anything else (see
`Git.start_diff`), and the parse is written for 20,000 entries.
"""

from __future__ import annotations

import os
import subprocess
import threading
from itertools import repeat
from typing import TYPE_CHECKING, Protocol

from ownership_gate.errors import GitError

if TYPE_CHECKING:
    from ownership_gate.model import Change


class Git(Protocol):
    """What a diff needs of the repository (repo.Git): git run to the end, or started."""

    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes: ...

    def popen(self, *args: str, stdout: int, stderr: int) -> subprocess.Popen[bytes]: ...

_STATUS = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type-changed",
    "U": "modified",  # unmerged entries in the index: judge them as edits
    "X": "modified",
}
COPY_DETECTION_LIMIT = 2000

_DIFF_ARGS = (
    "diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff",
    "--no-textconv", "--ignore-submodules=none",
)


class PendingDiff:
    """One `git diff --raw` running while Python does other work.

    Git writes into an in-memory file where the system has them (Linux): a
    monorepo-sized diff is megabytes, and git must not stop at a full pipe
    while we import. Elsewhere a thread drains a pipe as git writes.

    Copy detection (`-C`) compares every added file with every modified
    one, which costs seconds on monorepo-sized changes; it runs, as a second
    pass in `result()`, only when the change has added files and at most
    COPY_DETECTION_LIMIT entries. Above that a copy shows as an added file,
    judged on its own path.
    """

    def __init__(self, git: Git, base: str, head: str | None, from_merge_base: bool = False) -> None:
        self._git = git
        if head is None:
            self._span: tuple[str, ...] = ("--cached", base)
        else:
            self._span = (f"{base}...{head}",) if from_merge_base else (base, head)
        self._files = files = _memory_files()
        self._output: tuple[bytes, bytes] | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._proc = git.popen(
            *_DIFF_ARGS, *self._span, "--",
            stdout=subprocess.PIPE if files is None else files[0],
            stderr=subprocess.PIPE if files is None else files[1],
        )
        if files is None:
            self._thread = threading.Thread(target=self._drain, name="git-diff", daemon=True)
            self._thread.start()

    def _drain(self) -> None:
        try:
            self._output = self._proc.communicate()
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def _collect(self) -> bytes:
        if self._files is not None:
            self._proc.wait()
            stdout, stderr = _read_file(self._files[0]), _read_file(self._files[1])
        else:
            assert self._thread is not None
            self._thread.join()
            if self._error is not None:
                raise self._error
            assert self._output is not None
            stdout, stderr = self._output
        if self._proc.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git diff failed: {message or f'exit {self._proc.returncode}'}")
        return stdout

    def result(self) -> list[Change]:
        changes = self._with_copies(parse_raw_diff(self._collect()))
        self._close_files()
        return changes

    def _with_copies(self, changes: list[Change]) -> list[Change]:
        if len(changes) <= COPY_DETECTION_LIMIT and any(c.status == "added" for c in changes):
            changes = parse_raw_diff(self._git.run(*_DIFF_ARGS, "-C", *self._span, "--"))
        return changes

    def cancel(self) -> None:
        """Stop git if nobody collected its output (the check failed first)."""
        if self._proc.returncode is None:
            self._proc.kill()
        if self._thread is not None:
            self._thread.join()
        else:
            self._proc.wait()
        self._close_files()

    def _close_files(self) -> None:
        if self._files is not None:
            for fd in self._files:
                os.close(fd)
            self._files = None


def _memory_files() -> tuple[int, int] | None:
    """Two anonymous in-memory files (git's stdout and stderr), where the system has them."""
    create = getattr(os, "memfd_create", None)
    if create is None:
        return None
    try:
        out = create("ownership-gate-diff", os.MFD_CLOEXEC)
    except OSError:
        return None
    try:
        return out, create("ownership-gate-diff-errors", os.MFD_CLOEXEC)
    except OSError:
        os.close(out)
        return None


def _read_file(fd: int) -> bytes:
    """A whole file by descriptor, from the start, without moving a shared offset."""
    chunks = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def parse_raw_diff(out: bytes) -> list[Change]:
    """Parse `git diff --raw -z --no-abbrev` output into Change records."""
    # Imported here, not at the top: `check` starts git before loading the
    # model and everything else, and this module is on that path.
    from ownership_gate.model import Change

    # One decode for the whole output: a NUL byte is never inside an encoded character.
    fields = os.fsdecode(out).split("\0")
    if fields[-1] == "":  # the output ends with a NUL
        fields.pop()
    plain = _parse_without_moves(fields, Change)
    return plain if plain is not None else _parse_entries(fields, Change)


# Statuses whose entry is one meta field and one path: everything but renames and copies.
_ONE_PATH = frozenset("AMDTUX")


def _parse_without_moves(fields: list[str], change: type[Change]) -> list[Change] | None:
    """The changes, when no entry is a rename or copy; else None.

    Without moves, fields alternate meta and path, and a 20,000-file change
    is parsed column by column by built-ins instead of in 20,000 rounds of a
    loop. Fields line up until the first move, whose own meta field is
    therefore still in place and names it: any R or C status (or a meta not
    of five parts) sends the output to the loop that reads entry by entry.
    """
    if len(fields) % 2:
        return None
    metas = fields[0::2]
    parts = " ".join(metas).split(" ") if metas else []
    statuses = parts[4::5]
    if len(parts) != 5 * len(metas) or not _ONE_PATH.issuperset(statuses):
        return None
    zero = "0" * len(parts[2]) if parts else ""  # the all-zeros id marks a missing side (SHA-1 or SHA-256)
    columns = zip(
        map(_STATUS.__getitem__, statuses),
        fields[1::2],
        repeat(None),
        [None if oid == zero else oid for oid in parts[2::5]],
        [None if oid == zero else oid for oid in parts[3::5]],
        [mode[1:] for mode in parts[0::5]],  # the first field starts with ":"
        parts[1::5],
    )
    return list(map(tuple.__new__, repeat(change), columns))


def _parse_entries(fields: list[str], change: type[Change]) -> list[Change]:
    """The changes, entry by entry: a rename or copy has two paths."""
    entries = iter(fields)
    changes: list[Change] = []
    append = changes.append
    status_of = _STATUS.get
    zero = ""
    for meta in entries:
        old_mode, new_mode, old_oid, new_oid, status = meta.split(" ")
        if len(zero) != len(old_oid):
            zero = "0" * len(old_oid)
        letter = status[0]
        if letter == "R" or letter == "C":
            old_path: str | None = next(entries)
            path = next(entries)
        else:
            path = next(entries)
            old_path = None
        append(change(
            status_of(letter, "modified"), path, old_path,
            None if old_oid == zero else old_oid, None if new_oid == zero else new_oid,
            old_mode[1:], new_mode,  # the first field starts with ":"
        ))
    return changes
