"""Terraform backend configurations: which state a root module is applied to, one file per environment.

`terraform init -backend-config=production.tfbackend` points the configuration
in a folder at one state. A new such file applies the configuration once
more, to another environment or account (every resource in it created
there); a deleted one stops applying it there (what that state holds is
destroyed or abandoned). Files named `*.tfbackend` (Terraform's own
suffix), `backend.hcl`, `backend.tfvars`, `<env>.backend.hcl` and the like
are backend configurations wherever they are; a bare `<env>.backend` only
next to `.tf` files.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.cloud.findings import BACKEND_NAMED, finding, is_terraform
from ownership_gate.model import Change, Finding


def findings(change: Change, context: Context) -> list[Finding]:
    if change.status not in ("added", "copied", "deleted"):
        return []  # an edit or a rename keeps the state (moving one is `terraform init -migrate-state`)
    folder = posixpath.dirname(change.path)
    if not BACKEND_NAMED.search(posixpath.basename(change.path)) and not _beside_terraform(folder, context):
        return []
    where = folder or "the top folder"
    if change.status != "deleted":
        return [finding("added", change.path, f"a new Terraform state for the configuration in {where}: it is "
                        "applied once more, to another environment or account, creating everything it declares")]
    return [finding("removed", change.path, f"a Terraform state of the configuration in {where} is no longer "
                    "configured: what it holds there is destroyed or left unmanaged")]


def _beside_terraform(folder: str, context: Context) -> bool:
    """Whether `folder` holds `.tf` files, before the change set or in it."""
    if any(is_terraform(p) and posixpath.dirname(p) == folder for p in context.changed_paths):
        return True
    names = context.old_names(folder)
    return names is not None and any(is_terraform(n) for n in names)
