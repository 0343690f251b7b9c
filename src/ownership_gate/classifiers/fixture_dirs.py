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


# Words of an image file's name or folders that say the image never runs in production: development and test
# images (`Dockerfile.dev`, `.devcontainer/`, `e2e/`), browser test harnesses, whose images drive a browser
# against the application, stand-ins for the application or what it calls (a sandbox that answers an API's
# callers from its specification, mocks, stubs), prototypes and demos. Not `ci/`: a pipeline's folder may hold
# the Dockerfile of the image production runs (`ci/Dockerfile.lambda`) as well as its own tools'.
_NO_PRODUCTION_IMAGE = frozenset({
    "dev", "devel", "develop", "development", "devcontainer", "local", "debug", "test", "tests", "testing", "e2e",
    "cypress", "playwright", "selenium", "puppeteer",
    "sandbox", "mock", "mocks", "stub", "stubs", "prototype", "prototypes", "demo",
})
# Someone else's code vendored into the repository: its Dockerfiles build their images, not production's.
_VENDORED = frozenset({"vendor", "node_modules", "third_party", "third-party", "vendored"})
_WORD = re.compile(r"[^a-z0-9]+")


def builds_for_production(path: str, also: frozenset[str] = frozenset()) -> bool:
    """Whether the image file at `path` (a Dockerfile) may build an image production runs: not in a test,
    fixture or example folder, nor in vendored code, nor with a word in its name or folders that says
    otherwise (`_NO_PRODUCTION_IMAGE`, and the words `also` gives)."""
    if in_test_dir(path) or any(part in _VENDORED for part in path.split("/")[:-1]):
        return False
    words = _NO_PRODUCTION_IMAGE | also
    return not any(set(_WORD.split(part.lower())) & words for part in path.split("/"))
