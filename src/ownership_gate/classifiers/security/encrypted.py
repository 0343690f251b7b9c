"""Encrypted secrets kept in the repository: what production's secrets are, unreadable in review.

An Ansible Vault file (its first line `$ANSIBLE_VAULT;1.1;AES256`), a file
git-crypt encrypted (its `\0GITCRYPT\0` header), a file encrypted with SOPS
(values `ENC[AES256_GCM,...]` and its `sops` metadata) or a Kubernetes
SealedSecret (`encryptedData`) changed, appeared or went:
which secrets production holds changed, and nobody can read how from the
diff, so it is an `encrypted` finding whatever the file is called.

Travis CI and AppVeyor keep CI's secrets in their config file as encrypted
values (`secure: "..."`, under `env`, `environment` or a deploy provider's
settings): one added, replaced or removed changes which secrets CI holds,
and the diff cannot show which, so it is an `encrypted` finding too; the
rest of the file (steps, matrices, toolchains) is not.
"""

from __future__ import annotations

import posixpath
from collections import Counter

from ownership_gate.classifiers.base import GIT_CRYPT, Context, text_of
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Change, Finding

_SOPS_VALUE = b"ENC[AES256_GCM,"


def what(data: bytes | None) -> str | None:
    """The kind of encrypted secrets a file holds, or None for a file in the clear."""
    if not data:
        return None
    if data.lstrip().startswith(b"$ANSIBLE_VAULT;"):
        return "Ansible Vault"
    if data.startswith(GIT_CRYPT):
        return "git-crypt"
    if _SOPS_VALUE in data and b"sops" in data:
        return "SOPS"
    if b"SealedSecret" in data and b"encryptedData" in data:
        return "SealedSecret"
    return None


def findings(change: Change, context: Context) -> list[Finding]:
    old, new = context.old(change), context.new(change)
    if old == new:
        return []
    service = _CI_SECRETS.get(posixpath.basename(change.path))
    if service is not None and (b"secure" in (old or b"") or b"secure" in (new or b"")):
        return _ci_variables(change.path, service, old, new, context)
    kind = what(new) or what(old)
    if kind is None:
        return []
    how = {"added": "added", "deleted": "deleted"}.get(change.status, "changed")
    return [finding("encrypted", change.path, (
        f"{kind} secrets {how}: which secrets production holds changed, and the diff cannot show how"
    ))]


# The CI services that keep encrypted variables in their own config file, by its name.
_CI_SECRETS = {".travis.yml": "Travis CI", "appveyor.yml": "AppVeyor", ".appveyor.yml": "AppVeyor"}


def _secure_values(data: bytes | None, context: Context) -> Counter[str] | None:
    """Every encrypted value (`secure: ...`) in a CI config, counted; None when the file does not read. Read
    with the change set's shared loader: the cost and dependency readers of the file use the same parse."""
    from ownership_gate.formats.yaml import YamlError, mappings

    if not data:
        return Counter()
    text = text_of(data)
    if text is None:
        return None
    try:
        roots = context.load_yaml(text).roots
    except YamlError:
        return None
    return Counter(
        secure.value for root in roots for mapping in mappings(root)
        if (secure := mapping.get("secure")) is not None and isinstance(secure.value, str)
    )


def _ci_variables(path: str, service: str, old: bytes | None, new: bytes | None, context: Context) -> list[Finding]:
    before, after = _secure_values(old, context), _secure_values(new, context)
    if before is None or after is None:
        return [finding("encrypted", path, (
            f"{service}'s config does not read as YAML and holds encrypted variables (`secure:`):"
            " which secrets CI holds may have changed"
        ))]
    added, removed = sum((after - before).values()), sum((before - after).values())
    if not added and not removed:
        return []
    replaced = min(added, removed)
    how = ", ".join(f"{count} {what}" for count, what in (
        (replaced, "replaced"), (added - replaced, "added"), (removed - replaced, "removed")) if count)
    return [finding("encrypted", path, (
        f"{service} encrypted variables ({how}): which secrets CI holds changed, and the diff cannot show how"
    ))]
