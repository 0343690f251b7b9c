"""Reading Terraform files (which files are manifests: terraform.py)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from ownership_gate.classifiers.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.ecosystems.versions import comparator_lowest
from ownership_gate.classifiers.hcl_blocks import blocks

_DEFAULT_REGISTRIES = ("registry.terraform.io/", "registry.opentofu.org/")
# Only these blocks can require anything; `module.x.y` references elsewhere do not.
_RELEVANT = re.compile(r'^[ \t]*(?:(?:module|provider)[ \t]+"|terraform[ \t]*\{)', re.MULTILINE)
# python-hcl2 reads about 50 KiB a second; a bigger file is generated, not written.
MAX_HCL_BYTES = 1024 * 1024
_COMPARATOR = re.compile(r"\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+)*)(\S*)\s*")
_GETTER = re.compile(r"^([a-z0-9]+)::(.*)$")
_SCP = re.compile(r"^([\w.-]+\.[a-z]{2,}):(?!\d)(.*)$")
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_GIT_HOSTS = ("github.com/", "bitbucket.org/")


def lowest(constraint: str) -> Release | None:
    if _COMMIT.fullmatch(constraint) and not constraint.isdigit():
        return None  # a commit, not a version
    return comparator_lowest(constraint)


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


def _load(text: str) -> dict[str, Any]:
    import hcl2  # ~40 ms: only when a Terraform file really needs reading

    try:
        from hcl2.utils import SerializationOptions
    except ImportError:  # python-hcl2 7 had no options and gave unquoted strings
        return dict(hcl2.loads(text))
    options = SerializationOptions(with_comments=False, strip_string_quotes=True, explicit_blocks=False)
    return dict(hcl2.loads(text, serialization_options=options))


def _string(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return " ".join(text.split())


def _blocks(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    value = data.get(kind)
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [b for b in items if isinstance(b, dict)]


def _requiring_blocks(text: str) -> str:
    """The `terraform`, `provider` and `module` blocks: a module's many resources
    cost python-hcl2 seconds and require nothing. The whole file when it does
    not cut into blocks cleanly."""
    cut = blocks(text)
    return text if cut is None else "".join(b for b in cut if _RELEVANT.match(b))


def parse(text: str, path: str) -> list[Requirement]:
    if _RELEVANT.search(text) is None:
        return []  # nothing here can require a provider or a module
    relevant = _requiring_blocks(text)
    if len(relevant.encode()) > MAX_HCL_BYTES:
        raise ManifestError(f"larger than {MAX_HCL_BYTES // 1024} KiB: too large to read as HCL")
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        data = _load(relevant)
    except RecursionError:
        raise ManifestError("HCL is nested too deeply to read") from None
    except UnexpectedInput as exc:
        message = str(exc).strip().splitlines()[0]
        raise ManifestError(f"invalid HCL: {message}", getattr(exc, "line", None)) from None
    except (LarkError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        detail = str(exc).strip().splitlines()
        raise ManifestError(f"invalid HCL: {detail[0] if detail else type(exc).__name__}") from None
    lines = _Lines(text)
    sources: dict[str, str] = {}
    found: list[Requirement] = []
    for block in _blocks(data, "terraform"):
        for providers in _blocks(block, "required_providers"):
            for local_name, spec in providers.items():
                local_name = _string(local_name) or str(local_name)
                if isinstance(spec, dict):
                    source, version = _string(spec.get("source")), _string(spec.get("version"))
                else:
                    source, version = "", _string(spec)
                subject = provider_source(source or local_name)
                sources[local_name] = subject
                found.append(Requirement(subject, version, lines.attribute(local_name, "required_providers")))
    for block in _blocks(data, "provider"):
        for local_name, body in block.items():
            name = _string(local_name) or str(local_name)
            if isinstance(body, dict) and body.get("version") is not None:
                subject = sources.get(name) or provider_source(name)
                found.append(Requirement(subject, _string(body["version"]), lines.block("provider", name)))
    for block in _blocks(data, "module"):
        for label, body in block.items():
            if not isinstance(body, dict):
                continue
            requirement = _module(_string(body.get("source")), _string(body.get("version")))
            if requirement is not None:
                subject, constraint = requirement
                found.append(Requirement(subject, constraint, lines.block("module", _string(label) or str(label))))
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
    subject = repository.removesuffix(".git").rstrip("/").lower() + (f"//{subdir}" if sep else "")
    return subject, ref or version


class _Lines:
    """Line numbers found in the text (the parser's output carries none)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _line(self, pattern: str, start: int = 0) -> tuple[int | None, int]:
        match = re.compile(pattern, re.MULTILINE).search(self.text, start)
        if match is None:
            return None, start
        return self.text.count("\n", 0, match.start()) + 1, match.start()

    def block(self, kind: str, label: str) -> int | None:
        return self._line(rf'^[ \t]*{kind}[ \t]+"{re.escape(label)}"')[0]

    def attribute(self, name: str, inside: str) -> int | None:
        _, start = self._line(rf"\b{inside}\s*\{{")
        return self._line(rf'^[ \t]*"?{re.escape(name)}"?[ \t]*=', start)[0]
