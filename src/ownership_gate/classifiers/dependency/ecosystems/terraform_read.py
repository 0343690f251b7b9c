"""Reading Terraform files (which files are manifests: terraform.py)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.versions.ranges import comparator_ceiling, comparator_lowest
from ownership_gate.formats import hcl

_DEFAULT_REGISTRIES = ("registry.terraform.io/", "registry.opentofu.org/")
# Only these blocks can require anything; `module.x.y` references elsewhere do not.
_REQUIRING = frozenset({"terraform", "provider", "module"})
_RELEVANT = patterns.compile(r'^[ \t]*(?:(?:module|provider)[ \t]+"|terraform[ \t]*\{)', re.MULTILINE)
_COMPARATOR = patterns.compile(r"\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+)*)(\S*)\s*")
_GETTER = patterns.compile(r"^([a-z0-9]+)::(.*)$")
_SCP = patterns.compile(r"^([\w.-]+\.[a-z]{2,}):(?!\d)(.*)$")
_COMMIT = patterns.compile(r"[0-9a-f]{7,40}")
_GIT_HOSTS = ("github.com/", "bitbucket.org/")
# A module fetched over HTTP as an archive (`https://github.com/org/modules/releases/download/v2.0.29/lambda.zip`,
# `.../archive/refs/tags/v1.4.0.tar.gz`): the part of its path that is a version is its version, the rest the module.
_ARCHIVE = patterns.compile(r"(?i)\.(?:zip|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz)$")
_VERSION_PART = patterns.compile(r"v?\d+(?:\.\d+)+")


def lowest(constraint: str) -> Release | None:
    if _COMMIT.fullmatch(constraint) and not constraint.isdigit():
        return None  # a commit, not a version
    return comparator_lowest(constraint)


def ceiling(constraint: str) -> float | None:
    """The highest major admitted; `~> 4` admits 5 (only its last component is held)."""
    if _COMMIT.fullmatch(constraint) and not constraint.isdigit():
        return None
    return comparator_ceiling(constraint, one_part_tilde_caps=False)


def canonical(constraint: str) -> str:
    """One spelling per constraint: `>= 3.0` is `>=3.0.0`, `3.0, < 4` is `<4.0.0,=3.0.0`.

    `~>` keeps its precision: `~> 3.0` admits 3.x, `~> 3.0.0` only 3.0.x.
    """
    parts = []
    for part in constraint.split(","):
        match = _COMPARATOR.fullmatch(part)
        if match is None:
            return " ".join(constraint.split())
        operator, version, rest = match.group(1) or "=", match.group(2), match.group(3)
        if operator != "~>":
            padded = [*version.split("."), "0", "0"]
            version = ".".join(padded[: max(3, version.count(".") + 1)])
        parts.append(f"{operator}{version}{rest}")
    return ",".join(sorted(parts))


def _string(value: hcl.Value) -> str:
    """A constraint or source as text; a computed one as `${...}`, whitespace collapsed."""
    if isinstance(value, hcl.Expression):
        text = value.text
        text = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else f"${{{text}}}"
    else:
        text = value if isinstance(value, str) else ""
    return " ".join(text.split())


def _requiring_blocks(document: hcl.Document) -> list[hcl.Block]:
    """The `terraform`, `provider` and `module` blocks: nothing else can require anything.

    A part of the file that does not parse fails the whole file when it is
    one of them or could hide one (tree-sitter may fold the rest of a file
    into an unclosed block); a broken resource cannot.
    """
    for loose in document.loose_errors:
        if _could_require(loose.source):
            raise _invalid(loose.error)
    found = []
    for block in document.blocks:
        if block.type in _REQUIRING:
            error = block.error()
            if error is not None:
                raise _invalid(error)
            found.append(block)
        elif block.errors and _could_require(block.source):
            raise _invalid(block.error() or hcl.HclError("does not parse", block.line))
    return found


def _could_require(source: bytes) -> bool:
    return _RELEVANT.search(source.decode("utf-8", "replace")) is not None


def _invalid(error: hcl.HclError) -> ManifestError:
    return ManifestError(f"invalid HCL: {error}", error.line)


def unchanged(old: str, new: str) -> bool:
    """Whether two revisions certainly require the same: their requiring blocks are
    the same text (the rest of the file cannot require anything)."""
    if _RELEVANT.search(old) is None and _RELEVANT.search(new) is None:
        return True
    before = hcl.parse(old.encode())
    after = hcl.parse(new.encode(), previous=before.source)
    try:
        return sorted(b.source for b in _requiring_blocks(before)) == sorted(
            b.source for b in _requiring_blocks(after))
    except ManifestError:
        return False  # reading the file says why


def parse(text: str, path: str) -> list[Requirement]:
    if _RELEVANT.search(text) is None:
        return []  # nothing here can require a provider or a module
    blocks = _requiring_blocks(hcl.parse(text.encode()))
    try:
        return _requirements(blocks)
    except hcl.HclError as exc:
        raise _invalid(exc) from None


def _requirements(blocks: list[hcl.Block]) -> list[Requirement]:
    sources: dict[str, str] = {}
    found: list[Requirement] = []
    for block in blocks:
        for providers in block.body.blocks if block.type == "terraform" else ():
            if providers.type != "required_providers":
                continue
            for local_name, spec, line in providers.body.attributes.values():
                if isinstance(spec, hcl.Object):
                    source, version = _string(spec.get("source")), _string(spec.get("version"))
                else:
                    source, version = "", _string(spec)
                subject = provider_source(source or local_name)
                sources[local_name] = subject
                found.append(Requirement(subject, version, line, implied=not source and "/" not in local_name))
    for block in blocks:
        if block.type == "provider" and block.labels and "version" in block.body.attributes:
            name = block.labels[0]
            subject = sources.get(name) or provider_source(name)
            found.append(Requirement(subject, _string(block.body.attributes["version"].value), block.line,
                                     implied=name not in sources))
    for block in blocks:
        if block.type == "module" and block.labels:
            attributes = block.body.attributes
            where, pinned = attributes.get("source"), attributes.get("version")
            requirement = _module(_string(where.value if where else None),
                                  _string(pinned.value if pinned else None))
            if requirement is not None:
                found.append(Requirement(*requirement, block.line))
    return found


def provider_source(source: str) -> str:
    """`google` and `registry.terraform.io/hashicorp/google` are both `hashicorp/google`."""
    text = source.strip().lower()
    for registry in _DEFAULT_REGISTRIES:
        text = text.removeprefix(registry)
    return text if "/" in text else f"hashicorp/{text}"


def _module(source: str, version: str) -> tuple[str, str] | None:
    if not source or source.startswith(("./", "../", ".\\", "..\\")) or source in (".", ".."):
        return None
    getter = _GETTER.match(source)
    text = getter.group(2) if getter else source
    text, _, query = text.partition("?")
    ref = (parse_qs(query).get("ref") or [""])[0]
    scheme = re.match(r"^[a-z][a-z0-9+.-]*://", text)
    if getter is None and scheme is None and not text.lower().startswith(_GIT_HOSTS):
        parts = text.split("//", 1)[0].split("/")
        if (len(parts) == 3 and "." not in parts[0]) or (len(parts) == 4 and "." in parts[0]):
            address = text.lower()
            for registry in _DEFAULT_REGISTRIES:
                address = address.removeprefix(registry)
            return address, version
    if scheme is not None:
        text = text[scheme.end() :]
    text = re.sub(r"^[^@/]+@", "", text)  # git@github.com:org/repo, ssh://git@host/...
    scp = _SCP.match(text)
    if scp is not None:
        text = f"{scp.group(1)}/{scp.group(2)}"
    repository, sep, subdir = text.partition("//")
    if scheme is not None and scheme.group(0).startswith("http") and _ARCHIVE.search(repository):
        archived = _archived(repository)
        if archived is not None:
            repository, ref = archived
    subject = repository.removesuffix(".git").rstrip("/").lower() + (f"//{subdir}" if sep else "")
    return subject, ref or version


def _archived(path: str) -> tuple[str, str] | None:
    """An archive's path without the part that names its version, and that version; None when none does."""
    *folders, name = path.split("/")
    stem = _ARCHIVE.sub("", name)
    if _VERSION_PART.fullmatch(stem):
        return "/".join(folders), stem
    for index, folder in enumerate(folders):
        if _VERSION_PART.fullmatch(folder):
            return "/".join([*folders[:index], *folders[index + 1 :], name]), folder
    return None
