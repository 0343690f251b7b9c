"""`cost` findings in Terraform, end to end, from Terraform Registry examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.cost.terraform import read_terraform, read_tfvars
from tests.conftest import Repo, findings, run_json

TF = Path(__file__).parents[2] / "fixtures" / "cost" / "terraform"
MAIN = (TF / "main.tf").read_text()


def _cost(doc: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((f["kind"], f["subject"]) for f in findings(doc, "cost"))


def _change(repo: Repo, capsys: pytest.CaptureFixture[str], files_before: dict[str, str | None],
            files_after: dict[str, str | None]) -> dict[str, object]:
    base = repo.commit(files_before)
    repo.commit(files_after)
    _, doc = run_json(capsys, "--base", base)
    return doc


def test_registry_examples_parse_into_priced_resources() -> None:
    extracted = read_terraform(MAIN, ())
    by_label = {o.label: o for o in extracted.objects}
    assert by_label["aws_instance.web"].priced and not by_label["aws_s3_bucket.example"].priced
    assert set(by_label["aws_eks_node_group.example"].leaves) == {
        "scaling_config.desired_size", "scaling_config.max_size", "scaling_config.min_size",
    }
    assert by_label["aws_instance.web"].leaves["instance_type"].line == 9
    assert set(by_label["google_container_node_pool.primary_preemptible_nodes"].leaves) == {
        "node_count", "node_config.machine_type",
    }
    assert set(by_label["azurerm_linux_virtual_machine.example"].leaves) == {"size", "os_disk.storage_account_type"}


def test_sizes_counts_and_storage(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = (
        MAIN.replace('"t3.micro"', '"t3.large"')
        .replace("desired_size = 1", "desired_size = 3")
        .replace("allocated_storage    = 10", "allocated_storage    = 5")
        .replace('"db.t3.micro"', '"db.r5.large"')
        .replace('"e2-medium"', '"e2-standard-4"')
        .replace('"Standard_F2"', '"Standard_F4"')
        .replace("node_count = 1", "node_count = 1 # the same")
    )
    doc = _change(repo, capsys, {"main.tf": MAIN}, {"main.tf": after})
    assert _cost(doc) == [
        ("change", "aws_db_instance.default.instance_class"),
        ("change", "google_container_node_pool.primary_preemptible_nodes.node_config.machine_type"),
        ("decrease", "aws_db_instance.default.allocated_storage"),
        ("increase", "aws_eks_node_group.example.scaling_config.desired_size"),
        ("increase", "aws_instance.web.instance_type"),
        ("increase", "azurerm_linux_virtual_machine.example.size"),
    ]
    finding = next(f for f in findings(doc, "cost") if f["subject"] == "aws_instance.web.instance_type")
    assert (finding["from"], finding["to"], finding["line"], finding["rule"]) == ("t3.micro", "t3.large", 9, "spend")


def test_new_and_removed_priced_resources(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    nat = 'resource "aws_nat_gateway" "example" {\n  allocation_id = aws_eip.example.id\n  subnet_id = aws_subnet.example.id\n}\n'
    before = MAIN
    after = MAIN.replace(MAIN[MAIN.index('resource "aws_db_instance"'):MAIN.index('resource "google_container')], "") + nat
    after += 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
    doc = _change(repo, capsys, {"main.tf": before}, {"main.tf": after})
    assert _cost(doc) == [("decrease", "aws_db_instance.default"), ("increase", "aws_nat_gateway.example")]


def test_count_and_for_each_on_priced_resources(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = 'resource "aws_instance" "web" {\n  count = 2\n  instance_type = "t3.micro"\n}\n' \
             'resource "aws_eip" "ip" {\n  for_each = toset(["a", "b"])\n}\n' \
             'resource "aws_s3_bucket" "b" {\n  count = 1\n}\n'
    after = before.replace("count = 2", "count = 4").replace('["a", "b"]', '["a", "b", "c"]').replace("count = 1", "count = 9")
    doc = _change(repo, capsys, {"main.tf": before}, {"main.tf": after})
    assert _cost(doc) == [("change", "aws_eip.ip.for_each"), ("increase", "aws_instance.web.count")]


def test_a_resource_added_with_count_zero_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _change(repo, capsys, {"main.tf": "# empty\n"},
                  {"main.tf": 'resource "aws_instance" "web" {\n  count = 0\n  instance_type = "t3.micro"\n}\n'})
    assert findings(doc, "cost") == []


def test_expressions_compare_as_text(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = 'resource "aws_instance" "web" {\n  instance_type = var.size\n  count = var.enabled ? 2 : 0\n}\n'
    same = before.replace("var.enabled ? 2 : 0", "var.enabled ?   2 : 0") + "# a comment\n"
    doc = _change(repo, capsys, {"main.tf": before}, {"main.tf": same})
    assert findings(doc, "cost") == []
    repo.commit({"main.tf": before.replace("var.size", "var.big_size")})
    _, doc = run_json(capsys, "--base", "HEAD~1")
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"], finding["from"], finding["to"]) == (
        "change", "aws_instance.web.instance_type", "var.size", "var.big_size",
    )
    assert "computed value changed" in finding["detail"]


def test_a_local_renamed_with_its_value_kept_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = ('locals {\n  instance_type = var.environment == "development" ? "kafka.t3.small" : "kafka.m5.large"\n}\n\n'
              'resource "aws_msk_cluster" "this" {\n  broker_node_group_info {\n    instance_type = local.instance_type\n'
              '  }\n}\n')
    renamed = before.replace("instance_type = var", "broker_instance_type = var").replace(
        "local.instance_type", "local.broker_instance_type")
    doc = _change(repo, capsys, {"main.tf": before}, {"main.tf": renamed})
    assert findings(doc, "cost") == []
    # Renamed and changed: the value it reads is another.
    repo.commit({"main.tf": renamed.replace('"kafka.m5.large"', '"kafka.m5.2xlarge"')})
    _, doc = run_json(capsys, "--base", "HEAD~2")
    assert [(f["kind"], f["subject"]) for f in findings(doc, "cost")] == [
        ("change", "aws_msk_cluster.this.broker_node_group_info.instance_type")]


def test_module_inputs(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    module = (TF / "eks-module.tf").read_text()
    after = module.replace('["m5.xlarge"]', '["m5.2xlarge"]').replace("min_size     = 2", "min_size     = 1")
    after = after.replace('version = "~> 20.0"', 'version = "~> 21.0"')
    doc = _change(repo, capsys, {"eks.tf": module}, {"eks.tf": after})
    assert _cost(doc) == [
        ("decrease", "module.eks.eks_managed_node_groups.example.min_size"),
        ("increase", "module.eks.eks_managed_node_groups.example.instance_types"),
    ]


def test_variable_defaults_and_tfvars(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    variables, tfvars = (TF / "variables.tf").read_text(), (TF / "prod.tfvars").read_text()
    doc = _change(
        repo, capsys, {"variables.tf": variables, "prod.tfvars": tfvars},
        {"variables.tf": variables.replace('"t3.medium"', '"t3.small"').replace("eu-west-1", "us-east-1"),
         "prod.tfvars": tfvars.replace('"m5.large"', '"m5.xlarge"').replace("= 2", "= 6")},
    )
    assert _cost(doc) == [
        ("decrease", "var.instance_type"),
        ("increase", "instance_type"),
        ("increase", "web_desired_count"),
    ]
    assert read_tfvars(tfvars, ()).objects[0].leaves["instance_type"].line == 2


def test_a_local_map_named_for_what_it_holds(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # One value per workspace, looked up by `terraform.workspace` where the node group is declared.
    locals_tf = (
        'locals {\n'
        '  default_ng_min_count = {\n    live    = "46"\n    manager = "4"\n  }\n'
        '  cluster_names = {\n    live = "live-1"\n  }\n'
        '}\n'
    )
    doc = _change(repo, capsys, {"locals.tf": locals_tf},
                  {"locals.tf": locals_tf.replace('"46"', '"56"').replace('"4"', '"3"').replace("live-1", "live-2")})
    assert _cost(doc) == [
        ("decrease", "local.default_ng_min_count.manager"),
        ("increase", "local.default_ng_min_count.live"),
    ]


def test_moving_and_renaming_resources_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    web = 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n'
    db = 'resource "aws_db_instance" "db" {\n  instance_class = "db.t3.micro"\n}\n'
    doc = _change(
        repo, capsys, {"main.tf": web + db},
        {"main.tf": web.replace('"web"', '"frontend"'), "database.tf": db},
    )
    assert findings(doc, "cost") == []


def test_reformatting_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    reformatted = MAIN.replace("  instance_type = \"t3.micro\"\n", "  instance_type   =   \"t3.micro\"   # sized for now\n")
    doc = _change(repo, capsys, {"main.tf": MAIN}, {"main.tf": reformatted.replace("max_size     = 2", "max_size = 2")})
    assert findings(doc, "cost") == []


def test_terraform_json_syntax(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = '{"resource": {"aws_instance": {"web": {"instance_type": "t3.micro", "ami": "${var.ami}"}}}}'
    doc = _change(repo, capsys, {"main.tf.json": before}, {"main.tf.json": before.replace("t3.micro", "t3.small")})
    assert _cost(doc) == [("increase", "aws_instance.web.instance_type")]


def test_malformed_hcl_is_a_change_not_a_traceback(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _change(repo, capsys, {"main.tf": MAIN}, {"main.tf": MAIN.replace('"t3.micro"', '"t3.micro')})
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"]) == ("change", "main.tf")
    assert "HCL does not parse" in finding["detail"]
    assert [f["kind"] for f in findings(doc, "infra")] == ["terraform"]


def test_lock_file_is_terraform_but_not_cost(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lock = 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.0.0"\n}\n'
    doc = _change(repo, capsys, {".terraform.lock.hcl": lock}, {".terraform.lock.hcl": lock.replace("5.0.0", "5.1.0")})
    assert [f["kind"] for f in findings(doc, "infra")] == ["terraform"]
    assert findings(doc, "cost") == []


def test_dynamic_blocks_are_named_by_label(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on terraform-aws-eks: adding a dynamic block before others shifted
    # `dynamic[0]` paths and reported unrelated attributes as changed.
    ebs = ('  dynamic "block_device_mappings" {\n    for_each = var.bdm\n    content {\n'
           '      ebs {\n        volume_size = block_device_mappings.value.size\n      }\n    }\n  }\n')
    cpu = '  dynamic "cpu_options" {\n    for_each = var.cpu\n    content {\n      core_count = cpu_options.value.cores\n    }\n  }\n'
    before = 'resource "aws_launch_template" "this" {\n' + ebs + "}\n"
    after = 'resource "aws_launch_template" "this" {\n' + cpu + ebs + "}\n"
    doc = _change(repo, capsys, {"main.tf": before}, {"main.tf": after})
    assert _cost(doc) == [("change", "aws_launch_template.this.dynamic.cpu_options.content.core_count")]


def test_kubernetes_provider_resources(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    service = ('resource "kubernetes_service" "web" {\n  metadata {\n    name = "web"\n  }\n'
               '  spec {\n    type = "ClusterIP"\n  }\n}\n')
    claim = ('resource "kubernetes_persistent_volume_claim" "data" {\n  spec {\n    resources {\n'
             '      requests = {\n        storage = "5Gi"\n      }\n    }\n  }\n}\n')
    doc = _change(repo, capsys, {"k8s.tf": service + claim},
                  {"k8s.tf": service.replace("ClusterIP", "LoadBalancer") + claim.replace("5Gi", "50Gi")})
    assert _cost(doc) == [
        ("increase", "kubernetes_persistent_volume_claim.data.spec.resources.requests.storage"),
        ("increase", "kubernetes_service.web.spec.type"),
    ]


def test_extra_keys_apply_to_terraform(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = (
        "version: 1\nlevels:\n  - name: engineer\n  - name: cto\ndefault_level: engineer\n"
        "rules:\n  - id: spend\n    level: cto\n    when: {type: cost, kind: [increase, change]}\n"
        "classify:\n  cost:\n    keys: [max_pods_per_node]\n"
    )
    pool = 'resource "google_container_node_pool" "pool" {\n  max_pods_per_node = 32\n}\n'
    doc = _change(repo, capsys, {".ownership-gate.yaml": policy, "gke.tf": pool},
                  {"gke.tf": pool.replace("32", "64")})
    assert _cost(doc) == [("increase", "google_container_node_pool.pool.max_pods_per_node")]


def test_module_list_entries_are_named(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on terraform-google-kubernetes-engine: node pools are a list of
    # objects; inserting one shifted every index and reported the others.
    def gke(pools: list[tuple[str, str]]) -> str:
        body = ",\n".join(f'    {{\n      name = "{n}"\n      machine_type = "{m}"\n    }}' for n, m in pools)
        return f'module "gke" {{\n  source = "terraform-google-modules/kubernetes-engine/google"\n  node_pools = [\n{body}\n  ]\n}}\n'

    before = gke([("pool-01", "e2-medium"), ("pool-02", "n2-standard-2")])
    after = gke([("gpu-pool", "g2-standard-4"), ("pool-01", "e2-medium"), ("pool-02", "n2-standard-4")])
    doc = _change(repo, capsys, {"main.tf": before}, {"main.tf": after})
    assert _cost(doc) == [
        ("change", "module.gke.node_pools[gpu-pool].machine_type"),
        ("increase", "module.gke.node_pools[pool-02].machine_type"),
    ]


DB_INSTANCE = """\
resource "aws_db_instance" "db_instance" {
  identifier        = "consignment-api"
  instance_class    = "db.t3.medium"
  allocated_storage = 60
}
"""


@pytest.mark.parametrize(("default", "found"), [
    ("null", []),  # the argument left out, as it was
    ('"ENTERPRISE_PLUS"', [("change", "google_sql_database_instance.default.settings.edition")]),
])
def test_an_argument_added_as_a_new_input_defaulting_to_null_costs_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str], default: str, found: list[tuple[str, str]]
) -> None:
    before = ('resource "google_sql_database_instance" "default" {\n  name = "db"\n  settings {\n'
              '    tier = "db-custom-2-7680"\n  }\n}\n')
    after = {
        "sql/main.tf": before.replace('    tier = "db-custom-2-7680"\n',
                                      '    tier    = "db-custom-2-7680"\n    edition = var.edition\n'),
        "sql/variables.tf": f'variable "edition" {{\n  type    = string\n  default = {default}\n}}\n',
    }
    doc = _change(repo, capsys, {"sql/main.tf": before}, after)
    assert [c for c in _cost(doc) if c[1].startswith("google_sql")] == found


@pytest.mark.parametrize(("variables", "tfvars", "found"), [
    # A literal made an input that defaults to it: the value it was, since no caller can have set it before.
    ('variable "allocated_storage" {\n  default = 60\n}\n', None, []),
    ('variable "allocated_storage" {\n  default = 100\n}\n', None,
     [("change", "aws_db_instance.db_instance.allocated_storage")]),
    # A variable file of the change set may give it another value.
    ('variable "allocated_storage" {\n  default = 60\n}\n', "allocated_storage = 200\n",
     [("change", "aws_db_instance.db_instance.allocated_storage")]),
])
def test_a_literal_made_an_input_that_defaults_to_it_costs_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str], variables: str, tfvars: str | None, found: list[tuple[str, str]]
) -> None:
    after: dict[str, str | None] = {
        "rds/main.tf": DB_INSTANCE.replace("allocated_storage = 60", "allocated_storage = var.allocated_storage"),
        "rds/variables.tf": variables,
    }
    if tfvars is not None:
        after["rds/terraform.tfvars"] = tfvars
    doc = _change(repo, capsys, {"rds/main.tf": DB_INSTANCE}, after)
    assert [c for c in _cost(doc) if c[1].startswith("aws_db_instance")] == found


ENDPOINT = ('resource "aws_vpc_endpoint" "codebuild" {\n%s  vpc_id            = "vpc-1"\n'
            '  service_name      = "com.amazonaws.eu-west-2.codebuild"\n  vpc_endpoint_type = "Interface"\n}\n')
GATED = '  count             = var.vpc_endpoints ? 1 : 0\n'


@pytest.mark.parametrize(("default", "found"), [
    ("true", []),  # one endpoint, as there was
    ("false", [("change", "aws_vpc_endpoint.codebuild.count")]),  # none: it is destroyed
])
def test_a_count_gated_by_a_new_input_costs_what_the_input_leaves(
    repo: Repo, capsys: pytest.CaptureFixture[str], default: str, found: list[tuple[str, str]]
) -> None:
    after = {"vpc.tf": ENDPOINT % GATED,
             "variables.tf": f'variable "vpc_endpoints" {{\n  type    = bool\n  default = {default}\n}}\n'}
    doc = _change(repo, capsys, {"vpc.tf": ENDPOINT % ""}, after)
    assert _cost(doc) == found
    assert [(f["kind"], f["subject"]) for f in findings(doc, "cloud")] == (
        [] if default == "true" else [("count", "aws_vpc_endpoint.codebuild")])


@pytest.mark.parametrize(("default", "found"), [
    ("true", []),
    ("false", [("change", "aws_vpc_endpoint.codebuild.count")]),
])
def test_a_new_required_input_takes_what_every_call_in_the_change_set_passes(
    repo: Repo, capsys: pytest.CaptureFixture[str], default: str, found: list[tuple[str, str]]
) -> None:
    # The module's new input has no default: its one caller passes its own new input, defaulting to `default`.
    call = 'module "framework" {\n  source = "./modules/framework"\n  vpc_id = "vpc-1"\n%s}\n'
    before = {"main.tf": call % "", "variables.tf": 'variable "region" {\n  type = string\n}\n',
              "modules/framework/vpc.tf": ENDPOINT % "",
              "modules/framework/variables.tf": 'variable "vpc_id" {\n  type = string\n}\n'}
    after = {"main.tf": call % "  vpc_endpoints = var.aft_vpc_endpoints\n",
             "variables.tf": before["variables.tf"]
             + f'\nvariable "aft_vpc_endpoints" {{\n  type    = bool\n  default = {default}\n}}\n',
             "modules/framework/vpc.tf": ENDPOINT % GATED,
             "modules/framework/variables.tf": before["modules/framework/variables.tf"]
             + '\nvariable "vpc_endpoints" {\n  type = bool\n}\n'}
    doc = _change(repo, capsys, before, after)
    assert _cost(doc) == found
    assert [(f["kind"], f["subject"]) for f in findings(doc, "cloud")] == (
        [] if default == "true" else [("count", "aws_vpc_endpoint.codebuild")])


def test_an_argument_bound_to_an_input_that_defaults_to_null_costs_nothing_until_set(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster = ('resource "aws_rds_cluster" "%s" {\n  cluster_identifier = "%s"\n  engine = "aurora-postgresql"\n%s}\n')
    variables = 'variable "storage_type" {\n  type    = string\n  default = null\n}\n'
    primary = cluster % ("primary", "primary", "  storage_type = var.storage_type\n")
    before = {"main.tf": primary + cluster % ("secondary", "secondary", ""), "variables.tf": variables}
    after = {"main.tf": primary + cluster % ("secondary", "secondary", "  storage_type = var.storage_type\n")}
    assert _cost(_change(repo, capsys, before, after)) == []
