"""The environment variables a deployment hands its containers: a Kubernetes manifest's or a Helm template's
`env` entries (`- name: STRIPE_SECRET_KEY`, `valueFrom: secretKeyRef: ...`).

A variable is told from other named list entries (ports, volumes, containers) by its name, written as
environment variables are, in capitals with underscores. One whose name says it holds a secret (see
secret_names.py) that the deployment starts or stops handing over is a `setting` (which secrets production
holds), and so is one named for a security setting added or taken away (`SPRING_SECURITY_..._JWK_SET_URI`,
`SESSION_COOKIE_SECURE`); a value changed is not read (it is mostly a template expression), except the
number of backups a deployment keeps or how long it keeps them (`MONTHLY_BACKUPS` `'1'` -> `'0'` in an
OpenShift template's parameters, `BACKUP_RETENTION_DAYS`): fewer is data that can no longer be restored.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers.security.findings import finding
from ownership_gate.classifiers.security.secret_names import is_secret, is_setting
from ownership_gate.model import Finding

_ENV_NAME = re.compile(r"""^\s*-\s*name:\s*["']?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)["']?\s*$""", re.MULTILINE)
# A named entry's number (`- name: WEEKLY_BACKUPS` with `value: '4'` a few lines below, past its description).
_NUMBER_VALUE = re.compile(
    r"""^\s*-\s*name:\s*["']?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)["']?\s*\n(?:(?!\s*-\s).*\n){0,8}?"""
    r"""\s*value:\s*["']?(\d+)["']?\s*$""",
    re.MULTILINE,
)
# Names of how many backups are kept, or for how long.
_KEPT_BACKUPS = re.compile(r"(?:^|_)(?:BACKUPS?|RETENTION|RETAIN(?:ED)?)(?:_|$)")


def findings(path: str, old_text: str, new_text: str) -> list[Finding]:
    old, new = set(_ENV_NAME.findall(old_text)), set(_ENV_NAME.findall(new_text))
    found: list[Finding] = []
    for names, now in ((new - old, "now hands its containers"), (old - new, "no longer hands its containers")):
        for name in sorted(names):
            if is_secret(name, "-"):
                found.append(finding("setting", f"{path}: {name}", f"the deployment {now} the secret {name}"))
            elif is_setting(name):
                found.append(finding("setting", f"{path}: {name}", f"the deployment {now} the security setting {name}"))
    return found + _fewer_backups(path, old_text, new_text)


def _fewer_backups(path: str, old_text: str, new_text: str) -> list[Finding]:
    """Entries named for the backups kept whose number went down."""
    def kept(text: str) -> dict[str, int]:
        return {name: int(value) for name, value in _NUMBER_VALUE.findall(text) if _KEPT_BACKUPS.search(name)}

    before, after = kept(old_text), kept(new_text)
    return [finding("setting", f"{path}: {name}", f"backups kept: {name} {before[name]} -> {after[name]}", None,
                    str(before[name]), str(after[name]))
            for name in sorted(before.keys() & after.keys()) if after[name] < before[name]]
