"""Encrypted secrets kept in the repository: what production's secrets are, unreadable in review.

An Ansible Vault file (its first line `$ANSIBLE_VAULT;1.1;AES256`), a file
encrypted with SOPS (values `ENC[AES256_GCM,...]` and its `sops` metadata)
or a Kubernetes SealedSecret (`encryptedData`) changed, appeared or went:
which secrets production holds changed, and nobody can read how from the
diff, so it is an `encrypted` finding whatever the file is called.
"""

from __future__ import annotations

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Change, Finding

_SOPS_VALUE = b"ENC[AES256_GCM,"


def what(data: bytes | None) -> str | None:
    """The kind of encrypted secrets a file holds, or None for a file in the clear."""
    if not data:
        return None
    if data.lstrip().startswith(b"$ANSIBLE_VAULT;"):
        return "Ansible Vault"
    if _SOPS_VALUE in data and b"sops" in data:
        return "SOPS"
    if b"SealedSecret" in data and b"encryptedData" in data:
        return "SealedSecret"
    return None


def findings(change: Change, context: Context) -> list[Finding]:
    old, new = context.old(change), context.new(change)
    if old == new:
        return []
    kind = what(new) or what(old)
    if kind is None:
        return []
    how = {"added": "added", "deleted": "deleted"}.get(change.status, "changed")
    return [finding("encrypted", change.path, (
        f"{kind} secrets {how}: which secrets production holds changed, and the diff cannot show how"
    ))]
