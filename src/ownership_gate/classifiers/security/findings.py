"""The `security` finding type, its constructor and which files it reads: shared by the classifier and its readers."""

from __future__ import annotations

from ownership_gate.classifiers.security.catalog import (
    CONFIG_PATH,
    CREDENTIAL_FILE,
    MAIL_SERVER_CONFIG,
    NOT_APPLICATION,
    SOURCE_SUFFIXES,
)
from ownership_gate.model import Finding

TYPE = "security"


def reads_path(path: str) -> bool:
    """Whether the classifier reads this path at all (cheap, by name)."""
    if NOT_APPLICATION.search(path):
        return False
    return (bool(CREDENTIAL_FILE.search(path)) or path.endswith(SOURCE_SUFFIXES) or bool(CONFIG_PATH.search(path))
            or bool(MAIL_SERVER_CONFIG.search(path)))


def finding(kind: str, subject: str, detail: str, line: int | None = None, old: str | None = None,
            new: str | None = None) -> Finding:
    return Finding(type=TYPE, kind=kind, subject=subject, detail=detail, line=line, from_=old, to=new)
