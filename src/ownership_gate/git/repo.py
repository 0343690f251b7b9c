"""The one thin layer between ownership-gate and git.

Every call passes explicit revisions, `-z` where paths come back, and
`--no-ext-diff`/`--no-textconv` so user configuration cannot change what we
parse. Blob contents come from one long-lived `git cat-file --batch`; diffs
run in the background (`diff.py`). Every git command line the gate runs
is built in this package (`git/`). Plumbing commands with fixed formats are
all the tool needs; see the README (Development) for why no git library is
used.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import threading
from collections.abc import Collection, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from ownership_gate.errors import GitError
from ownership_gate.git.diff import PendingDiff
from ownership_gate.output.quoting import quote_path

if TYPE_CHECKING:
    from ownership_gate.model import Change

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


# Folders one `git ls-tree` lists (`files_in`), so a command line stays far below the system's limit.
_LISTED_AT_ONCE = 500


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
            raise GitError(f"git {_subcommand(args)} failed: {message or f'exit {proc.returncode}'}")
        return proc.stdout

    def popen(self, *args: str, stdout: int, stderr: int) -> subprocess.Popen[bytes]:
        """git, started in this repository, with its output where the caller says."""
        return subprocess.Popen(
            ("git", *args), cwd=self.root, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=_env()
        )

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

    def has_commit(self, sha: str) -> bool:
        """Whether this clone holds the commit `sha` (a full object name)."""
        return self.try_run("rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}") is not None

    def current_branch(self) -> str | None:
        """The branch HEAD is on (`main`), or None when HEAD is detached."""
        out = self.try_run("symbolic-ref", "--quiet", "--short", "HEAD")
        return out.decode().strip() or None if out else None

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

    # -- history --------------------------------------------------------
    def rev_list(self, base: str, head: str) -> list[str]:
        """The commits in `base..head`, newest first."""
        return self.run("rev-list", head, f"^{base}", "--").decode().split()

    def log(self, base: str, head: str, fmt: str) -> list[str]:
        """One record per commit in `base..head`, newest first, formatted by `fmt`.

        Records are split on the NUL `-z` ends them with, so a caller must
        check each one starts as `fmt` does: a commit message can hold a NUL.
        Identities are the commit's own: no .mailmap (which the branch
        under review could edit) rewrites them, and no signature is shown.
        """
        out = self.run(
            "-c", "log.showSignature=false", "log", "--no-use-mailmap", "-z", f"--format={fmt}",
            head, f"^{base}", "--",
        )
        return [record for record in out.decode("utf-8", "replace").split("\0") if record]

    # -- signatures -----------------------------------------------------
    def signature(self, commit: str, allowed_signers: Path) -> tuple[str, str, str]:
        """git's `%G?`, `%GS` and `%GK` for `commit`, SSH keys trusted as `allowed_signers` says."""
        out = self.run(
            "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}",
            "log", "-1", "--no-use-mailmap", "--format=%G?%x00%GS%x00%GK", commit, "--",
        )
        status, principal, key = [*out.decode("utf-8", "replace").rstrip("\n").split("\0"), "", ""][:3]
        return status, principal, key

    def verify_commit(self, commit: str, allowed_signers: Path) -> bool:
        """`git verify-commit`'s answer, SSH keys trusted as `allowed_signers` says."""
        return self.try_run(
            "-c", f"gpg.ssh.allowedSignersFile={allowed_signers}", "verify-commit", commit
        ) is not None

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
        return self.blobs((oid,))[0]

    def blobs(self, oids: Sequence[str]) -> list[bytes | None]:
        """The contents of every blob in `oids`, in order (None for what is no blob)."""
        if self._reader is None:
            self._reader = BlobReader(self.root)
        return self._reader.read(oids)

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

    def blob_ids(self, rev: str, paths: Sequence[str]) -> dict[str, str]:
        """The object id of each of `paths` that exists at `rev` (path -> id)."""
        out = self.run("ls-tree", "-z", "--full-tree", rev, "--", *paths)
        found = {}
        for entry in out.split(b"\0"):
            meta, tab, name = entry.partition(b"\t")
            if tab:
                found[os.fsdecode(name)] = meta.decode().split()[2]
        return found

    def files_in(self, rev: str, directories: Collection[str]) -> dict[str, frozenset[str]]:
        """The names of the files directly in each of `directories` ("" for the top) at `rev`: one
        `git ls-tree` for every 500 of them."""
        found: dict[str, set[str]] = {directory: set() for directory in directories}
        wanted = sorted(found)
        for start in range(0, len(wanted), _LISTED_AT_ONCE):
            paths = [f"{directory}/" if directory else "." for directory in wanted[start : start + _LISTED_AT_ONCE]]
            for entry in self.run("ls-tree", "-z", "--full-tree", rev, "--", *paths).split(b"\0"):
                meta, _, raw = entry.partition(b"\t")
                if meta.split(b" ")[1:2] != [b"blob"]:
                    continue  # a folder (listed when asked for alone), a submodule, or the end
                path = os.fsdecode(raw)
                directory = posixpath.dirname(path)
                if directory in found:
                    found[directory].add(posixpath.basename(path))
        return {directory: frozenset(names) for directory, names in found.items()}

    def contains(self, rev: str, strings: Collection[str]) -> frozenset[str] | None:
        """Which of `strings` some text file at `rev` holds as a whole name, ignoring case: `y.vercel.app`
        is not in `my.vercel.app`, nor `example.co` in `example.co.uk`. One `git grep` for all of them (the
        patterns go on its stdin, so any number fit); None when git cannot say."""
        wanted = {s.lower() for s in strings if s and "\n" not in s}
        if not wanted:
            return frozenset()
        proc = subprocess.run(
            ("git", "grep", "-I", "-F", "-i", "-w", "-h", "--no-color", "--no-line-number", "--no-column",
             "--no-textconv", "--no-recurse-submodules", "-f", "-", rev, "--"),
            cwd=self.root, input="\n".join(wanted).encode(), capture_output=True, env=_env(),
        )
        if proc.returncode not in (0, 1):  # 1: no line matched
            return None
        # git's -w keeps the lines where a string stands between non-word characters; a name is not
        # part of a longer one either (no hyphen or further label around it). Lookahead, so that
        # names overlapping in a line (`b.vercel.app`, `vercel.app`) are each found.
        alternatives = "|".join(map(re.escape, sorted(wanted)))
        named = re.compile(rf"(?=(?<![\w-])({alternatives})(?!\.?[\w-]))")
        found = {match.group(1) for match in named.finditer(proc.stdout.decode("utf-8", "replace").lower())}
        return frozenset(s for s in strings if s.lower() in found)

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


class BlobReader:
    """One `git cat-file --batch` process kept open for every blob we read.

    A change set's blobs are asked for in one write and read back in order:
    git streams them without waiting for a request per blob.
    """

    def __init__(self, root: Path) -> None:
        self._proc = subprocess.Popen(
            ("git", "cat-file", "--batch"),
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
            bufsize=1 << 16,
        )

    def read(self, oids: Sequence[str]) -> list[bytes | None]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        request = "".join(f"{oid}\n" for oid in oids).encode()
        if len(request) <= _PIPE_WRITE:
            self._send(request)
            return [self._answer() for _ in oids]
        # A long request is written while the answers are read: git stops
        # reading requests when nobody reads its answers, and would wait forever.
        writer = threading.Thread(target=self._send, args=(request,), name="git-cat-file", daemon=True)
        writer.start()
        try:
            return [self._answer() for _ in oids]
        finally:
            writer.join()

    def _send(self, request: bytes) -> None:
        assert self._proc.stdin is not None
        with suppress(OSError):  # git gone: its answers end, and the blobs read as None
            self._proc.stdin.write(request)
            self._proc.stdin.flush()

    def _answer(self) -> bytes | None:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        header = line.split()
        if len(header) != 3 or line.rstrip(b"\n").endswith(b" missing"):
            # "<name> missing" (a submodule commit, a pruned object, `<rev>:<path>` with no file
            # there: the name may hold spaces, so its last word decides)
            return None
        size = int(header[2])
        data = self._proc.stdout.read(size + 1)[:-1]
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        assert self._proc.stdin is not None
        with suppress(OSError):
            self._proc.stdin.close()
        self._proc.wait()


def _subcommand(args: Sequence[str]) -> str:
    """The git command `args` run, past any leading `-c name=value`."""
    i = 0
    while i + 1 < len(args) and args[i] == "-c":
        i += 2
    return args[i] if i < len(args) else "?"


# Requests up to this size go out before any answer is read: they fit the
# pipe (64 KiB on Linux) even when git has not read the previous ones yet.
_PIPE_WRITE = 4096


def find_root(start: Path | None = None) -> Path:
    cwd = start or Path.cwd()
    proc = subprocess.run(
        ("git", "rev-parse", "--show-toplevel"), cwd=cwd, capture_output=True, env=_env()
    )
    if proc.returncode != 0:
        raise GitError(_not_a_checkout(cwd, proc.stderr.decode("utf-8", "replace")))
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n")))


def _not_a_checkout(cwd: Path, message: str) -> str:
    """Why git found no work tree: GIT_DIR, when set, decides where git looks, not the directory."""
    git_dir = os.environ.get("GIT_DIR")
    if not git_dir:
        return f"not a git repository: {quote_path(str(cwd))} (run ownership-gate inside a git checkout)"
    if "work tree" in message:
        return f"GIT_DIR={git_dir} is a repository without a work tree (a bare one?); run ownership-gate in a checkout"
    return (
        f"GIT_DIR={git_dir} is not a git repository (it is set in the environment and overrides"
        " the current directory; unset it or point it at a repository's .git)"
    )

