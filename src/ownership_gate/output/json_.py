"""`--format json`: the `ownership-gate/check/v1` document the README describes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) quotes strings with

from ownership_gate.model import ChangeVerdict, Verdict
from ownership_gate.policy.model import Policy

SCHEMA = "ownership-gate/check/v1"


def document(verdict: Verdict) -> dict[str, object]:
    return {
        **_head(verdict),
        "changes": [_change(v) for v in verdict.changes],
        "summary": _summary(verdict),
    }


def _head(verdict: Verdict) -> dict[str, object]:
    """The document's keys before "changes", in order."""
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
            "notes": list(verdict.signoff.notes),
        },
    }


def _change(v: ChangeVerdict) -> dict[str, object]:
    change = v.change
    return {
        "path": change.path,
        "old_path": change.old_path,
        "status": change.status,
        "level": v.level,
        "findings": [f.to_json() for f in v.findings] if v.findings else [],
    }


def _summary(verdict: Verdict) -> dict[str, object]:
    return {"files": len(verdict.changes), "by_level": verdict.by_level()}


# Indenting switches json to its pure-Python encoder: ten times slower on a
# monorepo-sized change. Large documents are written compact.
PRETTY_LIMIT = 1000


def render(verdict: Verdict, policy: Policy, color: bool = False, early: EarlyEntries | None = None) -> str:
    if len(verdict.changes) <= PRETTY_LIMIT:
        return json.dumps(document(verdict), indent=2, ensure_ascii=False) + "\n"
    return _compact(verdict, early)


class _Entries:
    """`json.dumps(_change(v), ensure_ascii=False)` for one entry after another, fast.

    On a 20,000-file change most entries differ only in their path: each
    distinct rest of an entry is encoded once, by the encoder json.dumps
    uses, and every path is quoted by the very function json.dumps quotes
    strings with. That skips building and encoding 20,000 dicts (json's
    encoder re-quotes every key of every dict).
    """

    _OPENING = '{"path": '

    def __init__(self) -> None:
        # The encoder json.dumps(..., ensure_ascii=False) builds, made once.
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode
        # What follows the path in an entry without an old path: entries share their
        # status, level and findings (the engine hands out one findings tuple to every
        # file matching the same rules), so a few hundred of these cover 20,000 files.
        # Keyed by the tuple's identity: the verdicts hold every tuple meanwhile.
        self._tails: dict[tuple[str, str, int], str] = {}

    def __call__(self, v: ChangeVerdict) -> str:
        return self.many((v,))[0]

    def many(self, verdicts: Iterable[ChangeVerdict]) -> list[str]:
        """The entries of `verdicts`, in one loop: 20,000 calls would cost a third more."""
        dumps, tails, opening = self.dumps, self._tails, self._OPENING
        written: list[str] = []
        append = written.append
        for v in verdicts:
            change, level, findings = v
            if change.old_path is not None:
                append(dumps(_change(v)))
                continue
            path = encode_basestring(change.path)
            key = (change.status, level, id(findings))
            tail = tails.get(key)
            if tail is None:
                tail = tails[key] = dumps(_change(v))[len(opening) + len(path):]
            append(opening + path + tail)
        return written


class EarlyEntries:
    """The entries of a large document, written while the classifiers still work.

    Made from the verdicts as they stand before any finding arrives; at
    `render` a verdict that is still the same object keeps its entry, and
    the few the classifiers replaced are written again.
    """

    def __init__(self, verdicts: Sequence[ChangeVerdict]) -> None:
        self.entries = _Entries()
        self.verdicts = list(verdicts)  # the objects, as they are now
        self.written = self.entries.many(self.verdicts) if len(self.verdicts) > PRETTY_LIMIT else []

    def changes(self, verdicts: Sequence[ChangeVerdict]) -> list[str]:
        if len(verdicts) != len(self.written):
            return self.entries.many(verdicts)
        entry = self.entries
        return [text if now is then else entry(now)
                for now, then, text in zip(verdicts, self.verdicts, self.written, strict=True)]


def _compact(verdict: Verdict, early: EarlyEntries | None) -> str:
    """`json.dumps(document(verdict), ensure_ascii=False) + "\\n"`, byte for byte, in half the time."""
    early = early or EarlyEntries(())
    head = early.entries.dumps(_head(verdict))
    summary = early.entries.dumps(_summary(verdict))
    # Megabytes of entries are copied once, by the join: the document's
    # opening and end travel with its first and last entries.
    entries = early.changes(verdict.changes)
    entries[0] = f'{head[:-1]}, "changes": [{entries[0]}'
    entries[-1] = f'{entries[-1]}], "summary": {summary}}}\n'
    return ", ".join(entries)
