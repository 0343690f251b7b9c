"""`cloud` findings: which cloud resources a Terraform or CloudFormation change creates, destroys or opens up.

Terraform files are read per module (a directory), across every changed
`.tf` file in it, so a block moved from `main.tf` to `network.tf` is no
change at all. CloudFormation templates are read per template. Kinds:

- `added`, `removed`: a resource or module block appears or goes (the
  subject is its address, `aws_db_instance.main`, `module.vpc`, or the
  template's logical id);
- `replaced`: the same resource under a new address or type, which
  destroys and recreates it (a Terraform `moved` block saying so keeps it),
  or an argument its provider cannot change in place written anew
  (force_new.py: a bucket's or role's name);
- `count`: how many instances of a resource or module Terraform manages
  may change: its `count` or `for_each` changed, or a local value it reads
  did (in the files of the change set), or a variable's default it reads or
  walks (tfvars.py judges both);
- `data`: a data source added, removed or changed (reads only);
- `monitoring`: an alarm, dashboard, saved log query or log metric added,
  removed, replaced or recounted (`findings.MONITORING_TYPES`): it only
  watches other resources;
- `dns`: a DNS record that points a name at an address or another name
  (A, AAAA, CNAME) added (`findings.points_a_name`): it holds nothing and
  opens nothing; one removed or replaced stays `removed` or `replaced`;
- `security`: an existing resource's security-sensitive settings changed:
  security groups and their rules, firewalls, CIDR ranges, IAM policies and
  roles, public access, encryption and keys, TLS, passwords (by attribute
  name, or any change to a resource whose whole purpose is one of these);
- `engine`: a managed database's or cache's engine version names another
  major (`engine_version = "15.7"` -> `"16.3"`), or a managed Kubernetes
  control plane another release (`cluster_version = "1.26"` -> `"1.27"`), in
  a resource, a module call, a variable's default or a variable file
  (engine.py);
- `unparsed`: a changed block or template does not parse, so none of the
  above can be ruled out.

A file named for an IAM policy (`policy.json`, `s3_writer_policy.tpl`) whose
statements changed is `security` (policy_documents.py).

A variable file (`*.tfvars`, `*.tfvars.json`) is read by what reads its
values (`tfvars.py`): one that changes what a `count` or `for_each` of its
configuration walks is `count`.

A Terraform backend configuration added or deleted (`production.tfbackend`,
see `backends.py`) is `added` or `removed` too: the whole configuration in
its folder applied to one more state, or to one fewer.

Other attribute changes (sizes, tags, timeouts) are not findings here: the
cost classifier reads what drives spend, and provider or module version
bumps are dependency findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.classifiers.cloud.findings import TYPE as TYPE
from ownership_gate.classifiers.cloud.findings import (
    in_policy_folder,
    is_backend_config,
    is_policy_file,
    is_template,
    is_terraform,
    is_variable_file,
    may_hold_cloudformation,
    maybe_cloudformation,
    names_stack,
)
from ownership_gate.classifiers.infra.names import cloud_foundry_manifest
from ownership_gate.model import Change, Finding

KINDS: tuple[str, ...] = (
    "added", "removed", "replaced", "count", "data", "monitoring", "dns", "table", "security", "engine", "unparsed",
)
SETTINGS: Mapping[str, str] = {}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
    return {p for p in paths.all
            if is_terraform(p) or may_hold_cloudformation(p) or is_backend_config(p) or is_variable_file(p)
            or is_policy_file(p) or is_template(p) or in_policy_folder(p) or cloud_foundry_manifest(p)}


def classify(change: Change, context: Context) -> list[Finding]:
    if is_backend_config(change.path):
        from ownership_gate.classifiers.cloud import backends

        return backends.findings(change, context)
    if is_variable_file(change.path):
        from ownership_gate.classifiers.cloud import tfvars

        return tfvars.findings(change, context)
    # A file named for a policy in a folder of templates (`terraform/templates/iam_policy.json`) is a policy
    # document unless it holds what a CloudFormation template holds.
    named = is_policy_file(change.path) and not (
        maybe_cloudformation(change.path) and (names_stack(context.old(change)) or names_stack(context.new(change))))
    if named or is_template(change.path) or in_policy_folder(change.path):
        from ownership_gate.classifiers.cloud import policy_documents

        return policy_documents.findings(change, context, named=named)
    if is_terraform(change.path) or (change.old_path and is_terraform(change.old_path)):
        from ownership_gate.classifiers.cloud import terraform

        return terraform.findings(change, context)
    if cloud_foundry_manifest(change.path):
        from ownership_gate.classifiers.cloud import cloudfoundry

        found = cloudfoundry.findings(change, context)
        if found or not maybe_cloudformation(change.path):
            return found
    from ownership_gate.classifiers.cloud import cloudformation

    return cloudformation.findings(change, context)
