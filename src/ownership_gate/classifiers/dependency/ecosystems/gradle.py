"""Gradle: build scripts in the Kotlin DSL (`build.gradle.kts`, `settings.gradle.kts`) and in Groovy
(`build.gradle`, `settings.gradle`).

Read: the `plugins` block (`id("...") version "..."`, `kotlin("jvm") version
"..."`; in Groovy `id '...' version '...'`), `dependencies` (string
coordinates `"group:name:version"`, named `group =`, `name =`, `version =`
or Groovy's map notation `group: ..., name: ..., version: ...`,
`platform(...)` and `enforcedPlatform(...)` BOMs, `kotlin("stdlib")`) and
`buildscript`'s `classpath(...)`. Versions that name a value of the same
file (a `val`, or in Groovy a `def` or an `ext` property) are resolved. The
subject is `group:name`, as for Maven (the packages are Maven's), or the
plugin id. Not read: version catalogues, versions kept in
`gradle.properties`, and `constraints { }` blocks.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader, Requirement

NAME = "gradle"
NAMES = frozenset({  # lower-case (see base.py)
    "build.gradle.kts", "settings.gradle.kts", "build.gradle", "settings.gradle",
})


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) in NAMES


def is_lockfile(path: str) -> bool:
    return False


KOTLIN = DeferredReader("gradle_read")
GROOVY = DeferredReader("gradle_groovy_read")


def parse(text: str, path: str) -> list[Requirement]:
    """Each language's reader, loaded the first time a script in it is read."""
    reader = KOTLIN if path.lower().endswith(".kts") else GROOVY
    return reader.parse(text, path)


lowest = KOTLIN.lowest
