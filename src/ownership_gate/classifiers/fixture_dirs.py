"""Folders of test, fixture and example data, and files named for environments that are not production:
what they hold never runs against production.

A golden file of a CLI's expected output under `testdata/` may be a perfect
Kubernetes manifest and a fixture may be a perfect migration; neither is
deployed, so neither is priced nor judged as a schema change.
"""

from __future__ import annotations

import re

TEST_DIRS = frozenset({"test", "tests", "spec", "__tests__", "fixtures", "testdata", "__fixtures__",
                       "test-fixtures", "test_fixtures", "testing", "examples", "example"})


def in_test_dir(path: str) -> bool:
    """Whether a folder on `path` (not the file name) is a test, fixture or example folder."""
    return any(part in TEST_DIRS for part in path.split("/")[:-1])


# A deployment file named for an environment that is not production (`values-staging.yaml`, `dev/ingress.yaml`),
# or for a developer's own machine (`settings/local.py`, `application-local.yml`): its headers and firewall rules
# protect no production traffic, the secrets it pulls are not production's, and the machines it asks for are not
# production's spend.
NOT_PRODUCTION = re.compile(
    r"(?i)(?:^|[/_.-])(?:dev|develop|development|staging|stage|stg|test|testing|uat|qa|sandbox|demo|preview|local)"
    r"(?:[/_.-]|$)"
)
