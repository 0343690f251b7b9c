"""Reading Gemfile.lock (and gems.locked): the gems Bundler resolved.

No library reads the format outside Bundler, so it is read here, strictly:
sections start at column 0 (`GEM`, `GIT`, `PATH`, `PLUGIN SOURCE`,
`PLATFORMS`, `DEPENDENCIES`, `RUBY VERSION`, `BUNDLED WITH`, `CHECKSUMS`),
a source section's `specs:` lists each gem at four spaces as
`name (version)` (a platform gem as `name (version-platform)`) and its own
dependencies at six. Any other line (a merge conflict marker, an unknown
section, a gem without a version) makes the lockfile unreadable, and the
caller fails closed.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, one_version_each

_SOURCES = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})
_OTHERS = frozenset({"PLATFORMS", "DEPENDENCIES", "RUBY VERSION", "BUNDLED WITH", "CHECKSUMS"})
_GEM = re.compile(r"    ([A-Za-z0-9][A-Za-z0-9._-]*) \(([^()\s]+)\)")
_GEM_DEPENDENCY = re.compile(r"      [A-Za-z0-9][A-Za-z0-9._-]*(?: \([^()]*\))?!?")
_OPTION = re.compile(r"  [a-z_]+: ?.*")


def locked(text: str, path: str) -> Lock:
    pairs: list[tuple[str, str]] = []
    section: str | None = None
    in_specs = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if not line.startswith(" "):
            section = _section(line, number)
            in_specs = False
            continue
        if section in _SOURCES:
            if line == "  specs:":
                in_specs = True
                continue
            if not in_specs and _OPTION.fullmatch(line):
                continue  # remote:, revision:, branch:, glob: ...
            spec = _GEM.fullmatch(line) if in_specs else None
            if spec is not None:
                # `nokogiri (1.16.0-x86_64-linux)`: the platform follows the version.
                pairs.append((spec.group(1), spec.group(2).split("-", 1)[0]))
                continue
            if in_specs and _GEM_DEPENDENCY.fullmatch(line):
                continue
            raise ManifestError(f"unexpected line in the {section} section: {line.strip()[:80]!r}", number)
        if section is None:
            raise ManifestError("a Gemfile.lock starts with a section such as GEM", number)
        # PLATFORMS, DEPENDENCIES, RUBY VERSION, BUNDLED WITH, CHECKSUMS: nothing more is needed.
    if section is None:
        raise ManifestError("no GEM, GIT or PATH section: not a Gemfile.lock")
    return Lock(frozenset(name for name, _ in pairs), one_version_each(pairs))


def _section(line: str, number: int) -> str:
    name = line.rstrip()
    if name in _SOURCES or name in _OTHERS:
        return name
    raise ManifestError(f"unknown section {name[:80]!r}", number)
