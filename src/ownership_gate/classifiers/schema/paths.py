"""Where migrations are not: path rules the frameworks share, without their readers."""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.fixture_dirs import in_test_dir

__all__ = ["in_test_dir", "is_task_file", "leading_version", "python_module_in"]


def python_module_in(path: str, directory: str) -> bool:
    """A Python module (not `__init__.py`) directly in a folder named `directory`, outside tests."""
    if f"{directory}/" not in path:
        return False  # quick answer for the many other `.py` files of a change
    parent, base = posixpath.split(path)
    return (
        base.endswith(".py") and base != "__init__.py"
        and posixpath.basename(parent) == directory and not in_test_dir(path)
    )


def leading_version(path: str) -> tuple[str, int] | None:
    """What Rails' and Ecto's `schema_migrations` record once a migration ran: its version (the leading
    number of the file name, as a number), per migrations folder. A file renamed with the same key never
    runs again."""
    directory, base = posixpath.split(path)
    digits, underscore, _ = base.partition("_")
    return (directory, int(digits)) if underscore and digits.isascii() and digits.isdigit() else None


# A Rails application's rake tasks (read by tasks.py); vendored code and tests are not the application's.
_TASK_FILE = patterns.compile(r"(?:^|/)lib/tasks/(?:[^/]+/)*[^/]+\.rake$")
_NOT_OURS = patterns.compile(r"(?:^|/)(?:vendor|spec|test|tests|node_modules)/")


def is_task_file(path: str) -> bool:
    return _TASK_FILE.search(path) is not None and _NOT_OURS.search(path) is None

