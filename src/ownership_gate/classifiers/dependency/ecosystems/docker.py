"""Container images: Dockerfiles, compose files and Kubernetes manifests.

The subject is the image's familiar repository (`images.py`), the
constraint its tag (and digest). Images a compose service builds itself
(`build:` next to `image:`) name an output, not a dependency. Any other
YAML file is read as Kubernetes when a document has `apiVersion` and
`kind`; templated YAML (Helm's `{{ }}`) is not a manifest and is skipped.
An image taken from a variable (`${POSTGRES_IMAGE}`, an `ARG` without a
default) takes its default when it has one; otherwise it cannot be named,
and a change to it is `unparsed`. `shipped_base` names the image a
Dockerfile's shipped stage is built on, so that replacing it with another
image is judged as a major upgrade (`compare.base_replaced`).
"""

from __future__ import annotations

import posixpath
import re

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "docker"
# Lower-case file name beginnings and endings a manifest can have (see base.py).
PREFIXES = ("dockerfile", "containerfile")
SUFFIXES = ("dockerfile", "containerfile", ".yaml", ".yml")

_DOCKERFILE = re.compile(
    r"(?:docker|container)file(?:[.-][^/]*)?|[^/]+[.-](?:docker|container)file", re.IGNORECASE
)
_NOT_DOCKERFILE = (".dockerignore", ".md", ".txt", ".py", ".sh", ".json", ".yml", ".yaml", ".toml")
COMPOSE = re.compile(r"(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml", re.IGNORECASE)
# YAML another ecosystem reads, or that is never a Kubernetes manifest.
_OTHER_YAML = re.compile(
    r"(?:^|/)(?:\.github/workflows/[^/]+|action\.ya?ml|Chart\.(?:yaml|lock)|[^/]*lock[^/]*\.ya?ml)$"
)


def is_dockerfile(base: str) -> bool:
    return _DOCKERFILE.fullmatch(base) is not None and not base.lower().endswith(_NOT_DOCKERFILE)


def is_manifest(path: str) -> bool:
    base = posixpath.basename(path)
    if is_dockerfile(base):
        return True
    if not base.lower().endswith((".yaml", ".yml")):
        return False
    return COMPOSE.fullmatch(base) is not None or _OTHER_YAML.search(path) is None


def is_lockfile(path: str) -> bool:
    return False


READER = DeferredReader("docker_read")
parse = READER.parse
parse_yaml = READER.parse_yaml
lowest = READER.lowest
unpinned = READER.unpinned
floats = READER.floats
os_release = READER.os_release
variant = READER.variant
unresolved = READER.unresolved
shipped_base = READER.shipped_base
