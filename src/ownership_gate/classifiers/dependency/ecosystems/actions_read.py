"""Reading workflow and action files (which files are manifests: actions.py).

Everything a workflow uses runs in CI, not in production: its scope is build.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers.dependency.ecosystems.base import BUILD, ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.ecosystems.images import parse_image, tag_lowest
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_yaml
from ownership_gate.classifiers.dependency.versions.ranges import release
from ownership_gate.formats.yaml import Loader, Node, load

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# "# v4.1.2", "# tag=v4.1.2", "# pin @v4.1.2", "# ratchet:actions/checkout@v4"
_COMMENT_VERSION = re.compile(
    r"#\s*(?:tag\s*[=:]\s*|pin\s*@?\s*|ratchet:\S*@|version\s*[=:]?\s*)?(v?\d[\w.+-]*)"
)
_DOCKER = "docker://"


def lowest(constraint: str) -> Release | None:
    ref, _, comment = constraint.partition(" # ")
    if comment:
        return release(comment)
    if _SHA.fullmatch(ref):
        return None  # a commit without a version comment says nothing about its version
    return tag_lowest(ref)


def unpinned(constraint: str) -> str:
    """`<sha> # v4` -> `# v4`: a new commit for the same version comment is a lock refresh
    (dependency/classifier.py); a commit without a comment says nothing, so it stays as written."""
    _, sep, comment = constraint.partition(" # ")
    return f"# {comment}" if sep else constraint


def parse(text: str, path: str, load: Loader = load) -> list[Requirement]:
    lines = text.splitlines()
    found: list[Requirement] = []
    for document in load_yaml(text, load):
        if not isinstance(document.value, dict):
            continue
        for job in document.mapping("jobs").values():
            if isinstance(job.value, dict):
                found.extend(_job(job, lines))
        runs = document.get("runs") or Node({}, None)
        for step in runs.sequence("steps"):
            found.extend(_uses(step, lines))
        image = runs.get("image") or Node(None, None)
        reference = image.string()
        if reference is not None and reference.startswith(_DOCKER):
            found.extend(_image(reference[len(_DOCKER) :], image.line))
    return found


def _job(job: Node, lines: list[str]) -> list[Requirement]:
    found = _uses(job, lines)  # a reusable workflow: owner/repo/.github/workflows/x.yml@ref
    for step in job.sequence("steps"):
        found.extend(_uses(step, lines))
    container = job.get("container") or Node(None, None)
    if container.string() is not None:
        found.extend(_image(container.string() or "", container.line))
    else:
        found.extend(_image_at(container))
    for service in job.mapping("services").values():
        found.extend(_image_at(service))
    return found


def _image_at(holder: Node) -> list[Requirement]:
    """The image a job container or service names (`image: node:20`)."""
    image = holder.get("image")
    reference = image.string() if image is not None else None
    return _image(reference, image.line) if image is not None and reference is not None else []


def _image(reference: str, line: int | None) -> list[Requirement]:
    if "${{" in reference:
        return []  # chosen at run time (a matrix, an input): nothing fixed to compare
    image = parse_image(reference)
    if image is None:
        return []
    return [Requirement(_DOCKER + image.repository, image.constraint, line, scope=BUILD)]


def _uses(holder: Node, lines: list[str]) -> list[Requirement]:
    uses = holder.get("uses")
    if uses is None:
        return []
    value = holder.text("uses")
    if value is None or not value.strip():
        raise ManifestError("uses: must name an action", uses.line)
    line = uses.line
    value = value.strip()
    if value.startswith(("./", "../")):
        return []  # the repository's own action or workflow
    if value.startswith(_DOCKER):
        return _image(value[len(_DOCKER) :], line)
    target, at, ref = value.partition("@")
    parts = target.split("/")
    if not at or not ref or len(parts) < 2 or not all(parts[:2]):
        raise ManifestError(f"uses: {value!r} must read owner/repo[/path]@ref", line)
    constraint = ref
    if _SHA.fullmatch(ref) and line is not None and line <= len(lines):
        version = _comment_version(lines[line - 1], ref)
        if version is not None:
            constraint = f"{ref} # {version}"
    return [Requirement(f"{parts[0]}/{parts[1]}".lower(), constraint, line, scope=BUILD)]


def _comment_version(raw: str, sha: str) -> str | None:
    after = raw[raw.find(sha) + len(sha) :] if sha in raw else raw
    match = _COMMENT_VERSION.search(after)
    return None if match is None else match.group(1)
