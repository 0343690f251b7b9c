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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ownership_gate.classifiers.ecosystems.base import Release, Requirement

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


def parse(text: str, path: str) -> list[Requirement]:
    # The reader loads with the first manifest read, not when a path is named.
    from ownership_gate.classifiers.ecosystems import nuget_read

    return nuget_read.parse(text, path)


def lowest(constraint: str) -> Release | None:
    from ownership_gate.classifiers.ecosystems import nuget_read

    return nuget_read.lowest(constraint)
