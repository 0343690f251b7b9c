"""What a terminal gets that a file or a pipe does not: colour and progress lines.

Colour follows the common conventions: `NO_COLOR` (any non-empty value)
turns it off, `FORCE_COLOR` (non-empty, not `0`) turns it on even into a
pipe, `TERM=dumb` means a terminal that cannot show it; without
any of them, colour goes only to a terminal.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import TextIO


def use_color(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


PROGRESS_AFTER = 2.0  # seconds of work before the first progress line
PROGRESS_EVERY = 2.0  # seconds between lines


class Progress:
    """`ownership-gate: 120/500 files classified` on stderr, for someone watching a long run.

    Lines start once the work has taken `PROGRESS_AFTER` seconds, and go
    only to a terminal: a log or a pipe gets none, and stdout never does.
    """

    def __init__(self, total: int, what: str) -> None:
        self._total = total
        self._what = what
        self._next = time.monotonic() + PROGRESS_AFTER
        self._on = is_terminal(sys.stderr)

    def update(self, done: int) -> None:
        if not self._on or time.monotonic() < self._next:
            return
        self._next = time.monotonic() + PROGRESS_EVERY
        print(f"ownership-gate: {done}/{self._total} {self._what}", file=sys.stderr, flush=True)


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (False for a closed one)."""
    try:
        return stream.isatty()
    except ValueError:
        return False
