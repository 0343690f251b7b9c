"""The one line a routine commit gets: the hook runs on every commit, so it says little."""

from __future__ import annotations

from ownership_gate.model import Verdict


def staged_routine_line(verdict: Verdict) -> str:
    files = len(verdict.changes)
    return (
        f"ownership-gate: OK, routine change ({files} staged file{'' if files == 1 else 's'},"
        f" {verdict.required_level} level, policy {verdict.policy_source}): no sign-off needed."
    )
