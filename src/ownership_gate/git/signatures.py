"""Commit signatures, checked by git's own `verify-commit`.

SSH signatures are verified against the `allowed_signers` file *as it is at
the base revision*, written to a temporary file and handed to git with
`-c gpg.ssh.allowedSignersFile=...`: the pull request under review can
edit its own copy of that file as much as it likes, it is never read. GPG
(and X.509) signatures are verified by git with the keyring of the machine
running the check; that keyring belongs to the CI workflow, not to the pull
request.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import NamedTuple

from ownership_gate.git.repo import Git

_EMAIL_IN_UID = re.compile(r"<([^<>\s]+)>")


class Signature(NamedTuple):
    commit: str
    # git's %G?: G good, B bad, U unknown validity, X/Y expired, R revoked,
    # E cannot check, N none.
    status: str
    principal: str  # SSH: the allowed-signers principal; GPG: the key's user id
    key: str  # fingerprint or key id (%GK)

    @property
    def good(self) -> bool:
        return self.status == "G"

    def vouches_for(self, email: str) -> bool:
        """The signature's principal (SSH) or one of its key's user ids (GPG) is `email`."""
        emails = _EMAIL_IN_UID.findall(self.principal) or [
            p.strip() for p in self.principal.split(",") if p.strip()
        ]
        return email.lower() in (e.lower() for e in emails)

    def describe(self) -> str:
        if self.status == "N":
            return "the commit is not signed"
        if self.status == "G":
            return f"signed by {self.principal}"
        if self.status == "U" and not self.principal:
            return f"signed with key {self.key or '?'}, which is not in the trusted allowed signers"
        if self.status == "U":
            return f"signed by {self.principal}, but the key is not trusted"
        if self.status == "B":
            return "the signature is bad (the commit was changed after signing)"
        if self.status in ("X", "Y"):
            return "the signature or its key has expired"
        if self.status == "R":
            return "the signing key was revoked"
        return f"git cannot check the signature (key {self.key or 'unknown'})"


class Verifier:
    """Verifies commits against one allowed-signers content; use as a context manager."""

    def __init__(self, git: Git, allowed_signers: bytes | None) -> None:
        self._git = git
        self._allowed = allowed_signers
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._file: Path | None = None
        self._cache: dict[str, Signature] = {}

    def __enter__(self) -> Verifier:
        self._dir = tempfile.TemporaryDirectory(prefix="ownership-gate-")
        self._file = Path(self._dir.name) / "allowed_signers"
        # An absent file must not fall back to the user's own configuration:
        # an empty file trusts nobody.
        self._file.write_bytes(self._allowed or b"")
        os.chmod(self._file, 0o600)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._dir is not None:
            self._dir.cleanup()

    def verify(self, commit: str) -> Signature:
        if commit not in self._cache:
            self._cache[commit] = self._verify(commit)
        return self._cache[commit]

    def _verify(self, commit: str) -> Signature:
        assert self._file is not None, "use Verifier as a context manager"
        status, principal, key = self._git.signature(commit, self._file)
        # %G? alone is not the verdict: `verify-commit` is git's own answer,
        # and its exit status must agree.
        if status == "G" and not self._git.verify_commit(commit, self._file):
            status = "E"
        return Signature(commit, status or "N", principal, key)
