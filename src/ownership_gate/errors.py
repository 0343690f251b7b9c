"""The one user-facing exception type, and the exit codes every command shares.

0: nothing is missing; 1: the command's check failed (a sign-off is missing,
a policy test fails, CODEOWNERS is out of date); 2: the command could not do
its work (usage, an unreadable or invalid policy, git); 3: a bug.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_SIGNOFF_MISSING = 1
EXIT_USAGE = 2
EXIT_BUG = 3


class FatalError(RuntimeError):
    """A user-facing error: printed without a traceback, exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class GitError(FatalError):
    """git could not do what was asked (unknown revision, not a repository, ...)."""


class PolicyError(FatalError):
    """The policy file is broken; `problems` lists every mistake found."""

    def __init__(self, problems: list[str]) -> None:
        noun = "error" if len(problems) == 1 else "errors"
        super().__init__(f"invalid policy ({len(problems)} {noun}):\n" + "\n".join(problems))
        self.problems = problems
