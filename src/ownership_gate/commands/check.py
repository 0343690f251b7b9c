"""`ownership-gate check`: judge a range (or the index) against the policy."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NamedTuple

from ownership_gate.errors import EXIT_OK, EXIT_SIGNOFF_MISSING, FatalError
from ownership_gate.git.repo import Git, find_root

# Only the modules needed to start `git diff` are imported up front; the rest
# load inside the functions, while git computes the diff (see `check`).
if TYPE_CHECKING:
    from ownership_gate.ci.detect import CiRun
    from ownership_gate.git.diff import PendingDiff


class Range(NamedTuple):
    base: str | None  # the commit shown as "base" (None on an unborn branch)
    head: str | None  # None when the head is the index
    diff_from: str  # what the diff starts from: the merge base, or a tree


def start_diff(
    git: Git, base: str | None, head: str | None, staged: bool, run: CiRun | None
) -> tuple[Range, PendingDiff]:
    """The range, and its diff started as early as can be.

    Git finds a range's merge base itself (`base...head`), so its diff starts
    right after the one call that resolves both commits, and the merge base
    the report names is asked for while git works.
    """
    if staged:
        current = git.head()
        span = Range(current, None, current or git.empty_tree())
        return span, git.start_diff(span.diff_from, None)
    base_sha, head_sha = git.resolve_pair(*_revisions(git, base, head, run))
    pending = git.start_diff(base_sha, head_sha, from_merge_base=True)
    merge_base = git.merge_base(base_sha, head_sha)
    if merge_base is None:  # unrelated histories: no merge base to start from, so the two commits are compared
        pending.cancel()
        pending = git.start_diff(base_sha, head_sha)
    return Range(base_sha, head_sha, merge_base or base_sha), pending


def _revisions(git: Git, base: str | None, head: str | None, run: CiRun | None) -> tuple[str, str]:
    """The base and head revisions a range check compares: the CI event's, else the
    remote's default branch and HEAD."""
    if base is None and run is not None:
        base, head = run.base, head or run.head
        if not base or not head:
            raise FatalError(f"the {run.provider} event names no base/head commit; pass --base and --head")
    if base is None:
        default = git.remote_default_branch()
        if default is None:
            raise FatalError(
                "no --base given and no remote default branch found (origin/HEAD, origin/main, ...);"
                " pass --base REV, or run `git remote set-head origin --auto`"
            )
        base = default
    return base, head or "HEAD"


def _use_color(output: str | None) -> bool:
    """Colour for stdout as `terminal.use_color` decides; a report file never gets it."""
    from ownership_gate.output.terminal import use_color

    return (output is None or output == "-") and use_color(sys.stdout)


def _ci_run() -> CiRun | None:
    from ownership_gate.ci import detect as ci

    return ci.detect()


# The last check's change set, verdicts and report, kept until the next check
# starts. Freeing a monorepo-sized check's objects one by one when it returns
# takes milliseconds the console script need not spend: it leaves with
# os._exit (see main.run) right after the report is out.
_LAST_CHECK: list[object] = []


def check(
    *,
    base: str | None = None,
    head: str | None = None,
    staged: bool = False,
    policy: str | None = None,
    policy_from_base: bool = False,
    format: str = "text",
    output: str | None = None,
    advisory: bool = False,
    comment: bool = False,
) -> int:
    _LAST_CHECK.clear()
    git = Git(find_root())
    try:
        # The range needs the CI event only when --base is not given.
        run = _ci_run() if base is None and not staged else None
        span, pending = start_diff(git, base, head, staged, run)
        # Imported only now, while git computes the diff: on a large change
        # these imports and the policy take as long as git does.
        from ownership_gate.classifiers.base import Trees
        from ownership_gate.engine.judge import Engine, required_level
        from ownership_gate.policy.load import BUILTIN_PREFIX
        from ownership_gate.policy.select import policy_paths, select_policy

        if base is not None and not staged:
            run = _ci_run()  # still a CI run: the policy comes from the base, sign-offs from the event
        from_base = (policy_from_base or run is not None) and not staged
        chosen = select_policy(git, git.root, policy, span.base if from_base else None)
        engine = Engine(chosen, policy_paths(chosen))
        trees = Trees.of(git, span.diff_from, span.head)
        from ownership_gate.ci import github_actions
        from ownership_gate.model import Verdict
        from ownership_gate.output.reporters import render, write_early, write_output
        from ownership_gate.signoff import evidence as signoff

        changes = pending.result()
        judging = engine.start_judging(changes, git.blobs, trees)
        early = write_early(format, judging.unclassified)  # the report begun before the classifiers read
        verdicts = judging.verdicts()
        level = required_level(chosen, verdicts)
        result = signoff.evaluate(
            git=git, engine=engine, verdicts=verdicts, required_level=level,
            base=span.diff_from if span.head else None, head=span.head,
            policy_rev=span.base if from_base else None, ci=run, advisory=advisory,
        )
        source = chosen.source
        if from_base and not source.startswith(BUILTIN_PREFIX):
            source = f"{chosen.path}@{span.base}"
        verdict = Verdict(
            base=span.base,
            head=span.head,
            policy_source=source,
            levels=chosen.level_names,
            default_level=chosen.default_level,
            required_level=level,
            changes=tuple(verdicts),
            signoff=result,
            advisory=advisory,
            platform=run.provider if run is not None else None,
        )
        report = render(format, verdict, chosen, color=_use_color(output), early=early)
        if format == "text":
            from ownership_gate.output.wrap import fold, report_width

            report = fold(report, report_width(output))
        write_output(report, output)
        _LAST_CHECK.extend((changes, verdicts, verdict, judging, early))
        if format == "github":
            github_actions.publish(verdict, render("markdown", verdict, chosen))
        if comment:
            from ownership_gate.hosting.pr_comment import post

            post(verdict, chosen, run)
    finally:
        git.close()
    if verdict.passed or advisory:
        return EXIT_OK
    return EXIT_SIGNOFF_MISSING
