"""Which commit trailers count as a level's sign-off, and what each one proves.

A trailer is a claim written in a commit message. It counts only on a
commit whose author and committer are both the signer it names, compared
by email (case-insensitively); a value with an email is that email alone,
whatever its name part says, and a value without one names nobody. That
much proves little: a commit's emails are whatever its writer configured.
So a level can ask for more with `require_signed_commit`: `true` has git
verify the commit's signature against the `allowed_signers` file of the
base revision, here; `github` leaves the commit to GitHub's own signature
check, which needs the API and is read last (`github_evidence.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import NamedTuple

from ownership_gate.git import trailers
from ownership_gate.git.repo import Git
from ownership_gate.git.signatures import Verifier
from ownership_gate.git.trailers import Trailer
from ownership_gate.model import VERIFIED_BY_GIT, Evidence
from ownership_gate.policy.model import SIGNED_ALLOWED_SIGNERS, SIGNED_GITHUB, Level


class GitHubCheck(NamedTuple):
    """A trailer that counts for `level` once GitHub verifies its commit."""

    trailer: Trailer
    level: Level


def describe(trailer: Trailer) -> str:
    return f"trailer `{trailer.key}: {trailer.value}` on {trailer.commit[:12]}"


def read(
    git: Git, levels: Sequence[Level], base: str, head: str, signers_rev: str, notes: list[str]
) -> tuple[list[Evidence], list[GitHubCheck]]:
    """The trailers in `base..head` that count, and those only GitHub can vouch for.

    `signers_rev` is the revision whose `allowed_signers` files are trusted.
    Each reason a trailer does not count is appended to `notes`.
    """
    by_key: dict[str, list[Level]] = {}
    for level in levels:
        if level.signoff is not None and level.signoff.trailer and level.signoff.signers:
            by_key.setdefault(level.signoff.trailer.lower(), []).append(level)
    evidence: list[Evidence] = []
    checks: list[GitHubCheck] = []
    with ExitStack() as stack:
        verifiers: dict[str, Verifier] = {}

        def verifier(path: str) -> Verifier:
            if path not in verifiers:
                content = git.blob_at(signers_rev, path.removeprefix("./"))
                if content is None:
                    notes.append(
                        f"allowed_signers {path} does not exist at the base revision"
                        f" {signers_rev[:12]}, so no SSH signature can be trusted"
                    )
                verifiers[path] = stack.enter_context(Verifier(git, content))
            return verifiers[path]

        for same_key in by_key.values():
            same_key.sort(key=lambda lv: lv.rank, reverse=True)  # the strongest sign-off first
            key = same_key[0].signoff.trailer if same_key[0].signoff else None
            assert key is not None
            for trailer in trailers.read(git, base, head, key):
                _judge(trailer, same_key, verifier, notes, evidence, checks)
    return evidence, checks


def _judge(
    trailer: Trailer,
    levels: Sequence[Level],
    verifier: Callable[[str], Verifier],
    notes: list[str],
    evidence: list[Evidence],
    checks: list[GitHubCheck],
) -> None:
    where = describe(trailer)
    email = trailer.email
    if email is None:
        notes.append(f"{where} does not count: it names no email address (write `Name <email>`)")
        return
    listed = [lv for lv in levels if lv.signoff and email.lower() in {s.lower() for s in lv.signoff.signers}]
    if not listed:
        notes.append(f"{where} does not count: {email} is not one of the signers")
        return
    if not trailer.written_by(email):
        writers = trailer.author_email
        if trailer.author_email.lower() != trailer.committer_email.lower():
            writers = f"{trailer.author_email} (author) and {trailer.committer_email} (committer)"
        notes.append(
            f"{where} does not count: it names {email}, but the commit was written by {writers};"
            " a trailer counts only on a commit whose author and committer are the signer it names"
        )
        return
    for level in listed:
        assert level.signoff is not None
        if level.signoff.signature is None:
            evidence.append(Evidence(level.name, "trailer", email, trailer.commit, None))
            return
        if level.signoff.signature == SIGNED_GITHUB:
            checks.append(GitHubCheck(trailer, level))
            continue
        assert level.signoff.signature == SIGNED_ALLOWED_SIGNERS and level.signoff.allowed_signers
        signature = verifier(level.signoff.allowed_signers).verify(trailer.commit)
        if not signature.good:
            notes.append(f"{where} does not count for {level.name}: {signature.describe()}")
        elif not signature.vouches_for(email):
            notes.append(
                f"{where} does not count for {level.name}: signed by {signature.principal}, who is not {email}"
            )
        else:
            evidence.append(Evidence(level.name, "trailer", email, trailer.commit, VERIFIED_BY_GIT))
            return
