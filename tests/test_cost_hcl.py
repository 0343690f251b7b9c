"""Cutting Terraform files into top-level blocks, so only changed blocks are parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.cost_hcl import changed_blocks
from ownership_gate.classifiers.hcl_blocks import blocks
from tests.conftest import Repo, findings, run_json

MAIN = (Path(__file__).parent / "fixtures" / "cost" / "terraform" / "main.tf").read_text()


def test_registry_example_cuts_into_its_blocks() -> None:
    cut = blocks(MAIN)
    assert cut is not None
    assert [b.splitlines()[0] for b in cut] == [
        'data "aws_ami" "ubuntu" {',
        'resource "aws_instance" "web" {',
        'resource "aws_eks_node_group" "example" {',
        'resource "aws_db_instance" "default" {',
        'resource "google_container_node_pool" "primary_preemptible_nodes" {',
        'resource "azurerm_linux_virtual_machine" "example" {',
        'resource "aws_s3_bucket" "example" {',
    ]


def test_only_changed_blocks_remain() -> None:
    focus = changed_blocks(MAIN, MAIN.replace('"t3.micro"', '"t3.small"'))
    assert focus is not None
    assert focus[0].startswith('resource "aws_instance" "web" {') and focus[0].count("resource ") == 1
    assert focus[1] == focus[0].replace("t3.micro", "t3.small")


@pytest.mark.parametrize(
    "text",
    [
        'resource "aws_instance" "web" { instance_type = "t3.micro" }\n',
        'region = "eu-west-1"\n',
        'resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{\n  "a": 1\n}\nEOF\n}\n',
        'resource "aws_instance" "web" {\n  ami = "x"\n',
    ],
    ids=["one-line-block", "top-level-attribute", "heredoc-with-brace", "unterminated"],
)
def test_files_that_do_not_cut_cleanly_are_parsed_whole(text: str) -> None:
    cut = blocks(text)
    assert cut is None or "".join(cut).count("{") != "".join(cut).count("}") or "EOF" in "".join(cut)


def test_a_heredoc_brace_still_gives_the_right_answer(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = 'resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{\n  "a": 1\n}\nEOF\n}\n'
    web = 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n'
    base = repo.commit({"main.tf": policy + web})
    repo.commit({"main.tf": policy.replace('"a": 1', '"a": 2') + web.replace("t3.micro", "t3.small")})
    _, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["line"]) for f in findings(doc, "cost")] == [
        ("increase", "aws_instance.web.instance_type", 9),
    ]


def test_a_syntax_error_reports_its_line_in_the_whole_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"main.tf": MAIN})
    repo.commit({"main.tf": MAIN.replace("max_size     = 2", "max_size     = = 2")})
    _, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["line"]) == ("change", 24)  # not the line inside the cut block


TOKENS = __import__("re").compile("instance_type|instance_types|node_count|count|for_each|dynamic|default")
CLUSTER = (
    'resource "google_container_cluster" "primary" {\n'
    '  name = "primary"\n'
    '  node_count = 1\n'
    '  description = "main cluster"\n'
    '  oauth_scopes = [\n'
    '    "cloud-platform",\n'
    '  ]\n'
    '  node_config {\n'
    '    machine_type = "e2-medium"\n'
    '  }\n'
    '}\n'
)


@pytest.mark.parametrize(
    ("edit", "parsed"),
    [
        (('"main cluster"', '"primary cluster"'), False),  # a description: no cost key on the line
        (('node_count = 1', 'node_count = 3'), True),
        (('    "cloud-platform",\n', '    "cloud-platform",\n    "compute",\n'), True),  # inside a multi-line value
        (('  node_config {\n', '  node_pool_config {\n'), True),  # a block renamed: paths move
    ],
    ids=["description", "cost-key", "multi-line-value", "block-renamed"],
)
def test_resource_edits_that_touch_no_cost_key_are_not_parsed(edit: tuple[str, str], parsed: bool) -> None:
    focus = changed_blocks(CLUSTER, CLUSTER.replace(*edit), TOKENS)
    assert focus is not None
    assert bool(focus[0] and focus[1]) is parsed


def test_variables_and_data_sources() -> None:
    variable = 'variable "size" {\n  default = "t3.micro"\n}\n'
    data = 'data "aws_ami" "ubuntu" {\n  most_recent = true\n}\n'
    focus = changed_blocks(variable + data, variable.replace("micro", "small") + data.replace("true", "false"), TOKENS)
    assert focus == (variable, variable.replace("micro", "small"))


def _big_cluster(machine: str, policy: str = "a") -> str:
    labels = "".join(f'    label{n} = "v{n}"\n' for n in range(40))
    return (
        'resource "google_container_cluster" "primary" {\n'
        '  name = "primary"\n'
        f'  resource_labels = {{\n{labels}  }}\n'
        '  node_pool {\n'
        '    name = "default"\n'
        '    node_count = 3\n'
        '    node_config {\n'
        f'      machine_type = "{machine}"\n'
        '    }\n'
        '  }\n'
        '  description = <<-EOT\n'
        f'  policy {policy}\n'
        '  EOT\n'
        '}\n'
    )


def test_a_big_block_keeps_only_the_members_that_changed() -> None:
    from ownership_gate.classifiers.cost_read import _tf_tokens

    focus = changed_blocks(_big_cluster("e2-medium"), _big_cluster("e2-standard-4"), _tf_tokens({}))
    assert focus is not None
    assert "label1 " not in focus[0] and "machine_type" in focus[0] and focus[1].count("\n") < 12


def test_big_block_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"gke.tf": _big_cluster("n2-standard-4")})
    repo.commit({"gke.tf": _big_cluster("n2-standard-8", policy="b")})
    _, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["line"]) for f in findings(doc, "cost")] == [
        ("increase", "google_container_cluster.primary.node_pool.node_config.machine_type", 49),
    ]


def test_a_longer_name_containing_a_cost_word_is_quiet() -> None:
    from ownership_gate.classifiers.cost_read import _tf_tokens

    # Found on terraform-google-kubernetes-engine: `storage_pools` is no `storage`.
    before = 'resource "google_container_node_pool" "pools" {\n  node_count = 1\n}\n'
    after = before.replace("  node_count = 1\n", '  node_count = 1\n  storage_pools = ["p"]\n')
    assert changed_blocks(before, after, _tf_tokens({})) == ("", "")
    assert changed_blocks(before, before.replace("= 1", "= 2"), _tf_tokens({})) == (before, before.replace("= 1", "= 2"))
