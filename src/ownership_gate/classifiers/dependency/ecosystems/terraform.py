"""Terraform / OpenTofu: `*.tf` (`.terraform.lock.hcl` is the lockfile).

Read with tree-sitter-hcl: `required_providers` entries (subject: the source,
lower-cased, default registry dropped, shorthand `google` meaning
`hashicorp/google`), legacy `provider` blocks with a `version`, and
`module` blocks. A registry module's subject is its address
(`terraform-aws-modules/vpc/aws`) and its constraint the `version`; a git
module's subject is the repository (`github.com/org/repo//sub`) whichever
scheme reaches it, and its constraint the `?ref=`. Local modules
(`./modules/x`) are the repository's own code and are skipped.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "terraform"
# Lower-case file names and endings a manifest or lockfile can have (see base.py).
NAMES = frozenset({".terraform.lock.hcl"})
SUFFIXES = (".tf",)


def is_manifest(path: str) -> bool:
    return path.endswith(".tf")


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) == ".terraform.lock.hcl"


READER = DeferredReader("terraform_read")
parse = READER.parse
lowest = READER.lowest
ceiling = READER.ceiling
canonical = READER.canonical
unchanged = READER.unchanged
