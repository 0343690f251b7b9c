"""Immutable records shared by every part of the gate.

The gate's records are NamedTuples, not dataclasses: the pre-commit hook
starts Python on every commit, and importing `dataclasses` (~7 ms, it
imports `inspect`) and creating each dataclass class (~0.6 ms, it execs
generated methods) cost every commit 8 to 18 ms.
"""

from __future__ import annotations

from typing import NamedTuple

STATUSES = ("added", "modified", "deleted", "renamed", "copied", "type-changed")

# File modes of `git diff --raw` the gate tells apart (a regular file is 100644 or 100755).
MODE_ABSENT = "000000"  # the side of an addition or deletion where the file is not
MODE_SYMLINK = "120000"
MODE_SUBMODULE = "160000"


class Change(NamedTuple):
    """One changed file between two trees, as `git diff --raw -z` reports it.

    A monorepo-sized change builds tens of thousands of these, and a tuple
    is built three times faster than a frozen dataclass sets its fields one
    by one.
    """

    status: str
    path: str
    old_path: str | None = None  # the source of a rename or copy
    old_oid: str | None = None  # None when the file did not exist before
    new_oid: str | None = None  # None when the file no longer exists
    old_mode: str = MODE_ABSENT
    new_mode: str = MODE_ABSENT

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path the change touches: the new one, and the old one of a move."""
        if self.old_path is not None and self.old_path != self.path:
            return (self.path, self.old_path)
        return (self.path,)

    @property
    def source_path(self) -> str:
        """Where the old content lives (the old path of a rename or copy)."""
        return self.old_path if self.old_path is not None else self.path

    @property
    def is_submodule(self) -> bool:
        return MODE_SUBMODULE in (self.old_mode, self.new_mode)

    @property
    def is_symlink(self) -> bool:
        return MODE_SYMLINK in (self.old_mode, self.new_mode)


class Finding(NamedTuple):
    """What a classifier saw in one change; `rule`, `level`, `reason` are set by the engine."""

    type: str
    kind: str | None
    subject: str
    detail: str = ""
    ecosystem: str | None = None
    from_: str | None = None
    to: str | None = None
    line: int | None = None
    scope: str | None = None  # a dependency's: runtime, optional, peer, build, dev or test
    vendor: str | None = None  # a dependency's: the category of hosted service it is a client of
    rule: str | None = None
    level: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "type": self.type,
            "kind": self.kind,
            "subject": self.subject,
            "ecosystem": self.ecosystem,
            "scope": self.scope,
            "vendor": self.vendor,
            "from": self.from_,
            "to": self.to,
            "line": self.line,
            "detail": self.detail,
            "rule": self.rule,
            "level": self.level,
            "reason": self.reason,
        }


class ChangeVerdict(NamedTuple):
    """One change's level and findings (a NamedTuple, like Change: one per changed file)."""

    change: Change
    level: str
    findings: tuple[Finding, ...] = ()


# Who checked the identity behind a sign-off (Evidence.verified_by).
VERIFIED_BY_GIT = "git"  # git verify-commit: SSH keys from the base's allowed_signers, GPG from the runner's keyring
VERIFIED_BY_GITHUB = "github"  # GitHub: the reviewer it authenticated, or its check of the commit's signature
VERIFIED_BY_GITLAB = "gitlab"  # GitLab: the merge-request approver it authenticated


class Evidence(NamedTuple):
    """One sign-off seen for a level, with who, if anyone, checked who gave it."""

    level: str
    source: str  # trailer | github-review | gitlab-approval | label
    by: str
    commit: str | None
    verified_by: str | None  # a VERIFIED_BY_* value; None: a claim nobody checked
    stale: bool = False  # set once the work after `commit` is judged

    @property
    def verified(self) -> bool:
        return self.verified_by is not None

    def to_json(self) -> dict[str, object]:
        return {
            "level": self.level,
            "source": self.source,
            "by": self.by,
            "commit": self.commit,
            "verified": self.verified,
            "verified_by": self.verified_by,
            "stale": self.stale,
        }


class SignoffResult(NamedTuple):
    satisfied: bool
    evidence: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()  # why a sign-off did not count, for humans


class Verdict(NamedTuple):
    """The whole judgement of one range, ready for a reporter."""

    base: str | None
    head: str | None
    policy_source: str
    levels: tuple[str, ...]  # lowest first
    default_level: str
    required_level: str
    changes: tuple[ChangeVerdict, ...]
    signoff: SignoffResult = SignoffResult(satisfied=False)
    advisory: bool = False
    platform: str | None = None  # "github" or "gitlab" in a CI run: how to sign off there

    @property
    def needs_signoff(self) -> bool:
        return self.levels.index(self.required_level) > 0

    @property
    def passed(self) -> bool:
        return not self.needs_signoff or self.signoff.satisfied

    def by_level(self) -> dict[str, int]:
        counts = dict.fromkeys(self.levels, 0)
        for verdict in self.changes:
            counts[verdict.level] += 1
        return counts
