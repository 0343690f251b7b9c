"""Gradle: build scripts in the Kotlin DSL (`build.gradle.kts`, `settings.gradle.kts`).

Read: the `plugins` block (`id("...") version "..."`, `kotlin("jvm") version
"..."`), `dependencies` (string coordinates `"group:name:version"`, named
`group =`, `name =`, `version =`, `platform(...)` and `enforcedPlatform(...)`
BOMs, `kotlin("stdlib")`) and `buildscript`'s `classpath(...)`. Versions
that name a `val` of the same file (`"...:$kotlinVersion"`) are resolved.
The subject is `group:name`, as for Maven (the packages are Maven's), or
the plugin id. Not read: Groovy build scripts (`build.gradle`), version
catalogues, and versions kept in `gradle.properties`.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "gradle"
NAMES = frozenset({"build.gradle.kts", "settings.gradle.kts"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) in NAMES


def is_lockfile(path: str) -> bool:
    return False


READER = DeferredReader("gradle_read")
parse = READER.parse
lowest = READER.lowest
