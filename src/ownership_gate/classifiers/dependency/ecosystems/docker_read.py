"""Reading Dockerfiles, Compose and Kubernetes files (which files are manifests: docker.py).

Images are runtime, except those a Dockerfile needs only to build (build).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems import dockerfile
from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    DEV,
    RUNTIME,
    ManifestError,
    Release,
    Requirement,
)
from ownership_gate.classifiers.dependency.ecosystems.docker import COMPOSE, is_dockerfile
from ownership_gate.classifiers.dependency.ecosystems.images import names_a_commit, parse_image, scope, tag_lowest
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_yaml
from ownership_gate.classifiers.fixture_dirs import builds_for_production
from ownership_gate.formats.kubernetes import blank_bulk_documents
from ownership_gate.formats.yaml import Loader, Node, load, mappings

_IMAGE_LINE = patterns.compile(
    r"^[ \t]*(?:-[ \t]+)?[\"']?image[\"']?[ \t]*:[ \t]*[^\s#|>{\[]", re.MULTILINE
)
_KUBE_KEYS = patterns.compile(
    r"^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:.*?^[ \t]*kind[ \t]*:|"
    r"^[ \t]*(?:-[ \t]+)?kind[ \t]*:.*?^[ \t]*apiVersion[ \t]*:",
    re.MULTILINE | re.DOTALL,
)
_TEMPLATED = ("{{", "{%")
# Free-form values (a ConfigMap's data, annotations) may hold an `image` key that names nothing.
_NOT_SPECS = frozenset({"metadata", "data", "stringData", "binaryData"})


def lowest(constraint: str) -> Release | None:
    return tag_lowest(constraint)


def unpinned(constraint: str) -> str:
    """`20-alpine@sha256:...` -> `20-alpine@sha256`: a new digest under the same tag is a
    lock refresh (dependency/classifier.py), while pinning a tag to a digest still differs."""
    tag, at, digest = constraint.partition("@")
    if not at or not tag:
        return constraint  # no digest, or a digest alone: no tag says what it stands for
    return f"{tag}@{digest.partition(':')[0]}"


def floats(constraint: str) -> bool:
    """The tag names no version (`latest`, `stable`, `alpine`) and no digest pins it: the image runs
    whatever is pushed under that tag next."""
    tag, at, _ = constraint.partition("@")
    return not at and tag_lowest(tag) is None and not names_a_commit(tag)


# The operating-system release a tag's variant names: `3.10-alpine3.18`, `3.12-slim-bookworm`,
# `1.18-erlang-27-ubuntu-noble-20250127` (a dated build of the same release), `8-ubi9`, `2023-al2023`.
_OS_RELEASE = patterns.compile(
    r"(?<![a-z])(?:(alpine)(\d+\.\d+)?|(jessie|stretch|buster|bullseye|bookworm|trixie|forky"
    r"|xenial|bionic|focal|jammy|noble|oracular|plucky)|(ubi|el|amazonlinux|al)(\d+)"
    r"|(ltsc)(\d{4}))(?![a-z])"
)


def os_release(constraint: str) -> str | None:
    """The operating-system release a tag names in its variant (`alpine3.18`, `alpine` unversioned,
    `bookworm`, `ubi9`), or None when it names none (`3.12`, `latest`)."""
    tag = constraint.partition("@")[0].lower()
    match = _OS_RELEASE.search(tag)
    if match is None:
        return None
    return "".join(part for part in match.groups() if part)


# A tag's parts are split at `-`, `_`, `.` and `+`; a word is a part's leading letters (`alpine3` and
# `alpine` are both `alpine`, `jdk17` is `jdk`). Parts that start with a digit or one letter and digits
# (`8`, `v1`, `r0`, `u181`), and marks of a pre-release, are the version, not the variant.
_TAG_PART = patterns.compile(r"[-_.+]")
_WORD = patterns.compile(r"[a-z]{2,}")
_PRE_RELEASE = frozenset({"rc", "alpha", "beta", "pre", "preview"})
# A tag that floats (`latest`, `latest-22`) names the newest release of the image or of a line, not a variant.
_FLOATING = frozenset({"latest"})


def variant(constraint: str) -> frozenset[str] | None:
    """The words of an image tag besides its version (`alpine-3.8.1-jre-base-8.181.13` -> alpine, base,
    jre; `3.12-slim` -> slim; `3.12` -> none); None when no tag is known (a digest alone, none)."""
    tag = constraint.partition("@")[0].lower()
    if not tag:
        return None
    found = (_WORD.match(part) for part in _TAG_PART.split(tag))
    return frozenset(m.group(0) for m in found if m is not None) - _PRE_RELEASE - _FLOATING


def unresolved(requirement: Requirement) -> list[str]:
    """The variables an image still refers to (`${POSTGRES_IMAGE}`): set outside the file, by
    the environment, a `.env` file or a build argument, so the image cannot be named here."""
    return dockerfile.variables(f"{requirement.name}:{requirement.constraint}")


def shipped_base(text: str, path: str) -> Requirement | None:
    """The image a Dockerfile's shipped image is built on (`dockerfile.shipped_base`), named as its
    requirements are; None for a compose or Kubernetes file, and when no image can be named: `scratch`,
    a variable set outside the file (`FROM ${BASE}`, `python:${TAG}`), a template."""
    if not is_dockerfile(posixpath.basename(path)):
        return None
    use = dockerfile.shipped_base(text)
    if use is None or "$" in use.reference or any(m in use.reference for m in _TEMPLATED):
        return None
    image = parse_image(use.reference)
    return None if image is None else Requirement(image.repository, image.constraint, use.line,
                                                  scope=scope(image.repository))


def parse(text: str, path: str, load: Loader = load) -> list[Requirement]:
    base = posixpath.basename(path)
    if is_dockerfile(base):
        # The images of one that builds no production image (`Dockerfile.dev`, `sandbox/Dockerfile`) are tools.
        shipped = RUNTIME if builds_for_production(path) else DEV
        return [
            requirement._replace(scope=BUILD) if use.build else
            requirement._replace(scope=shipped) if requirement.scope == RUNTIME else requirement
            for use in dockerfile.image_uses(text)
            for requirement in _requirements([(use.reference, use.line)])
        ]
    if COMPOSE.fullmatch(base):
        return _requirements(_compose_images(load_yaml(text, load)))
    return _kubernetes(text, load)


def _requirements(found: Iterable[tuple[str, int | None]]) -> list[Requirement]:
    requirements: list[Requirement] = []
    for reference, line in found:
        image = parse_image(reference)
        if image is not None:
            requirements.append(Requirement(image.repository, image.constraint, line, scope=scope(image.repository)))
    return requirements


def _compose_images(documents: list[Node]) -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = []
    for document in documents:
        for service in document.mapping("services").values():
            if not isinstance(service.value, dict):
                continue
            build = service.get("build")
            if build is not None:
                # A service that builds its image names its output, not a dependency; the image
                # it builds from, when a build argument names it (`BASE_IMAGE: postgres:16`), is one.
                found += _image_arguments(build)
                continue
            image = service.get("image")
            if image is not None and image.string() is not None:
                found.append((dockerfile.substitute(image.string() or "", {}), image.line))
    return found


_IMAGE_ARGUMENT = patterns.compile(r"(?i)(?:^|_)image$")


def _image_arguments(build: Node) -> list[tuple[str, int | None]]:
    """The values of build arguments named for an image (`BASE_IMAGE`, `IMAGE`), in either of
    Compose's spellings: a mapping, or a list of `NAME=value`."""
    args = build.get("args") if isinstance(build.value, dict) else None
    if args is None:
        return []
    if isinstance(args.value, dict):
        pairs = [(str(name), node.string() or "", node.line) for name, node in args.value.items()]
    elif isinstance(args.value, list):
        pairs = [(*(node.string() or "").partition("=")[::2], node.line) for node in args.value]
    else:
        return []
    return [(value, line) for name, value, line in pairs
            if _IMAGE_ARGUMENT.search(name) and value and not dockerfile.variables(value)]


def _kubernetes(text: str, load: Loader) -> list[Requirement]:
    if _IMAGE_LINE.search(text) is None or _KUBE_KEYS.search(text) is None:
        return []  # no image, or not Kubernetes: nothing this file requires
    try:
        # CRDs, ConfigMaps and Secrets run no image; parsing a CRD bundle took ~35 s.
        # The cost classifier reads the same text, so `load` parses it once for both.
        documents = load_yaml(blank_bulk_documents(text), load)
    except ManifestError:
        if any(marker in text for marker in _TEMPLATED):
            return []  # a template (Helm, Jinja) is not YAML until rendered
        raise
    found: list[tuple[str, int | None]] = []
    for document in documents:
        if not (isinstance(document.value, dict) and "apiVersion" in document.value and "kind" in document.value):
            continue
        for mapping in mappings(document, _NOT_SPECS):
            image = mapping.get("image")
            reference = image.string() if image is not None else None
            if image is not None and reference is not None and not any(m in reference for m in _TEMPLATED):
                # `${IMAGE:=nginx:1.25}` for envsubst or Flux substitution: its default
                found.append((dockerfile.substitute(reference, {}), image.line))
    return _requirements(found)
