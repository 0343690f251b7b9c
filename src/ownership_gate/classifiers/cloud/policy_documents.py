"""IAM policy documents kept in their own files, beside the Terraform that reads them.

`policy = file("${path.module}/policy.json")` and `templatefile("s3_writer_policy.tpl", ...)`
keep the statements that decide who may do what outside the `.tf` files.
A file named for a policy (`policy.json`, `backup_policy.tpl`,
`iam/ci-role.json`) that holds a policy document (`Statement`) and changed
is a `security` finding, unless it only lost statements, or actions or resources
of an `Allow` (it allows less);
so is a Terraform template of any other name (`templates/read_write_user.tpl`),
or a JSON file of any name in a folder of policies (`policies/dynamo_key_access.json`),
whose revisions both hold statements and their effects.
A template that is no JSON until Terraform renders it (`${bucket_arn}`) is
compared as text. A policy document added is a finding too: a resource added
beside it, or one that attaches every document of its folder, gives it to
someone. One deleted is none: it allows nothing any more.
"""

from __future__ import annotations

import json
from typing import Any

from ownership_gate.classifiers.base import Context, is_binary
from ownership_gate.classifiers.cloud.findings import finding
from ownership_gate.model import Change, Finding


def findings(change: Change, context: Context, *, named: bool = True) -> list[Finding]:
    """`named`: the file is named for a policy; a template of another name (`read_write_user.tpl`) is one
    only when both revisions hold a policy document's statements and their effects."""
    if change.status in ("added", "copied"):
        return _added(change, context)
    if change.status not in ("modified", "renamed"):
        return []
    old, new = context.old(change), context.new(change)
    if old is None or new is None or old == new or is_binary(old) or is_binary(new):
        return []
    if b"Statement" not in old and b"Statement" not in new:
        return []  # not a policy document: a retention policy, an app's own data
    if not named and not all(b"Statement" in data and b"Effect" in data for data in (old, new)):
        return []  # a template that holds something else (a user-data script, a Helm helper)
    before, after = _statements(old), _statements(new)
    if before is not None and after is not None:
        if before == after or (after and _allows_less(before, after)):
            return []  # the same statements, reordered or laid out anew; or only some of them, or of their actions
        how = "its statements changed"
    else:
        how = "a template that is no JSON until Terraform renders it, compared as text"
    return [finding("security", change.path, (
        f"IAM policy document changed ({how}): it decides who or what can reach a resource"
    ))]


def _added(change: Change, context: Context) -> list[Finding]:
    """A policy document the change set adds: whatever attaches it (a resource added beside it, or one that
    already attaches every document of its folder) gives someone what it allows, or denies them what it denies."""
    new = context.new(change)
    if new is None or is_binary(new) or b"Statement" not in new or b"Effect" not in new:
        return []
    if _statements(new) == ():
        return []  # a document with no statements grants nothing
    return [finding("security", change.path, "IAM policy document added: it decides who or what can reach a resource")]


def _allows_less(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """Every statement after the change is one before it, or an `Allow` of one before it with only some of its
    actions or resources (`s3:ListObject` taken out of a list): the document allows less, never more."""
    old = [json.loads(statement) for statement in before]
    return all(any(_within(json.loads(statement), was) for was in old) for statement in after)


def _within(new: Any, old: Any) -> bool:
    if new == old:
        return True
    if not (isinstance(new, dict) and isinstance(old, dict)) or new.keys() != old.keys():
        return False
    if new.get("Effect") != "Allow" or old.get("Effect") != "Allow":
        return False  # a denial that names fewer actions denies less
    return all(set(_listed(new[key])) <= set(_listed(old[key])) if key in ("Action", "Resource")
               else new[key] == old[key] for key in new)


def _listed(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [json.dumps(v, sort_keys=True) for v in values]


def _statements(data: bytes) -> tuple[str, ...] | None:
    """The document's statements, each as canonical JSON, in order; None if it is no JSON policy document."""
    try:
        document: Any = json.loads(data)
    except (ValueError, RecursionError):
        return None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return None
    return tuple(sorted(json.dumps(s, sort_keys=True) for s in statements))
