"""`engine` findings: a managed database's engine moving to another major version, with the built-in policy."""

from __future__ import annotations

import json

import pytest

from ownership_gate.classifiers.cloud import engine
from tests.conftest import Repo, findings, kinds_and_subjects, run_json

DATABASE = """\
resource "aws_db_instance" "main" {
  identifier     = "app"
  engine         = "postgres"
  engine_version = "15.7"
  instance_class = "db.t3.medium"
}

resource "google_sql_database_instance" "reports" {
  name             = "reports"
  database_version = "POSTGRES_14"
}

resource "azurerm_postgresql_flexible_server" "ledger" {
  name    = "ledger"
  version = "14"
}
"""


@pytest.mark.parametrize(("value", "expected"), [
    ("16.3", (16,)),
    ("12.17", (12,)),
    (16, (16,)),
    ("POSTGRES_14", (14,)),
    ("POSTGRES_9_6", (9, 6)),
    ("MYSQL_8_0", (8, 0)),  # MySQL counts its majors in two parts: the value names it
    ("5.7.44", (5, 7)),
    ("aurora-postgresql 11.9", (11,)),
    ("latest", None),
    (True, None),
    (None, None),
])
def test_the_major_a_version_names(value: object, expected: tuple[int, ...] | None) -> None:
    assert engine.major(value) == expected


@pytest.mark.parametrize(("value", "named", "expected"), [
    ("8.4.3", "aws_db_instance.admin engine_version mysql", (8, 4)),
    ("8.0.mysql_aurora.3.05.2", "aws_rds_cluster.main engine_version aurora-mysql", (8, 0)),
    ("10.11.5", "azurerm_mariadb_server.app version", (10, 11)),
    ("8.4.3", "aws_elasticache_replication_group.cache engine_version valkey", (8,)),
    ("16.3", "aws_db_instance.main engine_version postgres", (16,)),
])
def test_mysql_and_mariadb_count_majors_in_two_parts(value: str, named: str, expected: tuple[int, ...]) -> None:
    assert engine.major(value, named) == expected


MYSQL = """\
resource "aws_db_instance" "admin" {
  identifier     = "admin"
  engine         = "mysql"
  engine_version = "%s"
  instance_class = "db.t3.medium"
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    ("8.0.35", "8.4.3", [("engine", "aws_db_instance.admin")]),  # an upgrade RDS runs as a major one
    ("8.3", "8.0", [("engine", "aws_db_instance.admin")]),  # and back: not in place either
    ("8.0.35", "8.0.36", []),
])
def test_a_mysql_release_line_named_by_the_engine_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"infra/db.tf": MYSQL % before})
    repo.commit({"infra/db.tf": MYSQL % after})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


AURORA_INPUT = """\
variable "engine_version" {
  type    = string
  default = "%s"
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    # Aurora MySQL names its MySQL line first: 8.0 is the line `8.0.mysql_aurora.3.05.2` belongs to.
    ("8.0.mysql_aurora.3.05.2", "8.0", []),
    ("8.0", "8.0.mysql_aurora.3.07.1", []),
    ("5.7.mysql_aurora.2.11.2", "8.0", [("engine", "var.engine_version")]),
])
def test_an_aurora_mysql_version_and_its_line_are_one_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"modules/database/variables.tf": AURORA_INPUT % before})
    repo.commit({"modules/database/variables.tf": AURORA_INPUT % after})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)


@pytest.mark.parametrize(("name", "resource_type", "expected"), [
    ("engine_version", "aws_rds_cluster", True),
    ("rds_db_engine_version", "", True),
    ("postgres_version", "", True),
    ("database_version", "google_sql_database_instance", True),
    ("version", "azurerm_postgresql_flexible_server", True),
    ("version", "", False),  # a module call's `version` is the module's own
    ("kubernetes_version", "azurerm_kubernetes_cluster", True),
    ("version", "aws_eks_cluster", True),
    ("version", "aws_eks_node_group", False),  # nodes are replaced, the control plane is upgraded
    ("min_master_version", "google_container_cluster", True),
    ("cluster_version", "", True),  # terraform-aws-modules/eks's input
    ("kafka_version", "aws_msk_cluster", True),  # the brokers' Kafka release
    ("engine_version_upgrade_window", "", False),
    ("family", "aws_elasticache_parameter_group", True),
    ("family", "aws_rds_cluster_parameter_group", True),
    ("family", "aws_launch_template", False),
    ("family", "", False),  # a module's `family` may be anything
])
def test_which_settings_hold_an_engine_version(name: str, resource_type: str, expected: bool) -> None:
    assert engine.names_engine(name, resource_type) is expected


def test_a_major_engine_upgrade_asks_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/main.tf": DATABASE})
    repo.commit({"infra/main.tf": DATABASE.replace('"15.7"', '"16.3"').replace("POSTGRES_14", "POSTGRES_15")
                 .replace('"14"', '"16"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [
        ("engine", "aws_db_instance.main"),
        ("engine", "azurerm_postgresql_flexible_server.ledger"),
        ("engine", "google_sql_database_instance.reports"),
    ]
    details = {f["subject"]: f["detail"] for f in findings(doc, "cloud")}
    assert details["aws_db_instance.main"].startswith("engine_version: 15.7 -> 16.3")
    assert details["google_sql_database_instance.reports"].startswith("database_version: POSTGRES_14 -> POSTGRES_15")
    assert {f["level"] for f in findings(doc, "cloud")} == {"cto"}
    assert code == 1


def test_a_minor_or_patch_release_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/main.tf": DATABASE})
    repo.commit({"infra/main.tf": DATABASE.replace('"15.7"', '"15.10"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


PARAMETER_GROUPS = """\
resource "aws_elasticache_parameter_group" "cache" {
  name   = "cache-params"
  family = "redis5.0"
}

resource "aws_db_parameter_group" "db" {
  name   = "db-params"
  family = "postgres14"
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    ("redis5.0", "redis6.x", [("engine", "aws_elasticache_parameter_group.cache")]),
    ("postgres14", "postgres15", [("engine", "aws_db_parameter_group.db")]),
    ("redis6.x", "redis6.2", []),  # the same major
])
def test_a_parameter_group_for_another_engine_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, found: list[tuple[str, str]]
) -> None:
    text = PARAMETER_GROUPS.replace("redis5.0", "redis6.x") if before == "redis6.x" else PARAMETER_GROUPS
    base = repo.commit({"infra/params.tf": text})
    repo.commit({"infra/params.tf": text.replace(f'"{before}"', f'"{after}"')})
    code, doc = run_json(capsys, "--base", base)
    assert [k for k in kinds_and_subjects(doc, "cloud") if k[0] == "engine"] == found
    if found:
        (upgrade,) = [f for f in findings(doc, "cloud") if f["kind"] == "engine"]
        assert upgrade["detail"].startswith(f"family: {before} -> {after}, another major version")
    assert code == (1 if found else 0)


def test_a_computed_version_is_not_judged(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/main.tf": DATABASE})
    repo.commit({"infra/main.tf": DATABASE.replace('"15.7"', "local.engine_version")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


STACK = """\
module "reports_db" {
  source                = "../../modules/rds"
  rds_db_engine_version = var.rds_db_engine_version
}
"""

STACK_VARIABLES = """\
variable "rds_db_engine_version" {
  default = "12.19"
}
"""

RDS_MODULE = """\
variable "rds_db_engine_version" {
  default = "12.17"
}

variable "credhub_engine_version" {
  default = "12.17"
}

resource "aws_db_instance" "this" {
  engine_version = var.rds_db_engine_version
}

resource "aws_db_instance" "credhub" {
  engine_version = var.credhub_engine_version
}
"""


@pytest.fixture
def stack(repo: Repo) -> str:
    return repo.commit({
        "terraform/stacks/tooling/stack.tf": STACK,
        "terraform/stacks/tooling/variables.tf": STACK_VARIABLES,
        "terraform/modules/rds/main.tf": RDS_MODULE,
    })


def test_a_module_input_switched_to_a_variable_with_a_newer_default(
    repo: Repo, stack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({
        "terraform/stacks/tooling/stack.tf": STACK.replace("var.rds_db_engine_version",
                                                           "var.rds_db_engine_version_reports"),
        "terraform/stacks/tooling/variables.tf": STACK_VARIABLES
        + 'variable "rds_db_engine_version_reports" {\n  default = "16.3"\n}\n',
    })
    code, doc = run_json(capsys, "--base", stack)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "module.reports_db")]
    [found] = findings(doc, "cloud")
    assert found["detail"].startswith("rds_db_engine_version: 12.19 -> 16.3")
    assert code == 1


def test_a_message_brokers_kafka_release_moved_to_a_variable_with_a_newer_major_default(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster = 'resource "aws_msk_cluster" "this" {\n  cluster_name  = "events"\n  kafka_version = "2.8.1"\n}\n'
    base = repo.commit({"msk/main.tf": cluster})
    repo.commit({"msk/main.tf": cluster.replace('"2.8.1"', "var.kafka_version"),
                 "msk/variables.tf": 'variable "kafka_version" {\n  type    = string\n  default = "3.6.0"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "aws_msk_cluster.this")]
    assert findings(doc, "cloud")[0]["detail"].startswith("kafka_version: 2.8.1 -> 3.6.0")
    assert code == 1


def test_a_module_input_added_is_compared_with_the_called_module_default(
    repo: Repo, stack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"terraform/stacks/tooling/stack.tf": STACK.replace(
        "}\n", '  credhub_engine_version = "15.5"\n}\n')})
    code, doc = run_json(capsys, "--base", stack)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "module.reports_db")]
    [found] = findings(doc, "cloud")
    assert found["detail"].startswith("credhub_engine_version: 12.17 -> 15.5")
    assert code == 1


def test_a_module_default_moved_to_another_major(repo: Repo, stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every caller that keeps the default gets the new major with its next apply."""
    repo.commit({"terraform/modules/rds/main.tf": RDS_MODULE.replace('"12.17"', '"16.4"', 1)})
    code, doc = run_json(capsys, "--base", stack)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "var.rds_db_engine_version")]
    assert code == 1


APP = """\
variable "postgres_version" {
  default = 13
}

module "postgres" {
  source           = "./modules/postgres"
  server_version   = var.postgres_version
}
"""


def test_a_variable_file_setting_a_newer_major(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The value the file did not set before was the configuration's default."""
    settings = {"cluster": "production", "enable_monitoring": True}
    base = repo.commit({
        "terraform/aks/main.tf": APP,
        "terraform/aks/workspace-variables/production.tfvars.json": json.dumps(settings, indent=2) + "\n",
    })
    repo.commit({"terraform/aks/workspace-variables/production.tfvars.json":
                 json.dumps({**settings, "postgres_version": 16}, indent=2) + "\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("engine", "var.postgres_version")]
    [found] = findings(doc, "cloud")
    assert found["detail"].startswith("postgres_version: 13 -> 16")
    assert code == 1


def test_a_variable_file_setting_the_same_major_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({
        "terraform/aks/main.tf": APP,
        "terraform/aks/production.tfvars": 'cluster = "production"\n',
    })
    repo.commit({"terraform/aks/production.tfvars": 'cluster = "production"\npostgres_version = 13\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


CLUSTERS = """\
resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  version  = "%(eks)s"

  vpc_config {
    subnet_ids = var.subnets
  }
}

resource "google_container_cluster" "primary" {
  name               = "primary"
  location           = "europe-west2"
  min_master_version = "%(gke)s"
}

module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "19.21.0"
  cluster_name    = "ci"
  cluster_version = "%(module)s"
}
"""


@pytest.mark.parametrize(("value", "named", "expected"), [
    ("1.27", "aws_eks_cluster.main version", (1, 27)),
    ("1.27.3-gke.100", "google_container_cluster.primary min_master_version", (1, 27)),
    ("1.29", "module.eks cluster_version", (1, 29)),
    ("1.29", "module.geeks engine_version", (1,)),  # a word that only holds the letters is not EKS
])
def test_kubernetes_counts_releases_in_two_parts(value: str, named: str, expected: tuple[int, ...]) -> None:
    assert engine.major(value, named) == expected


def test_a_kubernetes_control_plane_moved_to_another_release_asks_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"infra/clusters.tf": CLUSTERS % {"eks": "1.26", "gke": "1.27.3-gke.100", "module": "1.28"}})
    repo.commit({"infra/clusters.tf": CLUSTERS % {"eks": "1.27", "gke": "1.28.1-gke.200", "module": "1.29"}})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [
        ("engine", "aws_eks_cluster.main"),
        ("engine", "google_container_cluster.primary"),
        ("engine", "module.eks"),
    ]
    details = {f["subject"]: f["detail"] for f in findings(doc, "cloud")}
    assert details["module.eks"].startswith("cluster_version: 1.28 -> 1.29, another Kubernetes release")
    assert {f["level"] for f in findings(doc, "cloud")} == {"cto"}
    assert code == 1


def test_a_kubernetes_patch_release_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/clusters.tf": CLUSTERS % {"eks": "1.27", "gke": "1.27.3-gke.100", "module": "1.29"}})
    repo.commit({"infra/clusters.tf": CLUSTERS % {"eks": "1.27", "gke": "1.27.9-gke.300", "module": "1.29"}})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


RELEASE_INPUT = """\
variable "%s" {
  description = "Version of the runner software the instances install."
  type        = string
  default     = "%s"
}
"""


@pytest.mark.parametrize(("name", "before", "after", "found"), [
    ("gitlab_runner_version", "11.11.2", "12.1.0", True),  # every caller keeping the default upgrades
    ("release_tag", "v1.3.1", "v2.0.0", True),  # an application's release the module deploys
    ("agent_version", "0.4.2", "0.5.0", True),  # below 1.0 a minor is a major
    ("gitlab_runner_version", "11.11.2", "11.12.0", False),
    ("release_tag", "v1.3.1", "latest", False),  # no release to compare
    ("api_version", "1.0", "2.0", False),  # the version of a format, not of software it runs
    ("terraform_version", "0.15.5", "1.5.0", False),  # Terraform's own, which the dependency reader judges
])
def test_an_input_pinning_a_release_moved_to_another_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str, before: str, after: str, found: bool
) -> None:
    base = repo.commit({"variables.tf": RELEASE_INPUT % (name, before)})
    repo.commit({"variables.tf": RELEASE_INPUT % (name, after)})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == ([("engine", f"var.{name}")] if found else [])
    assert code == (1 if found else 0)


def _versions(required: str) -> str:
    return f'terraform {{\n  required_version = "{required}"\n  required_providers {{\n    aws = ">= 5.0"\n  }}\n}}\n'


@pytest.mark.parametrize(("before", "after", "found"), [
    (">= 0.13", ">= 1.3", True),  # every caller must move to Terraform 1.x first
    (">= 0.12.26", ">= 0.13.0", True),  # before 1.0 each minor was a line of its own
    (">= 1.0", ">= 1.3", False),  # the same line
    ("~> 0.12.0", ">= 0.12, < 0.14", False),  # widened: 0.12 still applies it
    (">= 0.13", ">= 0.12", False),  # lowered
])
def test_a_configuration_requiring_a_later_terraform_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, found: bool
) -> None:
    base = repo.commit({"versions.tf": _versions(before), "main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    repo.commit({"versions.tf": _versions(after)})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == ([("engine", "terraform.required_version")] if found else [])
    assert code == (1 if found else 0)


def test_a_root_configuration_moving_its_own_terraform_is_its_teams_toolchain(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    backend = 'terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "team.tfstate"\n  }\n}\n'
    base = repo.commit({"team/versions.tf": _versions(">= 0.12"), "team/backend.tf": backend,
                        "team/main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    repo.commit({"team/versions.tf": _versions("~> 0.13")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_a_wrapper_brought_up_to_the_line_the_module_it_calls_requires_moves_nobody(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({
        "versions.tf": _versions(">= 1.0"),
        "main.tf": 'resource "aws_sqs_queue" "q" {}\n',
        "wrappers/main.tf": 'module "wrapper" {\n  source   = "../"\n  for_each = var.items\n}\n',
        "wrappers/versions.tf": _versions(">= 0.13.1"),
    })
    repo.commit({"wrappers/versions.tf": _versions(">= 1.0")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


AMI = """\
data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["%s"]
  }
}

resource "aws_instance" "web" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.small"
}
"""


@pytest.mark.parametrize(("before", "after", "found"), [
    ("ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*",
     "ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-amd64-server-*", True),  # another release of the system
    ("debian-11-amd64-*", "debian-12-amd64-*", True),
    ("amzn2-ami-hvm-2.0.20211201*-x86_64-gp2", "amzn2-ami-hvm-2.0.20211223*-x86_64-gp2", False),  # a newer build
    ("amzn2-ami-hvm-2.*-x86_64-gp2", "amzn2-ami-hvm-2.0.2023*-x86_64-gp2", False),  # a narrower pattern
])
def test_instances_looked_up_by_an_image_name_of_another_system(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, found: bool
) -> None:
    base = repo.commit({"web/main.tf": AMI % before})
    repo.commit({"web/main.tf": AMI % after})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    # The data source changed either way (routine); another system is an `engine` change too.
    expected = [("data", "data.aws_ami.ubuntu")] + ([("engine", "data.aws_ami.ubuntu")] if found else [])
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if found else 0)


def test_an_image_input_whose_default_names_another_system(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    variable = ('variable "runner_ami_filter" {\n  type = map(list(string))\n  default = {\n'
                '    name = ["%s"]\n  }\n}\n')
    base = repo.commit({"variables.tf": variable % "amzn2-ami-hvm-2.*-x86_64-ebs"})
    repo.commit({"variables.tf": variable % "al2023-ami-2023*-x86_64"})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [("engine", "var.runner_ami_filter")]
    [found] = findings(doc, "cloud")
    assert "amzn2-ami-hvm-2.*-x86_64-ebs -> al2023-ami-2023*-x86_64" in found["detail"]
    assert code == 1


@pytest.mark.parametrize(("name", "family"), [
    ("amzn2-ami-hvm-2.*-x86_64-ebs", (("amzn", "ami", "hvm", "x", "ebs"), "2")),
    ("Windows_Server-2019-English-Full-Base-*", (("windows", "server", "english", "full", "base"), "2019")),
    ("weco-app-20230101-x86_64", (("weco", "app", "x"), "86")),  # a date is no release
])
def test_what_an_image_name_says_of_its_system(name: str, family: tuple[tuple[str, ...], str]) -> None:
    assert engine.image_family(name) == family
