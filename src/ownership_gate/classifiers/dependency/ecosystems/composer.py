"""composer: composer.json `require` and `require-dev`.

Platform requirements (`php`, `hhvm`, `ext-*`, `lib-*`, `composer`,
`composer-plugin-api`, `composer-runtime-api`) name the runtime and its
extensions, not packages anyone installs from a registry, just as
pyproject's `requires-python` is no dependency: they are not read.
Package names are lowercase, as Composer treats them. Copies under
`vendor/` are installed packages, not this project's manifests.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "composer"
NAMES = frozenset({"composer.json", "composer.lock"})  # lower-case (see base.py)


def _installed(path: str) -> bool:
    return path.startswith("vendor/") or "/vendor/" in path


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "composer.json" and not _installed(path)


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) == "composer.lock" and not _installed(path)


READER = DeferredReader("composer_read")
parse = READER.parse
lowest = READER.lowest
ceiling = READER.ceiling
canonical = READER.canonical
LOCKFILES = {"composer.lock": "composer.json"}
locked = DeferredReader("composer_lock").locked
