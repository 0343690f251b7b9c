"""Folders of test, fixture and example data: files there never run against production.

A golden file of a CLI's expected output under `testdata/` may be a perfect
Kubernetes manifest and a fixture may be a perfect migration; neither is
deployed, so neither is priced nor judged as a schema change.
"""

from __future__ import annotations

TEST_DIRS = frozenset({"test", "tests", "spec", "__tests__", "fixtures", "testdata", "__fixtures__",
                       "test-fixtures", "test_fixtures", "testing", "examples", "example"})


def in_test_dir(path: str) -> bool:
    """Whether a folder on `path` (not the file name) is a test, fixture or example folder."""
    return any(part in TEST_DIRS for part in path.split("/")[:-1])
