"""cargo: Cargo.toml.

Read: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]` (and
their old underscore spellings), the same under `[target.'cfg(...)']`,
and `[workspace.dependencies]`. A renamed dependency (`package = "x"`)
depends on `x`. `path` dependencies are the workspace's own crates, and a
member's `foo = { workspace = true }` inherits a choice made (and judged)
in the root's `[workspace.dependencies]`: neither is a requirement of the
member. `[patch.*]` entries swap the source of a crate anywhere in the
graph; they are read as transitive pins, so a new patch is a `lockfile`
finding unless the crate is also a direct dependency.

A bare version is a caret requirement (`1.2` admits 1.2.0 up to 2.0.0).
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "cargo"
NAMES = frozenset({"cargo.toml", "cargo.lock"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "Cargo.toml"


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) == "Cargo.lock"


READER = DeferredReader("cargo_read")
parse = READER.parse
lowest = READER.lowest
ceiling = READER.ceiling
canonical = READER.canonical
LOCKFILES = {"Cargo.lock": "Cargo.toml"}
locked = DeferredReader("cargo_lock").locked
