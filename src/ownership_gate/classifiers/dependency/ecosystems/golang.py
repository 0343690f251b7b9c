"""Go modules: `go.mod` (`go.sum` and `go.work.sum` are the lockfiles).

What a go.mod requires:

- each `require` (single line or block) by module path. A major-version
  suffix is not part of the subject (`github.com/jackc/pgx/v5` is
  `github.com/jackc/pgx`), so v4 -> v5 reads as `major`, not as a
  dependency removed and another added. `gopkg.in/yaml.v3` likewise.
- a `// indirect` requirement is transitive: its changes are `lockfile`.
- a `replace` folds into what it replaces: a version override becomes the
  effective version; a fork or a local directory becomes a redirect
  (`=> github.com/fork/x`, `=> ../x`) that compares to nothing (`changed`),
  and the fork is a dependency of its own at the replacement's version.
- the Go version: subject `golang`, written `1.22.0, toolchain 1.22.5`.
  The `go` line is the requirement (the oldest Go that may build the
  module) and decides the step; a `toolchain` line is the preferred
  toolchain, so moving it alone is a patch step. `1.22` and `1.22.0`,
  and a toolchain equal to the go line, are spelled alike.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "golang"
NAMES = frozenset({"go.mod", "go.sum", "go.work.sum"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "go.mod"


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) in ("go.sum", "go.work.sum")


READER = DeferredReader("golang_read")
parse = READER.parse
lowest = READER.lowest
canonical = READER.canonical
LOCKFILES = {"go.sum": "go.mod"}
locked = DeferredReader("golang_lock").locked
