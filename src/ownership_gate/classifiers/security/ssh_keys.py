"""SSH public keys added: whoever holds the private key can now log in where the key is installed.

A public key is no secret, so it is no `credential`; but a key written into
an `authorized_keys` file, an Ansible `authorized_key` task's list, a
cloud-init `ssh_authorized_keys`, a `.pub` file a Terraform key pair or an
`eksctl` node group reads, or a user's entry in an operators list grants a
shell on the machines it reaches. A key that is new to the change set is an
`access` finding on the file that gains it; a key moved from one file to
another, or one only removed (access taken away), is none. A host's key
(`github.com ssh-ed25519 AAAA...` in `known_hosts`, which says which server
to trust, not who may log in) is not one either.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.classifiers.security.gone import removed_in_change_set
from ownership_gate.model import Change, Finding

# A public key as OpenSSH writes it: its type, then its base64 body (which starts with the type's length).
_KEY = patterns.compile(
    r"(?<![\w-])(ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com"
    r"|sk-ecdsa-sha2-nistp256@openssh\.com)\s+(AAAA[0-9A-Za-z+/]{40,}={0,3})(?:[ \t]+([^\s\"',]+))?"
)
# What comes before a host's key on its line in `known_hosts`: host names or addresses (`github.com`,
# `[git.example.com]:2222,10.0.0.1`, a hashed `|1|...`), and no options.
_HOST = patterns.compile(r"(?:^|[\s\"'])(?:\|1\|\S+|(?=[\w\-\[\]:*?,]*[.\]])[\w.\-\[\]:*?,]+(?<!:))\s+$")
_KNOWN_HOSTS = patterns.compile(r"(?i)known_hosts")
# An authorized_keys entry's options (`from="10.0.0.0/8",no-pty`), which name hosts too.
_OPTIONS = patterns.compile(r"(?i)(?:^|[\s,\"'])(?:command|from|environment|permitopen|permitlisten|principals|tunnel"
                      r"|expiry-time)=\"")


def keys(text: str, path: str) -> dict[str, tuple[int, str]]:
    """The public keys a file grants access with: body -> (line, what names it: its comment or type)."""
    found: dict[str, tuple[int, str]] = {}
    if "AAAA" not in text or _KNOWN_HOSTS.search(path):
        return found
    for number, line in enumerate(text.splitlines(), 1):
        for match in _KEY.finditer(line):
            before = line[: match.start()]
            if _HOST.search(before) and not _OPTIONS.search(before):
                continue  # a host's key: which server to trust
            found.setdefault(match.group(2), (number, match.group(3) or match.group(1)))
    return found


def findings(change: Change, context: Context) -> list[Finding]:
    old, new = (text_of(data, lossy=True) or "" for data in (context.old(change), context.new(change)))
    if "AAAA" not in new:
        return []
    now = keys(new, change.path)
    added = now.keys() - keys(old, change.source_path).keys()
    if not added:
        return []
    fresh = sorted(added - removed_in_change_set(context, "ssh_keys", _held), key=lambda body: now[body][0])
    if not fresh:
        return []
    line, name = now[fresh[0]]
    more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
    return [finding("access", change.path, (
        f"an SSH public key is added ({name}){more}: whoever holds its private key can log in where it is installed"
    ), line)]


def _held(data: bytes | None, path: str) -> AbstractSet[str]:
    if data is None or b"AAAA" not in data:
        return set()
    return keys(text_of(data, lossy=True) or "", path).keys()
