"""Settings a provider cannot change in place: written anew, the resource is destroyed and created again.

Renaming a bucket (`bucket`, `bucket_prefix`), a role, a queue or a table,
or moving a database or a cluster to another location, looks like a one-line
edit in review; `terraform plan` shows `forces replacement`, and what the
resource held (objects, messages, rows, keys, logs, the trust other accounts
put in a role's ARN, everything in a network or resource group) goes with
the old one. The table lists, per resource type, the arguments its provider
marks as forcing a new resource, for the types that hold data, identity or
the network others sit in; a load balancer, a target group, a node group or
a function recreated holds nothing and is left out. Only a literal written
on both sides is compared, or a string that reads the same values in the same
order around other text (`"${var.env}-logs"` -> `"${var.env}-audit-logs"`):
`"${var.env}-logs"` -> `"${local.env}-logs"` may name the same thing, and
what a variable holds is judged where it is set. A string written out is
compared with one that reads values only where no value could make them
the same (`"${var.namespace}-stacks"` -> `"stacks-api"`: the second does not
end in `-stacks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ownership_gate.classifiers.cloud.findings import finding
from ownership_gate.formats import hcl
from ownership_gate.model import Finding

_BY_TYPE: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("bucket", "bucket_prefix"),
    "aws_iam_role": ("name", "name_prefix", "path"),  # other accounts and services trust its ARN
    # An RDS instance's `identifier` is renamed in place (provider 5.x); its encryption and zone are not.
    "aws_db_instance": ("storage_encrypted", "kms_key_id", "availability_zone"),
    "aws_rds_cluster": ("cluster_identifier", "cluster_identifier_prefix", "storage_encrypted", "kms_key_id",
                        "database_name", "master_username"),
    "aws_dynamodb_table": ("name", "hash_key", "range_key"),
    "aws_sqs_queue": ("name", "name_prefix", "fifo_queue"),
    "aws_sns_topic": ("name", "name_prefix", "fifo_topic"),
    "aws_kinesis_stream": ("name",),
    "aws_ecr_repository": ("name",),
    "aws_eks_cluster": ("name",),
    # The cluster a service runs in, and the namespace its service discovery names sit in: every service
    # in them is recreated with them.
    "aws_ecs_cluster": ("name",),
    "aws_service_discovery_private_dns_namespace": ("name", "vpc"),
    "aws_service_discovery_public_dns_namespace": ("name",),
    "aws_elasticache_replication_group": ("replication_group_id",),
    "aws_elasticache_cluster": ("cluster_id",),
    "aws_efs_file_system": ("creation_token", "encrypted", "kms_key_id"),
    "aws_secretsmanager_secret": ("name", "name_prefix"),
    "aws_kms_key": ("customer_master_key_spec", "key_usage"),
    "aws_cloudwatch_log_group": ("name", "name_prefix"),
    "aws_vpc": ("cidr_block",),
    "aws_subnet": ("cidr_block", "availability_zone", "vpc_id"),
    "aws_opensearch_domain": ("domain_name",),
    "aws_elasticsearch_domain": ("domain_name",),
    "aws_mq_broker": ("broker_name", "engine_type"),
    "aws_msk_cluster": ("cluster_name",),
    "google_storage_bucket": ("name", "location"),
    "google_sql_database_instance": ("name", "region"),
    "google_sql_database": ("name", "instance"),
    "google_container_cluster": ("name", "location"),
    "google_service_account": ("account_id",),
    "google_bigquery_dataset": ("dataset_id", "location"),
    "google_bigquery_table": ("dataset_id", "table_id"),
    "google_redis_instance": ("name", "region"),
    "google_pubsub_topic": ("name",),
    "google_pubsub_subscription": ("name", "topic"),
    "google_compute_network": ("name",),
    "google_compute_subnetwork": ("name", "network", "region"),
    "google_compute_disk": ("name", "zone", "type"),
    "google_kms_key_ring": ("name", "location"),
    "google_kms_crypto_key": ("name", "key_ring"),
    "google_secret_manager_secret": ("secret_id",),
    "google_artifact_registry_repository": ("repository_id", "location", "format"),
    "google_spanner_instance": ("name", "config"),
    "google_filestore_instance": ("name", "location", "tier"),
    "google_project": ("project_id",),  # its `name` is only what it is called
}
# Azure replaces a resource moved to another name, resource group or region; the types that hold data,
# identity or the network others sit in.
_AZURE = ("name", "resource_group_name", "location")
_AZURE_HOLDS = re.compile(
    r"^azurerm_(?:resource_group|storage_account|storage_container|storage_share|key_vault|kubernetes_cluster"
    r"|container_registry|cosmosdb_\w+|redis_cache|servicebus_namespace|eventhub_namespace|virtual_network|subnet"
    r"|user_assigned_identity|log_analytics_workspace|(?:mssql|mysql|mariadb|postgresql)_\w*(?:server|database)"
    r"|sql_server|sql_database|managed_disk|search_service)$"
)


def settings(resource_type: str) -> tuple[str, ...]:
    """The arguments of `resource_type` that force a new resource when they change."""
    if _AZURE_HOLDS.match(resource_type):
        return _AZURE
    return _BY_TYPE.get(resource_type, ())


def replaced(
    address: str, resource_type: str, before: hcl.Block, after: hcl.Block, ignored: frozenset[str]
) -> Finding | None:
    """A `replaced` finding when a literal argument the provider cannot change in place was written anew."""
    for name in settings(resource_type):
        if name in ignored:
            continue
        was, now = (block.body.attributes.get(name) for block in (before, after))
        if was is None or now is None or was.value == now.value:
            continue
        if not (_literal(was.value) and _literal(now.value)) and not renamed_around(was.value, now.value) and not (
                never_the_same(was.value, now.value)):
            continue
        return finding("replaced", address, (
            f"{name}: {_shown(was.value)} -> {_shown(now.value)}: the provider cannot change it in place, so"
            " Terraform destroys the resource and creates a new one (what it holds goes with the old one)"
        ), after.line)
    return None


# A variable read in an argument (`"${var.cluster_name}_${var.name}_forwarder"`, `var.name`).
VARIABLE = re.compile(r"\bvar\.([A-Za-z_][\w-]*)")
# A module call's arguments that are not inputs of the called module.
_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def replaced_through(
    address: str, before: hcl.Block, after: hcl.Block, called: Iterable[hcl.Block],
    ignored: Callable[[hcl.Block], frozenset[str]],
) -> Finding | None:
    """A `replaced` finding when a module call's literal input was written anew (`name = "pods"` -> `"eks"`)
    and the called module, read from this repository, writes that input into an argument its provider
    cannot change in place (an `aws_iam_role`'s `name = "${var.cluster_name}_${var.name}_forwarder"`)."""
    changed: dict[str, tuple[object, object]] = {}
    for name, now in after.body.attributes.items():
        was = before.body.attributes.get(name)
        if name in _META or was is None or not _literal(was.value) or not _literal(now.value) or was.value == now.value:
            continue
        changed[name] = (was.value, now.value)
    if not changed:
        return None
    for block in called:
        if block.type != "resource" or len(block.labels) < 2:
            continue
        for setting in settings(block.labels[0]):
            argument = block.body.attributes.get(setting)
            if argument is None or setting in ignored(block):
                continue
            text = argument.value if isinstance(argument.value, str) else getattr(argument.value, "text", "")
            read = next((name for name in VARIABLE.findall(text) if name in changed), None)
            if read is None:
                continue
            before_value, after_value = changed[read]
            resource = ".".join(block.labels[:2])
            return finding("replaced", f"{address}.{resource}", (
                f"{read}: {_shown(before_value)} -> {_shown(after_value)} names the module's {resource} anew"
                f" ({setting}): the provider cannot change it in place, so Terraform destroys it and creates a new"
                " one (what it holds goes with the old one)"
            ), after.line)
    return None


# An interpolation in a string (`${var.env}`); a template directive (`%{ if ... }`) makes a string unread.
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")


def renamed_around(was: object, now: object) -> bool:
    """Two strings that read the same values in the same order around other text (`"${var.env}-logs"` ->
    `"${var.env}-audit-logs"`): whatever the values, the name is another."""
    was, now = _template(was), _template(now)
    if was is None or now is None or "%{" in was or "%{" in now:
        return False
    old_reads, new_reads = _INTERPOLATION.findall(was), _INTERPOLATION.findall(now)
    if not old_reads or [r.strip() for r in old_reads] != [r.strip() for r in new_reads]:
        return False
    return _INTERPOLATION.split(was)[::2] != _INTERPOLATION.split(now)[::2]


def never_the_same(was: object, now: object) -> bool:
    """A string written out and a string that reads values, whose text before the first value or after the
    last one the other cannot have (`"${var.namespace}-stacks"` -> `"stacks-api"`): whatever the values
    hold, the name is another."""
    texts = [text for text in (_template(was), _template(now)) if text is not None and "%{" not in text]
    plain = [text for text in texts if not _INTERPOLATION.search(text)]
    read = [text for text in texts if _INTERPOLATION.search(text)]
    if len(plain) != 1 or len(read) != 1:
        return False
    parts = _INTERPOLATION.split(read[0])
    prefix, suffix, written = parts[0], parts[-1], plain[0]
    return not (written.startswith(prefix) and written.endswith(suffix) and len(written) >= len(prefix) + len(suffix))


def _template(value: object) -> str | None:
    """A string's text, interpolations and all (a quoted template is read as an expression)."""
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)
    if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1]:
        return text[1:-1]
    return None


def _literal(value: object) -> bool:
    """A value written out: a string without interpolation, a number, a flag, or a list of those."""
    if isinstance(value, list):
        return all(_literal(item) for item in value)
    if isinstance(value, str):
        return "${" not in value
    return isinstance(value, (int, float, bool))


def _shown(value: object) -> str:
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text  # an expression as written: `"${var.env}-deployer"`
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
