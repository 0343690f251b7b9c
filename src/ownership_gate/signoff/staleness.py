"""What a sign-off given at commit S did not see: the work between S and the head.

The changes `S..head` are judged with the same Engine as the pull request.
Only work the pull request still carries counts: each file's level after S
is capped by that file's level in the whole pull request, so merging the
base branch into the pull request after an approval (bringing in changes
that were signed off on their own) does not make the approval stale, while
more CTO-level work on a CTO-level file does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from ownership_gate.classifiers.base import Trees
from ownership_gate.engine.judge import Engine
from ownership_gate.git.repo import Git
from ownership_gate.model import ChangeVerdict

_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


class After(NamedTuple):
    """The work after a sign-off: its level and the files at that level."""

    level: str
    paths: tuple[str, ...] = ()
    missing: bool = False  # the commit is not in this clone, so nothing can be known


class Staleness:
    def __init__(
        self, git: Git, engine: Engine, verdicts: Sequence[ChangeVerdict], head: str
    ) -> None:
        self._git = git
        self._engine = engine
        self._head = head
        self._policy = engine.policy
        self._lowest = self._policy.levels[0].name
        self._verdicts = verdicts
        self._levels: dict[str, str] | None = None
        self._cache: dict[str, After] = {}

    @property
    def _pr_level(self) -> dict[str, str]:
        """Each path's level in the whole pull request; built only once a sign-off names a
        commit (most checks have none, and a monorepo change has tens of thousands of paths)."""
        if self._levels is None:
            self._levels = {}
            for verdict in self._verdicts:
                for path in verdict.change.paths:
                    known = self._levels.get(path, self._lowest)
                    self._levels[path] = self._policy.stricter(known, verdict.level)
        return self._levels

    def after(self, commit: str | None) -> After:
        """The work between `commit` and the head (None: a sign-off not tied to a commit)."""
        if commit is None or commit == self._head:
            return After(self._lowest)
        if commit not in self._cache:
            self._cache[commit] = self._judge(commit)
        return self._cache[commit]

    def _judge(self, commit: str) -> After:
        if not _SHA.match(commit) or not self._git.has_commit(commit):
            # Fail closed: a sign-off whose commit we cannot see (force-pushed
            # away, or a shallow clone) cannot be shown to cover the head.
            return After(self._policy.top_level, missing=True)
        changes = self._git.diff(commit, self._head)
        trees = Trees.of(self._git, commit, self._head)
        judged = self._engine.judge_all(changes, self._git.blobs, trees)
        rank, lowest, pr_level = self._policy.rank, self._lowest, self._pr_level
        level, paths = lowest, []
        for verdict in judged:
            carried = max((pr_level.get(p, lowest) for p in verdict.change.paths), key=rank)
            effective = verdict.level if rank(verdict.level) <= rank(carried) else carried
            if rank(effective) > rank(level):
                level, paths = effective, [verdict.change.path]
            elif effective == level and level != self._lowest:
                paths.append(verdict.change.path)
        return After(level, tuple(paths))
