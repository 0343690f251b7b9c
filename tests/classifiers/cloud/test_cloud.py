"""`cloud` findings: Terraform and CloudFormation judged by the resources they create and open, in real repositories."""

from __future__ import annotations

import pytest

from tests.conftest import Repo, findings, kinds_and_subjects, run_json

POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
default_level: engineer
rules:
  - id: cloud
    level: cto
    when: {type: cloud, kind: [added, removed, replaced, count, security, unparsed]}
    reason: Cloud resources and who can reach them are one-way doors.
"""

MAIN = """\
resource "aws_db_instance" "main" {
  identifier        = "app"
  engine            = "postgres"
  instance_class    = "db.t3.medium"
  allocated_storage = 20
  publicly_accessible = false
  tags = { team = "core" }
}

resource "aws_security_group" "db" {
  name = "db"
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  cidr    = "10.0.0.0/16"
}
"""

VERSIONS = """\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.40" }
  }
}
"""

VARIABLES = """\
variable "enable_public_access" {
  type    = bool
  default = false
}
"""



@pytest.fixture
def infra(repo: Repo) -> str:
    return repo.commit({
        ".ownership-gate.yaml": POLICY,
        "infra/main.tf": MAIN,
        "infra/versions.tf": VERSIONS,
        "infra/variables.tf": VARIABLES,
    })


def test_provider_bump_tags_and_sizes_are_not_cloud_findings(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({
        "infra/versions.tf": VERSIONS.replace("~> 5.40", "~> 5.60"),
        "infra/main.tf": MAIN.replace('team = "core"', 'team = "platform"').replace("20\n", "40\n"),
    })
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_new_database_and_removed_module(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    main = MAIN.split('module "vpc"')[0] + """\
resource "aws_db_instance" "replica" {
  identifier     = "app-replica"
  instance_class = "db.t3.medium"
}
"""
    repo.commit({"infra/main.tf": main})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("added", "aws_db_instance.replica"), ("removed", "module.vpc")]
    assert code == 1


def test_block_moved_to_another_file_is_no_change(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    head, _, rest = MAIN.partition('resource "aws_security_group" "db"')
    repo.commit({"infra/main.tf": head, "infra/network.tf": 'resource "aws_security_group" "db"' + rest})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


ROOT = """\
terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "mdn/shared.tfstate"
    region = "us-west-2"
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "mdn-assets"
}
"""
EFS = """\
resource "aws_efs_file_system" "shared" {
  creation_token = "mdn-shared"
}
"""


@pytest.mark.parametrize(("files", "changed", "expected"), [
    # Moved whole, with its state in a backend written out: the same configuration.
    ({"main.tf": ROOT, "efs.tf": EFS}, {}, []),
    # Kept in local state: the new folder starts with none.
    ({"main.tf": 'provider "aws" {\n  region = "us-west-2"\n}\n', "efs.tf": EFS}, {},
     [("added", "aws_efs_file_system.shared"), ("removed", "aws_efs_file_system.shared")]),
    # A backend whose key Terraform computes may point the new folder at other state.
    ({"main.tf": ROOT.replace('"mdn/shared.tfstate"', '"${var.env}/shared.tfstate"'), "efs.tf": EFS}, {},
     [("added", "aws_efs_file_system.shared"), ("added", "aws_s3_bucket.assets"),
      ("removed", "aws_efs_file_system.shared"), ("removed", "aws_s3_bucket.assets")]),
    # Moved and changed: judged as ever.
    ({"main.tf": ROOT, "efs.tf": EFS}, {"efs.tf": EFS.replace('"mdn-shared"', '"mdn-shared-2"')},
     [("added", "aws_efs_file_system.shared"), ("added", "aws_s3_bucket.assets"),
      ("removed", "aws_efs_file_system.shared"), ("removed", "aws_s3_bucket.assets")]),
])
def test_a_root_configuration_moved_whole_to_another_folder(
    repo: Repo, capsys: pytest.CaptureFixture[str], files: dict[str, str], changed: dict[str, str],
    expected: list[tuple[str, str]],
) -> None:
    base = repo.commit({f"apps/mdn/shared/{name}": text for name, text in files.items()})
    repo.git("mv", "apps/mdn/shared", "apps/mdn/infra-shared")
    repo.commit({f"apps/mdn/infra-shared/{name}": text for name, text in changed.items()})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


ECR_MODULE = """\
resource "aws_ecr_repository" "app" {
  name = "gdx-data-share"
}

module "scan_bucket" {
  source = "../../../modules/s3"
  name   = "ecr-scans"
}
"""
CALLER = 'module "ecr" {\n  source = "./modules/ecr"\n}\n'


@pytest.mark.parametrize(("module", "caller", "expected"), [
    # Moved with its caller, its own local source rewritten to reach the same folder: the same resources.
    (ECR_MODULE.replace("../../../modules/s3", "../s3"), CALLER.replace("./modules/ecr", "../modules/ecr"), []),
    # Its call left pointing at the old folder: what it created is gone, and nothing calls it where it is now.
    (ECR_MODULE.replace("../../../modules/s3", "../s3"), None,
     [("removed", "aws_ecr_repository.app"), ("removed", "module.scan_bucket")]),
    # Moved and changed beyond its sources: judged as ever.
    (ECR_MODULE.replace("../../../modules/s3", "../s3").replace('"gdx-data-share"', '"gdx"'),
     CALLER.replace("./modules/ecr", "../modules/ecr"),
     [("added", "aws_ecr_repository.app"), ("added", "module.scan_bucket"),
      ("removed", "aws_ecr_repository.app"), ("removed", "module.scan_bucket")]),
])
def test_a_module_moved_whole_with_its_caller_creates_the_same_resources(
    repo: Repo, capsys: pytest.CaptureFixture[str], module: str, caller: str | None,
    expected: list[tuple[str, str]],
) -> None:
    base = repo.commit({"terraform/shared/modules/ecr/ecr.tf": ECR_MODULE, "terraform/shared/main.tf": CALLER,
                        "terraform/modules/s3/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n'})
    (repo.root / "terraform/modules/ecr").mkdir(parents=True)
    repo.git("mv", "terraform/shared/modules/ecr/ecr.tf", "terraform/modules/ecr/ecr.tf")
    repo.commit({"terraform/modules/ecr/ecr.tf": module, **({"terraform/shared/main.tf": caller} if caller else {})})
    code, doc = run_json(capsys, "--base", base)
    assert sorted(kinds_and_subjects(doc, "cloud")) == expected
    assert code == (1 if expected else 0)


EFS_MODULE = 'resource "aws_efs_file_system" "shared" {\n  creation_token = var.name\n}\n\nvariable "name" {}\n'


@pytest.mark.parametrize(("providers", "expected"), [
    # A library module moved as it is, nothing in the change set calling it: it creates nothing itself.
    (VERSIONS, []),
    # One that configures its provider may be applied itself, a root whose state stays behind.
    ('provider "aws" {\n  region = "eu-west-2"\n}\n',
     [("added", "aws_efs_file_system.shared"), ("removed", "aws_efs_file_system.shared")]),
])
def test_a_library_module_moved_whole_and_unchanged_changes_no_resource(
    repo: Repo, capsys: pytest.CaptureFixture[str], providers: str, expected: list[tuple[str, str]],
) -> None:
    base = repo.commit({"terraform/modules/2-nbs7/efs/main.tf": EFS_MODULE,
                        "terraform/modules/2-nbs7/efs/providers.tf": providers})
    repo.git("mv", "terraform/modules/2-nbs7", "terraform/modules/1-nbs7")
    repo.commit({})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


IRSA = """\
module "cert_manager_irsa" {
  source                     = "SOURCE"
  version                    = "6.2.3"
  name                       = "cert-manager"
  attach_cert_manager_policy = true
}
"""


@pytest.mark.parametrize(("source", "expected"), [
    # An IAM module's inputs naming resources by ARN are what the role it makes may reach.
    ("terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts", [("security", "module.cert_manager_irsa")]),
    # Another module's ARN inputs are judged by their names, as any input is.
    ("terraform-aws-modules/route53/aws//modules/records", []),
])
def test_the_arns_an_iam_modules_role_may_reach(
    repo: Repo, capsys: pytest.CaptureFixture[str], source: str, expected: list[tuple[str, str]],
) -> None:
    call = IRSA.replace("SOURCE", source)
    base = repo.commit({".ownership-gate.yaml": POLICY, "eks/irsa.tf": call})
    repo.commit({"eks/irsa.tf": call.replace("true\n}", 'true\n  cert_manager_hosted_zone_arns = var.zone_arns\n}')
                 + 'variable "zone_arns" {\n  type = list(string)\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


def test_part_of_a_folder_moved_is_judged(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"shared/main.tf": ROOT, "shared/efs.tf": EFS})
    (repo.root / "efs").mkdir()
    repo.git("mv", "shared/efs.tf", "efs/efs.tf")
    repo.commit({})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("added", "aws_efs_file_system.shared"),
                                                ("removed", "aws_efs_file_system.shared")]
    assert code == 1


def test_renamed_resource_is_replaced_unless_a_moved_block_says_so(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = MAIN.replace('"aws_db_instance" "main"', '"aws_db_instance" "primary"')
    base = repo.commit({"infra/main.tf": MAIN})
    repo.commit({"infra/main.tf": renamed})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("replaced", "aws_db_instance.primary")]
    assert code == 1

    moved = renamed + "\nmoved {\n  from = aws_db_instance.main\n  to   = aws_db_instance.primary\n}\n"
    repo.commit({"infra/main.tf": moved})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []


ALARMS = """\
resource "aws_cloudwatch_metric_alarm" "queue_stuck_critical" {
  alarm_name          = "queue-stuck-critical"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "ApproximateAgeOfOldestMessage"
  namespace           = "AWS/SQS"
  period              = 300
  statistic           = "Maximum"
  threshold           = 2700
}

resource "aws_cloudwatch_query_definition" "errors" {
  name         = "errors"
  query_string = "fields @timestamp, @message | filter @message like /ERROR/"
}
"""


def test_alarms_and_saved_queries_are_monitoring_not_new_resources(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/alarms.tf": ALARMS})
    renamed = ALARMS.replace('"queue_stuck_critical"', '"dedicated_queue_stuck_critical"').replace("2700", "3600")
    repo.commit({"infra/alarms.tf": renamed + 'resource "aws_sqs_queue" "dead_letters" {\n  name = "dead"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [
        ("added", "aws_sqs_queue.dead_letters"),
        ("monitoring", "aws_cloudwatch_metric_alarm.dedicated_queue_stuck_critical"),
        ("monitoring", "aws_cloudwatch_metric_alarm.queue_stuck_critical"),
    ]
    assert code == 1  # the queue; the alarms alone would pass, as the next change shows

    repo.commit({"infra/alarms.tf": renamed})
    code, doc = run_json(capsys, "--base", base)
    assert {kind for kind, _ in kinds_and_subjects(doc, "cloud")} == {"monitoring"}
    assert code == 0


DYNATRACE = """\
resource "dynatrace_metric_events" "cpu_critical" {
  enabled = true
  summary = "CPU critical"
  event_template {
    title      = "CPU critical"
    event_type = "ERROR"
    metadata {
      metadata_key   = "team"
      metadata_value = "platform"
    }
  }
}
"""


def test_dynatrace_alerts_and_tags_are_monitoring(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/dynatrace.tf": DYNATRACE})
    # An alert's settings changed (its `metadata`, a key a security setting also has), and tags given to an app.
    repo.commit({"infra/dynatrace.tf": DYNATRACE.replace('"platform"', '"core-cloud"')
                 + 'resource "dynatrace_custom_tags" "web" {\n  entity_selector = "type(APPLICATION)"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("monitoring", "dynatrace_custom_tags.web")]
    assert code == 0


ON_CALL = """\
resource "pagerduty_service" "sprinkler" {
  name              = "Sprinkler"
  escalation_policy = data.pagerduty_escalation_policy.default.id
}

resource "pagerduty_service_integration" "sprinkler" {
  name    = "Cloudwatch"
  service = pagerduty_service.sprinkler.id
  vendor  = data.pagerduty_vendor.cloudwatch.id
}

resource "pagerduty_slack_connection" "sprinkler" {
  source_id  = pagerduty_service.sprinkler.id
  source_type = "service_reference"
  channel_id = "C0123"
}
"""


def test_who_is_paged_is_monitoring(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/alarms.tf": ALARMS})
    repo.commit({"infra/pagerduty.tf": ON_CALL})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [
        ("monitoring", "pagerduty_service.sprinkler"),
        ("monitoring", "pagerduty_service_integration.sprinkler"),
        ("monitoring", "pagerduty_slack_connection.sprinkler"),
    ]
    assert code == 0


NETWORK = """\
locals {
  len_public  = length(var.public_subnets)
  len_private = length(var.private_subnets)
  max_subnets = max(local.len_public)
}

resource "aws_route_table" "private" {
  count  = length(var.azs)
  vpc_id = aws_vpc.this.id
}

resource "aws_nat_gateway" "this" {
  count     = local.max_subnets
  subnet_id = aws_subnet.public[count.index].id
}

resource "aws_ec2_tag" "vpc" {
  for_each    = var.tags
  resource_id = aws_vpc.this.id
  key         = each.key
  value       = each.value
}
"""


def test_how_many_instances_exist_is_a_cloud_change(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/network.tf": NETWORK})
    repo.commit({"infra/network.tf": NETWORK.replace("count  = length(var.azs)", "count  = length(var.private_subnets)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_route_table.private")]
    assert findings(doc, "cloud")[0]["detail"] == (
        "how many Terraform manages changed: count length(var.azs) -> length(var.private_subnets)"
    )
    assert code == 1


def test_a_count_reading_a_changed_local_is_a_cloud_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/network.tf": NETWORK})
    # The NAT gateways' count reads max_subnets, which now also counts private subnets.
    repo.commit({"infra/network.tf": NETWORK.replace("max(local.len_public)", "max(local.len_public, local.len_private)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_nat_gateway.this")]
    assert "reads local.max_subnets, which changed" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


def test_a_count_of_tags_or_an_unread_local_is_routine(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/network.tf": NETWORK})
    repo.commit({"infra/network.tf": NETWORK.replace("for_each    = var.tags", "for_each    = merge(var.tags, var.vpc_tags)")
                 .replace("len_private = length(var.private_subnets)", "len_private = length(var.private_subnets) + 0")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_terraform_fmt_layout_is_no_change(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    network = NETWORK.replace("count  = length(var.azs)", "count  = var.create && ! var.single ? length( var.azs ) : 0")
    base = repo.commit({"infra/network.tf": network})
    repo.commit({"infra/network.tf": network.replace("var.create && ! var.single ? length( var.azs ) : 0",
                                                     "var.create && !var.single ? length(var.azs) : 0")
                 .replace("subnet_id = aws_subnet.public[count.index].id", "subnet_id = aws_subnet.public[ count.index ].id")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    repo.commit({"infra/network.tf": network.replace("var.create && ! var.single", "var.create && var.single")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_route_table.private")]


def test_interpolation_only_strings_rewritten_as_expressions_are_no_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Terraform 0.12 upgrade's rewrite: `"${var.cidr}"` and `var.cidr` are one value."""
    old = MAIN.replace('cidr_blocks = ["10.0.0.0/16"]', 'cidr_blocks = ["${var.cidr}"]')
    base = repo.commit({"infra/main.tf": old})
    repo.commit({"infra/main.tf": MAIN.replace('cidr_blocks = ["10.0.0.0/16"]', "cidr_blocks = [var.cidr]")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    repo.commit({"infra/main.tf": MAIN.replace('cidr_blocks = ["10.0.0.0/16"]', "cidr_blocks = [var.open_cidr]")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_security_group.db")]
    assert code == 1


def test_a_count_that_comes_to_the_same_with_a_new_input_at_its_default(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/network.tf": NETWORK})
    repo.commit({
        "infra/network.tf": NETWORK.replace("count  = length(var.azs)", "count  = var.single_route_table ? 1 : length(var.azs)"),
        "infra/variables.tf": VARIABLES + 'variable "single_route_table" {\n  type    = bool\n  default = false\n}\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


CERTIFICATE_LOCALS = """\
locals {
  create_domain_name = var.create_domain_name && var.domain_name != ""
  create_certificate = local.create_domain_name && var.create_certificate
}
"""


@pytest.mark.parametrize(("default", "found"), [
    ("false", []),  # `&& !var.private_zone` with the new input at its default: the same
    ("true", [("security", "local.create_certificate")]),
])
def test_a_local_setting_that_comes_to_the_same_with_a_new_input_at_its_default(
    repo: Repo, capsys: pytest.CaptureFixture[str], default: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "main.tf": CERTIFICATE_LOCALS})
    repo.commit({
        "main.tf": CERTIFICATE_LOCALS.replace("&& var.create_certificate", "&& var.create_certificate && !var.private_zone"),
        "variables.tf": f'variable "private_zone" {{\n  type    = bool\n  default = {default}\n}}\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


def test_a_condition_moved_into_a_local_or_a_new_input_kept_at_true_is_no_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/network.tf": NETWORK})
    moved = NETWORK.replace("  max_subnets = max(local.len_public)\n",
                            "  max_subnets = max(local.len_public)\n  nat_count   = local.max_subnets\n")
    repo.commit({
        "infra/network.tf": moved.replace("count     = local.max_subnets", "count     = var.enable_nat ? local.nat_count : 0"),
        "infra/variables.tf": VARIABLES + 'variable "enable_nat" {\n  type    = bool\n  default = true\n}\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0

    # Defaulting to false, the new input turns the NAT gateways off for everyone.
    repo.commit({"infra/variables.tf": VARIABLES + 'variable "enable_nat" {\n  type    = bool\n  default = false\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_nat_gateway.this")]


def test_a_reference_moved_into_a_local_is_the_same_condition(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`local.enabled = module.this.enabled`: `local.enabled ? 1 : 0` is the very condition it replaced."""
    cluster = ('resource "aws_docdb_cluster" "default" {\n  count = %s ? 1 : 0\n}\n\n'
               'resource "aws_docdb_cluster_instance" "default" {\n  count = %s ? var.cluster_size : 0\n}\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "main.tf": cluster % (("module.this.enabled",) * 2)})
    repo.commit({"main.tf": "locals {\n  enabled = module.this.enabled\n}\n\n" + cluster % (("local.enabled",) * 2)})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    # A local that reads more is another condition.
    repo.commit({"main.tf": "locals {\n  enabled = module.this.enabled && var.create\n}\n\n"
                            + cluster % (("local.enabled",) * 2)})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_docdb_cluster.default"),
                                                ("count", "aws_docdb_cluster_instance.default")]


@pytest.mark.parametrize("added", [
    "  depends_on = [aws_db_instance.main]\n",
    # A replacement made before the old one goes: the same rules, applied in another order.
    "  lifecycle {\n    create_before_destroy = true\n  }\n",
])
def test_the_order_terraform_applies_things_in_is_no_security_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], added: str
) -> None:
    repo.commit({"infra/main.tf": MAIN.replace('resource "aws_security_group" "db" {\n  name = "db"\n',
                                               'resource "aws_security_group" "db" {\n  name = "db"\n' + added)})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # What else the lifecycle block says still counts: the group may no longer be destroyed.
    repo.commit({"infra/main.tf": MAIN.replace('resource "aws_security_group" "db" {\n  name = "db"\n',
                                               'resource "aws_security_group" "db" {\n  name = "db"\n'
                                               '  lifecycle {\n    create_before_destroy = true\n'
                                               '    prevent_destroy = true\n  }\n')})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_security_group.db")]


def test_a_reference_that_gained_its_first_index_is_the_same_object(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    acl = 'resource "aws_s3_bucket_acl" "this" {\n  bucket = aws_s3_bucket.this.id\n  owner  = data.aws_canonical_user_id.this.id\n}\n'
    base = repo.commit({"infra/acl.tf": acl})
    repo.commit({"infra/acl.tf": acl.replace("aws_canonical_user_id.this.id", "aws_canonical_user_id.this[0].id")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0

    repo.commit({"infra/acl.tf": acl.replace("aws_canonical_user_id.this.id", "aws_canonical_user_id.this[1].id")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_s3_bucket_acl.this")]


def test_the_older_splat_written_the_newer_way_is_the_same_value(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = (
        'resource "aws_s3_bucket_policy" "this" {\n  bucket = join("", aws_s3_bucket.this.*.id)\n'
        '  policy = join("", data.aws_iam_policy_document.this.*.json)\n}\n'
    )
    base = repo.commit({"infra/policy.tf": policy})
    repo.commit({"infra/policy.tf": policy.replace(".*.", "[*].")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0

    # With an index after it the two differ: `a.*.b[0]` is the first `b`, `a[*].b[0]` each one's first.
    indexed = policy.replace("this.*.json", "this.*.statement[0]")
    base = repo.commit({"infra/policy.tf": indexed})
    repo.commit({"infra/policy.tf": indexed.replace("this.*.statement", "this[*].statement")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_s3_bucket_policy.this")]


IAM_POLICY = """\
resource "aws_iam_policy" "bedrock" {
  name        = "bedrock-integration"
  description = "Bedrock access in eu-west-1 and eu-west-3"
  policy      = data.aws_iam_policy_document.bedrock.json
}
"""


def test_the_description_of_an_access_resource_is_a_label(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/iam.tf": IAM_POLICY})
    repo.commit({"infra/iam.tf": IAM_POLICY.replace(" and eu-west-3", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0

    repo.commit({"infra/iam.tf": IAM_POLICY.replace("bedrock.json", "bedrock_admin.json")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_iam_policy.bedrock")]


POLICY_DOCUMENT = """\
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}
"""


def test_a_policy_statement_label_is_no_security_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/iam.tf": POLICY_DOCUMENT})
    repo.commit({"infra/iam.tf": POLICY_DOCUMENT.replace("  statement {\n", '  statement {\n    sid = "AWSVPCFlowLogsAssumeRole"\n')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0

    repo.commit({"infra/iam.tf": POLICY_DOCUMENT.replace("vpc-flow-logs", "ec2")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "data.aws_iam_policy_document.assume")]


OUTPUTS = """\
output "db_password" {
  description = "The database password"
  value       = var.password
}

output "db_port" {
  value = aws_db_instance.main.port
}
"""


def test_whether_an_output_or_variable_is_sensitive_is_a_security_setting(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/outputs.tf": OUTPUTS})
    repo.commit({"infra/outputs.tf": OUTPUTS.replace("  value       = var.password\n",
                                                     "  value       = var.password\n  sensitive   = true\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "output.db_password")]
    assert findings(doc, "cloud")[0]["detail"] == (
        "output.db_password sensitive: false -> true (whether plans and logs show it)"
    )
    assert code == 1


def test_marking_a_value_that_is_no_secret_sensitive_is_routine(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/outputs.tf": OUTPUTS})
    hidden = OUTPUTS.replace("  value = aws_db_instance.main.port\n", "  value = aws_db_instance.main.port\n  sensitive = true\n")
    marked = repo.commit({"infra/outputs.tf": hidden})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # Clearing the flag again shows the value in plans and logs, whatever it is.
    repo.commit({"infra/outputs.tf": OUTPUTS.replace("  value = aws_db_instance.main.port\n",
                                                     "  value = aws_db_instance.main.port\n  sensitive = false\n")})
    code, doc = run_json(capsys, "--base", marked)
    assert kinds_and_subjects(doc, "cloud") == [("security", "output.db_port")]
    assert code == 1


CLUSTER_SG = """\
resource "aws_rds_cluster" "this" {
  cluster_identifier     = "main"
  vpc_security_group_ids = [aws_security_group.this.id]
}
"""


def test_a_list_joined_with_a_new_input_that_defaults_to_empty_changes_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/main.tf": CLUSTER_SG})
    joined = CLUSTER_SG.replace("= [aws_security_group.this.id]",
                                "= concat([aws_security_group.this.id], var.extra_security_group_ids)")
    extra = 'variable "extra_security_group_ids" {\n  type    = list(string)\n  default = DEFAULT\n}\n'
    repo.commit({"infra/main.tf": joined, "infra/variables.tf": extra.replace("DEFAULT", "[]")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # With a group in the default, the cluster is reachable from it at once.
    repo.commit({"infra/variables.tf": extra.replace("DEFAULT", '["sg-0123"]')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_rds_cluster.this")]
    assert code == 1


CLUSTER = """\
resource "aws_eks_cluster" "this" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn

  dynamic "master_authorized_networks_config" {
    for_each = length(var.authorized_networks) > 0 ? [true] : []
    content {
      cidr_blocks = var.authorized_networks
    }
  }
}
"""

OPT_IN = """\

variable "remote_network_config" {
  type    = object({ cidrs = list(string) })
  default = DEFAULT
}
"""


def test_an_opt_in_block_behind_a_new_input_at_its_default_changes_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/cluster.tf": CLUSTER})
    opted = CLUSTER.replace("  dynamic \"master", """  dynamic "remote_network_config" {
    for_each = var.remote_network_config != null ? [var.remote_network_config] : []
    content {
      cidrs = remote_network_config.value.cidrs
    }
  }

  dynamic "master""").replace(
        "length(var.authorized_networks) > 0 ? [true] : []",
        "var.remote_network_config != null || length(var.authorized_networks) > 0 ? [true] : []",
    )
    repo.commit({"infra/cluster.tf": opted, "infra/variables.tf": VARIABLES + OPT_IN.replace("DEFAULT", "null")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0

    # With a default that sets it, the block is there from the start: a change of who can reach the cluster.
    repo.commit({"infra/variables.tf": VARIABLES + OPT_IN.replace("DEFAULT", '{ cidrs = ["10.0.0.0/8"] }')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_eks_cluster.this")]
    assert code == 1


TRUST = """\
data "aws_iam_policy_document" "assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "extra" {
  name   = "extra"
  policy = var.extra_policy
}
"""


def test_an_opt_in_statement_of_an_access_policy_still_counts(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/iam.tf": TRUST})
    self_assume = TRUST.replace('data "aws_iam_policy_document" "assume_role" {\n', """\
data "aws_iam_policy_document" "assume_role" {
  dynamic "statement" {
    for_each = var.allow_self_assume_role ? [1] : []
    content {
      effect  = "Allow"
      actions = ["sts:AssumeRole"]
      principals {
        type        = "AWS"
        identifiers = [var.role_arn]
      }
    }
  }
""")
    opt_in = '\nvariable "allow_self_assume_role" {\n  type    = bool\n  default = false\n}\n'
    repo.commit({"infra/iam.tf": self_assume, "infra/variables.tf": VARIABLES + opt_in})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "data.aws_iam_policy_document.assume_role")]
    assert code == 1

    # An argument bound to a new input that defaults to null is still no change, in an access resource too.
    base = repo.commit({"infra/iam.tf": TRUST})
    repo.commit({"infra/iam.tf": TRUST.replace('  name   = "extra"\n', '  name   = "extra"\n  path   = var.policy_path\n'),
                 "infra/variables.tf": VARIABLES + '\nvariable "policy_path" {\n  type    = string\n  default = null\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_an_opt_in_block_of_a_firewall_that_decides_no_access_changes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A web ACL's block action answering with a custom status code, only for a caller who asks for one."""
    acl = ('resource "aws_wafv2_web_acl" "default" {\n  name  = "edge"\n  scope = "REGIONAL"\n'
           '  default_action {\n    block {\n%s    }\n  }\n}\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "waf.tf": acl % ""})
    response = ('      dynamic "custom_response" {\n        for_each = var.default_block_response != null ? [true] : []\n'
                '        content {\n          response_code = var.default_block_response\n        }\n      }\n')
    repo.commit({"waf.tf": acl % response,
                 "variables.tf": 'variable "default_block_response" {\n  type    = string\n  default = null\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # Given a value by default, every caller's blocked requests get it.
    repo.commit({"variables.tf": 'variable "default_block_response" {\n  type    = string\n  default = "403"\n}\n'})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_wafv2_web_acl.default")]


LISTENER = """\
resource "aws_lb_listener" "this" {
  for_each = var.listeners

  load_balancer_arn = aws_lb.this.arn
  port              = try(each.value.port, 443)
  protocol          = try(each.value.protocol, "HTTPS")
  ssl_policy        = try(each.value.ssl_policy, "ELBSecurityPolicy-TLS13-1-2-2021-06")
}
"""


def test_a_new_argument_a_caller_may_give_with_a_null_fallback_is_opt_in(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/listener.tf": LISTENER})
    opt_in = ('  routing_http_request_x_amzn_tls_version_header_name = try(each.value.protocol, null) == "HTTPS" ? '
              'try(each.value.routing_http_request_x_amzn_tls_version_header_name, null) : null\n')
    repo.commit({"infra/listener.tf": LISTENER.replace("}\n", opt_in + "}\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # With a fallback that sets something, the new argument changes the listener for every caller.
    repo.commit({"infra/listener.tf": LISTENER.replace("}\n", opt_in.replace(": null\n", ': "X-TLS-Version"\n') + "}\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_lb_listener.this")]
    assert code == 1


RECORDS = """\
resource "aws_route53_record" "this" {
  for_each = var.records

  zone_id = var.zone_id
  name    = each.value.name
  type    = each.value.type
  records = lookup(each.value, "records", null)
}
"""
FAILOVER = """\
  dynamic "failover_routing_policy" {
    for_each = length(keys(lookup(each.value, "failover_routing_policy", {}))) == 0 ? [] : [true]

    content {
      type = each.value.failover_routing_policy.type
    }
  }
"""


_ASKED_FOR = 'length(keys(lookup(each.value, "failover_routing_policy", {}))) == 0 ? [] : [true]'


@pytest.mark.parametrize(("resource", "added", "opt_in"), [
    # A dynamic block made only for a record whose caller asks for it: every existing record stays as it is.
    ("aws_route53_record.this", FAILOVER, True),
    ("aws_route53_record.this", FAILOVER.replace(_ASKED_FOR, "try(each.value.failover_routing_policy, [])"), True),
    # Made for every record.
    ("aws_route53_record.this",
     FAILOVER.replace(_ASKED_FOR, "[true]").replace("each.value.failover_routing_policy.type", '"PRIMARY"'), False),
    # The older spelling of a null fallback: a key looked up in what the caller gives, null when it is not there.
    ("aws_lb_listener.this", '  ssl_policy_name = lookup(each.value, "ssl_policy_name", null)\n', True),
    ("aws_lb_listener.this", '  ssl_policy_name = lookup(var.listener_settings["main"], "ssl_policy_name", null)\n',
     True),
    # Looked up in the module's own values, or with a fallback that sets something: set for every caller.
    ("aws_lb_listener.this", '  ssl_policy_name = lookup(local.policies, "ssl_policy_name", null)\n', False),
    ("aws_lb_listener.this",
     '  ssl_policy_name = lookup(each.value, "ssl_policy_name", "ELBSecurityPolicy-2016-08")\n', False),
])
def test_what_a_caller_must_ask_for_is_opt_in(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], resource: str, added: str, opt_in: bool
) -> None:
    path, text = ("infra/records.tf", RECORDS) if resource.startswith("aws_route53") else ("infra/listener.tf", LISTENER)
    base = repo.commit({path: text})
    repo.commit({path: text.replace("}\n", added + "}\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == ([] if opt_in else [("security", resource)])
    assert code == (0 if opt_in else 1)


def test_security_group_rule_and_public_access(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    opened = MAIN.replace('["10.0.0.0/16"]', '["0.0.0.0/0"]').replace(
        "publicly_accessible = false", "publicly_accessible = true"
    )
    repo.commit({"infra/main.tf": opened})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_db_instance.main"), ("security", "aws_security_group.db")]
    detail = next(f["detail"] for f in findings(doc, "cloud") if f["subject"] == "aws_db_instance.main")
    assert detail == "security settings changed: publicly_accessible"
    assert code == 1


def test_new_setting_bound_to_an_unset_variable_changes_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A new module input, passed straight to the resource, off by default: the usual way a setting is offered.
    wired = MAIN.replace(
        "publicly_accessible = false", "publicly_accessible = false\n  iam_database_authentication_enabled = var.iam_auth"
    )
    variables = VARIABLES + 'variable "iam_auth" {\n  type    = bool\n  default = null\n}\n'
    repo.commit({"infra/main.tf": wired, "infra/variables.tf": variables})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    # The same setting given a value does change access.
    repo.commit({"infra/main.tf": wired.replace("var.iam_auth", "true")})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_db_instance.main")]
    assert code == 1


def test_new_setting_bound_to_a_variable_defaulting_to_an_empty_string_changes_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Terraform 0.11 had no null: an empty string was how a module left an argument unset.
    wired = MAIN.replace("publicly_accessible = false", 'publicly_accessible = false\n  kms_key_id = "${var.kms_key_id}"')
    variables = VARIABLES + 'variable "kms_key_id" {\n  default = ""\n}\n'
    repo.commit({"infra/main.tf": wired, "infra/variables.tf": variables})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # Defaulting to a key, the same argument changes the database for every caller.
    repo.commit({"infra/variables.tf": variables.replace('default = ""', 'default = "alias/rds"')})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_db_instance.main")]
    assert code == 1


def test_a_literal_made_a_new_input_defaulting_to_it_changes_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The range written out becomes a new input with that range as its default: every caller gets what it got.
    wired = MAIN.replace('    cidr_blocks = ["10.0.0.0/16"]', "    cidr_blocks = [var.db_cidr]").replace(
        "    from_port   = 5432", "    from_port   = var.db_port")
    variables = VARIABLES + ('variable "db_cidr" {\n  type    = string\n  default = "10.0.0.0/16"\n}\n'
                             'variable "db_port" {\n  type    = number\n  default = 5432\n}\n')
    repo.commit({"infra/main.tf": wired, "infra/variables.tf": variables})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # A default other than the value it replaces opens the database to another range.
    repo.commit({"infra/variables.tf": variables.replace('default = "10.0.0.0/16"', 'default = "0.0.0.0/0"')})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_security_group.db")]
    assert code == 1
    # So does a variable file of the change that gives the new input another value.
    repo.commit({"infra/variables.tf": variables, "infra/terraform.tfvars": 'db_cidr = "0.0.0.0/0"\n'})
    code, doc = run_json(capsys, "--base", infra)
    assert code == 1, kinds_and_subjects(doc, "cloud")


def test_a_new_input_defaulting_to_false_written_as_a_string_sets_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Terraform 0.11 wrote every default as a string; it converts "false" where a bool is wanted.
    wired = MAIN.replace("publicly_accessible = false",
                         'publicly_accessible = false\n  deletion_protection = "${var.deletion_protection}"')
    variables = VARIABLES + 'variable "deletion_protection" {\n  type    = "string"\n  default = "false"\n}\n'
    repo.commit({"infra/main.tf": wired, "infra/variables.tf": variables})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_arguments_written_in_another_order_are_the_same_settings(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A security group's ingress rule with its arguments regrouped: every argument as it was.
    regrouped = MAIN.replace(
        "    from_port   = 5432\n    to_port     = 5432\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/16\"]\n",
        "    cidr_blocks = [\"10.0.0.0/16\"]\n\n    protocol  = \"tcp\"\n    from_port = 5432\n    to_port   = 5432\n")
    assert regrouped != MAIN
    repo.commit({"infra/main.tf": regrouped})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


@pytest.mark.parametrize(("before", "after", "changed"), [
    # Terraform 0.11's `list(...)`, removed in 0.15, is the tuple written the newer way.
    ('cidr_blocks = list("10.0.0.0/16", var.office_cidr)', 'cidr_blocks = ["10.0.0.0/16", var.office_cidr]', False),
    ('cidr_blocks = flatten(list(var.a, list("10.0.0.0/16")))', 'cidr_blocks = flatten([var.a, ["10.0.0.0/16"]])',
     False),
    # A function whose name ends in `list` is another function; a string's brackets are its own.
    ('cidr_blocks = tolist(var.a)', 'cidr_blocks = [var.a]', True),
    ('cidr_blocks = list("10.0.0.0/16(")', 'cidr_blocks = ["10.0.0.0/16("]', False),
])
def test_a_list_call_written_as_a_tuple(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], before: str, after: str, changed: bool
) -> None:
    old = MAIN.replace('cidr_blocks = ["10.0.0.0/16"]', before)
    base = repo.commit({"infra/main.tf": old})
    repo.commit({"infra/main.tf": MAIN.replace('cidr_blocks = ["10.0.0.0/16"]', after)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == ([("security", "aws_security_group.db")] if changed else [])
    assert code == (1 if changed else 0)


WEB_TIER = """\
module "web" {
  source    = "../modules/web"
  user_ips  = var.user_ips
  log_level = "info"
}
"""


@pytest.mark.parametrize(("before", "after", "opened"), [
    # Whatever the module does with the list, a literal of every address lets the whole internet in.
    ("user_ips  = var.user_ips", 'user_ips  = ["0.0.0.0/0"]', True),
    ("user_ips  = var.user_ips", 'user_ips  = ["10.0.0.0/8", "::/0"]', True),
    ('user_ips  = ["0.0.0.0/0"]', 'user_ips  = ["0.0.0.0/0", "10.0.0.0/8"]', False),  # open before too
    ("user_ips  = var.user_ips", 'user_ips  = ["10.0.0.0/8"]', False),
    ("user_ips  = var.user_ips", 'user_ips  = ["10.0.0.0/0"]', False),
])
def test_an_argument_newly_given_every_address(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, opened: bool
) -> None:
    base = repo.commit({"infra/web.tf": WEB_TIER.replace("user_ips  = var.user_ips", before)})
    repo.commit({"infra/web.tf": WEB_TIER.replace("user_ips  = var.user_ips", after)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == ([("security", "module.web")] if opened else [])
    if opened:
        assert next(f["detail"] for f in findings(doc, "cloud")) == "security settings changed: user_ips"
    assert code == (1 if opened else 0)


def test_a_kms_grant_is_an_access_resource(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    grant = (
        'resource "aws_kms_grant" "bucket" {\n  name              = "kms-key-grant"\n'
        '  key_id            = aws_kms_key.key.key_id\n  grantee_principal = aws_iam_role.reader.arn\n'
        '  operations        = ["Decrypt"]\n}\n'
    )
    base = repo.commit({"infra/kms.tf": grant})
    repo.commit({"infra/kms.tf": grant.replace('["Decrypt"]', '["Decrypt", "Encrypt"]')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_kms_grant.bucket")]
    assert code == 1


def test_new_nested_security_block_is_a_security_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A nested block (here `encryption_config`) is compared as a whole, like an attribute.
    nested = MAIN.replace(
        "publicly_accessible = false",
        'publicly_accessible = false\n  encryption_config {\n    kms_key_id = "alias/db"\n  }',
    )
    repo.commit({"infra/main.tf": nested})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_db_instance.main")]
    detail = next(f["detail"] for f in findings(doc, "cloud"))
    assert detail == "security settings changed: encryption_config"
    assert code == 1


def test_half_edited_file_fails_closed(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"infra/main.tf": MAIN.replace('engine            = "postgres"', 'engine = "postgres')})
    code, doc = run_json(capsys, "--base", infra)
    assert [k for k, _ in kinds_and_subjects(doc, "cloud")] == ["unparsed"]
    assert code == 1


# Terraform 0.11 let a block's keys be quoted strings; the grammar reads only today's language.
QUOTED_KEYS = """\
# Copyright (c) 2018 Example Ltd.
resource "aws_cognito_identity_pool_roles_attachment" "main" {
  identity_pool_id = "${aws_cognito_identity_pool.main.id}"

  roles {
    "authenticated" = "${aws_iam_role.cognito.arn}"
  }
}
"""


def test_a_file_that_does_not_parse_changed_only_in_comments_changed_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/identity.tf": QUOTED_KEYS})
    repo.commit({"infra/identity.tf": QUOTED_KEYS.replace("(c) 2018", "(c) 2018-2019\n# Licensed under MIT")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_a_file_that_does_not_parse_changed_in_its_code_fails_closed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/identity.tf": QUOTED_KEYS})
    repo.commit({"infra/identity.tf": QUOTED_KEYS.replace('"authenticated"', '"unauthenticated"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("unparsed", "infra/identity.tf")]
    assert code == 1


CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-data"
      Tags:
        - Key: team
          Value: core
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
"""


def test_cloudformation_resources(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "stacks/app.yaml": CFN})
    changed = CFN.replace("Value: core", "Value: platform").replace(
        "lambda.amazonaws.com", "ec2.amazonaws.com"
    ) + "  Queue:\n    Type: AWS::SQS::Queue\n  QueueAlarm:\n    Type: AWS::CloudWatch::Alarm\n"
    repo.commit({"stacks/app.yaml": changed})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [
        ("added", "Queue"), ("monitoring", "QueueAlarm"), ("security", "AppRole")]
    assert code == 1



CFN_JSON = """\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"MinInstances": {"Type": "Number", "Default": 1}, "MaxInstances": {"Type": "Number", "Default": 2}},
  "Resources": {
    "AutoscalingGroup": {
      "Type": "AWS::AutoScaling::AutoScalingGroup",
      "Properties": {"MinSize": {"Ref": "MinInstances"}, "MaxSize": {"Ref": "MaxInstances"}}
    },
    "InstanceSecurityGroup": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {"GroupDescription": "app", "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 9000,
                     "ToPort": 9000, "CidrIp": "10.0.0.0/16"}]}
    }
  }
}
"""
CFN_YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  MinInstances:
    Type: Number
    Default: 1
  MaxInstances:
    Type: Number
    Default: 2
Resources:
  AutoscalingGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize:
        Ref: MinInstances
      MaxSize:
        Ref: MaxInstances
  InstanceSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 9000
          ToPort: 9000
          CidrIp: 10.0.0.0/16
"""


@pytest.mark.parametrize(("yaml", "expected"), [
    # The same template written in YAML: the same stack, nothing created or destroyed.
    (CFN_YAML, []),
    (CFN_YAML.replace("MinSize:\n        Ref: MinInstances", "MinSize: !Ref MinInstances"), []),
    # Rewritten and opened up on the way: the difference is judged.
    (CFN_YAML.replace("10.0.0.0/16", "0.0.0.0/0"), [("security", "InstanceSecurityGroup")]),
])
def test_a_template_rewritten_in_yaml_is_the_same_template(
    repo: Repo, capsys: pytest.CaptureFixture[str], yaml: str, expected: list[tuple[str, str]],
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "cloudformation/app.json": CFN_JSON})
    repo.git("rm", "-q", "cloudformation/app.json")
    repo.commit({"cloudformation/app.yaml": yaml})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


def test_a_load_balancer_made_internal_by_a_new_input(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    alb = 'resource "aws_alb" "ecs" {\n  name     = "ecs"\n  internal = false\n}\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, "modules/ecs/alb.tf": alb})
    repo.commit({"modules/ecs/alb.tf": alb.replace("= false", "= var.alb_internal"),
                 "modules/ecs/variables.tf": 'variable "alb_internal" {\n  type    = bool\n  default = true\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_alb.ecs")] and code == 1
    [found] = findings(doc, "cloud")
    assert found["detail"] == "security settings changed: internal"


FRAGMENT = """\
SustainabilityBucket:
  Type: AWS::S3::Bucket
  Properties:
    BucketName: !Sub "${Environment}-sustainability"
"""


def test_template_fragments_a_build_joins_are_read_in_any_folder(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Resources by logical id, top level, in `iac/main/resources/`: the build merges them into one template.
    secret = ("\nSREAccountId:\n  Type: AWS::SecretsManager::Secret\n  DeletionPolicy: Retain\n"
              "  Properties:\n    Name: SRE-account-id-secret\n")
    settings = "bucket_prefix: sustainability\nretention_days: 30\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "iac/main/resources/sustainability.yml": FRAGMENT,
                        "iac/main/settings.yml": settings})
    repo.commit({"iac/main/resources/sustainability.yml": FRAGMENT + secret,
                 "iac/main/settings.yml": settings.replace("30", "90")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("added", "SREAccountId")]
    assert code == 1

def test_helm_template_in_a_templates_folder_is_not_cloudformation(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "chart/templates/config.yaml": template})
    repo.commit({"chart/templates/config.yaml": template + "data:\n  {{- toYaml .Values.config | nindent 2 }}\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


AURORA = """\
locals {
  port = coalesce(var.port, (var.engine == "aurora-postgresql" ? 5432 : 3306))
  tags = merge(var.tags, { Module = "aurora" })
  rule_defaults = { protocol = "tcp", note = "database" }
  rule          = merge(local.rule_defaults, var.rule_overrides)
}

resource "aws_security_group_rule" "ingress" {
  type              = "ingress"
  from_port         = local.port
  to_port           = local.port
  protocol          = local.rule["protocol"]
  cidr_blocks       = var.allowed_cidr_blocks
  security_group_id = aws_security_group.this.id
}

resource "aws_security_group" "this" {
  name   = "aurora"
  vpc_id = var.vpc_id
  tags   = local.tags
}
"""


def test_a_security_setting_that_reads_a_changed_local_value_changed(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/main.tf": AURORA})
    # A tag a local adds, another key of a map the rule reads one key of, and a local rewritten into
    # another with the same value, change no access.
    repo.commit({"infra/main.tf": AURORA.replace('Module = "aurora"', 'Module = "aurora", Team = "data"')
                          .replace('note = "database"', 'note = "aurora database"')
                          .replace("(var.engine == \"aurora-postgresql\" ? 5432 : 3306)", "local.default_port")
                          .replace("locals {\n", "locals {\n  default_port = var.engine == \"aurora-postgresql\" ? 5432 : 3306\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # The port the rule opens now differs for one engine, though the rule's text is the same.
    repo.commit({"infra/main.tf": AURORA.replace('var.engine == "aurora-postgresql"',
                                                 'var.engine == "aurora-postgresql" || var.engine == "postgres"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_security_group_rule.ingress")]
    assert findings(doc, "cloud")[0]["detail"] == "from_port reads local.port, which changed"
    assert code == 1



GROUP_MEMBERSHIP = """\
resource "aws_iam_group_membership" "infrastructure_team" {
  name  = "infrastructure_team-group-membership"
  users = [
    aws_iam_user.samcook.name,
  ]
  group = aws_iam_group.infrastructure_team.name
}
"""


@pytest.mark.parametrize(("resource", "before", "after"), [
    ("aws_iam_group_membership.infrastructure_team", GROUP_MEMBERSHIP,
     GROUP_MEMBERSHIP.replace("    aws_iam_user.samcook.name,\n",
                              "    aws_iam_user.anafernandez.name,\n    aws_iam_user.samcook.name,\n")),
    ("github_team_members.admins",
     'resource "github_team_members" "admins" {\n  team_id = github_team.admins.id\n'
     '  members {\n    username = "alice"\n  }\n}\n',
     'resource "github_team_members" "admins" {\n  team_id = github_team.admins.id\n'
     '  members {\n    username = "alice"\n  }\n  members {\n    username = "bob"\n  }\n}\n'),
])
def test_who_belongs_to_a_group_that_holds_access_is_access(
    repo: Repo, capsys: pytest.CaptureFixture[str], resource: str, before: str, after: str
) -> None:
    base = repo.commit({"projects/users/main.tf": before})
    repo.commit({"projects/users/main.tf": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", resource)]
    assert code == 1


SECRET_PLACEHOLDER = """\
locals {
  db_secrets_placeholder = {
    user     = "placeholder"
    password = "placeholder"
  }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode(local.db_secrets_placeholder)

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_instance" "bastion" {
  ami       = "ami-0c55b159cbfafe1f0"
  user_data = file("${path.module}/boot.sh")

  lifecycle {
    ignore_changes = [ami, user_data]
  }
}
"""


def test_arguments_terraform_ignores_changes_to_are_not_changed(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `ignore_changes` keeps what the resource was created with: a placeholder secret gaining a key, a boot
    # script the instance only ran at creation, change nothing that runs.
    base = repo.commit({"infra/main.tf": SECRET_PLACEHOLDER})
    repo.commit({"infra/main.tf": SECRET_PLACEHOLDER.replace(
        '    password = "placeholder"\n', '    password = "placeholder"\n    host     = "0.0.0.0"\n').replace(
        "/boot.sh", "/boot-v2.sh")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # Without the lifecycle rule, Terraform writes the new secret and replaces the instance's boot script.
    unguarded = SECRET_PLACEHOLDER.replace("    ignore_changes = [secret_string]\n", "").replace(
        "    ignore_changes = [ami, user_data]\n", "    ignore_changes = [ami]\n")
    base = repo.commit({"infra/main.tf": unguarded})
    repo.commit({"infra/main.tf": unguarded.replace(
        '    password = "placeholder"\n', '    password = "placeholder"\n    host     = "0.0.0.0"\n').replace(
        "/boot.sh", "/boot-v2.sh")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [
        ("security", "aws_instance.bastion"), ("security", "aws_secretsmanager_secret_version.db"),
        ("security", "local.db_secrets_placeholder"),
    ]
    assert code == 1


def test_ignore_changes_as_terraform_writes_it() -> None:
    from ownership_gate.classifiers.cloud.terraform import ALL, ignored_changes
    from ownership_gate.formats import hcl

    def ignored(lifecycle: str) -> frozenset[str]:
        source = f'resource "aws_instance" "a" {{\n  lifecycle {{\n    {lifecycle}\n  }}\n}}\n'
        return ignored_changes(hcl.parse(source.encode()).blocks[0])

    assert ignored('ignore_changes = [secret_string, tags["Owner"]]') == {"secret_string", "tags"}
    assert ignored("ignore_changes = all") == {ALL}
    assert ignored('ignore_changes = ["*"]') == {ALL}  # Terraform 0.11
    assert ignored('ignore_changes = ["ami"]') == {"ami"}
    assert ignored("create_before_destroy = true") == frozenset()

PRESET = """\
module "sg" {
  source = "../../"

  name                = "vault"
  ingress_cidr_blocks = var.ingress_cidr_blocks
  ingress_rules       = ["vault-tcp"]
}

variable "ingress_cidr_blocks" {
  type    = list(string)
  default = []
}
"""

STARTUP_VENDOR_RULE = POLICY + """\
  - id: new-vendor
    level: cto
    when: {type: dependency, kind: [added, removed], vendor: true}
    reason: A new hosted service is a contract.
"""


def test_a_new_module_nothing_calls_yet_creates_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A module library adds a preset: a folder of its own that calls the library's root module. Nothing
    # applies it until a caller does, and the provider it requires is the one the module it calls required.
    base = repo.commit({".ownership-gate.yaml": STARTUP_VENDOR_RULE, "main.tf": MAIN, "versions.tf": VERSIONS})
    preset = repo.commit({"modules/vault/main.tf": PRESET, "modules/vault/versions.tf": VERSIONS})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert kinds_and_subjects(doc, "dependency") == [("changed", "hashicorp/aws")]  # not a new vendor
    assert code == 0
    # A root configuration that calls it creates what it holds.
    repo.commit({"envs/prod/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
                                      'module "vault" {\n  source = "../../modules/vault"\n}\n'})
    code, doc = run_json(capsys, "--base", preset)
    assert kinds_and_subjects(doc, "cloud") == [("added", "module.vault")]
    assert code == 1


def test_a_wrapper_that_writes_down_the_provider_of_the_module_it_calls(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its `main.tf`, unchanged, calls the root module; its `versions.tf` now requires the root's provider."""
    base = repo.commit({".ownership-gate.yaml": STARTUP_VENDOR_RULE, "main.tf": MAIN, "versions.tf": VERSIONS,
                        "wrappers/main.tf": PRESET.replace("../../", "../"),
                        "wrappers/versions.tf": 'terraform {\n  required_version = ">= 1.0"\n}\n'})
    repo.commit({"wrappers/versions.tf": VERSIONS})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "dependency") == [("changed", "hashicorp/aws")]  # not a new vendor
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0


def test_a_new_folder_that_configures_a_provider_is_applied_itself(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": STARTUP_VENDOR_RULE, "main.tf": MAIN, "versions.tf": VERSIONS})
    # New resources in a new root folder (it configures its provider), and in a folder that already
    # held Terraform files: both are created on the next apply there.
    repo.commit({"envs/staging/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
                                         'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
                 "queue.tf": 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("added", "aws_s3_bucket.logs"), ("added", "aws_sqs_queue.jobs")]
    assert code == 1


def test_a_count_added_that_comes_to_one_keeps_the_one_there_was(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    create = 'variable "create" {\n  type    = bool\n  default = DEFAULT\n}\n'
    counted = MAIN.replace('resource "aws_security_group" "db" {\n', 'resource "aws_security_group" "db" {\n'
                                                                   '  count = var.create ? 1 : 0\n')
    repo.commit({"infra/main.tf": counted, "infra/create.tf": create.replace("DEFAULT", "true")})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # Defaulting to false, the group goes away for every caller who does not set it.
    repo.commit({"infra/create.tf": create.replace("DEFAULT", "false")})
    code, doc = run_json(capsys, "--base", infra)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_security_group.db")]
    assert code == 1


def test_a_provider_the_module_already_used_written_down_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": STARTUP_VENDOR_RULE, "main.tf": MAIN})
    # The module's `aws_` resources already used the AWS provider; pinning it changes no vendor.
    repo.commit({"versions.tf": VERSIONS.replace("    aws = {", '    datadog = { source = "DataDog/datadog" }\n    aws = {')})
    code, doc = run_json(capsys, "--base", base)
    dependency = {f["subject"]: (f["kind"], f["detail"]) for f in findings(doc, "dependency")}
    assert dependency["hashicorp/aws"] == (
        "changed", "already used by this module's resources or the local modules it calls; now required directly")
    # A provider none of its resources used is new.
    assert dependency["datadog/datadog"][0] == "added"
    assert code == 1


def test_a_new_local_module_requiring_the_callers_provider_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": STARTUP_VENDOR_RULE, "main.tf": MAIN})
    # A new module of the configuration writes down the AWS provider the configuration already used.
    repo.commit({"queues/versions.tf": VERSIONS, "queues/main.tf": 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n',
                 "modules.tf": 'module "queues" {\n  source = "./queues"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["subject"], f["kind"], f["detail"]) for f in findings(doc, "dependency")] == [
        ("hashicorp/aws", "changed", "already used by the module that calls this one, whose configuration provides it")]
    # Another provider in it is new, and a module nothing calls brings its provider in on its own.
    repo.commit({"queues/versions.tf": VERSIONS.replace("    aws = {", '    datadog = { source = "DataDog/datadog" }\n    aws = {'),
                 "modules.tf": None})
    code, doc = run_json(capsys, "--base", base)
    assert {f["subject"]: f["kind"] for f in findings(doc, "dependency")} == {
        "datadog/datadog": "added", "hashicorp/aws": "added"}
    assert code == 1


def test_a_provider_a_called_module_already_used_written_down_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The root only calls a local module whose `aws_` resources take the AWS provider from it.
    base = repo.commit({".ownership-gate.yaml": STARTUP_VENDOR_RULE, "setup/main.tf": 'module "oidc" {\n  source = "../modules/oidc"\n}\n',
                        "modules/oidc/main.tf": 'data "aws_caller_identity" "current" {}\n'})
    repo.commit({"setup/provider.tf": VERSIONS})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["subject"], f["kind"], f["detail"]) for f in findings(doc, "dependency")] == [
        ("hashicorp/aws", "changed", "already used by this module's resources or the local modules it calls; now required directly")]
    assert code == 0


BACKEND = 'bucket = "acme-terraform-state"\nkey    = "infra/{env}.tfstate"\nregion = "eu-west-1"\n'


def test_a_backend_configuration_added_or_deleted_applies_the_configuration_to_one_state_more_or_less(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `terraform init -backend-config=infra/training.tfbackend`: everything main.tf declares, once more.
    repo.commit({"infra/training.tfbackend": BACKEND.format(env="training")})
    code, doc = run_json(capsys, "--base", infra)
    [added] = findings(doc, "cloud")
    assert (added["kind"], added["subject"]) == ("added", "infra/training.tfbackend")
    assert "configuration in infra" in added["detail"]
    assert code == 1
    # A bare `<env>.backend` next to the `.tf` files it configures is one too, and so is one deleted.
    with_bare = repo.commit({"infra/staging.backend": BACKEND.format(env="staging")})
    repo.commit({"infra/staging.backend": None})
    code, doc = run_json(capsys, "--base", with_bare)
    assert kinds_and_subjects(doc, "cloud") == [("removed", "infra/staging.backend")]
    assert code == 1


def test_a_backend_edited_or_a_backend_file_away_from_terraform_is_no_cloud_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/production.tfbackend": BACKEND.format(env="production")})
    repo.commit({
        "infra/production.tfbackend": BACKEND.format(env="production") + 'encrypt = true\n',
        "app/search.backend": "elasticsearch\n",  # a name that merely ends so, with no Terraform beside it
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


SHARED_REPOSITORY = """\
locals {
  account_ids = [
    "756629837203", // catalogue
    "760097843905", // platform
  ]
}

module "repo_policy" {
  source      = "./repo_policy"
  repo_name   = aws_ecr_repository.app.name
  account_ids = local.account_ids
}
"""


def test_accounts_a_policy_is_shared_with_are_an_access_setting(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"images/ecr.tf": SHARED_REPOSITORY})
    repo.commit({"images/ecr.tf": SHARED_REPOSITORY.replace(
        '    "760097843905", // platform\n', '    "760097843905", // platform\n    "964279923020", // data science\n')})
    code, doc = run_json(capsys, "--base", base)
    assert ("security", "local.account_ids") in kinds_and_subjects(doc, "cloud")
    assert code == 1


DISTRIBUTION = """\
resource "aws_cloudfront_distribution" "api" {
  enabled = true

  logging_config {
    include_cookies = false
    bucket          = "wellcomecollection-api-logs.s3.amazonaws.com"
    prefix          = "api"
  }

  default_cache_behavior {
    target_origin_id = "api"
    default_ttl      = 0
  }
}
"""


def test_access_logs_removed_are_a_security_change(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"cloudfront/main.tf": DISTRIBUTION})
    without_logs = DISTRIBUTION.split("  logging_config {")[0] + "  default_cache_behavior {" + DISTRIBUTION.split(
        "  default_cache_behavior {")[1]
    repo.commit({"cloudfront/main.tf": without_logs.replace("default_ttl      = 0", "default_ttl      = 10")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_cloudfront_distribution.api")]
    assert "logging_config" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


SUBSCRIPTION = """\
locals {
  log_destination_arn = "arn:aws:logs:${var.region}:${var.observability_account_id}:destination:main-acct-firehose-logs"
}

resource "aws_cloudwatch_log_subscription_filter" "amplify" {
  name            = "amplify"
  log_group_name  = aws_cloudwatch_log_group.amplify.name
  filter_pattern  = ""
  destination_arn = "arn:aws:logs:${var.region}:${var.observability_account_id}:destination:main-acct-firehose-logs"
}

module "backend_api" {
  source              = "./modules/backend"
  log_destination_arn = local.log_destination_arn
}
"""


def test_where_logs_are_sent_is_a_security_setting(repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"app/logs.tf": SUBSCRIPTION})
    # Other settings beside it: no change to where the logs go.
    same = repo.commit({"app/logs.tf": SUBSCRIPTION.replace('filter_pattern  = ""', 'filter_pattern  = "ERROR"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # Another account's destination: every log sent through it goes elsewhere.
    repo.commit({"app/logs.tf": SUBSCRIPTION.replace("main-acct-firehose-logs", "obs-firehose-logs")})
    code, doc = run_json(capsys, "--base", same)
    assert kinds_and_subjects(doc, "cloud") == [
        ("security", "aws_cloudwatch_log_subscription_filter.amplify"), ("security", "local.log_destination_arn"),
        ("security", "module.backend_api")]
    assert code == 1


CONFIG_MAP_AND_INSTANCE = """\
resource "kubernetes_config_map" "filebeat" {
  metadata {
    name      = "filebeat-config"
    namespace = "monitoring"
  }
  data = { "filebeat.yml" = file("filebeat.yml") }
}

resource "aws_instance" "bastion" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}
"""


def test_a_kubernetes_objects_metadata_names_it_an_instances_metadata_is_a_setting(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"cluster/main.tf": CONFIG_MAP_AND_INSTANCE})
    # Named by its content's hash, so the daemonset restarts when the configuration changes.
    repo.commit({"cluster/main.tf": CONFIG_MAP_AND_INSTANCE.replace(
        '"filebeat-config"', '"filebeat-config-${substr(sha1(file("filebeat.yml")), 0, 8)}"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    repo.commit({"cluster/main.tf": CONFIG_MAP_AND_INSTANCE.replace('"required"', '"optional"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_instance.bastion")]
    assert code == 1


ADMIN_ACCESS = """\
variable "admin_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8", "203.0.113.5/32", "198.51.100.7/32"]
}

variable "blocked_cidrs" {
  type    = list(string)
  default = ["192.0.2.0/24", "192.0.2.128/25"]
}

resource "aws_security_group" "admin" {
  name = "admin"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "198.51.100.0/24"]
  }
}

resource "aws_db_instance" "reports" {
  identifier     = "reports"
  engine         = "postgres"
  instance_class = "db.t3.small"
  allowed_ips    = ["10.0.0.0/8", "10.1.0.0/16"]
}
"""


def test_an_allow_list_that_only_loses_entries_opens_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pen-testers' addresses dropped from an admin allowlist, a rule's CIDR and a database's IPs narrowed."""
    base = repo.commit({"network/main.tf": ADMIN_ACCESS})
    repo.commit({"network/main.tf": ADMIN_ACCESS.replace(', "203.0.113.5/32", "198.51.100.7/32"', "")
                 .replace(', "198.51.100.0/24"', "").replace(', "10.1.0.0/16"', "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_a_required_allow_list_given_a_default_is_a_security_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A caller that set nothing now gets these ranges; there was no default to narrow."""
    required = ADMIN_ACCESS.replace('  default = ["10.0.0.0/8", "203.0.113.5/32", "198.51.100.7/32"]\n', "")
    base = repo.commit({"network/main.tf": required})
    repo.commit({"network/main.tf": ADMIN_ACCESS})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "var.admin_cidrs")]
    assert [f for c in doc["changes"] for f in c["findings"] if f["type"] == "error"] == []
    assert code == 1


@pytest.mark.parametrize(("old", "new", "subject"), [
    # An entry added, or one swapped for another: someone new is let in.
    ('"10.0.0.0/8", "203.0.113.5/32", "198.51.100.7/32"]', '"10.0.0.0/8", "0.0.0.0/0"]', "var.admin_cidrs"),
    ('cidr_blocks = ["10.0.0.0/8", "198.51.100.0/24"]', 'cidr_blocks = ["10.0.0.0/8"]\n    self = true',
     "aws_security_group.admin"),
    # A list of whom to keep out that loses an entry lets that one in.
    ('["192.0.2.0/24", "192.0.2.128/25"]', '["192.0.2.0/24"]', "var.blocked_cidrs"),
    # Emptied: for many resources an empty list means no restriction at all.
    ('allowed_ips    = ["10.0.0.0/8", "10.1.0.0/16"]', "allowed_ips    = []", "aws_db_instance.reports"),
])
def test_an_allow_list_widened_or_a_deny_list_narrowed_is_a_security_change(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], old: str, new: str, subject: str
) -> None:
    base = repo.commit({"network/main.tf": ADMIN_ACCESS})
    assert old in ADMIN_ACCESS
    repo.commit({"network/main.tf": ADMIN_ACCESS.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", subject)]
    assert code == 1


QUEUES = """\
resource "aws_sqs_queue" "emails" {
  name           = "emails"
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dead.arn, maxReceiveCount = 3 })
}

resource "aws_sqs_queue" "dead" {
  name                 = "emails-dead"
  redrive_allow_policy = jsonencode({ redrivePermission = "byQueue", sourceQueueArns = [] })
}

resource "aws_sns_topic_subscription" "fraud" {
  topic_arn     = aws_sns_topic.events.arn
  protocol      = "sqs"
  endpoint      = aws_sqs_queue.emails.arn
  filter_policy = jsonencode({ event_name = ["IPV_F2F_CRI_VC_CONSUMED"] })
}

resource "aws_sqs_queue_policy" "emails" {
  queue_url = aws_sqs_queue.emails.id
  policy    = data.aws_iam_policy_document.send.json
}
"""


@pytest.mark.parametrize(("old", "new", "found"), [
    # Where failed messages go, and which events a subscription passes on: no one reaches anything new.
    ("maxReceiveCount = 3", "maxReceiveCount = 5", []),
    ('["IPV_F2F_CRI_VC_CONSUMED"]', '["IPV_F2F_CRI_VC_CONSUMED", "IPV_F2F_CRI_VC_ISSUED"]', []),
    # Which queues may send their failed messages to this one.
    ("sourceQueueArns = []", "sourceQueueArns = [aws_sqs_queue.emails.arn]", []),
    # Who may send to the queue: a policy that decides access.
    ("data.aws_iam_policy_document.send.json", "data.aws_iam_policy_document.anyone.json",
     [("security", "aws_sqs_queue_policy.emails")]),
])
def test_a_filter_or_redrive_policy_is_no_access_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/queues.tf": QUEUES})
    repo.commit({"infra/queues.tf": QUEUES.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


BASTION = """\
module "bastion" {
  source        = "../modules/ec2/bastion"
  name          = "iiif-builder"
  instance_type = "t2.micro"
  ip_whitelist = [
    "62.254.125.26/32", # office VPN
    "198.51.100.7/32",
  ]
}
"""


@pytest.mark.parametrize(("old", "new", "found"), [
    # The office's one address widened to eight: more may reach the bastion.
    ('"62.254.125.26/32", # office VPN', '"62.254.125.26/31",\n    "62.254.125.28/30",', [("security", "module.bastion")]),
    ('"198.51.100.7/32",\n', "", []),  # an address taken away lets fewer in
])
def test_a_list_of_addresses_let_in_by_any_name_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infrastructure/common/main.tf": BASTION})
    assert old in BASTION
    repo.commit({"infrastructure/common/main.tf": BASTION.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


PROTECTED_DATABASE = """\
variable "skip_final_snapshot" {
  type    = bool
  default = false
}

resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t3.medium"
  deletion_protection     = true
  backup_retention_period = 14
  skip_final_snapshot     = var.skip_final_snapshot
}
"""


@pytest.mark.parametrize(("old", "new", "subject"), [
    ("deletion_protection     = true", "deletion_protection     = false", "aws_db_instance.orders"),
    ("backup_retention_period = 14", "backup_retention_period = 1", "aws_db_instance.orders"),
    ("  default = false\n}", "  default = true\n}", "var.skip_final_snapshot"),
])
def test_whether_a_resources_data_outlives_a_mistake_is_a_security_setting(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], old: str, new: str, subject: str
) -> None:
    base = repo.commit({"db/main.tf": PROTECTED_DATABASE})
    assert old in PROTECTED_DATABASE
    repo.commit({"db/main.tf": PROTECTED_DATABASE.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", subject)]
    assert code == 1


@pytest.mark.parametrize(("new", "found"), [
    ('  default = "false"\n}', []),  # what Terraform 0.11 modules write: the same default
    ('  default = "true"\n}', [("security", "var.skip_final_snapshot")]),
])
def test_a_default_written_as_the_string_terraform_converts_it_to_is_the_same(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], new: str, found: list[tuple[str, str]]
) -> None:
    untyped = PROTECTED_DATABASE.replace("  type    = bool\n", "")
    base = repo.commit({"db/main.tf": untyped})
    repo.commit({"db/main.tf": untyped.replace("  default = false\n}", new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


STANDBY_SERVICE = """\
resource "aws_ecs_service" "standby" {
  name = "dhcp-standby"

  network_configuration {
    subnets          = var.subnets
    assign_public_ip = %s
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = %s
  restrict_public_buckets = true
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    (("true", "true"), ("false", "true"), []),  # no public address any more: nothing opens
    (("false", "true"), ("true", "true"), [("security", "aws_ecs_service.standby")]),
    (("false", "true"), ("false", "false"), [("security", "aws_s3_bucket_public_access_block.logs")]),  # unblocked
])
def test_a_switch_that_opens_a_resource_to_the_internet_turned_off_opens_nothing(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], before: tuple[str, str], after: tuple[str, str],
    found: list[tuple[str, str]],
) -> None:
    base = repo.commit({"dhcp/ecs.tf": STANDBY_SERVICE % before})
    repo.commit({"dhcp/ecs.tf": STANDBY_SERVICE % after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


HOME_DIRECTORIES = """\
variable "enable_efs_backup" {
  type    = bool
  default = true
}

resource "aws_efs_backup_policy" "homes" {
  file_system_id = aws_efs_file_system.homes.id

  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_rds_cluster" "hub" {
  cluster_identifier      = "hub"
  engine                  = "aurora-postgresql"
  preferred_backup_window = "02:00-03:00"
}
"""


@pytest.mark.parametrize(("old", "new", "found"), [
    ('status = "ENABLED"', 'status = var.enable_efs_backup ? "ENABLED" : "DISABLED"',
     [("security", "aws_efs_backup_policy.homes")]),
    ("  default = true\n}", "  default = false\n}", [("security", "var.enable_efs_backup")]),
    ('"02:00-03:00"', '"04:00-05:00"', []),  # when the backup runs, not whether
])
def test_whether_backups_are_taken_is_a_security_setting(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], old: str, new: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"storage/main.tf": HOME_DIRECTORIES})
    assert old in HOME_DIRECTORIES
    repo.commit({"storage/main.tf": HOME_DIRECTORIES.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


APP_DEPLOYMENT = """\
resource "kubernetes_deployment" "main" {
  metadata {
    name = "app"
  }
  spec {
    template {
      spec {
        service_account_name = "app"
        container {
          name  = "app"
          image = "ghcr.io/acme/app:1.0.0"
          security_context {
            allow_privilege_escalation = false
            capabilities {
              drop = ["ALL"]
              add  = ["NET_BIND_SERVICE"]
            }
          }
        }
      }
    }
  }
}
"""


@pytest.mark.parametrize(("old", "new", "setting"), [
    ('              add  = ["NET_BIND_SERVICE"]\n', "", "security_context"),
    ('        service_account_name = "app"\n',
     '        service_account_name = "app"\n        automount_service_account_token = false\n',
     "automount_service_account_token"),
    ("allow_privilege_escalation = false", "allow_privilege_escalation = true", "security_context"),
])
def test_what_a_container_may_do_is_a_security_setting(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str], old: str, new: str, setting: str
) -> None:
    base = repo.commit({"apps/main.tf": APP_DEPLOYMENT})
    assert old in APP_DEPLOYMENT
    repo.commit({"apps/main.tf": APP_DEPLOYMENT.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "kubernetes_deployment.main")]
    assert setting in findings(doc, "cloud")[0]["detail"]
    assert code == 1


LOAD_BALANCER = """\
resource "aws_lb" "web" {
  name = "web"
  access_logs {
    bucket = var.log_bucket
  }
}

module "ilbs" {
  source  = "./modules/ilb"
  network = "hub"
}
"""


def test_a_log_of_who_reached_a_resource_turned_on_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/lb.tf": LOAD_BALANCER})
    repo.commit({"infra/lb.tf": LOAD_BALANCER.replace("    bucket = var.log_bucket\n",
                                                      "    bucket  = var.log_bucket\n    enabled = true\n")
                 .replace('  network = "hub"\n', '  network = "hub"\n  firewall_enable_logging = true\n')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_logs_sent_elsewhere_or_turned_off_are_security_changes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/lb.tf": LOAD_BALANCER})
    repo.commit({"infra/lb.tf": LOAD_BALANCER.replace("var.log_bucket", "var.other_bucket")
                 .replace('  network = "hub"\n', '  network = "hub"\n  firewall_enable_logging = false\n')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_lb.web"), ("security", "module.ilbs")]
    assert code == 1


@pytest.mark.parametrize(("setting", "found"), [
    ("  enable_deletion_protection = true\n", []),  # harder to lose, and nothing opens
    ("  enable_deletion_protection = false\n", [("security", "aws_lb.web")]),
])
def test_deletion_protection_turned_on_is_routine_and_off_is_not(
    repo: Repo, capsys: pytest.CaptureFixture[str], setting: str, found: list[tuple[str, str]]
) -> None:
    protected = LOAD_BALANCER.replace('  name = "web"\n', '  name = "web"\n  enable_deletion_protection = true\n')
    before = LOAD_BALANCER if "true" in setting else protected
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/lb.tf": before})
    repo.commit({"infra/lb.tf": LOAD_BALANCER.replace('  name = "web"\n', '  name = "web"\n' + setting)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


FILES_TABLE = """\
locals {
  files_table_name = "intg-files"
}

module "files_table" {
  source   = "git::https://github.com/acme/terraform-modules//dynamo"
  name     = local.files_table_name
  hash_key = "id"
}

resource "aws_dynamodb_table" "locks" {
  name     = "intg-locks"
  hash_key = "LockID"
}
"""


@pytest.mark.parametrize(("edit", "found"), [
    # Point-in-time recovery turned on, through a local value or in the table's own block: restorable.
    ((('  files_table_name = "intg-files"\n', '  files_table_name = "intg-files"\n  recovery = true\n'),
      ('  hash_key = "id"\n', '  hash_key = "id"\n  point_in_time_recovery_enabled = local.recovery\n')), []),
    ((('  hash_key = "LockID"\n', '  hash_key = "LockID"\n  point_in_time_recovery {\n    enabled = true\n  }\n'),),
     []),
    ((('  files_table_name = "intg-files"\n', '  files_table_name = "intg-files"\n  recovery = var.recovery\n'),
      ('  hash_key = "id"\n', '  hash_key = "id"\n  point_in_time_recovery_enabled = local.recovery\n')),
     [("security", "module.files_table")]),
])
def test_point_in_time_recovery_turned_on_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: tuple[tuple[str, str], ...], found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/tables.tf": FILES_TABLE})
    text = FILES_TABLE
    for old, new in edit:
        text = text.replace(old, new)
    repo.commit({"infra/tables.tf": text})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


DMS_ENDPOINT = """\
resource "aws_dms_endpoint" "default" {
  endpoint_id   = var.endpoint_id
  endpoint_type = var.endpoint_type
  dynamic "elasticsearch_settings" {
    for_each = var.elasticsearch_settings != null ? [true] : []
    content {
      endpoint_uri            = lookup(var.elasticsearch_settings, "endpoint_uri")
      service_access_role_arn = lookup(var.elasticsearch_settings, "service_access_role_arn")
    }
  }
}
"""


@pytest.mark.parametrize(("new", "found"), [
    ('var.elasticsearch_settings["service_access_role_arn"]', []),  # the deprecated lookup written as the index
    ('var.elasticsearch_settings["role_arn"]', [("security", "aws_dms_endpoint.default")]),
])
def test_a_two_argument_lookup_rewritten_as_its_index_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], new: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "main.tf": DMS_ENDPOINT})
    repo.commit({"main.tf": DMS_ENDPOINT.replace(
        'lookup(var.elasticsearch_settings, "service_access_role_arn")', new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


UPSERT_LAMBDA = """\
module "upsert_folder_lambda" {
  source        = "git::https://github.com/acme/terraform-modules//lambda"
  function_name = "intg-upsert-folder"
  timeout       = 60
}

resource "aws_lambda_function" "resender" {
  function_name = "intg-resender"
  handler       = "app.handler"
}
"""


@pytest.mark.parametrize(("old", "new", "subject"), [
    ('  timeout       = 60\n', '  timeout       = 60\n  vpc_config = {\n    subnet_ids = module.vpc.private_subnets\n'
     '    security_group_ids = [module.outbound_https.security_group_id]\n  }\n', "module.upsert_folder_lambda"),
    ('  handler       = "app.handler"\n', '  handler       = "app.handler"\n  vpc_config {\n'
     '    subnet_ids         = module.vpc.private_subnets\n    security_group_ids = [aws_security_group.out.id]\n  }\n',
     "aws_lambda_function.resender"),
])
def test_a_function_placed_in_a_network_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, subject: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/lambdas.tf": UPSERT_LAMBDA})
    repo.commit({"infra/lambdas.tf": UPSERT_LAMBDA.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", subject)]
    assert code == 1


AUTH0_CONNECTION = """\
resource "auth0_connection" "sierra" {
  name     = "Sierra"
  strategy = "auth0"
  options {
    import_mode            = false
    disable_signup         = true
    brute_force_protection = true
    password_policy        = "fair"
  }
}
"""

USER_POOL = """\
resource "aws_cognito_user_pool" "users" {
  name              = "users"
  mfa_configuration = "ON"
  admin_create_user_config {
    allow_admin_create_user_only = true
  }
}
"""


@pytest.mark.parametrize(("before", "old", "new", "subject"), [
    (AUTH0_CONNECTION, "disable_signup         = true", "disable_signup         = false", "auth0_connection.sierra"),
    (AUTH0_CONNECTION, "brute_force_protection = true", "brute_force_protection = false", "auth0_connection.sierra"),
    (USER_POOL, 'mfa_configuration = "ON"', 'mfa_configuration = "OPTIONAL"', "aws_cognito_user_pool.users"),
    (USER_POOL, "allow_admin_create_user_only = true", "allow_admin_create_user_only = false",
     "aws_cognito_user_pool.users"),
])
def test_who_may_sign_up_and_how_sign_in_is_guarded_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, old: str, new: str, subject: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/identity.tf": before})
    repo.commit({"infra/identity.tf": before.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", subject)]
    assert code == 1
    # The connection's name is no such setting.
    repo.commit({"infra/identity.tf": before.replace('"users"', '"people"').replace('"Sierra"', '"Sierra patrons"')})
    code, doc = run_json(capsys, "--base", base)
    assert ("security", subject) not in kinds_and_subjects(doc, "cloud")


EKS_CLUSTER = """\
resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = var.role_arn
  vpc_config {
    subnet_ids = var.subnet_ids
  }
}
"""


@pytest.mark.parametrize(("default", "found"), [
    ("[]", []),  # `coalescelist([], var.subnet_ids)`: the subnets it had
    ('["subnet-0a1"]', [("security", "aws_eks_cluster.this")]),
])
def test_a_new_input_that_falls_back_to_the_old_one_at_its_default(
    repo: Repo, capsys: pytest.CaptureFixture[str], default: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "main.tf": EKS_CLUSTER})
    repo.commit({
        "main.tf": EKS_CLUSTER.replace("= var.subnet_ids", "= coalescelist(var.control_plane_subnet_ids, var.subnet_ids)"),
        "variables.tf": f'variable "control_plane_subnet_ids" {{\n  type    = list(string)\n  default = {default}\n}}\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


NODE_GROUP = """\
locals {
  ng = {
    node_role_arn = local.create_role ? join("", aws_iam_role.default[*].arn) : var.node_role_arn[0]
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name  = var.cluster_name
  node_role_arn = local.ng.node_role_arn
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    # What the unguarded expression computes, the guarded one computes too; where it computes nothing, the plan
    # stopped with an error and nothing was applied.
    ("var.node_role_arn[0]", "try(var.node_role_arn[0], null)", []),
    ("try(var.node_role_arn[0], null)", "var.node_role_arn[0]", []),
    # Another fallback is another value.
    ("try(var.node_role_arn[0], null)", "try(var.node_role_arn[0], var.default_role_arn)",
     [("security", "aws_eks_node_group.default")]),
])
def test_an_expression_guarded_with_try_is_the_same_value(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/nodes.tf": NODE_GROUP.replace("var.node_role_arn[0]", before)})
    repo.commit({"infra/nodes.tf": NODE_GROUP.replace("var.node_role_arn[0]", after)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


def test_a_local_changed_is_judged_where_an_unchanged_file_reads_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    replica = ('resource "aws_db_instance" "replica" {\n  count          = local.create_replica ? 1 : 0\n'
               '  instance_class = "db.t3.medium"\n}\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/replica.tf": replica,
                        "infra/locals.tf": "locals {\n  create_replica = false\n  team = \"core\"\n}\n"})
    repo.commit({"infra/locals.tf": "locals {\n  create_replica = true\n  team = \"core\"\n}\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_db_instance.replica")]
    assert [c["path"] for c in doc["changes"] if c["findings"]] == ["infra/locals.tf"]
    assert code == 1


def web_acl(*rules: tuple[str, str]) -> str:
    """A web ACL with one `rule` block per (name, managed rule group), in priority order."""
    blocks = "".join(
        f'  rule {{\n    name     = "{name}"\n    priority = {priority}\n    statement {{\n'
        f'      managed_rule_group_statement {{\n        name = "{group}"\n      }}\n    }}\n  }}\n'
        for priority, (name, group) in enumerate(rules, start=1)
    )
    return f'resource "aws_wafv2_web_acl" "this" {{\n  name  = "forms"\n  scope = "CLOUDFRONT"\n{blocks}}}\n'


def test_a_rule_added_to_a_web_acl_among_others_is_a_security_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each of a repeated block's settings is compared, not only the last one's."""
    common, ip_reputation = ("common", "AWSManagedRulesCommonRuleSet"), ("ip", "AWSManagedRulesAmazonIpReputationList")
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/waf.tf": web_acl(common, ip_reputation)})
    repo.commit({"infra/waf.tf": web_acl(common, ("bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"), ip_reputation)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_wafv2_web_acl.this")]
    assert code == 1


def test_nonsensitive_around_a_for_each_walks_the_same_instances(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    role = ('resource "azurerm_role_assignment" "network_contributor" {\n'
            '  for_each = var.create_role_assignment ? local.subnet_ids : []\n  scope = each.value\n}\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/roles.tf": role})
    repo.commit({"infra/roles.tf": role.replace("var.create_role_assignment ? local.subnet_ids : []",
                                                "nonsensitive(var.create_role_assignment ? local.subnet_ids : [])")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


MASTER_USERS = """\
resource "aws_iam_user" "master_user" {
  for_each = var.user_map
  name     = each.key
}

resource "aws_iam_user_policy_attachment" "manage_your_account" {
  for_each   = var.user_map
  user       = each.key
  policy_arn = aws_iam_policy.manage_your_account.arn
}
"""


@pytest.mark.parametrize(("repeated_by", "counted"), [
    ("aws_iam_user.master_user", False),  # the users made from var.user_map: the same keys
    ("var.admin_map", True),
])
def test_a_for_each_over_a_block_repeated_by_the_same_for_each(
    repo: Repo, capsys: pytest.CaptureFixture[str], repeated_by: str, counted: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/users.tf": MASTER_USERS})
    repo.commit({"infra/users.tf": MASTER_USERS.replace(
        "  for_each   = var.user_map\n", f"  for_each   = {repeated_by}\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == (
        [("count", "aws_iam_user_policy_attachment.manage_your_account")] if counted else [])
    assert code == (1 if counted else 0)
    # The block it walks now repeated over other keys: so is this one.
    repo.commit({"infra/users.tf": MASTER_USERS.replace("  for_each = var.user_map\n", "  for_each = var.admin_map\n")
                 .replace("  for_each   = var.user_map\n", "  for_each   = aws_iam_user.master_user\n")})
    code, doc = run_json(capsys, "--base", base)
    assert ("count", "aws_iam_user.master_user") in kinds_and_subjects(doc, "cloud") and code == 1


def test_one_more_block_with_the_values_the_others_have_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    def behaviour(pattern: str) -> str:
        return (f'  ordered_cache_behavior {{\n    path_pattern           = "{pattern}"\n'
                '    target_origin_id       = "loris"\n    viewer_protocol_policy = "redirect-to-https"\n  }\n')

    def distribution(*patterns: str) -> str:
        return ('resource "aws_cloudfront_distribution" "iiif" {\n  enabled = true\n'
                + "".join(behaviour(p) for p in patterns) + "}\n")

    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/cdn.tf": distribution("image/v2/*", "image/v3/*")})
    repo.commit({"infra/cdn.tf": distribution("image/v2/*", "image/s3:*", "image/v3/*")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


CLUSTER_ADDONS = """\
resource "azurerm_kubernetes_cluster" "main" {
  name = "aks"
  addon_profile {
    azure_policy {
      enabled = var.enable_azure_policy
    }
  }
}
"""

INGRESS_ADDON = """\
    ingress_application_gateway {
      enabled     = var.enable_ingress_application_gateway
      gateway_id  = var.ingress_application_gateway_id
      subnet_cidr = var.ingress_application_gateway_subnet_cidr
    }
"""


@pytest.mark.parametrize(("enabled_default", "expected"), [
    ("false", []),
    ("true", [("security", "azurerm_kubernetes_cluster.main")]),
])
def test_an_add_on_offered_switched_off_by_a_new_input_changes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str], enabled_default: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/main.tf": CLUSTER_ADDONS,
                        "infra/variables.tf": 'variable "enable_azure_policy" {\n  default = true\n}\n'})
    repo.commit({
        "infra/main.tf": CLUSTER_ADDONS.replace("    }\n  }\n}\n", "    }\n" + INGRESS_ADDON + "  }\n}\n"),
        "infra/variables.tf": 'variable "enable_azure_policy" {\n  default = true\n}\n'
        f'variable "enable_ingress_application_gateway" {{\n  default = {enabled_default}\n}}\n'
        'variable "ingress_application_gateway_id" {\n  default = null\n}\n'
        'variable "ingress_application_gateway_subnet_cidr" {\n  default = null\n}\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


def test_a_web_acl_whose_rules_change_order_is_a_security_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A web application firewall is access as a whole: which rule decides first is a setting too."""
    rules = (("rate-limit", "AWSManagedRulesAmazonIpReputationList"), ("common", "AWSManagedRulesCommonRuleSet"))
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/waf.tf": web_acl(*rules)})
    repo.commit({"infra/waf.tf": web_acl(*reversed(rules))})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_wafv2_web_acl.this")]
    assert code == 1


TARGET_GROUP = """\
resource "aws_lb_target_group" "idp" {
  name        = "idp"
  port        = 8080
  protocol    = "%s"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    protocol = "%s"
    path     = "/debug/healthz"
  }
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    (("HTTPS", "HTTPS"), ("HTTP", "HTTP"), [("security", "aws_lb_target_group.idp")]),  # now in the clear
    (("HTTP", "HTTP"), ("HTTPS", "HTTP"), [("security", "aws_lb_target_group.idp")]),
    (("TCP", "TCP"), ("TCP_UDP", "TCP"), []),  # which transport, not whether it is encrypted
])
def test_a_protocol_that_says_whether_traffic_is_encrypted(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: tuple[str, str], after: tuple[str, str],
    found: list[tuple[str, str]],
) -> None:
    base = repo.commit({"lb.tf": TARGET_GROUP % before})
    repo.commit({"lb.tf": TARGET_GROUP % after})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == found
    if found:
        assert "protocol" in findings(doc, "cloud")[0]["detail"]
    assert code == (1 if found else 0)


SECURITY_GROUP = """\
resource "aws_security_group" "admin_alb_in" {
  name        = "admin-alb-in"
  description = "Allow inbound traffic to the admin ALB"
  vpc_id      = var.vpc_id

  %s

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
"""


def test_the_tags_of_an_access_resource_only_label_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Terraform 0.12 wants `tags = {...}` where 0.11 took a block: the same labels, the same rules.
    base = repo.commit({"sg.tf": SECURITY_GROUP % 'tags {\n    Name = "Admin ALB In"\n  }'})
    repo.commit({"sg.tf": SECURITY_GROUP % 'tags = {\n    Name = "Admin ALB In"\n    Team = "wifi"\n  }'})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    repo.commit({"sg.tf": (SECURITY_GROUP % "tags = {}").replace('"10.0.0.0/8"', '"0.0.0.0/0"')})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_security_group.admin_alb_in")] and code == 1


RADIUS = """\
resource "aws_instance" "radius" {
  ami           = var.ami
  instance_type = "t3.small"

  user_data = <<-EOF
    #!/bin/bash
    %s
    systemctl start radius
  EOF

  tags = {
    Name = "radius"
  }
}
"""


def test_what_an_instance_runs_when_it_boots_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The boot script runs as root on every instance: dropping its security updates and SSH users is not routine.
    base = repo.commit({"instances.tf": RADIUS % "echo '0 3 * * * root unattended-upgrade' > /etc/cron.d/upgrades"})
    repo.commit({"instances.tf": RADIUS % "true"})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_instance.radius")]
    assert "user_data" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


ZONE = """\
resource "aws_route53_zone" "main" {
  name = "example.com"
}
"""
RECORD = """
resource "aws_route53_record" "%s" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "%s"
  type    = "%s"
  ttl     = 300
  records = ["%s"]
}
"""


def test_a_dns_record_pointing_a_name_added_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    www = RECORD % ("www", "www.example.com", "A", "203.0.113.10")
    base = repo.commit({"dns.tf": ZONE + www})
    docs = RECORD % ("docs", "docs.example.com", "CNAME", "example.github.io")
    azure = ('resource "azurerm_dns_cname_record" "status" {\n  name                = "status"\n'
             '  zone_name           = "example.com"\n  resource_group_name = "dns"\n  ttl                 = 300\n'
             '  record              = "status.example.net"\n}\n')
    repo.commit({"dns.tf": ZONE + www + docs + "\n" + azure})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [
        ("dns", "aws_route53_record.docs"), ("dns", "azurerm_dns_cname_record.status")]
    assert code == 0
    # Who may send mail as the domain, and a name taken off the air, are not routine.
    mail = RECORD % ("spf", "example.com", "TXT", "v=spf1 include:mail.example.net -all")
    repo.commit({"dns.tf": ZONE + mail})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("added", "aws_route53_record.spf"), ("removed", "aws_route53_record.www")]
    assert code == 1


def test_a_cloudformation_record_set_pointing_a_name(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    template = ("Resources:\n  Zone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.com\n")
    record = ("  Docs:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      HostedZoneId: !Ref Zone\n"
              "      Name: docs.example.com\n      Type: %s\n      TTL: '300'\n      ResourceRecords: [%s]\n")
    base = repo.commit({"cloudformation/dns.yaml": template})
    repo.commit({"cloudformation/dns.yaml": template + record % ("CNAME", "example.github.io")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("dns", "Docs")] and code == 0
    repo.commit({"cloudformation/dns.yaml": template + record % ("NS", "ns1.other.net")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("added", "Docs")] and code == 1


CNAMES = """\
locals {
  cnames = {
%s  }
}

resource "azurerm_dns_cname_record" "%s" {
  %s
  name                = %s
  zone_name           = "example.com"
  resource_group_name = "dns"
  ttl                 = 300
  record              = %s
}
"""
WALKED = ("by_name", "for_each = local.cnames", "each.key", "each.value")
INDEXED = ("by_index", "count    = length(local.cnames)", "element(keys(local.cnames), count.index)",
           "local.cnames[element(keys(local.cnames), count.index)]")


@pytest.mark.parametrize(("shape", "entries", "kind"), [
    (WALKED, '    status = "status.example.net"\n', "dns"),  # one more record, the others untouched
    (WALKED, "", "count"),  # one fewer: a name off the air
    # Records numbered by their place in the sorted keys: a name added before others renames those after it.
    (INDEXED, '    status = "status.example.net"\n', "count"),
])
def test_a_for_each_of_dns_records_that_only_gained_names(
    repo: Repo, capsys: pytest.CaptureFixture[str], shape: tuple[str, str, str, str], entries: str, kind: str
) -> None:
    docs = '    docs = "example.github.io"\n    www  = "lb.example.net"\n'
    base = repo.commit({"dns.tf": CNAMES % (docs, *shape)})
    repo.commit({"dns.tf": CNAMES % ((docs + entries) if entries else '    docs = "example.github.io"\n', *shape)})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [(kind, f"azurerm_dns_cname_record.{shape[0]}")]
    assert code == (0 if kind == "dns" else 1)


GROUPED = """\
resource "azurerm_dns_cname_record" "to_%s" {
  for_each            = %s
  name                = each.key
  zone_name           = "%s"
  resource_group_name = "dns"
  ttl                 = 300
  record              = "%s.example.net"
}
"""


@pytest.mark.parametrize(("old_zone", "new_zone", "kinds"), [
    # `status` moves from the records pointing at the old cluster to those pointing at the new one.
    ("example.com", "example.com", [("dns", "azurerm_dns_cname_record.to_new"),
                                    ("dns", "azurerm_dns_cname_record.to_old")]),
    # Into another zone's records: the name in the old zone is off the air.
    ("example.com", "example.org", [("count", "azurerm_dns_cname_record.to_old"),
                                    ("dns", "azurerm_dns_cname_record.to_new")]),
])
def test_a_name_moved_between_for_each_groups_of_records(
    repo: Repo, capsys: pytest.CaptureFixture[str], old_zone: str, new_zone: str, kinds: list[tuple[str, str]]
) -> None:
    def records(old: str, new: str) -> str:
        return GROUPED % ("old", old, old_zone, "old-lb") + GROUPED % ("new", new, new_zone, "new-lb")

    base = repo.commit({"dns.tf": records('toset(["docs", "status"])', 'toset(["www"])')})
    repo.commit({"dns.tf": records('toset(["docs"])', 'toset(["status", "www"])')})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == kinds
    assert code == (0 if all(kind == "dns" for kind, _ in kinds) else 1)


def test_a_for_each_map_written_in_the_records_that_only_gained_names(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"dns.tf": GROUPED % ("lb", '{\n    docs = "Docs"\n  }', "example.com", "lb")})
    repo.commit({"dns.tf": GROUPED % ("lb", '{\n    docs = "Docs"\n    status = "Status page"\n  }', "example.com", "lb")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("dns", "azurerm_dns_cname_record.to_lb")]
    assert code == 0


PROVIDERS = """\
provider "aws" {
  region = "eu-west-2"
}

provider "aws" {
  alias  = "us-east-1"
  region = "us-east-1"
}
"""
BEDROCK = """
provider "aws" {
  alias  = "eu-central-1"
  region = "eu-central-1"
  assume_role {
    role_arn = "arn:aws:iam::${var.account_id}:role/BedrockEuCentral"
  }
}
"""


def test_a_provider_configuration_for_another_region_or_account(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/providers.tf": PROVIDERS})
    # The same region under another alias, written in a file of its own: nowhere new.
    repo.commit({"infra/providers_edge.tf": 'provider "aws" {\n  alias  = "edge"\n  region = "us-east-1"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # Another region, through a role in another account: resources can now be made there.
    repo.commit({"infra/providers_edge.tf": BEDROCK})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("added", "provider.aws.eu-central-1")]
    assert "region = eu-central-1" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


BY_ENVIRONMENT = """\
locals {
  environment  = terraform.workspace
  by_env       = { development = local.development, production = local.production }
  env_specific = local.by_env[local.environment]
}

resource "aws_security_group" "web" {
  name    = "web"
  ingress = lookup(local.env_specific, "ingress", [])
}
"""
PRODUCTION = """\
locals {
  production = {
    ingress    = [{ from_port = 443, to_port = 443, cidr_blocks = ["10.0.0.0/8"] }]
    dashboards = ["requests", "errors"]
  }
  development = {
    ingress = []
  }
}
"""


def test_a_key_read_by_lookup_through_locals_picked_per_environment(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/web.tf": BY_ENVIRONMENT, "infra/locals_production.tf": PRODUCTION})
    # The security group reads the production entry's `ingress`: a dashboard taken away is no change to it.
    repo.commit({"infra/locals_production.tf": PRODUCTION.replace('["requests", "errors"]', '["requests"]')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    repo.commit({"infra/locals_production.tf": PRODUCTION.replace('"10.0.0.0/8"', '"0.0.0.0/0"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_security_group.web")]
    assert findings(doc, "cloud")[0]["detail"] == "ingress reads local.env_specific.ingress, which changed"
    assert code == 1


def test_a_helm_template_naming_an_aws_type_outside_template_folders_is_no_template(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not YAML until Helm renders it, and it only mentions a CloudFormation type in a string.
    template = ('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n'
                'data:\n  stack: "AWS::CloudFormation::Stack"\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "deploy/chart/config.yaml": template})
    repo.commit({"deploy/chart/config.yaml": template + "  {{- toYaml .Values.extra | nindent 2 }}\n"})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []


FUNCTIONS = """\
resource "aws_lambda_function" "router" {
  function_name = "static-router"
  runtime       = "nodejs16.x"
  handler       = "index.handler"
  memory_size   = 128
}

module "lambda_static" {
  source  = "./modules/lambda"
  runtime = "python3.11"
}

resource "aws_s3_bucket" "mirrors" {
  bucket = "ci-mirrors"
}
"""


def test_a_functions_runtime_major_and_a_buckets_expiry(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/functions.tf": FUNCTIONS})
    # More memory and a patch of the same line are no new runtime.
    repo.commit({"infra/functions.tf": FUNCTIONS.replace("memory_size   = 128", "memory_size   = 256")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    repo.commit({"infra/functions.tf": FUNCTIONS.replace("nodejs16.x", "nodejs20.x").replace(
        "python3.11", "python3.12").replace(
        '  bucket = "ci-mirrors"\n',
        '  bucket = "ci-mirrors"\n\n  lifecycle_rule {\n    enabled = true\n\n'
        '    noncurrent_version_expiration {\n      days = 7\n    }\n  }\n')})
    code, doc = run_json(capsys, "--base", base)
    assert sorted(kinds_and_subjects(doc, "cloud")) == [
        ("engine", "aws_lambda_function.router"), ("engine", "module.lambda_static"),
        ("security", "aws_s3_bucket.mirrors")]
    assert code == 1


@pytest.mark.parametrize(("value", "major"), [
    ("nodejs20.x", ("nodejs", 20)), ("python3.12", ("python", 3, 12)), ("python311", ("python", 3, 11)),
    ("ruby3.2", ("ruby", 3, 2)), ("java17", ("java", 17)), ("dotnet8", ("dotnet", 8)), ("go1.x", ("go", 1)),
    ("provided.al2", None), ("${var.runtime}", None),
])
def test_function_runtime_majors(value: str, major: tuple[object, ...] | None) -> None:
    from ownership_gate.classifiers.cloud.engine import runtime_major

    assert runtime_major(value) == major


def test_a_cloudformation_functions_runtime_major(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    template = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Router:\n    Type: AWS::Lambda::Function\n"
                "    Properties:\n      Runtime: nodejs18.x\n      Handler: index.handler\n      MemorySize: 128\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, "stacks/router.yaml": template})
    repo.commit({"stacks/router.yaml": template.replace("nodejs18.x", "nodejs20.x")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "Router")]
    assert findings(doc, "cloud")[0]["detail"].startswith("Runtime: nodejs18.x -> nodejs20.x")


def test_the_built_in_policy_leaves_a_development_environment_to_the_engineer(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = 'resource "aws_s3_bucket" "uploads" {\n  bucket = "uploads"\n}\n'
    base = repo.commit({"environments/dev/main.tf": "# dev\n", "environments/prod/main.tf": "# prod\n"})
    repo.commit({"environments/dev/main.tf": bucket})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("added", "aws_s3_bucket.uploads")]
    assert findings(doc, "cloud")[0]["level"] is None and code == 0
    repo.commit({"environments/prod/main.tf": bucket})
    code, doc = run_json(capsys, "--base", base)
    assert [f["level"] for f in findings(doc, "cloud")] == [None, "cto"] and code == 1


def test_an_engine_version_terraform_ignores_is_no_upgrade(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Minor upgrades applied by AWS are kept out of the plan with `ignore_changes`: editing the version does
    # nothing until someone takes it out again.
    database = ('resource "aws_db_instance" "main" {\n  engine         = "postgres"\n  engine_version = "15.7"\n\n'
                '  lifecycle {\n    ignore_changes = [engine_version]\n  }\n}\n')
    base = repo.commit({"infra/db.tf": database})
    repo.commit({"infra/db.tf": database.replace('"15.7"', '"16.3"')})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    repo.commit({"infra/db.tf": database.replace('"15.7"', '"16.3"').replace("[engine_version]", "[tags]")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "aws_db_instance.main")]


TABLE = """\
resource "google_bigquery_table" "department_profile" {
  dataset_id = google_bigquery_dataset.public.dataset_id
  table_id   = "department_analytics_profile"
  schema     = file("schemas/department_analytics_profile.json")
}
"""


def test_a_warehouse_table_added_is_schema_and_one_removed_takes_its_data(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"terraform/bigquery.tf": 'resource "google_bigquery_dataset" "public" {\n'
                                                 '  dataset_id = "public"\n}\n'})
    added = repo.commit({"terraform/tables.tf": TABLE})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("table", "google_bigquery_table.department_profile")]
    assert doc["required_level"] == "engineer"
    assert code == 0
    repo.commit({"terraform/tables.tf": None})
    code, doc = run_json(capsys, "--base", added)
    assert kinds_and_subjects(doc, "cloud") == [("removed", "google_bigquery_table.department_profile")]
    assert code == 1


CF_APP = """\
---
applications:
  - name: {{ CF_APP }}
    instances: 2
    routes:
      - route: {{ CF_APP }}-{{ environment }}.cloudapps.digital
    services:
      - notify-db
      - logit-ssl-syslog-drain
      {% if environment == 'production' %}
      - notify-splunk
      {% endif %}
"""


@pytest.mark.parametrize(("after", "expected"), [
    # A log drain no longer bound: what production records changes.
    (CF_APP.replace("      - notify-splunk\n", ""), [("security", "applications[((CF_APP))].services")]),
    # Credentials moved into a new service the app is bound to.
    (CF_APP.replace("      - notify-db\n", "      - notify-db\n      - ledger-secret-service\n"),
     [("security", "applications[((CF_APP))].services")]),
    # The same bindings in another order, and a route changed: none.
    (CF_APP.replace("      - notify-db\n      - logit-ssl-syslog-drain\n",
                    "      - logit-ssl-syslog-drain\n      - notify-db\n").replace("cloudapps", "apps"), []),
    # A new application's bindings are its setup.
    (CF_APP + "  - name: worker\n    services:\n      - notify-db\n", []),
])
def test_a_cloud_foundry_apps_service_bindings(repo: Repo, capsys: pytest.CaptureFixture[str], after: str,
                                               expected: list[tuple[str, str]]) -> None:
    base = repo.commit({"manifest.yml.j2": CF_APP})
    repo.commit({"manifest.yml.j2": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


@pytest.mark.parametrize(("source", "judged"), [
    ('"cloudposse/label/null"', False),  # a registry module published for the null provider: names worked out
    ('"git::https://github.com/cloudposse/terraform-null-label.git?ref=tags/0.25.0"', False),
    ('"app.terraform.io/acme/passwords/random"', False),
    ('"terraform-aws-modules/iam/aws//modules/iam-assumable-role"', True),  # one for AWS creates resources
    ('"git::https://github.com/acme/terraform-aws-vpc.git?ref=v1.2.0"', True),
    ('"./modules/label"', True),  # a local module: what it holds is not known from its call
])
def test_a_module_for_a_provider_that_manages_nothing_creates_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str], source: str, judged: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "main.tf": MAIN})
    call = f'\nmodule "role_name" {{\n  source = {source}\n  name   = "app"\n}}\n'
    added = repo.commit({"main.tf": MAIN + call})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == ([("added", "module.role_name")] if judged else [])
    assert code == (1 if judged else 0)
    repo.commit({"main.tf": MAIN})  # and taken away again
    code, doc = run_json(capsys, "--base", added)
    assert kinds_and_subjects(doc, "cloud") == ([("removed", "module.role_name")] if judged else [])


def assert_security_step(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, subject: str, changed: bool
) -> None:
    """`path` committed as `before`, then as `after`: a `security` finding on `subject` and exit 1 when
    `changed`, else no cloud finding and exit 0."""
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == ([("security", subject)] if changed else [])
    assert code == (1 if changed else 0)


REGION_POLICY_DOCUMENT = """\
data "aws_region" "current" {}

data "aws_iam_policy_document" "service" {
  statement {
    actions   = ["logs:CreateLogDelivery"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:*:log-group:/aws/states/*"]
  }
}
"""


@pytest.mark.parametrize(("old", "new", "changed"), [
    # The AWS provider's newer name for the same region (version 6 deprecates `name`).
    ("data.aws_region.current.name", "data.aws_region.current.region", False),
    # Another account's log groups: the policy reaches something else.
    ("log-group:/aws/states/*", "log-group:*", True),
])
def test_a_region_named_the_newer_way_is_the_same_region(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, changed: bool
) -> None:
    assert_security_step(repo, capsys, "iam.tf", REGION_POLICY_DOCUMENT, REGION_POLICY_DOCUMENT.replace(old, new),
                         "data.aws_iam_policy_document.service", changed)


CACHE_BUCKET = """\
resource "aws_s3_bucket" "cache" {
  bucket = "build-cache"

  versioning {
    enabled    = true
%s  }
}
"""


@pytest.mark.parametrize(("before", "after", "changed"), [
    # Versions deleted without a second factor from now on: the bucket's data outlives fewer mistakes.
    ("    mfa_delete = true\n", "", True),
    # A second factor now required: harder to lose, nothing opens.
    ("", "    mfa_delete = true\n", False),
])
def test_mfa_delete_decides_whether_a_buckets_versions_outlive_a_mistake(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, changed: bool
) -> None:
    assert_security_step(repo, capsys, "s3.tf", CACHE_BUCKET % before, CACHE_BUCKET % after, "aws_s3_bucket.cache",
                         changed)


SAM = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs22.x
    Timeout: 15
    Environment:
      Variables:
        LOG_LEVEL: info
Resources:
  DownloadFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: download.handler
  LegacyFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: legacy.handler
      Runtime: nodejs18.x
"""


def test_a_sam_templates_globals_are_each_functions_own(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`Globals.Function.Runtime` is the runtime of every function that sets none of its own."""
    base = repo.commit({".ownership-gate.yaml": POLICY, "template.yaml": SAM})
    repo.commit({"template.yaml": SAM.replace("Runtime: nodejs22.x", "Runtime: nodejs24.x")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "DownloadFunction")]  # LegacyFunction keeps its own
    assert findings(doc, "cloud")[0]["detail"].startswith("Runtime: nodejs22.x -> nodejs24.x")
    # A global the functions share changed as a function's own setting would be: a timeout is none.
    repo.commit({"template.yaml": SAM.replace("Timeout: 15", "Timeout: 30")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # A function's own map merges with the global one: the shared keys still reach a function that sets others.
    shared = SAM.replace("    Timeout: 15\n", "    Timeout: 15\n    VpcConfig:\n      SecurityGroupIds: [sg-1]\n").replace(
        "      Handler: legacy.handler\n", "      Handler: legacy.handler\n      VpcConfig:\n        SubnetIds: [subnet-1]\n")
    base = repo.commit({"template.yaml": shared})
    repo.commit({"template.yaml": shared.replace("[sg-1]", "[sg-2]")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "DownloadFunction"), ("security", "LegacyFunction")]


def test_a_cloudformation_property_that_forces_a_new_resource(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """A table's key schema or name written anew: CloudFormation deletes the table and creates another."""
    table = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  AttemptsTable:\n    Type: AWS::DynamoDB::Table\n"
             "    Properties:\n      TableName: %s\n      BillingMode: PAY_PER_REQUEST\n      KeySchema:\n"
             "        - AttributeName: %s\n          KeyType: HASH\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, "template.yaml": table % ("attempts", "id")})
    repo.commit({"template.yaml": table % ("attempts", "sessionId")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("replaced", "AttemptsTable")]
    assert findings(doc, "cloud")[0]["detail"].startswith('KeySchema: [{"AttributeName": "id"')
    assert code == 1
    # A `!Sub` name reading the same parameters around other text is another name...
    repo.commit({"template.yaml": table % ("!Sub ${AWS::StackName}-attempts-v2", "id")})
    base = repo.commit({"template.yaml": table % ("!Sub ${AWS::StackName}-attempts", "id")})
    repo.commit({"template.yaml": table % ("!Sub ${AWS::StackName}-attempts-v2", "id")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("replaced", "AttemptsTable")]
    # ... one reading other values may be the same, and a setting CloudFormation changes in place is none.
    repo.commit({"template.yaml": table % ("!Sub ${Environment}-attempts", "id")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    repo.commit({"template.yaml": (table % ("!Sub ${AWS::StackName}-attempts", "id")).replace(
        "PAY_PER_REQUEST", "PROVISIONED")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []


def test_a_for_each_key_written_without_its_interpolation_is_the_same(
    repo: Repo, infra: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`"${r.name}"` is `r.name` inside a `for` expression too: the same keys, the same instances."""
    rules = ('resource "google_compute_firewall" "rules" {\n  for_each = { for r in var.rules : %s => r }\n'
             '  name     = each.value.name\n  network  = "default"\n}\n')
    base = repo.commit({"infra/firewall.tf": rules % '"${r.name}"'})
    repo.commit({"infra/firewall.tf": rules % "r.name"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    repo.commit({"infra/firewall.tf": rules % '"${r.name}-${r.priority}"'})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "google_compute_firewall.rules")]


_BUCKET = ('resource "google_storage_bucket" "vault" {\n  name           = "vault-data"\n'
           '  lifecycle_rule = var.%s\n}\n')
_LIST_INPUT = 'variable "%s" {\n  type    = list(any)\n  default = []\n}\n'
_ASSUME = ('data "aws_iam_policy_document" "assume_role_doc" {\n  statement {\n'
           '    actions   = ["sts:AssumeRole"]\n    resources = [var.%s]\n  }\n}\n')
_REQUIRED_INPUT = 'variable "%s" {\n  type        = string\n  description = "The role."\n}\n'


@pytest.mark.parametrize(("folder", "reads", "declares", "old", "new", "subject"), [
    # A setting: `list` inputs defaulting to `[]`.
    ("", _BUCKET, _LIST_INPUT, "storage_lifecycle_rules", "storage_bucket_lifecycle_rules",
     "google_storage_bucket.vault"),
    # Where the whole resource is access too: a required input.
    ("users/", _ASSUME, _REQUIRED_INPUT, "access_backend_role_arn", "access_terraform_backend_role_arn",
     "data.aws_iam_policy_document.assume_role_doc"),
])
def test_a_setting_reading_a_renamed_variable_is_the_same(
        repo: Repo, capsys: pytest.CaptureFixture[str], folder: str, reads: str, declares: str, old: str, new: str,
        subject: str) -> None:
    """A variable renamed with the same type and default: callers must pass the old value under the new name."""
    base = repo.commit({".ownership-gate.yaml": POLICY, f"{folder}main.tf": reads % old,
                        f"{folder}variables.tf": declares % old})
    repo.commit({f"{folder}main.tf": reads % new, f"{folder}variables.tf": declares % new})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # Another input, which was there before, is another setting for every caller.
    repo.commit({f"{folder}main.tf": reads % "other", f"{folder}variables.tf": declares % new + declares % "other"})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", subject)]


def test_a_load_balancer_rules_source_addresses_are_who_gets_in(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    call = 'module "goobi" {\n  source       = "./modules/service"\n  path_pattern = "/goobi/*"\n%s}\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, "staging/main.tf": call % ""})
    repo.commit({"staging/main.tf": call % "  source_ips   = local.goobi_source_ips\n"})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "module.goobi")]


def test_a_new_argument_reading_an_attribute_declared_optional_without_a_default_is_opt_in(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A caller's object gains `optional(..., null)`: where no caller gives it, the argument is left out."""
    variables = ('variable "groups" {\n  type = map(object({\n    min_size = number\n%s  }))\n  default = {}\n}\n')
    group = ('module "autoscale_group" {\n  source   = "cloudposse/ec2-autoscale-group/aws"\n'
             '  for_each = var.groups\n  min_size = each.value["min_size"]\n%s}\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "variables.tf": variables % "", "ec2.tf": group % ""})
    reuse = '  instance_reuse_policy = each.value["instance_reuse_policy"]\n'
    repo.commit({"ec2.tf": group % reuse, "variables.tf": variables % (
        "    instance_reuse_policy = optional(object({\n      reuse_on_scale_in = optional(bool, false)\n"
        "    }), null)\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # An attribute whose declared default is a value sets it for every caller that gives none.
    repo.commit({"variables.tf": variables % "    instance_reuse_policy = optional(object({}), {})\n"})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "module.autoscale_group")]



def test_a_guarded_reference_moved_into_a_local_names_the_same_thing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`local.partition = try(data.aws_partition.current[0].partition, "")` read where
    `data.aws_partition.current.partition` was: the same ARN wherever the old one had a value."""
    policy = 'locals {\n%s  cni_policy = "arn:${%s}:iam::aws:policy/AmazonEKS_CNI_Policy"\n}\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, "iam.tf": policy % ("", "data.aws_partition.current.partition")})
    guarded = '  partition  = try(data.aws_partition.current[0].partition, "")\n'
    repo.commit({"iam.tf": policy % (guarded, "local.partition")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    repo.commit({"iam.tf": policy % (guarded.replace("[0].partition", "[0].id"), "local.partition")})
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "local.cni_policy")]


FORWARDER = """\
module "kms_key" {
  source = "./modules/kms"
}

module "other_key" {
  source = "./modules/kms"
}

module "mail_forward" {
  source      = "github.com/example/terraform-aws-ses-forwarder?ref=v0.1.1"
  bucket_name = "ses-forwarder"
  kms_key_id  = module.kms_key.id
}
"""


@pytest.mark.parametrize(("argument", "found"), [
    # The called module now asks for the key's ARN: the same key, named another way.
    ("kms_key_arn = module.kms_key.arn", []),
    # Another key is another key.
    ("kms_key_arn = module.other_key.arn", [("security", "module.mail_forward")]),
])
def test_a_key_passed_by_its_arn_instead_of_its_id_is_the_same_key(
    repo: Repo, capsys: pytest.CaptureFixture[str], argument: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/ses.tf": FORWARDER})
    repo.commit({"infra/ses.tf": FORWARDER.replace("kms_key_id  = module.kms_key.id", argument)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


VAULT = """\
resource "aws_backup_vault" "main" {
  count = var.enabled && var.vault_name != null ? 1 : 0
  name  = var.vault_name
}

resource "aws_backup_vault_lock_configuration" "main" {
  count = var.locked && var.vault_name != null ? 1 : 0

  backup_vault_name  = aws_backup_vault.main[0].name
  min_retention_days = 7
}
"""


@pytest.mark.parametrize(("count", "found"), [
    # Where the vault is not created, reading its [0] stopped the plan: no lock existed there to lose.
    ("var.enabled && var.vault_name != null && var.locked ? 1 : 0", []),
    # A condition the vault does not have does remove locks.
    ("var.locked && var.vault_name != null && var.lock_enabled ? 1 : 0",
     [("count", "aws_backup_vault_lock_configuration.main")]),
])
def test_a_count_gaining_the_conditions_of_what_it_reads_by_its_first_instance(
    repo: Repo, capsys: pytest.CaptureFixture[str], count: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "backup/main.tf": VAULT})
    repo.commit({"backup/main.tf": VAULT.replace("var.locked && var.vault_name != null ? 1 : 0", count)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


def test_a_count_gaining_a_condition_that_what_it_reads_gains_in_the_same_change_counts(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Vault and lock both gain `var.auto`: where it is false, the lock that existed goes (with its vault).
    base = repo.commit({".ownership-gate.yaml": POLICY, "backup/main.tf": VAULT})
    both = VAULT.replace("var.enabled && var.vault_name != null ? 1 : 0",
                         "var.enabled && var.vault_name != null && var.auto ? 1 : 0")
    both = both.replace("var.locked && var.vault_name != null ? 1 : 0",
                        "var.locked && var.vault_name != null && var.auto ? 1 : 0")
    repo.commit({"backup/main.tf": both})
    code, doc = run_json(capsys, "--base", base)
    assert ("count", "aws_backup_vault_lock_configuration.main") in kinds_and_subjects(doc, "cloud")
    assert code == 1



CERTIFICATES = """\
provider "aws" {
  region = "eu-west-2"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

resource "aws_acm_certificate" "load_balancer" {
  domain_name       = "lb.example.gov.uk"
  validation_method = "DNS"
%s}

module "certificates" {
  source = "./modules/certificates"
%s}
"""
_US_EAST_1 = "  providers = {\n    aws = aws.us_east_1\n  }\n"


@pytest.mark.parametrize(("resource", "call", "found"), [
    # The certificate is now made in another region: the one it was is destroyed.
    ("  provider = aws.us_east_1\n", _US_EAST_1, [("replaced", "aws_acm_certificate.load_balancer")]),
    # The module is handed the default configuration instead: what it made in us-east-1 moves.
    ("", "  providers = {\n    aws.us_east_1 = aws.us_east_1\n  }\n", [("replaced", "module.certificates")]),
    # Another alias of the same region and account moves nothing.
    ("", "  providers = {\n    aws = aws.virginia\n  }\n", []),
])
def test_a_resource_or_module_given_another_provider_configuration_is_made_elsewhere(
    repo: Repo, capsys: pytest.CaptureFixture[str], resource: str, call: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "production/main.tf": CERTIFICATES % ("", _US_EAST_1)})
    repo.commit({"production/main.tf": CERTIFICATES % (resource, call)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


_EGRESS = ('resource "aws_vpc_security_group_egress_rule" "%s" {\n  security_group_id            = aws_security_group.ecs.id\n'
           '  referenced_security_group_id = var.%s\n}\n\n')
_SECURITY_GROUP_INPUT = 'variable "%s" {\n  type        = string\n  description = "The id of the %s security group"\n}\n\n'
_APPLICATION = 'module "application" {\n  source = "../modules/application"\n%s}\n'


def test_inputs_renamed_with_the_same_type_and_description_and_given_the_same_values_are_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two inputs of the same type renamed at once: their descriptions tell which is which, and the caller
    gives each new name what it gave the old one."""
    def module(prefix: str) -> dict[str, str]:
        return {
            "modules/application/security_groups.tf": _EGRESS % ("db", f"{prefix}db_security_group_id")
            + _EGRESS % ("redis", f"{prefix}redis_security_group_id"),
            "modules/application/variables.tf": _SECURITY_GROUP_INPUT % (f"{prefix}db_security_group_id", "db")
            + _SECURITY_GROUP_INPUT % (f"{prefix}redis_security_group_id", "redis"),
        }

    def call(prefix: str, db: str = "module.database.security_group_id") -> dict[str, str]:
        return {"production/main.tf": _APPLICATION % (f"  {prefix}db_security_group_id = {db}\n"
                                                      f"  {prefix}redis_security_group_id = module.redis.security_group_id\n")}

    base = repo.commit({".ownership-gate.yaml": POLICY, **module("egress_to_"), **call("egress_to_")})
    repo.commit({**module(""), **call("")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    # The renamed input given another group is another rule.
    repo.commit(call("", "module.cache.security_group_id"))
    _, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "module.application")]


def test_a_lone_input_renamed_is_the_same_whatever_its_description_says(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Descriptions only tell apart inputs that type, default and sensitivity cannot: one renamed alone is paired
    with its description reworded too."""
    declared = 'variable "%s" {\n  type        = string\n  description = "%s"\n}\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, "users/main.tf": _ASSUME % "access_backend_terraform_role_arn",
                        "users/variables.tf": declared % ("access_backend_terraform_role_arn", "The backend role.")})
    repo.commit({"users/main.tf": _ASSUME % "access_terraform_backend_role_arn",
                 "users/variables.tf": declared % ("access_terraform_backend_role_arn", "The Terraform backend role.")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0


def test_a_services_security_configuration_is_an_access_resource(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """EMR's security configuration: how its data is encrypted and which groups are mapped to which role."""
    configuration = (
        'resource "aws_emr_security_configuration" "emrfs" {\n  name          = "emrfs"\n'
        '  configuration = jsonencode({ AuthorizationConfiguration = { EmrFsConfiguration = {\n'
        '    RoleMappings = [{ Role = aws_iam_role.data.arn, IdentifierType = "Group", Identifiers = ["analysts"] }]\n'
        '  } } })\n}\n'
    )
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/emr.tf": configuration})
    repo.commit({"infra/emr.tf": configuration.replace('["analysts"]', '["analysts", "contractors"]')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "aws_emr_security_configuration.emrfs")] and code == 1


@pytest.mark.parametrize(("resource", "found"), [
    # A dashboard's JSON put into the bucket the configuration already has is content.
    ('resource "aws_s3_object" "status_dashboard" {\n  bucket = aws_s3_bucket.config.id\n  key = "status.json"\n}\n',
     []),
    # So is a key or a feature flag put into an Azure App Configuration store.
    ('resource "azurerm_app_configuration_key" "qflow_url" {\n  configuration_store_id = azurerm_app_configuration.'
     'config.id\n  key = "Qflow:BaseUrl"\n  value = var.qflow_url\n}\n', []),
    ('resource "azurerm_app_configuration_feature" "booking" {\n  configuration_store_id = azurerm_app_configuration.'
     'config.id\n  name = "booking"\n  enabled = true\n}\n', []),
    ('resource "aws_s3_bucket" "dashboards" {\n  bucket = "dashboards"\n}\n', [("added", "aws_s3_bucket.dashboards")]),
])
def test_an_object_put_into_a_bucket_is_no_resource_of_its_own(
    repo: Repo, capsys: pytest.CaptureFixture[str], resource: str, found: list[tuple[str, str]]
) -> None:
    bucket = 'resource "aws_s3_bucket" "config" {\n  bucket = "grafana-config"\n}\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, "infra/grafana.tf": bucket})
    repo.commit({"infra/grafana.tf": bucket + resource})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)
