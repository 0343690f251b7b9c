"""Only the top-level Terraform blocks that changed are read for cost."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.cost.hcl import changed_blocks
from tests.conftest import Repo, findings, run_json

MAIN = (Path(__file__).parents[2] / "fixtures" / "cost" / "terraform" / "main.tf").read_text()


def _headers(blocks: list[object]) -> list[tuple[str, tuple[str, ...]]]:
    return [(b.type, b.labels) for b in blocks]  # type: ignore[attr-defined]


def test_only_changed_blocks_remain_and_the_rest_is_never_read() -> None:
    before, after = changed_blocks(MAIN, MAIN.replace('"t3.micro"', '"t3.small"'))
    assert _headers(before.blocks) == _headers(after.blocks) == [("resource", ("aws_instance", "web"))]
    assert before.error is None and after.error is None
    assert after.blocks[0].line == 7  # its line in the whole file
    assert after.blocks[0].body.attributes["instance_type"].value == "t3.small"


def test_data_sources_are_never_read() -> None:
    variable = 'variable "size" {\n  default = "t3.micro"\n}\n'
    data = 'data "aws_ami" "ubuntu" {\n  most_recent = true\n}\n'
    before, after = changed_blocks(variable + data, variable.replace("micro", "small") + data.replace("true", "false"))
    assert _headers(before.blocks) == _headers(after.blocks) == [("variable", ("size",))]


@pytest.mark.parametrize(
    "text",
    [
        'resource "aws_instance" "web" { instance_type = "t3.micro" }\n',
        'resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{\n}\nEOF\n}\nresource "aws_instance" "web" {\n'
        '  instance_type = "t3.micro"\n}\n',
        'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n',
    ],
    ids=["one-line-block", "heredoc-with-brace", "plain"],
)
def test_any_layout_is_read_by_its_blocks(text: str) -> None:
    before, after = changed_blocks(text, text.replace("t3.micro", "t3.small"))
    assert _headers(after.blocks) == [("resource", ("aws_instance", "web"))]
    assert before.error is None and after.error is None


def test_a_broken_block_is_an_error_unless_it_was_already_broken_and_untouched() -> None:
    broken = 'resource "aws_instance" "odd" {\n  ami = \n}\n'
    web = 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n'
    before, after = changed_blocks(web, web + broken)
    assert before.error is None and after.error is not None and after.error.line == 5
    before, after = changed_blocks(web + broken, web.replace("micro", "small") + broken)
    assert after.error is None and _headers(after.blocks) == [("resource", ("aws_instance", "web"))]


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
    assert (finding["kind"], finding["line"]) == ("change", 24)


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
    ("edit", "found"),
    [
        (('"main cluster"', '"primary cluster"'), []),  # a description
        (('node_count = 1', 'node_count = 3'), [("increase", "google_container_cluster.primary.node_count")]),
        (('node_count = 1\n', 'node_count = 1\n  storage_pools = ["p"]\n'), []),  # `storage_pools` is no `storage`
        (('  node_config {\n', '  node_pool_config {\n'), [  # a block renamed: paths move
            ("change", "google_container_cluster.primary.node_config.machine_type"),
            ("change", "google_container_cluster.primary.node_pool_config.machine_type"),
        ]),
    ],
    ids=["description", "cost-key", "longer-name", "block-renamed"],
)
def test_resource_edits_report_only_cost_keys(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"gke.tf": CLUSTER})
    repo.commit({"gke.tf": CLUSTER.replace(*edit)})
    _, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "cost")] == found


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


def test_big_block_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"gke.tf": _big_cluster("n2-standard-4")})
    repo.commit({"gke.tf": _big_cluster("n2-standard-8", policy="b")})
    _, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["line"]) for f in findings(doc, "cost")] == [
        ("increase", "google_container_cluster.primary.node_pool.node_config.machine_type", 49),
    ]
