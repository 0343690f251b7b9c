"""What a terminal gets that a file or a pipe does not: colour and progress lines.

Colour follows the common conventions: `NO_COLOR` (any non-empty value)
turns it off, `FORCE_COLOR` (non-empty, not `0`) turns it on even into a
pipe or a file, `TERM=dumb` means a terminal that cannot show it; without
any of them, colour goes only to a terminal.
"""

from __future__ import annotations

import os
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
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False
