"""Commit trailers in a range, parsed by git itself.

git decides what a trailer is (the last paragraph, the 25% rule, folded
continuation lines, case-insensitive keys, `trailer.separators`); a parser
of our own would sooner or later disagree with `git interpret-trailers`
about a message someone crafted to make them disagree. So we ask `git log`
for `%(trailers:key=...,valueonly,unfold)` and only split its output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ownership_gate.errors import FatalError
from ownership_gate.git import Git

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_IDENTITY = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+)>\s*$")


@dataclass(frozen=True)
class Trailer:
    commit: str
    key: str  # the key as the policy spells it (git matched it case-insensitively)
    value: str

    @property
    def name(self) -> str:
        match = _IDENTITY.match(self.value)
        return match.group("name").strip() if match else self.value.strip()

    @property
    def email(self) -> str | None:
        match = _IDENTITY.match(self.value)
        if match:
            return match.group("email")
        bare = self.value.strip()
        return bare if "@" in bare and " " not in bare else None

    @property
    def who(self) -> str:
        return self.email or self.name

    def names_one_of(self, signers: tuple[str, ...]) -> bool:
        """The value's email, or else its name, is one of `signers` (case-insensitive)."""
        allowed = {s.strip().lower() for s in signers}
        return any(x and x.lower() in allowed for x in (self.email, self.name))


def commits(git: Git, base: str, head: str) -> list[str]:
    out = git.run("rev-list", head, f"^{base}", "--")
    return out.decode().split()


def read(git: Git, base: str, head: str, key: str) -> list[Trailer]:
    """Every `key:` trailer on the commits in `base..head`, newest commit first."""
    fmt = f"%H%n%(trailers:key={key},valueonly,unfold)"
    out = git.run(
        "-c", "log.showSignature=false", "log", "-z", f"--format={fmt}", head, f"^{base}", "--"
    )
    expected = commits(git, base, head)
    found: list[Trailer] = []
    seen: list[str] = []
    for record in out.decode("utf-8", "replace").split("\0"):
        if not record:
            continue
        sha, _, values = record.partition("\n")
        if not _SHA.match(sha):
            raise FatalError(f"unexpected `git log` output reading {key} trailers: {sha[:60]!r}")
        seen.append(sha)
        for value in values.split("\n"):
            value = value.strip()
            if value:
                found.append(Trailer(sha, key, value))
    # Every record must belong to exactly one commit of the range: a message
    # that smuggled a record separator must not attribute a trailer to
    # another (perhaps signed) commit.
    if sorted(seen) != sorted(expected):
        raise FatalError(f"cannot attribute {key} trailers to commits in {base[:12]}..{head[:12]}")
    return found
