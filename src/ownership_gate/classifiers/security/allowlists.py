"""Plain-text allow lists: a file named for what it lets in that gains an entry.

An egress proxy's `web_whitelist`, a firewall's `allowed_ips.txt`, an
`allowlist.conf`: one entry a line, `#` comments. An entry added (a host the
proxy now lets production reach, an address now let in) is an `access`
finding; entries removed or reordered let nobody new in and are none, and
so is an entry moved from another such file of the change set. YAML, JSON
and Terraform lists are read by their formats' readers (grants.py).
"""

from __future__ import annotations

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.files import is_allow_list
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.classifiers.security.gone import removed_in_change_set
from ownership_gate.model import Change, Finding


def _listed(data: bytes | None) -> set[str]:
    text = text_of(data, lossy=True) or ""
    return {entry for line in text.splitlines() if (entry := line.split("#", 1)[0].strip())}


def _entries(data: bytes | None, path: str) -> set[str]:
    """The entries of an allow list at `path` (none for any other file)."""
    return _listed(data) if is_allow_list(path) else set()


def findings(change: Change, context: Context) -> list[Finding]:
    added = _listed(context.new(change)) - _listed(context.old(change)) - removed_in_change_set(
        context, "allowlists", _entries)
    if not added:
        return []
    shown = ", ".join(sorted(added)[:3]) + (f" and {len(added) - 3} more" if len(added) > 3 else "")
    return [finding("access", change.path, f"allow list widened: {shown} added")]
