"""The environment variables a deployment hands its containers: a Kubernetes manifest's or a Helm template's
`env` entries (`- name: STRIPE_SECRET_KEY`, `valueFrom: secretKeyRef: ...`).

A variable is told from other named list entries (ports, volumes, containers) by its name, written as
environment variables are, in capitals with underscores. One whose name says it holds a secret (see
secret_names.py) that the deployment starts or stops handing over is a `setting` (which secrets production
holds), and so is one named for a security setting added or taken away (`SPRING_SECURITY_..._JWK_SET_URI`,
`SESSION_COOKIE_SECURE`); a value changed is not read (it is mostly a template expression).
"""

from __future__ import annotations

import re

from ownership_gate.classifiers.security.findings import finding
from ownership_gate.classifiers.security.secret_names import is_secret, is_setting
from ownership_gate.model import Finding

_ENV_NAME = re.compile(r"""^\s*-\s*name:\s*["']?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)["']?\s*$""", re.MULTILINE)


def findings(path: str, old_text: str, new_text: str) -> list[Finding]:
    old, new = set(_ENV_NAME.findall(old_text)), set(_ENV_NAME.findall(new_text))
    found: list[Finding] = []
    for names, now in ((new - old, "now hands its containers"), (old - new, "no longer hands its containers")):
        for name in sorted(names):
            if is_secret(name, "-"):
                found.append(finding("setting", f"{path}: {name}", f"the deployment {now} the secret {name}"))
            elif is_setting(name):
                found.append(finding("setting", f"{path}: {name}", f"the deployment {now} the security setting {name}"))
    return found
