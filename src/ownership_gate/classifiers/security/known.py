"""Hosts the project already named before the change set: code that starts calling one calls no new host."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import TYPE_CHECKING

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.catalog import QUIET_HOST, URL
from ownership_gate.classifiers.security.files import SOURCE_SUFFIXES
from ownership_gate.classifiers.security.findings import TYPE

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

# A change set claiming more files than this is not read ahead for the hosts its other files add: each
# file's hosts are searched for as it comes.
_READ_AHEAD = 2000


def known_hosts(hosts: Collection[str], context: Context) -> set[str]:
    """The `hosts` (lower case) that some file named before the change set, itself or by its registrable
    domain: `example.co.uk` makes `assets.example.co.uk` known, but `one.vercel.app` does not make
    `two.vercel.app` known (on a shared hosting suffix each customer's subdomain is its own domain).
    Empty when git cannot say: the hosts stay new."""
    names = {host: registrable(host) for host in hosts}
    asked = set(names.values())
    key = f"{TYPE}.hosts.read_ahead"
    if key not in context.memo:
        # One search of the old tree for every host the change set adds, not one per file that adds some.
        context.memo[key] = True
        asked |= {registrable(host) for host in _added_hosts(context)}
    found = context.old_contains(asked)
    if found is None:
        return set()
    return {host for host, name in names.items() if name in found}


def registrable(host: str) -> str:
    """The domain `host` belongs to, by the Public Suffix List (`assets.example.co.uk` -> `example.co.uk`,
    `x.vercel.app` -> itself); `host` itself when it is a public suffix."""
    return _suffix_list().privatesuffix(host) or host


@cache
def _suffix_list() -> PublicSuffixList:
    from publicsuffixlist import PublicSuffixList  # loaded only when a host would be reported

    return PublicSuffixList()


def _added_hosts(context: Context) -> set[str]:
    """The hosts the source files the classifier reads name after the change set and did not before."""
    changes = [c for c in context.claimed(TYPE) if c.path.endswith(SOURCE_SUFFIXES)]
    if len(changes) > _READ_AHEAD:
        return set()
    added: set[str] = set()
    for change in changes:
        new = text_of(context.new(change), lossy=True)
        if new:
            old = text_of(context.old(change), lossy=True) or ""
            added |= _named(new) - _named(old)
    return {host for host in added if not QUIET_HOST.search(host)}


def _named(text: str) -> set[str]:
    return {match.group("host").lower().rstrip(".") for match in URL.finditer(text)}
