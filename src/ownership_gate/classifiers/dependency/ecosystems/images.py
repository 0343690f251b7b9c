"""Container image references, read the way Docker reads them.

Shared by Dockerfiles, compose files, Kubernetes manifests and workflow
`docker://` steps. The repository is Docker's *familiar* name: Docker Hub's
host and its `library/` namespace are dropped (`docker.io/library/node` is
`node`, `docker.io/bitnami/redis` is `bitnami/redis`), any other registry
stays (`ghcr.io/org/app`). The version is read from the tag.
"""

from __future__ import annotations

import fnmatch
import re
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems.base import RUNTIME, TEST, Release
from ownership_gate.classifiers.dependency.versions.ranges import release

_HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}")


class Image(NamedTuple):
    repository: str  # familiar name, the finding's subject
    tag: str  # "latest" when none is written
    digest: str | None  # "sha256:..." when pinned

    @property
    def constraint(self) -> str:
        """Tag and digest as one comparable string: `18-alpine@sha256:...`."""
        if self.digest is None:
            return self.tag
        return f"{self.tag}@{self.digest}" if self.tag else f"@{self.digest}"


def parse_image(reference: str) -> Image | None:
    """An image reference, or None for an empty one.

    Text that is not a valid reference (an unresolved `${VAR}`, a template)
    is kept as the repository so the change stays visible; a variable there
    may hold a tag, so none is assumed.
    """
    text = reference.strip()
    if not text:
        return None
    name, digest = text, None
    if "@" in text:
        name, _, candidate = text.partition("@")
        digest = candidate if _DIGEST.fullmatch(candidate) else None
        if digest is None:
            name = text  # not a digest: keep the text whole and compare it as written
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    if not tag and digest is None and "$" not in name:
        tag = "latest"
    return Image(repository=familiar(name), tag=tag, digest=digest)


def familiar(name: str) -> str:
    """Docker's familiar repository name (see the module docstring)."""
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        host = first.lower()
        if host not in _HUB_HOSTS:
            return f"{host}/{rest}"
        name = rest
    return name.removeprefix("library/") if name.count("/") == 1 else name


def tag_lowest(constraint: str) -> Release | None:
    """The release a tag names: `18-alpine` -> (18,), `15.4` -> (15, 4); `latest` or a commit's hash
    (`2d679f4bc2c1`) -> None."""
    tag = constraint.partition("@")[0]
    if "$" in tag or "{" in tag or names_a_commit(tag):
        return None
    return release(tag)


# An image built from a commit and tagged with its hash (`2d679f4bc2c1ab1f...`, `sha-2d679f4`, `git-2d679f4`):
# hex with a letter and a digit in it, seven characters or more.
_COMMIT = re.compile(r"(?i)(?:sha-|git-|commit-)?(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,64}")


def names_a_commit(tag: str) -> bool:
    """The tag is a commit's hash: it names one build, not a version, and is as fixed as a version is."""
    return _COMMIT.fullmatch(tag) is not None


# Images of test doubles: emulators of hosted services and servers that answer with canned replies.
# Tests and developers' machines run them; production never does, wherever the file is that names one.
# Familiar names (see `familiar`), lower-case, shell-style patterns.
TEST_DOUBLES = (
    "localstack/localstack", "localstack/localstack-pro",  # AWS
    "amazon/dynamodb-local", "motoserver/moto", "adobe/s3mock", "softwaremill/elasticmq",
    "softwaremill/elasticmq-native",
    "mcr.microsoft.com/azure-storage/azurite", "mcr.microsoft.com/cosmosdb/linux/azure-cosmos-emulator",
    "fsouza/fake-gcs-server",  # Google Cloud Storage
    "wiremock/wiremock", "rodolpheche/wiremock", "mockserver/mockserver", "jamesdbloom/mockserver",
    "stoplight/prism", "mockoon/cli",  # mock servers answering from an OpenAPI document
    "stripe/stripe-mock", "navikt/mock-oauth2-server", "ghcr.io/navikt/mock-oauth2-server",
    "mailhog/mailhog", "axllent/mailpit", "rnwood/smtp4dev",  # mail catchers
    "selenium/*", "seleniarm/*", "cypress/*", "mcr.microsoft.com/playwright", "mcr.microsoft.com/playwright/*",
    "testcontainers/*",
)
_TEST_DOUBLE = patterns.compile("|".join(fnmatch.translate(p) for p in TEST_DOUBLES))


def scope(repository: str) -> str:
    """`test` for the image of a test double (TEST_DOUBLES), else `runtime`."""
    return TEST if _TEST_DOUBLE.match(repository.lower()) else RUNTIME
