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

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "maven"
NAMES = frozenset({"pom.xml"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "pom.xml"


def is_lockfile(path: str) -> bool:
    return False


READER = DeferredReader("maven_read")
parse = READER.parse
lowest = READER.lowest
