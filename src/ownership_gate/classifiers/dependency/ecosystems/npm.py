"""npm: every package.json, workspace members included.

`dependencies` (runtime), `devDependencies` (dev), `optionalDependencies`
(optional) and `peerDependencies` (peer) are read; `overrides` and `resolutions` pin transitive
versions (lockfile territory) and `engines` names the runtime, so neither
is a dependency. Specs that point into this repository (`workspace:*`,
`file:../lib`, `link:`, `portal:`) are the project's own code. An alias
(`"lodash4": "npm:lodash@^4"`) depends on the package it names, `lodash`.
Git, URL and tag specs have no lowest version: any change to them is
`changed`.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DEV, OPTIONAL, PEER, RUNTIME, DeferredReader

NAME = "npm"

# Each section a dependency can be declared in, with its scope.
SECTIONS = {"dependencies": RUNTIME, "devDependencies": DEV, "optionalDependencies": OPTIONAL,
            "peerDependencies": PEER}
_LOCKFILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "bun.lockb", "bun.lock",
})
NAMES = frozenset({"package.json"}) | _LOCKFILES  # lower-case (see base.py)


def _installed(path: str) -> bool:
    """Inside node_modules: a copy of someone else's package, not this project's manifest."""
    return "node_modules/" in path or path.startswith("node_modules")


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "package.json" and not _installed(path)


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) in _LOCKFILES and not _installed(path)


READER = DeferredReader("npm_read")
parse = READER.parse
lowest = READER.lowest
ceiling = READER.ceiling
canonical = READER.canonical
LOCKFILES = dict.fromkeys((
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"), "package.json")
locked = DeferredReader("npm_lock").locked
