"""`ownership-gate validate`: is the policy sound?"""

from __future__ import annotations

import sys

from ownership_gate.check import select_policy
from ownership_gate.errors import EXIT_OK
from ownership_gate.git import Git, find_root


def validate(*, policy: str | None = None) -> int:
    git = Git(find_root())
    chosen = select_policy(git, git.root, policy, None)
    print(
        f"{chosen.source}: OK ({len(chosen.levels)} levels, {len(chosen.rules)} rules)",
        file=sys.stderr,
    )
    return EXIT_OK
