"""Maven: `pom.xml` (Maven has no lockfile).

Read: the parent POM, `dependencies`, `dependencyManagement` (BOM imports
included), build `plugins`, `pluginManagement` and `extensions`, the
plugins' own dependencies, and all of these inside `profiles`. The subject
is `groupId:artifactId` (plugins default to `org.apache.maven.plugins`).
`${properties}` defined in the same file are resolved. The project's own
version never counts: a sibling module at the project's version, and a
parent POM of the same group found in the repository (no empty
`<relativePath/>`), are the project itself, so a release bump says nothing.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ownership_gate.classifiers.ecosystems.base import Release, Requirement

NAME = "maven"
NAMES = frozenset({"pom.xml"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "pom.xml"


def is_lockfile(path: str) -> bool:
    return False


def parse(text: str, path: str) -> list[Requirement]:
    # The reader loads with the first manifest read, not when a path is named.
    from ownership_gate.classifiers.ecosystems import maven_read

    return maven_read.parse(text, path)


def lowest(constraint: str) -> Release | None:
    from ownership_gate.classifiers.ecosystems import maven_read

    return maven_read.lowest(constraint)
