"""Where migrations are not: path rules the frameworks share, without their readers."""

from __future__ import annotations

import posixpath

# Directories whose files exercise code, never run against production.
TEST_DIRS = frozenset({"test", "tests", "spec", "__tests__", "fixtures", "testdata", "__fixtures__",
                       "test-fixtures", "test_fixtures", "testing", "examples", "example"})


def in_test_dir(path: str) -> bool:
    return any(part in TEST_DIRS for part in path.split("/")[:-1])


def python_module_in(path: str, directory: str) -> bool:
    """A Python module (not `__init__.py`) directly in a folder named `directory`, outside tests."""
    if f"{directory}/" not in path:
        return False  # quick answer for the many other `.py` files of a change
    parent, base = posixpath.split(path)
    return (
        base.endswith(".py") and base != "__init__.py"
        and posixpath.basename(parent) == directory and not in_test_dir(path)
    )
