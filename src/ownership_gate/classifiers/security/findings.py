"""The `security` finding type and its constructor: shared by the classifier and its readers."""

from __future__ import annotations

from ownership_gate.model import Finding

TYPE = "security"


def finding(kind: str, subject: str, detail: str, line: int | None = None, old: str | None = None,
            new: str | None = None) -> Finding:
    return Finding(type=TYPE, kind=kind, subject=subject, detail=detail, line=line, from_=old, to=new)
