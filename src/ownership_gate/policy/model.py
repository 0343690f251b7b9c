"""The policy's records: levels, sign-off settings, rules, the policy's own tests.

`load.py` finds and loads a policy (from the cache when it can); `parse.py`
validates the YAML, and is only imported on a cache miss.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

from ownership_gate.paths.pattern_index import PatternIndex

RULE_ID = re.compile(r"^[a-z0-9-]+$")
# How a trailer's commit must be signed for the trailer to count
# (`require_signed_commit`): git verifies it against `allowed_signers` as the
# base revision has it (`true`), or GitHub verifies it (`github`).
SIGNED_ALLOWED_SIGNERS = "allowed_signers"
SIGNED_GITHUB = "github"


class Signoff(NamedTuple):
    trailer: str | None = None
    signers: tuple[str, ...] = ()  # email addresses
    signature: str | None = None  # None (a trailer need not be signed), or a SIGNED_* value
    allowed_signers: str | None = None
    github_reviewers: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    line: int = 0
    gitlab_approvers: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        found = []
        if self.trailer and self.signers:
            found.append("trailer")
        if self.github_reviewers:
            found.append("github-review")
        if self.gitlab_approvers:
            found.append("gitlab-approval")
        if self.labels:
            found.append("label")
        return tuple(found)

    @property
    def plain_trailer(self) -> bool:
        """A trailer counts without a signature: anyone can commit as the signer's email."""
        return "trailer" in self.sources and self.signature is None

    @property
    def unforgeable(self) -> bool:
        """Some sign-off counts that the change's author cannot give alone: a signed trailer,
        or a review or approval the code host checked."""
        signed_trailer = "trailer" in self.sources and self.signature is not None
        return signed_trailer or bool(self.github_reviewers or self.gitlab_approvers)


class Level(NamedTuple):
    name: str
    rank: int
    description: str = ""
    owners: tuple[str, ...] = ()
    signoff: Signoff | None = None
    line: int = 0


class When(NamedTuple):
    types: frozenset[str]
    kinds: frozenset[str] | None = None
    subjects: tuple[str, ...] | None = None
    # Dependency findings only: where the package is needed, its ecosystem, and
    # whether it is a client of a hosted or paid service (None: either).
    scopes: frozenset[str] | None = None
    ecosystems: frozenset[str] | None = None
    vendor: bool | None = None


class Rule(NamedTuple):
    id: str
    level: str
    reason: str = ""
    paths: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    when: When | None = None
    line: int = 0


class PolicyTest(NamedTuple):
    path: str
    expect: str
    finding: Mapping[str, str] | None = None
    old_path: str | None = None
    line: int = 0


class _PolicyRecord(NamedTuple):
    source: str  # a repository path, "path@sha", or "builtin:NAME"
    levels: tuple[Level, ...]
    default_level: str
    rules: tuple[Rule, ...]
    classify: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    tests: tuple[PolicyTest, ...] = ()
    path: str | None = None  # repository-relative path of the file, if in the repo


class Policy(_PolicyRecord):
    """A policy; a subclass of its record only to hold the ranks it looks up for every finding."""

    @cached_property
    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {level.name: n for n, level in enumerate(self.levels)}

    @property
    def top_level(self) -> str:
        return self.levels[-1].name

    def rank(self, level: str) -> int:
        return self._ranks[level]

    def level(self, name: str) -> Level:
        return self.levels[self.rank(name)]

    def stricter(self, a: str, b: str) -> str:
        return a if self.rank(a) >= self.rank(b) else b


def rule_index(policy: Policy) -> tuple[PatternIndex[int], PatternIndex[int]]:
    """All rules' `paths` and `exclude` patterns, compiled together once."""
    paths = PatternIndex((n, p) for n, r in enumerate(policy.rules) for p in (r.paths or ()))
    exclude = PatternIndex((n, p) for n, r in enumerate(policy.rules) for p in r.exclude)
    return paths, exclude
