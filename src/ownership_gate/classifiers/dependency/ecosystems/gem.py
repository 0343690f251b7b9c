"""gem: Gemfile (and gems.rb, Appraisal's *.gemfile) and *.gemspec.

Ruby has no data format to load, so gem_read.py reads the Ruby with
tree-sitter and accounts for every statement that could declare a gem:
`gem "name", "~> 1.2", require: false` in group, platforms, path, git and
source blocks, and `spec.add_dependency` (and the runtime and development
forms). Anything that could declare gems out of sight (a loop, a
condition, `eval_gemfile`, `send`) makes the manifest unparsed. Gems from
a `path:` or a `path "..." do` block are this repository's own code;
`git:`/`github:` gems depend on that repository and ref, which has no
version to step.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "gem"

# Lower-case file names and endings a manifest or lockfile can have (see base.py).
NAMES = frozenset({"gemfile", "gems.rb", "gemfile.lock", "gems.locked"})
SUFFIXES = (".gemspec", ".gemfile", ".gemfile.lock")


def is_manifest(path: str) -> bool:
    base = posixpath.basename(path)
    return base in ("Gemfile", "gems.rb") or base.endswith((".gemspec", ".gemfile"))


def is_lockfile(path: str) -> bool:
    base = posixpath.basename(path)
    return base in ("Gemfile.lock", "gems.locked") or base.endswith(".gemfile.lock")


READER = DeferredReader("gem_read")
parse = READER.parse
readable = READER.readable
lowest = READER.lowest
ceiling = READER.ceiling
canonical = READER.canonical
LOCKFILES = {"Gemfile.lock": "Gemfile", "gems.locked": "gems.rb"}
locked = DeferredReader("gem_lock").locked
