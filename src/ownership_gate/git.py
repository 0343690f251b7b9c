"""The one thin layer between ownership-gate and git.

Every call passes explicit revisions, `-z` where paths come back, and
`--no-ext-diff`/`--no-textconv` so user configuration cannot change what we
parse. Blob contents come from one long-lived `git cat-file --batch`.
GitPython is deliberately not imported here: importing it costs ~120 ms,
most of the pre-commit hook's budget, and the handful of plumbing calls the
gate needs are simpler than its object model. GitPython serves the history
walks (`report`, sign-off trailers) where start-up time does not matter.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from ownership_gate.errors import GitError

if TYPE_CHECKING:
    from ownership_gate.model import Change

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

_GIT_ENV = {
    # Never let a pager, prompt or the user's locale shape what we parse.
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(_GIT_ENV)
    return env


class Git:
    """Runs git in one repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._reader: BlobReader | None = None
        self._pending: list[PendingDiff] = []

    # -- plumbing -------------------------------------------------------
    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        proc = subprocess.run(
            ("git", *args),
            cwd=self.root,
            input=stdin,
            capture_output=True,
            env=_env(),
        )
        if check and proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git {args[0]} failed: {message or f'exit {proc.returncode}'}")
        return proc.stdout

    def try_run(self, *args: str) -> bytes | None:
        proc = subprocess.run(
            ("git", *args), cwd=self.root, capture_output=True, env=_env()
        )
        return proc.stdout if proc.returncode == 0 else None

    # -- revisions ------------------------------------------------------
    def resolve(self, rev: str) -> str:
        """The commit `rev` names, or a GitError that says how to get it."""
        out = self.try_run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        if out:
            return out.decode().strip()
        hint = ""
        if self.is_shallow():
            hint = (
                " This is a shallow clone, so older commits are missing: fetch the full history"
                " (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)."
            )
        raise GitError(f"unknown revision {rev!r}: git cannot resolve it to a commit.{hint}")

    def resolve_pair(self, a: str, b: str) -> tuple[str, str]:
        """`resolve` of both, in one call when both resolve (and neither looks like an option)."""
        if not a.startswith("-") and not b.startswith("-"):
            out = self.try_run("rev-parse", f"{a}^{{commit}}", f"{b}^{{commit}}", "--")
            found = out.decode().split() if out else []
            if len(found) == 3 and found[2] == "--":
                return found[0], found[1]
        return self.resolve(a), self.resolve(b)

    def is_shallow(self) -> bool:
        out = self.try_run("rev-parse", "--is-shallow-repository")
        return out is not None and out.strip() == b"true"

    def head(self) -> str | None:
        """HEAD's commit, or None on an unborn branch."""
        out = self.try_run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return out.decode().strip() if out else None

    def merge_base(self, a: str, b: str) -> str | None:
        out = self.try_run("merge-base", a, b)
        return out.decode().split()[0] if out and out.strip() else None

    def empty_tree(self) -> str:
        return self.run("hash-object", "-t", "tree", "--stdin", stdin=b"").decode().strip()

    def remote_default_branch(self) -> str | None:
        """The remote's default branch (`origin/HEAD`), or a well-known fallback."""
        remotes = self.run("remote").decode().split()
        ordered = (["origin"] if "origin" in remotes else []) + [r for r in remotes if r != "origin"]
        for remote in ordered:
            out = self.try_run("symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD")
            if out:
                return out.decode().strip().removeprefix("refs/remotes/")
            for name in ("main", "master", "trunk", "develop"):
                ref = f"refs/remotes/{remote}/{name}"
                if self.try_run("rev-parse", "--verify", "--quiet", ref) is not None:
                    return f"{remote}/{name}"
        return None

    # -- diffs ----------------------------------------------------------
    def diff(self, base: str, head: str | None) -> list[Change]:
        """Changes from `base` (commit or tree) to `head`, or to the index when head is None."""
        return self.start_diff(base, head).result()

    def start_diff(self, base: str, head: str | None, from_merge_base: bool = False) -> PendingDiff:
        """Start `diff` in the background; `.result()` collects it.

        Git needs tens of milliseconds on a large change; the caller uses
        them to import and build everything else. With `from_merge_base` the
        diff starts from the merge base of `base` and `head`, which git finds
        (`base...head`); it fails when the two have none.
        """
        pending = PendingDiff(self, base, head, from_merge_base)
        self._pending.append(pending)
        return pending

    # -- contents -------------------------------------------------------
    def blob(self, oid: str) -> bytes | None:
        if self._reader is None or self._reader.pid != os.getpid():
            # A forked child (engine.judge_all) starts its own: the parent's pipes stay the parent's.
            self._reader = BlobReader(self.root)
        return self._reader.read(oid)

    def blob_at(self, rev: str, path: str) -> bytes | None:
        """The content of `path` at `rev`, or None when it is not a file there."""
        out = self.run("ls-tree", "-z", "--full-tree", rev, "--", path)
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            _mode, kind, oid = meta.decode().split()
            if kind == "blob" and os.fsdecode(name) == path:
                return self.blob(oid)
        return None

    def ls_files(self, rev: str | None = None) -> list[str]:
        if rev is None:
            out = self.run("ls-files", "-z")
        else:
            out = self.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
        return [os.fsdecode(p) for p in out.split(b"\0") if p]

    def close(self) -> None:
        for pending in self._pending:
            pending.cancel()
        self._pending.clear()
        if self._reader is not None:
            self._reader.close()
            self._reader = None


_DIFF_ARGS = (
    "diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff",
    "--no-textconv", "--ignore-submodules=none",
)


class PendingDiff:
    """One `git diff --raw` running while Python does other work.

    Git writes into an in-memory file where the system has them (Linux): a
    monorepo-sized diff is megabytes, and git must not stop at a full pipe
    while we import. The file also lets a forked child read the same output
    (`written`). Elsewhere a thread drains a pipe as git writes.

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
        self._proc = subprocess.Popen(
            ("git", *_DIFF_ARGS, *self._span, "--"),
            cwd=git.root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if files is None else files[0],
            stderr=subprocess.PIPE if files is None else files[1],
            env=_env(),
        )
        if files is None:
            self._thread = threading.Thread(target=self._drain, name="git-diff", daemon=True)
            self._thread.start()
        self.copies_detected = False  # whether `result()` ran the second pass

    @property
    def shared(self) -> bool:
        """The output sits in a file a forked child can read (`written`)."""
        return self._files is not None

    def running(self) -> bool:
        return self._proc.poll() is None

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

    def written(self) -> bytes:
        """What git has written so far (in-memory files only); whole once git has exited."""
        assert self._files is not None
        return _read_file(self._files[0])

    def result(self) -> list[Change]:
        changes = self._with_copies(parse_raw_diff(self._collect()))
        self._close_files()
        return changes

    def written_changes(self) -> list[Change]:
        """In a process forked while git ran, once git has exited: what `result()` gives."""
        return self._with_copies(parse_raw_diff(self.written()))

    def _with_copies(self, changes: list[Change]) -> list[Change]:
        if len(changes) <= COPY_DETECTION_LIMIT and any(c.status == "added" for c in changes):
            changes = parse_raw_diff(self._git.run(*_DIFF_ARGS, "-C", *self._span, "--"))
            self.copies_detected = True
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


class BlobReader:
    """One `git cat-file --batch` process kept open for every blob we read."""

    def __init__(self, root: Path) -> None:
        self.pid = os.getpid()  # the process whose pipes these are
        self._proc = subprocess.Popen(
            ("git", "cat-file", "--batch"),
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )

    def read(self, oid: str) -> bytes | None:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(oid.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        if len(header) != 3:
            return None  # "<oid> missing" (a submodule commit, a pruned object)
        size = int(header[2])
        data = self._proc.stdout.read(size + 1)[:-1]
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait()


def find_root(start: Path | None = None) -> Path:
    cwd = start or Path.cwd()
    proc = subprocess.run(
        ("git", "rev-parse", "--show-toplevel"), cwd=cwd, capture_output=True, env=_env()
    )
    if proc.returncode != 0:
        raise GitError(f"not a git repository: {cwd} (run ownership-gate inside a git checkout)")
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n")))


def quote_for_humans(paths: Sequence[str]) -> str:
    return ", ".join(repr(p) if any(c in p for c in " \t\n") else p for p in paths)
