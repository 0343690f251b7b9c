"""Terraform variable files judged by what reads their values: a `count` or what a `for_each` walks."""

from __future__ import annotations

import json

import pytest

from ownership_gate.classifiers.cloud.tfvars import nested_engines
from tests.conftest import Repo, findings, kinds_and_subjects, levels_by_path, run_json

CLUSTER = """\
variable "namespaces" {
  type = list(string)
}

variable "node_pools" {
  type = map(object({ version = string, max_count = number }))
}

variable "deploy_identities" {
  type = map(map(list(string)))
}

resource "kubernetes_namespace" "this" {
  for_each = toset(var.namespaces)
  metadata {
    name = each.key
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "pools" {
  for_each             = var.node_pools
  name                 = each.key
  orchestrator_version = each.value.version
  max_count            = each.value.max_count
}

locals {
  # One identity per repository and environment it deploys to.
  deploy_credentials = flatten([
    for group, repos in var.deploy_identities : [
      for repo, environments in repos : [for environment in environments : { r = repo, e = environment }]
    ]
  ])
}

resource "azurerm_federated_identity_credential" "deploy" {
  for_each = { for c in local.deploy_credentials : "${c.r}-${c.e}" => c }
  name     = each.key
  subject  = "repo:org/${each.value.r}:environment:${each.value.e}"
}

resource "azurerm_monitor_metric_alert" "namespace_pods" {
  for_each = toset(var.namespaces)
  name     = "${each.key}-pods"
}
"""

PRODUCTION = {
    "namespaces": ["apply-production", "register-production"],
    "node_pools": {"apps": {"version": "1.33.7", "max_count": 10}},
    "deploy_identities": {"cpd": {"register": ["production", "sandbox"]}},
}


@pytest.fixture
def cluster(repo: Repo) -> str:
    return repo.commit({
        "cluster/main.tf": CLUSTER,
        "cluster/config/production.tfvars.json": json.dumps(PRODUCTION, indent=2) + "\n",
    })


def edited(**changes: object) -> dict[str, str | bytes | None]:
    return {"cluster/config/production.tfvars.json": json.dumps({**PRODUCTION, **changes}, indent=2) + "\n"}


def test_a_namespace_added_to_a_walked_list_is_a_count_change(
    repo: Repo, cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(edited(namespaces=["apply-production", "register-production", "schoolstandards-production"]))
    code, doc = run_json(capsys, "--base", cluster)
    assert kinds_and_subjects(doc, "cloud") == [("count", "kubernetes_namespace.this")]
    [found] = findings(doc, "cloud")
    assert "var.namespaces changed" in found["detail"] and "for_each" in found["detail"]
    assert levels_by_path(doc) == {"cluster/config/production.tfvars.json": "cto"}
    assert code == 1


def test_what_a_walked_map_holds_is_no_count_change(repo: Repo, cluster: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A node pool's Kubernetes version: the same pools, another setting of one."""
    repo.commit(edited(node_pools={"apps": {"version": "1.34.6", "max_count": 10}}))
    code, doc = run_json(capsys, "--base", cluster)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_a_member_of_a_list_a_local_flattens_is_walked(
    repo: Repo, cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same groups and repositories; one more environment a repository deploys to, one more identity."""
    repo.commit(edited(deploy_identities={"cpd": {"register": ["production", "paritycheck", "sandbox"]}}))
    code, doc = run_json(capsys, "--base", cluster)
    assert kinds_and_subjects(doc, "cloud") == [("count", "azurerm_federated_identity_credential.deploy")]
    assert code == 1


def test_a_value_only_an_alarm_walks_is_monitoring(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    only_alarms = CLUSTER.split('resource "kubernetes_namespace"')[0] + 'resource "azurerm_monitor_metric_alert"' + \
        CLUSTER.split('resource "azurerm_monitor_metric_alert"')[1]
    base = repo.commit({"cluster/main.tf": only_alarms,
                        "cluster/config/production.tfvars.json": json.dumps(PRODUCTION) + "\n"})
    repo.commit(edited(namespaces=["apply-production"]))
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("monitoring", "azurerm_monitor_metric_alert.namespace_pods")]
    assert code == 0


APP = """\
variable "portal_hostnames" {
  type    = list(string)
  default = []
}

variable "enable_replica" {
  type    = bool
  default = false
}

variable "instance_count" {
  type    = number
  default = 2
}

module "app" {
  source         = "./modules/app"
  portals        = var.portal_hostnames
  replica        = var.enable_replica
  instance_count = var.instance_count
}
"""

APP_MODULE = """\
variable "portals" {
  type = list(string)
}

variable "replica" {
  type = bool
}

variable "instance_count" {
  type = number
}

resource "cloudfoundry_route" "portal" {
  for_each = toset(var.portals)
  hostname = each.key
}

resource "aws_db_instance" "replica" {
  count               = var.replica ? 1 : 0
  replicate_source_db = "app"
  instance_class      = "db.t3.small"
}

resource "cloudfoundry_app" "web" {
  name      = "web"
  instances = var.instance_count
}
"""


@pytest.mark.parametrize(("before", "after", "expected"), [
    # A new public route, through the module the configuration calls.
    ("", 'portal_hostnames = ["traineeteacherportal"]\n', [("count", "module.app.cloudfoundry_route.portal")]),
    # A read replica turned on: any change to what a `count` reads counts.
    ("enable_replica = false\n", "enable_replica = true\n", [("count", "module.app.aws_db_instance.replica")]),
    # Read by no `count` or `for_each` (sizes and instances are the cost classifier's): nothing here.
    ('app_version = "1.2.3"\n', 'app_version = "1.2.4"\n', []),
])
def test_a_value_passed_to_a_local_module_is_judged_where_the_module_reads_it(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({"terraform/main.tf": APP, "terraform/modules/app/main.tf": APP_MODULE,
                        "terraform/workspace-variables/production.tfvars": f'environment = "production"\n{before}'})
    repo.commit({"terraform/workspace-variables/production.tfvars": f'environment = "production"\n{after}'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


def test_a_variable_file_that_does_not_parse_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"terraform/main.tf": APP, "terraform/modules/app/main.tf": APP_MODULE,
                        "terraform/production.tfvars": "enable_replica = false\n"})
    repo.commit({"terraform/production.tfvars": "enable_replica = \n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("unparsed", "terraform/production.tfvars")]
    assert code == 1


@pytest.mark.parametrize("status", ["added", "deleted"])
def test_a_variable_file_added_or_deleted_applies_nothing_by_itself(
    repo: Repo, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    files: dict[str, str | bytes | None] = {"terraform/main.tf": APP, "terraform/modules/app/main.tf": APP_MODULE}
    variables = 'portal_hostnames = ["a", "b"]\nenable_replica = true\n'
    if status == "deleted":
        files["terraform/retired.tfvars"] = variables
    base = repo.commit(files)
    repo.commit({"terraform/retired.tfvars": None if status == "deleted" else variables})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


@pytest.mark.parametrize(("name", "status", "variables", "expected"), [
    # Terraform loads `terraform.tfvars` and `*.auto.tfvars` without being asked: added, each value it sets
    # replaces the configuration's default.
    ("terraform.tfvars", "added", 'portal_hostnames = ["a", "b"]\n', [("count", "module.app.cloudfoundry_route.portal")]),
    ("replica.auto.tfvars.json", "added", '{"enable_replica": true}\n', [("count", "module.app.aws_db_instance.replica")]),
    # Deleted, its values fall back to the defaults.
    ("terraform.tfvars", "deleted", "enable_replica = true\n", [("count", "module.app.aws_db_instance.replica")]),
    # The defaults written out again change nothing, and neither does a value nothing counts by.
    ("terraform.tfvars", "added", 'portal_hostnames = []\nenable_replica = false\napp_version = "1.2.3"\n', []),
])
def test_a_variable_file_terraform_loads_by_itself_added_or_deleted(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str, status: str, variables: str,
    expected: list[tuple[str, str]],
) -> None:
    files: dict[str, str | bytes | None] = {"terraform/main.tf": APP, "terraform/modules/app/main.tf": APP_MODULE}
    if status == "deleted":
        files[f"terraform/{name}"] = variables
    base = repo.commit(files)
    repo.commit({f"terraform/{name}": None if status == "deleted" else variables})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


ACCOUNTS_ROOT = """\
variable "accounts" {
  type = map(any)
}

locals {
  account_name = lookup(var.account_mapping, terraform.workspace, "development")
  account      = var.accounts[local.account_name]
}

module "eu-west-1" {
  source  = "./modules/environment"
  account = local.account
}
"""

ACCOUNTS_MODULE = """\
variable "account" {
  type = any
}

resource "aws_db_instance" "api" {
  count          = var.account.always_on ? 1 : 0
  engine_version = var.account.psql_engine_version
}
"""


def accounts(always_on: bool, version: str) -> str:
    return json.dumps({"accounts": {
        "development": {"always_on": False, "psql_engine_version": version},
        "production": {"always_on": always_on, "psql_engine_version": version},
    }}, indent=2) + "\n"


@pytest.mark.parametrize(("always_on", "version", "expected"), [
    (True, "13.20", []),  # another key of the map than the one the `count` reads
    (False, "13.12", [("count", "module.eu-west-1.aws_db_instance.api")]),
])
def test_a_count_reading_one_key_of_a_map_is_judged_by_that_key(
    repo: Repo, capsys: pytest.CaptureFixture[str], always_on: bool, version: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({
        "terraform/environment/main.tf": ACCOUNTS_ROOT,
        "terraform/environment/modules/environment/rds.tf": ACCOUNTS_MODULE,
        "terraform/environment/terraform.tfvars.json": accounts(True, "13.12"),
    })
    repo.commit({"terraform/environment/terraform.tfvars.json": accounts(always_on, version)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)


FRONT_DOOR = """\
variable "frontends" {
  type = any
}

module "front_door" {
  source    = "git::https://example.com/acme/terraform-module-frontdoor.git?ref=v2"
  frontends = var.frontends
}
"""

FRONTENDS = """\
frontends = [
  {
    name             = "portal"
    custom_domain    = "portal.example.com"
    certificate_name = "portal-example-com"
    global_exclusions = [
      {
        match_variable = "RequestCookieNames"
        operator       = "Equals"
        selector       = "session"
      },EXCLUSION
    ]
  },FRONTEND
]
"""
EXCLUSION = """
      {
        match_variable = "RequestBodyPostArgNames"
        operator       = "Equals"
        selector       = "authenticity_token"
      },"""
FRONTEND = """
  {
    name             = "labs"
    custom_domain    = "labs.example.com"
    certificate_name = "labs-example-com"
  },"""


def frontends(exclusion: str = "", frontend: str = "") -> str:
    return FRONTENDS.replace("EXCLUSION", exclusion).replace("FRONTEND", frontend)


def test_a_firewall_exclusion_in_a_variable_file_is_a_security_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The module is fetched from elsewhere, so what reads the value cannot be seen: its name says what it sets.
    base = repo.commit({"main.tf": FRONT_DOOR, "prod.tfvars": frontends()})
    repo.commit({"prod.tfvars": frontends(exclusion=EXCLUSION)})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    (finding,) = findings(document, "cloud")
    assert (finding["kind"], finding["subject"], finding["level"]) == ("security", "var.frontends", "cto")
    assert finding["detail"] == ("var.frontends[].global_exclusions changed in prod.tfvars: settings that decide who"
                                 " or what can reach a resource")
    assert code == 1


def test_an_entry_added_to_a_variable_file_is_no_setting_changed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A new frontend has its own certificate: more of something, not a setting of an existing one changed.
    base = repo.commit({"main.tf": FRONT_DOOR, "prod.tfvars": frontends()})
    repo.commit({"prod.tfvars": frontends(frontend=FRONTEND)})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert findings(document, "cloud") == []
    assert code == 0


def test_an_allow_list_in_a_variable_file_that_only_lost_entries_lets_fewer_in(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tfvars = 'admin = {{\n  allowed_cidrs = [{}]\n  instance_type = "{}"\n}}\n'
    base = repo.commit({"main.tf": 'variable "admin" {\n  type = any\n}\n',
                        "prod.tfvars": tfvars.format('"10.0.0.0/8", "192.0.2.0/24"', "t3.small")})
    repo.commit({"prod.tfvars": tfvars.format('"10.0.0.0/8"', "t3.medium")})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert findings(document, "cloud") == []
    repo.commit({"prod.tfvars": tfvars.format('"10.0.0.0/8", "0.0.0.0/0"', "t3.medium")})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(document, "cloud") == [("security", "var.admin")]
    assert "var.admin.allowed_cidrs changed" in findings(document, "cloud")[0]["detail"]
    assert code == 1


def test_a_name_for_a_version_is_no_access_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # `ingress` names the chart whose version this is; a protocol's minimum version is a setting.
    tfvars = 'ingress_nginx_version = "{}"\nmin_tls_version = "{}"\n'
    configuration = 'variable "ingress_nginx_version" {}\nvariable "min_tls_version" {}\n'
    base = repo.commit({"main.tf": configuration, "production.tfvars": tfvars.format("4.13.4", "1.2")})
    repo.commit({"production.tfvars": tfvars.format("4.15.1", "1.2")})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert findings(document, "cloud") == [] and code == 0
    repo.commit({"production.tfvars": tfvars.format("4.15.1", "1.0")})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(document, "cloud") == [("security", "var.min_tls_version")] and code == 1


# Engine versions nested in a variable's value: a map of clusters, a list of databases.

def _clusters(*versions: str) -> dict[str, dict[str, object]]:
    return {f"{n:02}": {"kubernetes_cluster_version": v, "node_count": 3} for n, v in enumerate(versions)}


@pytest.mark.parametrize(("name", "before", "after", "expected"), [
    # Maps by key: a cluster's control plane to the next release.
    ("clusters", _clusters("1.34", "1.34"), _clusters("1.34", "1.35"),
     [('var.clusters["01"].kubernetes_cluster_version', "kubernetes_cluster_version: 1.34 -> 1.35")]),
    # A patch release, and a new cluster on a newer release: neither upgrades one that runs.
    ("clusters", _clusters("1.34.1"), _clusters("1.34.3"), []),
    ("clusters", _clusters("1.34"), _clusters("1.34", "1.35"), []),
    # Lists of maps by `name`, whatever their order; an entry on one side only is left out.
    ("databases", [{"name": "ledger", "postgres_version": "14"}],
     [{"name": "reports", "postgres_version": "16"}, {"name": "ledger", "postgres_version": "16"}],
     [('var.databases[name="ledger"].postgres_version', "postgres_version: 14 -> 16")]),
    # ... by place when they have no identity and the list keeps its length, otherwise not at all.
    ("databases", [{"redis_version": "6.2"}], [{"redis_version": "7.1"}],
     [("var.databases[0].redis_version", "redis_version: 6.2 -> 7.1")]),
    ("databases", [{"redis_version": "6.2"}], [{"redis_version": "7.1"}, {"redis_version": "7.1"}], []),
    # A map of one version per environment under a name for it.
    ("postgres_version", {"production": 14, "staging": 16}, {"production": 16, "staging": 16},
     [("var.postgres_version.production", "postgres_version: 14 -> 16")]),
    # Only the map right under the name: an add-on's version in it is not the control plane's.
    ("cluster_version", {"production": {"coredns": "v1.10.1"}}, {"production": {"coredns": "v1.11.1"}}, []),
    # A sibling `engine` says MySQL, which counts its majors in two parts.
    ("databases", [{"id": "shop", "engine": "mysql", "engine_version": "8.0.35"}],
     [{"id": "shop", "engine": "mysql", "engine_version": "8.4.3"}],
     [('var.databases[id="shop"].engine_version', "engine_version: 8.0.35 -> 8.4.3")]),
    ("databases", [{"id": "shop", "engine": "postgres", "engine_version": "16.1"}],
     [{"id": "shop", "engine": "postgres", "engine_version": "16.4"}], []),
    # A version the value does not hold on both sides as a literal is not judged.
    ("clusters", {"01": {"kubernetes_cluster_version": "1.34"}}, {"01": {"kubernetes_cluster_version": None}}, []),
    ("clusters", {"01": {"kubernetes_cluster_version": "1.34"}}, {"01": {}}, []),
    # A name that is not an engine's version.
    ("apps", {"web": {"app_version": "1.2"}}, {"web": {"app_version": "2.0"}}, []),
])
def test_engine_versions_are_found_at_any_depth(
    name: str, before: object, after: object, expected: list[tuple[str, str]]
) -> None:
    found = nested_engines(name, before, after)
    assert [(f.kind, f.subject) for f in found] == [("engine", subject) for subject, _ in expected]
    assert all(f.detail.startswith(detail) for f, (_, detail) in zip(found, expected, strict=True))


AKS = """\
variable "clusters" {
  type = map(object({ kubernetes_cluster_version = string, node_count = number }))
  default = {
    "00" = { kubernetes_cluster_version = "1.34", node_count = 3 }
  }
}

variable "databases" {
  type    = list(object({ name = string, postgres_version = string }))
  default = []
}

variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

resource "azurerm_kubernetes_cluster" "this" {
  for_each           = var.clusters
  name               = "aks-${each.key}"
  kubernetes_version = each.value.kubernetes_cluster_version
}

resource "azurerm_postgresql_flexible_server" "this" {
  for_each = { for db in var.databases : db.name => db }
  name     = each.key
  version  = each.value.postgres_version
}
"""


def clusters_tfvars(*versions: str, json_syntax: bool = False) -> str:
    if json_syntax:
        return json.dumps({"clusters": _clusters(*versions)}, indent=2) + "\n"
    entries = "".join(f'  "{name}" = {{\n    kubernetes_cluster_version = "{value["kubernetes_cluster_version"]}"\n'
                      f'    node_count                 = 3\n  }}\n' for name, value in _clusters(*versions).items())
    return f"clusters = {{\n{entries}}}\n"


@pytest.mark.parametrize("json_syntax", [False, True])
def test_a_cluster_in_a_map_of_clusters_moved_to_the_next_kubernetes_release(
    repo: Repo, capsys: pytest.CaptureFixture[str], json_syntax: bool
) -> None:
    path = "aks/prod.tfvars.json" if json_syntax else "aks/prod.tfvars"
    base = repo.commit({"aks/main.tf": AKS, path: clusters_tfvars("1.34", "1.34", json_syntax=json_syntax)})
    repo.commit({path: clusters_tfvars("1.34", "1.35", json_syntax=json_syntax)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("engine", 'var.clusters["01"].kubernetes_cluster_version')]
    [found] = findings(doc, "cloud")
    assert found["detail"].startswith("kubernetes_cluster_version: 1.34 -> 1.35, another Kubernetes release")
    assert levels_by_path(doc) == {path: "cto"}
    assert code == 1


@pytest.mark.parametrize("json_syntax", [False, True])
def test_a_patch_release_of_a_cluster_in_a_map_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], json_syntax: bool
) -> None:
    path = "aks/prod.tfvars.json" if json_syntax else "aks/prod.tfvars"
    base = repo.commit({"aks/main.tf": AKS, path: clusters_tfvars("1.34.1", "1.34.1", json_syntax=json_syntax)})
    repo.commit({path: clusters_tfvars("1.34.1", "1.34.3", json_syntax=json_syntax)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_a_new_cluster_on_a_newer_release_upgrades_none(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """One more cluster is what the `for_each` walks (`count`), not an upgrade of one that runs."""
    base = repo.commit({"aks/main.tf": AKS, "aks/prod.tfvars": clusters_tfvars("1.34", "1.34")})
    repo.commit({"aks/prod.tfvars": clusters_tfvars("1.34", "1.34", "1.35")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "azurerm_kubernetes_cluster.this")]
    assert code == 1


def test_a_map_the_file_starts_setting_is_compared_with_the_default(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the cluster ran on the configuration's default map; the file now sets it a release later."""
    base = repo.commit({"aks/main.tf": AKS, "aks/prod.tfvars": 'kubernetes_version = "1.30"\n'})
    repo.commit({"aks/prod.tfvars": 'kubernetes_version = "1.30"\n' + clusters_tfvars("1.35")})
    code, doc = run_json(capsys, "--base", base)
    # The `for_each` is judged by the file's values alone, as before: a map it did not set is a change to it.
    assert kinds_and_subjects(doc, "cloud") == [
        ("count", "azurerm_kubernetes_cluster.this"),
        ("engine", 'var.clusters["00"].kubernetes_cluster_version'),
    ]
    assert code == 1


DATABASES = """\
databases = [
  {
    name             = "ledger"
    postgres_version = "%s"
  },
  {
    name             = "reports"
    postgres_version = "16"
  },
]
"""


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("14", "16", [("engine", 'var.databases[name="ledger"].postgres_version')]),
    ("14.9", "14.12", []),  # a minor release
])
def test_a_database_in_a_list_moved_to_another_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({"aks/main.tf": AKS, "aks/prod.tfvars": DATABASES % before})
    repo.commit({"aks/prod.tfvars": DATABASES % after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    if expected:
        assert findings(doc, "cloud")[0]["detail"].startswith("postgres_version: 14 -> 16, another major version")
    assert code == (1 if expected else 0)


@pytest.mark.parametrize(("after", "expected"), [
    ("1.30.2", []),  # read as written: "1.30" is not the number 1.3
    ("1.31", [("engine", "var.kubernetes_version")]),
])
def test_a_top_level_version_is_read_as_written(
    repo: Repo, capsys: pytest.CaptureFixture[str], after: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({"aks/main.tf": AKS, "aks/prod.tfvars": 'kubernetes_version = "1.30"\n'})
    repo.commit({"aks/prod.tfvars": f'kubernetes_version = "{after}"\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == expected
    assert code == (1 if expected else 0)
