"""NuGet: MSBuild projects and `packages.config` (`packages.lock.json` is the lockfile).

Read: `PackageReference` (`Include` or `Update`, the version as a
`Version`/`VersionOverride` attribute or child element) in `*.csproj`,
`*.fsproj`, `*.vbproj`, `Directory.Build.props`/`.targets`; central
versions (`PackageVersion`, `GlobalPackageReference`) in
`Directory.Packages.props`; `<package id version>` in `packages.config`.
`$(Properties)` set in the same file are resolved. Package ids are
case-insensitive, so the subject is the lower-cased id.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "nuget"

_PROJECTS = (".csproj", ".fsproj", ".vbproj")
_NAMED = (
    "directory.packages.props",
    "directory.build.props",
    "directory.build.targets",
    "packages.config",
)
# Lower-case file names and endings a manifest or lockfile can have (see base.py).
NAMES = frozenset({*_NAMED, "packages.lock.json"})
SUFFIXES = _PROJECTS


def is_manifest(path: str) -> bool:
    base = posixpath.basename(path).lower()
    return base.endswith(_PROJECTS) or base in _NAMED


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path).lower() == "packages.lock.json"


READER = DeferredReader("nuget_read")
parse = READER.parse
lowest = READER.lowest
