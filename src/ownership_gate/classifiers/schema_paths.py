"""Where migrations are not: path rules the frameworks share, without their readers."""

from __future__ import annotations

# Directories whose files exercise code, never run against production.
TEST_DIRS = frozenset({"test", "tests", "spec", "__tests__", "fixtures", "testdata", "__fixtures__",
                       "test-fixtures", "test_fixtures", "testing", "examples", "example"})


def in_test_dir(path: str) -> bool:
    return any(part in TEST_DIRS for part in path.split("/")[:-1])
