"""`check --pre-push`: judge the commits a push sends, as their pull request will.

pre-commit runs pre-push hooks with the pushed range in its environment:
PRE_COMMIT_FROM_REF is what the remote already has (the remote branch's
old tip, or for a new branch the parent of its first commit the remote
lacks) and PRE_COMMIT_TO_REF is the commit being pushed. It sets neither
when the push carries a root commit (a first push, an unrelated history):
no pull request can compare that, so there is nothing to judge.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ownership_gate.commands.check import check
from ownership_gate.errors import EXIT_OK


def pushed_range(env: Mapping[str, str]) -> tuple[str, str] | None:
    base, head = env.get("PRE_COMMIT_FROM_REF", ""), env.get("PRE_COMMIT_TO_REF", "")
    return (base, head) if base and head else None


def check_pushed(*, policy: str | None, format: str, output: str | None, advisory: bool) -> int:
    pushed = pushed_range(os.environ)
    if pushed is None:
        print(
            "ownership-gate: nothing to judge: pre-commit names no pushed range"
            " (PRE_COMMIT_FROM_REF, PRE_COMMIT_TO_REF); a push of a root commit has no pull request to compare",
            file=sys.stderr,
        )
        return EXIT_OK
    base, head = pushed
    # As in the pull request: the policy is the one the remote already has.
    return check(
        base=base, head=head, policy=policy, policy_from_base=True, format=format, output=output,
        advisory=advisory,
    )
