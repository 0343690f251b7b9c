"""`cost` findings: values that drive spend went up, down, or changed.

Cost keys are judged only in files recognised as infrastructure (by
`infra_detect`) or listed in `classify.cost.files`; a YAML fixture with a
`memory:` key is never read, nor is anything in a test, fixture or example
folder unless `classify.cost.files` names it. Each recognised file is read at both
revisions by the reader for its kind, and the whole change set is compared
at once so that a resource moved between files reports nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.cost.files import claims as claims
from ownership_gate.model import Change, Finding

TYPE = "cost"
KINDS: tuple[str, ...] = ("increase", "decrease", "change")
SETTINGS: Mapping[str, str] = {"keys": "strings", "files": "patterns"}

def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    from ownership_gate.classifiers.cost.read import reads as read_by_a_reader

    return read_by_a_reader(change, settings)


def classify(change: Change, context: Context) -> list[Finding]:
    memo: dict[Change, list[Finding]] | None = context.memo.get(TYPE)
    if memo is None:
        # The readers and their parsers load with the first cost file, not with every check.
        from ownership_gate.classifiers.cost.read import analyse

        memo = context.memo[TYPE] = analyse(context)
    return memo.get(change, [])
