"""sbt: Scala builds (`build.sbt` and any other `*.sbt`, `project/*.scala`, `project/build.properties`).

Read: module IDs (`"org" % "name" % "version"`, `%%` and `%%%` for Scala
and Scala.js libraries) wherever they are written (`libraryDependencies`,
`dependencyOverrides`, a `val` of `project/Dependencies.scala`),
`addSbtPlugin(...)`, compiler plugins, `scalaVersion` and
`crossScalaVersions` (the subject `scala`), and `sbt.version` in
`project/build.properties` (the subject `sbt`). Versions that name a `val`
of the same file (`circeVersion`, `Versions.circe`) are resolved. The
subject is `org:name`, as for Maven (the packages are Maven's): the name
as written, without the Scala binary version sbt appends for `%%` or one
written out (`"cats-core_2.13"` is `cats-core`), so moving a library
between `%` and `%%`, or to another Scala version, keeps its subject. Not
read: `.scala` sources outside `project/`, and `*.sbt` files of sbt
plugins' scripted tests (`src/sbt-test/`), which build nothing the
project ships.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "sbt"
NAMES = frozenset({"build.properties"})  # lower-case (see base.py)
SUFFIXES = (".sbt", ".scala")


def is_manifest(path: str) -> bool:
    folders = posixpath.dirname(path).split("/")
    name = posixpath.basename(path)
    if name.lower().endswith(".sbt"):
        return "sbt-test" not in folders
    if name == "build.properties" or name.endswith(".scala"):
        return folders[-1] == "project" and "src" not in folders
    return False


def is_lockfile(path: str) -> bool:
    return False


READER = DeferredReader("sbt_read")
parse = READER.parse
lowest = READER.lowest
