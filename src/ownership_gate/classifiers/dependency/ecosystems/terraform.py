"""Terraform / OpenTofu: `*.tf` (`.terraform.lock.hcl` is the lockfile).

Read with tree-sitter-hcl: `required_providers` entries (subject: the source,
lower-cased, default registry dropped, shorthand `google` meaning
`hashicorp/google`), legacy `provider` blocks with a `version`, and
`module` blocks. A registry module's subject is its address
(`terraform-aws-modules/vpc/aws`) and its constraint the `version`; a git
module's subject is the repository (`github.com/org/repo//sub`) whichever
scheme reaches it, and its constraint the `?ref=`. Local modules
(`./modules/x`) are the repository's own code and are skipped.

A provider named by its local name alone (`datadog = ">= 2.12"`) is read as
`hashicorp/datadog`, as Terraform 0.13 reads it; when the other revision
names none of that name but one other source ending in it
(`source = "datadog/datadog"`), the two are the same provider, given the
address Terraform 0.13 asks for (`matched`): the shorthand of Terraform
0.12, whose registry knew providers by name, rewritten, not a new provider.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader, Requirement

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


def matched(old: list[Requirement], new: list[Requirement]) -> list[Requirement]:
    """`old` with each provider `hashicorp/<type>` it names by its local name alone, which the new revision no
    longer names while it names one provider of that type under another namespace that `old` did not
    (`datadog/datadog`), under that name. A source written out (`source = "hashicorp/template"` ->
    `"cloudposse/template"`, a fork) is another provider."""
    before = {r.name for r in old}
    after = {r.name for r in new}
    gained: dict[str, list[str]] = {}
    for name in after - before:
        namespace, _, kind = name.partition("/")
        if kind and "/" not in kind and namespace != "hashicorp":
            gained.setdefault(kind, []).append(name)
    implied = {r.name for r in old if r.implied} - {r.name for r in old if not r.implied}
    renamed = {}
    for name in (before - after) & implied:
        namespace, _, kind = name.partition("/")
        if namespace == "hashicorp" and len(gained.get(kind, ())) == 1:
            renamed[name] = gained[kind][0]
    return [r._replace(name=renamed[r.name]) if r.name in renamed else r for r in old] if renamed else old
