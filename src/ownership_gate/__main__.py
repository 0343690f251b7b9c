from __future__ import annotations

from ownership_gate.cli import run

run()
