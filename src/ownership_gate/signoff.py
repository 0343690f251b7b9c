"""Sign-off evidence (SPEC §6). The PR gate fills this in."""

from __future__ import annotations

from collections.abc import Sequence

from ownership_gate.ci import CiRun
from ownership_gate.engine import Engine
from ownership_gate.git import Git
from ownership_gate.model import ChangeVerdict, SignoffResult


def evaluate(
    *,
    git: Git,
    engine: Engine,
    verdicts: Sequence[ChangeVerdict],
    required_level: str,
    base: str | None,
    head: str | None,
    policy_rev: str | None,
    ci: CiRun | None,
) -> SignoffResult:
    return SignoffResult(satisfied=False)
