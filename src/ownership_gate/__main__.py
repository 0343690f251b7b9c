from __future__ import annotations

from ownership_gate.main import run

run()
