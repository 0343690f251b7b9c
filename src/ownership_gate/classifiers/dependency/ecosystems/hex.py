"""hex: Elixir's Mix projects, `mix.exs` and `mix.lock`.

`mix.exs` is Elixir code, so hex_read.py reads it with tree-sitter: the
dependencies are the `{:name, "~> 1.2", only: :test}` tuples of the lists
its `deps` functions (`defp deps`, `defp test_deps`) return, with module
attributes (`@phoenix_version`) written out. `mix.lock` is an Elixir map of
each package to its source and locked version.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "hex"

# Lower-case file names a manifest or lockfile can have (see base.py).
NAMES = frozenset({"mix.exs", "mix.lock"})


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "mix.exs"


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) == "mix.lock"


READER = DeferredReader("hex_read")
parse = READER.parse
lowest = READER.lowest
ceiling = READER.ceiling
canonical = READER.canonical
LOCKFILES = {"mix.lock": "mix.exs"}
locked = READER.locked
