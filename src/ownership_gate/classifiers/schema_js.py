"""stub"""

from __future__ import annotations

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema_ops import Migration

NAME = "js"
EXTENSIONS: tuple[str, ...] = (".none",)


def owns(path: str) -> bool:
    return False


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    return None
