"""Hosts the project already named before the change set: code that starts calling one calls no new host."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import TYPE_CHECKING

from ownership_gate.classifiers.base import Context

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList


def known_hosts(hosts: Collection[str], context: Context, ahead: Collection[str] = ()) -> set[str]:
    """The `hosts` (lower case) that some file named before the change set, itself or by its registrable
    domain: `example.co.uk` makes `assets.example.co.uk` known, but `one.vercel.app` does not make
    `two.vercel.app` known (on a shared hosting suffix each customer's subdomain is its own domain).
    The hosts `ahead` are searched for in the same request (those other files will ask about), so the
    old tree is searched once per change set. Empty when git cannot say: the hosts stay new."""
    names = {host: registrable(host) for host in hosts}
    found = context.old_contains(set(names.values()) | {registrable(host) for host in ahead})
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
