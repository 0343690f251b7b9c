"""ownership-gate: decide which changes need a CTO's sign-off."""

from __future__ import annotations

__version__ = "0.1.0"
