"""Which policy judges a change: a built-in by name, a given file, the repository's own, or the default.

Shared by every command that reads a policy; the loading itself is imported
only when a policy is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ownership_gate.errors import FatalError

if TYPE_CHECKING:
    from ownership_gate.git.repo import Git
    from ownership_gate.policy.model import Policy


def select_policy(git: Git, root: Path, explicit: str | None, from_rev: str | None) -> Policy:
    """The policy: a built-in by name, the given file, the repository's own policy file,
    else the default template; with `from_rev`, the file as it is in that commit."""
    from ownership_gate.policy.load import (
        BUILTIN_PREFIX,
        DEFAULT_TEMPLATE,
        POLICY_FILES,
        find_policy_file,
        load_builtin,
        load_file,
        parse,
    )

    if explicit and explicit.startswith(BUILTIN_PREFIX):
        return load_builtin(explicit.removeprefix(BUILTIN_PREFIX))  # shipped with the tool, never the PR
    if from_rev is not None:
        names = [_repo_relative(root, explicit)] if explicit else list(POLICY_FILES)
        for name in names:
            data = git.blob_at(from_rev, name)
            if data is not None:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise FatalError(f"policy {name}@{from_rev} is not UTF-8 text") from None
                return parse(text, f"{name}@{from_rev}", name)
        if explicit:
            raise FatalError(f"policy file {explicit!r} does not exist at the base revision {from_rev}")
        return load_builtin(DEFAULT_TEMPLATE)
    if explicit:
        path = Path(explicit)
        file = path if path.is_absolute() else Path.cwd() / path
        return load_file(file, explicit, _repo_relative(root, explicit))
    found = find_policy_file(root)
    if found is not None:
        return load_file(root / found, found, found)
    return load_builtin(DEFAULT_TEMPLATE)


def _repo_relative(root: Path, explicit: str) -> str:
    path = Path(explicit)
    absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def policy_paths(policy: Policy) -> frozenset[str]:
    from ownership_gate.policy.load import POLICY_FILES

    return frozenset((*POLICY_FILES, *([policy.path] if policy.path else [])))
