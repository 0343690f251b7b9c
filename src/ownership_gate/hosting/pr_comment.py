"""`check --comment`: keep one comment on the pull request (GitHub) or merge request (GitLab).

The comment is the compact report (output/comment.py), written when
something needs sign-off, updated in place on every run, deleted once
nothing does. It is a courtesy: when it cannot be written (a fork's
read-only token, a missing permission, an outage) the run says so in a
notice and the verdict and exit code stay what they were.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ownership_gate.ci.detect import CiRun
from ownership_gate.errors import FatalError
from ownership_gate.model import Verdict
from ownership_gate.output import comment
from ownership_gate.policy.model import Policy

FORK = (
    "the pull request comes from a fork, and GitHub gives a `{event}` run from a fork a read-only"
    " token: no comment is written (the job summary has the report; see the README on forks)"
)


def post(verdict: Verdict, policy: Policy, run: CiRun | None, env: Mapping[str, str] | None = None) -> None:
    env = os.environ if env is None else env
    if run is None or run.pr_number is None:
        _say(run, "--comment writes only in a pull-request or merge-request run; no comment written")
        return
    body = comment.render(verdict, policy, run.provider) if verdict.needs_signoff else None
    try:
        if run.provider == "github":
            outcome = _github(run, body, env)
        else:
            from ownership_gate.hosting.gitlab_notes import sync_note

            outcome = sync_note(run, comment.MARKER, body, env)
    except FatalError as exc:
        _say(run, f"no comment written: {exc}")
        return
    print(f"ownership-gate: {outcome}", file=sys.stderr)


def _github(run: CiRun, body: str | None, env: Mapping[str, str]) -> str:
    if run.event == "merge_group":
        return "no comment from a merge-queue run"
    if from_fork(run):
        raise FatalError(FORK.format(event=run.event))
    from ownership_gate.hosting.github_comments import CommentsAPI, sync

    assert run.repository is not None and run.pr_number is not None
    api = CommentsAPI.writing(env)
    return sync(api, run.repository, run.pr_number, comment.MARKER, body)


def from_fork(run: CiRun) -> bool:
    """A pull request whose head lives in another repository, in a run whose token cannot write."""
    if run.event == "pull_request_target":
        return False  # runs in the base repository, with its token
    pr = run.payload.get("pull_request")
    if not isinstance(pr, dict):
        return False
    names = []
    for side in ("head", "base"):
        ref = pr.get(side)
        repo = ref.get("repo") if isinstance(ref, dict) else None
        names.append(repo.get("full_name") if isinstance(repo, dict) else None)
    head, base = names
    return head is None or head != base  # a deleted fork has no head repository


def _say(run: CiRun | None, message: str) -> None:
    if run is not None and run.provider == "github":
        from ownership_gate.ci.github_actions import command

        print(command("notice", message, title="ownership-gate comment"), flush=True)
    else:
        print(f"ownership-gate: note: {message}", file=sys.stderr)
