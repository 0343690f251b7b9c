"""What a line of code is, as the security scan reads it: an import, something that does anything, its normal form."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ownership_gate.classifiers.security.catalog import COMMENT

IMPORT = re.compile(
    r"^\s*(?:import\b|from\s+\S+\s+import\b|require(?:_relative)?\b|using\s+[\w.]+;|#include\b|@import\b"
    r"|use\s+[\w:\\]+;|export\s+\*\s+from\b)|\brequire\s*\("
)
SPACE = re.compile(r"\s+")


def normal(line: str) -> str:
    """The line with its spaces collapsed and trimmed."""
    return SPACE.sub(" ", line.strip())


def substantive(lines: Iterable[str]) -> bool:
    """Some line does something: not blank, a comment, an import or a lone bracket."""
    for line in lines:
        text = str(line).strip()
        if text and not COMMENT.match(text) and not IMPORT.search(text) and text not in ("}", "end", ")", "});", "];"):
            return True
    return False
