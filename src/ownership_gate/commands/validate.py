"""`ownership-gate validate`: is the policy sound, and do its own tests pass?

Errors in the policy format come from the parser, every one with
file:line:column, and exit 2 like every other command given a broken
policy. Warnings are advice and never fail the command; a failing policy
test exits 1, with the test's line so an editor can jump to it.
"""

from __future__ import annotations

import sys

from ownership_gate.engine.judge import Engine
from ownership_gate.errors import EXIT_OK, EXIT_USAGE, PolicyError
from ownership_gate.git.repo import Git, find_root
from ownership_gate.output.quoting import quote_path
from ownership_gate.policy import lint
from ownership_gate.policy import self_tests as policy_tests
from ownership_gate.policy.load import BUILTIN_PREFIX
from ownership_gate.policy.select import policy_paths, select_policy

EXIT_TESTS_FAILED = 1


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def validate(*, policy: str | None = None) -> int:
    git = Git(find_root())
    try:
        try:
            chosen = select_policy(git, git.root, policy, None)
        except PolicyError as exc:
            for problem in exc.problems:
                print(f"{problem}", file=sys.stderr)
            print(f"ownership-gate: the policy has {_plural(len(exc.problems), 'error')}", file=sys.stderr)
            return EXIT_USAGE
        builtin = chosen.source.startswith(BUILTIN_PREFIX)
        tracked = None if builtin else git.ls_files()
    finally:
        git.close()

    engine = Engine(chosen, policy_paths(chosen))
    warnings = lint.lint(chosen, engine, tracked, None if builtin else git.root)
    source = quote_path(chosen.source)
    for warning in warnings:
        print(warning.format(source), file=sys.stderr)
    results = policy_tests.run(chosen)
    failed = [r for r in results if not r.passed]
    for result in failed:
        print(policy_tests.failure_message(chosen, result), file=sys.stderr)

    summary = (
        f"{_plural(len(chosen.levels), 'level')}, {_plural(len(chosen.rules), 'rule')},"
        f" {len(results) - len(failed)}/{len(results)} tests passed, {_plural(len(warnings), 'warning')}"
    )
    if builtin:
        summary += "; the built-in policy is not checked against this repository's files"
    if failed:
        print(f"{source}: FAILED ({summary})", file=sys.stderr)
        return EXIT_TESTS_FAILED
    print(f"{source}: OK ({summary})", file=sys.stderr)
    return EXIT_OK
