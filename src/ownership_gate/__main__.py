from __future__ import annotations

from ownership_gate.main import main

raise SystemExit(main())
