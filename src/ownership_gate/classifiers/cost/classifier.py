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

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.classifiers.fixture_dirs import in_test_dir
from ownership_gate.classifiers.infra.names import claimed_by_kind
from ownership_gate.model import Change, Finding
from ownership_gate.paths.pattern_index import setting_matches

TYPE = "cost"
KINDS: tuple[str, ...] = ("increase", "decrease", "change")
SETTINGS: Mapping[str, str] = {"keys": "strings", "files": "patterns"}

_COSTED_KINDS = frozenset({
    "terraform", "kubernetes", "helm", "kustomize", "compose", "ci", "cloudformation",
    "pulumi", "serverless",
})


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    # Test, fixture and example folders hold sample manifests (a CLI's golden output
    # under testdata/), never deployed: only `classify.cost.files` can name one.
    found = {p for p in claimed_by_kind(paths.by_name, _COSTED_KINDS) if not in_test_dir(p)}
    if settings.get("files"):
        found.update(p for p in paths.all if setting_matches(settings, "files", p))
    return found


def claimed(path: str, settings: Mapping[str, Any]) -> bool:
    """Whether `claims` takes one path."""
    return path in claims(ChangedPaths([Change("added", path)]), settings)


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
