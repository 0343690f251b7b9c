"""Commit trailers in a range, parsed by git itself, with who wrote each commit.

git decides what a trailer is (the last paragraph, the 25% rule, folded
continuation lines, case-insensitive keys, `trailer.separators`); a parser
of our own would sooner or later disagree with `git interpret-trailers`
about a message someone crafted to make them disagree. So we ask `git log`
for `%(trailers:key=...,valueonly,unfold)` and only split its output.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ownership_gate.errors import FatalError
from ownership_gate.git.repo import Git

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_IDENTITY = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+)>\s*$")
_BARE_EMAIL = re.compile(r"^[^<>\s@]+@[^<>\s@]+$")


class Trailer(NamedTuple):
    commit: str
    key: str  # the key as the policy spells it (git matched it case-insensitively)
    value: str
    author_email: str  # the commit's own, as git stores them (no .mailmap)
    committer_email: str

    @property
    def email(self) -> str | None:
        """The signer the value names: the email of `Name <email>`, or a bare email.

        A value with an email is that email alone, whatever its name part
        says; a value with none names nobody the gate can check.
        """
        match = _IDENTITY.match(self.value)
        if match:
            return match.group("email")
        bare = self.value.strip()
        return bare if _BARE_EMAIL.match(bare) else None

    def written_by(self, email: str) -> bool:
        """The commit's author and committer are both `email` (case-insensitive)."""
        wanted = email.lower()
        return self.author_email.lower() == wanted and self.committer_email.lower() == wanted


def read(git: Git, base: str, head: str, key: str) -> list[Trailer]:
    """Every `key:` trailer on the commits in `base..head`, newest commit first."""
    records = git.log(base, head, f"%H%n%ae%n%ce%n%(trailers:key={key},valueonly,unfold)")
    expected = git.rev_list(base, head)
    found: list[Trailer] = []
    seen: list[str] = []
    for record in records:
        sha, author, committer, values = [*record.split("\n", 3), "", "", ""][:4]
        if not _SHA.match(sha):
            raise FatalError(f"unexpected `git log` output reading {key} trailers: {sha[:60]!r}")
        seen.append(sha)
        for value in values.split("\n"):
            value = value.strip()
            if value:
                found.append(Trailer(sha, key, value, author, committer))
    # Every record must belong to exactly one commit of the range: a message
    # that smuggled a record separator must not attribute a trailer to
    # another (perhaps signed) commit.
    if sorted(seen) != sorted(expected):
        raise FatalError(f"cannot attribute {key} trailers to commits in {base[:12]}..{head[:12]}")
    return found
