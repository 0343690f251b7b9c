"""`--format json`: the `ownership-gate/check/v1` document of SPEC §4."""

from __future__ import annotations

import json

from ownership_gate.model import Verdict
from ownership_gate.policy import Policy

SCHEMA = "ownership-gate/check/v1"


def document(verdict: Verdict) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "base": verdict.base,
        "head": verdict.head,
        "policy": {"source": verdict.policy_source},
        "required_level": verdict.required_level,
        "needs_signoff": verdict.needs_signoff,
        "signoff": {
            "satisfied": verdict.signoff.satisfied,
            "evidence": [e.to_json() for e in verdict.signoff.evidence],
        },
        "changes": [
            {
                "path": v.change.path,
                "old_path": v.change.old_path,
                "status": v.change.status,
                "level": v.level,
                "findings": [f.to_json() for f in v.findings],
            }
            for v in verdict.changes
        ],
        "summary": {"files": len(verdict.changes), "by_level": verdict.by_level()},
    }


# Indenting switches json to its pure-Python encoder: ten times slower on a
# monorepo-sized change. Large documents are written compact.
PRETTY_LIMIT = 1000


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    indent = 2 if len(verdict.changes) <= PRETTY_LIMIT else None
    return json.dumps(document(verdict), indent=indent, ensure_ascii=False) + "\n"
