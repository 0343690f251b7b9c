"""`host` findings: application code that starts calling a host it did not call before.

A new `https://...` (or protocol-relative `//...`) string literal in a source file the classifier reads;
in user-interface code only what the browser loads. A host the repository already names (`known`), or
that another file of the change set stops naming (code moved), is none; on a public package CDN each
package is its own third party.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.catalog import COMMENT, PACKAGE_CDNS, QUIET_HOST, UI_PATH, URL
from ownership_gate.classifiers.security.files import SOURCE_SUFFIXES
from ownership_gate.classifiers.security.findings import TYPE, finding
from ownership_gate.classifiers.security.known import known_hosts
from ownership_gate.model import Change, Finding

# In user-facing code, what makes the browser call a host (not a link the user may follow).
_LOADS = re.compile(
    r"\b(?:src|srcset|action|fetch|import|WebSocket|EventSource|sendBeacon|XMLHttpRequest|ajax|axios)\b"
)
# What only a browser loads, never a reader follows: scripts and stylesheets.
_ASSET = re.compile(r"(?i)\.(?:m?js|css)(?:[?#]|$)")

# A change set larger than this is not searched for where a host came from (it stays new).
_MOVES_SEARCHED = 2000


def _hosts_gone_elsewhere(change: Change, context: Context, hosts: set[str]) -> set[str]:
    """The hosts (and CDN packages) another file of the change set stops naming: code that moved, not a new call."""
    texts = _both_sides_lowered(context)
    if texts is None or len(texts) - (change.old_oid is not None) > _MOVES_SEARCHED:
        return set()
    plain = {h for h in hosts if "/" not in h}
    packages = hosts - plain
    gone = set()
    for other, (old_text, new_text) in texts.items():
        if other is change:
            continue
        gone |= {h for h in plain if h in old_text and h not in new_text}
        if packages and any(h.split("/", 1)[0] in old_text for h in packages):
            gone |= packages & (_called(old_text) - _called(new_text))
    return gone


def _called(text: str) -> set[str]:
    """Every host and CDN package the string literals of `text` name."""
    return {_callee(m.group("host").lower().rstrip("."), m.group("path")) for m in URL.finditer(text)}


def _callee(host: str, path: str) -> str:
    """What a URL calls: its host, or on a public package CDN the host and the package (`unpkg.com/htmx.org`)."""
    package = cdn_package(host, path) if host in PACKAGE_CDNS else None
    return f"{host}/{package}" if package else host


def cdn_package(host: str, path: str) -> str | None:
    """The package a public CDN's URL serves, without its version: `katex`, `@scope/name`, or a GitHub
    `owner/repository`; None for a path that names no package."""
    parts = [part for part in path.split("?", 1)[0].split("#", 1)[0].lower().split("/") if part]
    if host.endswith("jsdelivr.net"):
        if parts[:1] == ["gh"] and len(parts) > 2:
            return f"{parts[1]}/{parts[2].split('@', 1)[0]}"
        if parts[:1] != ["npm"]:
            return None
        parts = parts[1:]
    elif host == "cdnjs.cloudflare.com":
        return parts[2] if parts[:2] == ["ajax", "libs"] and len(parts) > 2 else None
    elif host == "ga.jspm.io":
        if not parts or not parts[0].startswith("npm:"):
            return None
        parts[0] = parts[0][4:]
    elif host == "esm.sh" and parts and re.fullmatch(r"v\d+", parts[0]):
        parts = parts[1:]
    if not parts:
        return None
    if parts[0].startswith("@"):
        return f"{parts[0]}/{parts[1].split('@', 1)[0]}" if len(parts) > 1 else None
    return parts[0].split("@", 1)[0] or None


def _both_sides_lowered(context: Context) -> dict[Change, tuple[str, str]] | None:
    """Both sides of every change that had an old side, lower-cased: read and decoded once per
    change set, however many files add a host; None for a change set too large to search."""
    key = f"{TYPE}.hosts"
    if key not in context.memo:
        others = [c for c in context.changes if c.old_oid is not None]
        if len(others) > _MOVES_SEARCHED + 1:  # more than any change asking may search
            context.memo[key] = None
        else:
            context.prefetch(others)
            context.memo[key] = {c: ((text_of(context.old(c), lossy=True) or "").lower(),
                                     (text_of(context.new(c), lossy=True) or "").lower()) for c in others}
    texts: dict[Change, tuple[str, str]] | None = context.memo[key]
    return texts


def findings(change: Change, context: Context, added: Sequence[tuple[int, str]], old_text: str) -> list[Finding]:
    """The hosts the lines `added` (numbered) to `change` call, which its `old_text` did not."""
    path = change.path
    if not path.endswith(SOURCE_SUFFIXES):
        return []  # configuration names hosts on purpose; the setting rules read it
    ui = bool(UI_PATH.search(path))
    found: dict[str, int] = {}
    old_text = old_text.lower()
    old_packages: set[str] | None = None
    for number, line in added:
        if COMMENT.match(line):
            continue
        loads = not ui or bool(_LOADS.search(line))
        for match in URL.finditer(line):
            host = match.group("host").lower().rstrip(".")
            if QUIET_HOST.search(host):
                continue
            if not loads and host not in PACKAGE_CDNS and not _ASSET.search(match.group("path")):
                continue  # a link in a page is not a call; a script, stylesheet, image, frame or fetch is
            callee = _callee(host, match.group("path"))
            if callee in found:
                continue
            if callee == host:
                if host in old_text:
                    continue
            else:
                old_packages = _called(old_text) if old_packages is None else old_packages
                if callee in old_packages:
                    continue
            found[callee] = number
    gone = _hosts_gone_elsewhere(change, context, set(found)) if found else set()
    # A package on a public CDN stays new wherever its host is named; a plain host the project named is not.
    plain = [callee for callee in found if callee not in gone and "/" not in callee]
    known = known_hosts(plain, context, _read_ahead(context)) if plain else set()
    return [finding("host", f"{path}: {callee}", _calls(callee), number)
            for callee, number in found.items() if callee not in gone and callee not in known]


# A change set claiming more files than this is not read ahead for the hosts its other files add: each
# file's hosts are searched for as it comes.
_READ_AHEAD = 2000


def _read_ahead(context: Context) -> set[str]:
    """The first time a file asks which hosts the repository knows: every plain host the change set's source
    files name after it and did not before, so that one search of the old tree answers them all."""
    key = f"{TYPE}.hosts.read_ahead"
    if key in context.memo:
        return set()
    context.memo[key] = True
    changes = [c for c in context.claimed(TYPE) if c.path.endswith(SOURCE_SUFFIXES)]
    if len(changes) > _READ_AHEAD:
        return set()
    added: set[str] = set()
    for change in changes:
        new = text_of(context.new(change), lossy=True)
        if new:
            added |= _called(new) - _called(text_of(context.old(change), lossy=True) or "")
    return {callee for callee in added if "/" not in callee and not QUIET_HOST.search(callee)}


def _calls(callee: str) -> str:
    host, _, package = callee.partition("/")
    if package:
        return f"the code now loads {package} from {host}, which it did not before"
    return f"the code now calls {host}, which it did not before"
