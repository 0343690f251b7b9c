"""The `cloud` finding type, its constructor and which files it reads: shared by the classifier and its readers."""

from __future__ import annotations

from ownership_gate.classifiers import patterns
from ownership_gate.model import Finding

TYPE = "cloud"


_CLOUDFORMATION_NAMES = ("template.yaml", "template.yml", "template.json")


def is_terraform(path: str) -> bool:
    return path.endswith(".tf")


# Terraform backend configurations (backends.py): Terraform's own `*.tfbackend`, `backend.hcl`,
# `production.backend.tfvars`; a bare `production.backend` counts only next to `.tf` files.
BACKEND_NAMED = patterns.compile(r"(?:\.tfbackend|(?:^|\.)backend\.(?:hcl|tfvars))$")


def is_backend_config(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return bool(BACKEND_NAMED.search(name)) or (name.endswith(".backend") and name != ".backend")


def is_variable_file(path: str) -> bool:
    """A Terraform variable file (`production.tfvars`, `config/test.tfvars.json`), not a backend's (above)."""
    return path.endswith((".tfvars", ".tfvars.json")) and not is_backend_config(path)


# IAM policy documents in files of their own (policy_documents.py): `policy.json`, `backup_policy.tpl`, `iam/ci.json`.
_POLICY_NAMED = patterns.compile(
    r"(?i)(?:^|/)(?:[^/]*polic(?:y|ies)[^/]*|iam/[^/]+)\.(?:json|json\.tpl|json\.tftpl|tpl|tftpl)$"
)
_NOT_SHIPPED = patterns.compile(r"(?i)(?:^|/)(?:tests?|spec|fixtures?|testdata|examples?|docs?|node_modules|vendor)/")


def is_policy_file(path: str) -> bool:
    """A file named for an IAM policy, outside tests, examples, docs and vendored code."""
    return bool(_POLICY_NAMED.search(path)) and not _NOT_SHIPPED.search(path)


# A JSON file of any name in a folder of policies (`terraform/policies/dynamo_key_access.json`,
# `src/api/delete/policies/dynamodb.json`, whose documents a configuration attaches by folder): read as a policy
# file when what it holds is a policy document (policy_documents.py).
_POLICY_FOLDER = patterns.compile(r"(?i)(?:^|/)polic(?:y|ies)/(?:[^/]+/)*[^/]+\.(?:json|json\.tpl|json\.tftpl)$")


def in_policy_folder(path: str) -> bool:
    """A JSON file in a folder of policies, outside tests, examples, docs and vendored code."""
    return bool(_POLICY_FOLDER.search(path)) and not _NOT_SHIPPED.search(path)


# A Terraform template (`templatefile("read_write_user.tpl", ...)`) of any name: read as a policy file when what
# it holds is a policy document (policy_documents.py), whatever it is named for.
_TEMPLATE = patterns.compile(r"(?i)\.(?:tpl|tftpl)$")


def is_template(path: str) -> bool:
    """A Terraform template, outside tests, examples, docs and vendored code."""
    return bool(_TEMPLATE.search(path)) and not _NOT_SHIPPED.search(path)


# What every CloudFormation template, or fragment of one, holds somewhere: a resource type or the template's version.
CLOUDFORMATION_MARKS = ("AWS::", "Custom::", "AWSTemplateFormatVersion")
_MARK_BYTES = tuple(mark.encode() for mark in CLOUDFORMATION_MARKS)


def names_stack(data: bytes | None) -> bool:
    """Whether the content holds a mark of CloudFormation (`CLOUDFORMATION_MARKS`)."""
    return data is not None and any(mark in data for mark in _MARK_BYTES)


def maybe_cloudformation(path: str) -> bool:
    """A YAML or JSON file that may be a CloudFormation template (the content decides)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name in _CLOUDFORMATION_NAMES:
        return True
    parts = path.lower().split("/")
    return name.endswith((".yaml", ".yml", ".json", ".template")) and any(
        p in ("cloudformation", "cfn", "stacks", "templates") for p in parts[:-1]
    )


def may_hold_cloudformation(path: str) -> bool:
    """`maybe_cloudformation`, or any YAML file outside tests, examples, docs and vendored code: templates and
    the fragments a build joins into one (`iac/main/resources/buckets.yml`) live in folders of any name, and
    only their content (`Type: AWS::...`) tells."""
    return maybe_cloudformation(path) or (path.lower().endswith((".yaml", ".yml")) and not _NOT_SHIPPED.search(path)
                                          and not path.startswith((".github/", ".gitlab")))


# Resources that only watch others: alarms, dashboards, saved log queries and metrics drawn from logs. They hold
# no data, open nothing and cost cents a month, so one created, dropped or renamed is `monitoring`, not `added`.
# A notification channel or a synthetic check is not here: one sends data out, the other runs code and bills.
MONITORING_TYPES = frozenset({
    "aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm", "aws_cloudwatch_dashboard",
    "aws_cloudwatch_query_definition", "aws_cloudwatch_log_metric_filter",
    "google_monitoring_alert_policy", "google_monitoring_dashboard", "google_logging_metric",
    "azurerm_monitor_metric_alert", "azurerm_monitor_activity_log_alert", "azurerm_monitor_scheduled_query_rules_alert",
    "azurerm_monitor_scheduled_query_rules_alert_v2", "azurerm_portal_dashboard",
    "datadog_monitor", "datadog_dashboard", "datadog_dashboard_json",
    "grafana_dashboard", "grafana_rule_group",
    "newrelic_alert_condition", "newrelic_nrql_alert_condition", "newrelic_one_dashboard", "newrelic_alert_policy",
    # Who is paged, and through what: on-call services, their integrations, schedules and escalations.
    "pagerduty_service", "pagerduty_service_integration", "pagerduty_slack_connection", "pagerduty_schedule",
    "pagerduty_escalation_policy", "pagerduty_service_dependency", "azurerm_monitor_action_group",
    "google_monitoring_notification_channel", "google_monitoring_uptime_check_config",
    "datadog_service_level_objective", "datadog_synthetics_test", "grafana_contact_point",
    # Dynatrace's alerts, dashboards, service-level objectives and anomaly detection, the tags it gives what it
    # watches and the rules that group a web application's pages, and which of its agent's features watch what.
    "dynatrace_metric_events", "dynatrace_alerting", "dynatrace_json_dashboard", "dynatrace_dashboard",
    "dynatrace_slo", "dynatrace_slo_v2", "dynatrace_custom_tags", "dynatrace_application_detection_rule",
    "dynatrace_custom_app_crash_rate", "dynatrace_aws_anomalies", "dynatrace_oneagent_features",
    "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm", "AWS::CloudWatch::Dashboard",
    "AWS::Logs::MetricFilter", "AWS::Logs::QueryDefinition",
})


def watches(resource_type: str) -> bool:
    """Whether a resource of this type only watches others (`MONITORING_TYPES`)."""
    return resource_type in MONITORING_TYPES


# Tables, views and routines of an analytics warehouse: schema inside a dataset or catalogue that exists, as a
# migration's new table is. One added holds no data yet and opens nothing (who reads it is the dataset's access):
# `table`. One removed takes its data with it and stays `removed`.
TABLE_TYPES = frozenset({
    "google_bigquery_table", "google_bigquery_routine", "aws_glue_catalog_table", "snowflake_table",
    "snowflake_view", "AWS::Glue::Table",
})


def watched(kind: str, resource_type: str) -> str:
    """`kind` (`added`, `removed`, `count`), or `monitoring` for a resource that only watches others, or
    `table` for a warehouse table added."""
    if watches(resource_type):
        return "monitoring"
    return "table" if kind == "added" and resource_type in TABLE_TYPES else kind


# DNS records that point a name at an address or another name (A, AAAA, CNAME, an alias). One added holds
# nothing, costs nothing and opens nothing: what it points at decides who reaches what. Removing or replacing
# one can take a service off the air, and mail, delegation and certificate records (MX, TXT, NS, CAA) say who
# may send mail as the domain, answer for it or issue its certificates: those stay what they are.
_POINTING_TYPES = frozenset({
    "azurerm_dns_a_record", "azurerm_dns_aaaa_record", "azurerm_dns_cname_record",
    "azurerm_private_dns_a_record", "azurerm_private_dns_aaaa_record", "azurerm_private_dns_cname_record",
})
# Resource types of any DNS record, whose `type` (`Type`) says which.
_RECORD_TYPES = frozenset({
    "aws_route53_record", "google_dns_record_set", "cloudflare_record", "cloudflare_dns_record",
    "digitalocean_record", "dnsimple_zone_record", "AWS::Route53::RecordSet",
})
_POINTING = frozenset({"A", "AAAA", "CNAME"})


def points_a_name(resource_type: str, record_type: object) -> bool:
    """Whether a resource of this type, its record `type` as written (a literal, else None), is a DNS record
    that only points a name at an address or another name."""
    if resource_type in _POINTING_TYPES:
        return True
    return resource_type in _RECORD_TYPES and isinstance(record_type, str) and record_type.upper() in _POINTING


def finding(kind: str, subject: str, detail: str, line: int | None = None) -> Finding:
    return Finding(type=TYPE, kind=kind, subject=subject, detail=detail, line=line)
