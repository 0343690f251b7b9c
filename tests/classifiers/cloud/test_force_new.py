"""`replaced` findings for arguments a provider cannot change in place (force_new.py), through the CLI."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.cloud import force_new
from tests.conftest import Repo, findings, kinds_and_subjects, run_json

STORAGE = """\
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "%(prefix)s"
  tags = {
    Team = "%(team)s"
  }
}

resource "aws_iam_role" "deployer" {
  name               = "%(role)s"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "google_pubsub_topic" "events" {
  name = "%(topic)s"
}
"""
BEFORE = {"prefix": "fastly-logs", "team": "edge", "role": "deployer", "topic": "events"}


@pytest.mark.parametrize(("resource_type", "expected"), [
    ("aws_s3_bucket", ("bucket", "bucket_prefix")),
    ("aws_db_instance", ("storage_encrypted", "kms_key_id", "availability_zone")),  # `identifier` renames in place
    ("azurerm_storage_account", ("name", "resource_group_name", "location")),
    ("google_project", ("project_id",)),  # its `name` is a label
    ("aws_ecs_cluster", ("name",)),  # every service in it is recreated with it
    ("google_monitoring_alert_policy", ()),  # it watches, it holds nothing
    ("github_repository", ()),  # renamed in place
])
def test_which_arguments_force_a_new_resource(resource_type: str, expected: tuple[str, ...]) -> None:
    assert force_new.settings(resource_type) == expected


def test_a_bucket_or_role_renamed_is_replaced(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"infra/main.tf": STORAGE % BEFORE})
    repo.commit({"infra/main.tf": STORAGE % {**BEFORE, "prefix": "fastly-logs-", "role": "ci-deployer",
                                             "topic": "app-events"}})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == [
        ("replaced", "aws_iam_role.deployer"),
        ("replaced", "aws_s3_bucket.logs"),
        ("replaced", "google_pubsub_topic.events"),
    ]
    details = {f["subject"]: f["detail"] for f in findings(doc, "cloud")}
    assert details["aws_s3_bucket.logs"].startswith(
        'bucket_prefix: "fastly-logs" -> "fastly-logs-": the provider cannot change it in place')
    assert {f["level"] for f in findings(doc, "cloud")} == {"cto"}
    assert code == 1


@pytest.mark.parametrize("after", [
    {**BEFORE, "team": "platform"},  # a tag is changed in place
    {**BEFORE, "role": "${var.role_name}"},  # a computed name may be the same
    {**BEFORE, "role": "dep${var.rest}"},  # "dep" + "loyer" is "deployer"
])
def test_what_is_changed_in_place_or_computed_is_not_replaced(
    repo: Repo, capsys: pytest.CaptureFixture[str], after: dict[str, str]
) -> None:
    base = repo.commit({"infra/main.tf": STORAGE % BEFORE})
    repo.commit({"infra/main.tf": STORAGE % after})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert [k for k, _ in kinds_and_subjects(doc, "cloud")] == []
    assert code == 0


@pytest.mark.parametrize(("before", "after", "replaced"), [
    # The same values read in the same order around other text: another name, whatever the values.
    ("${var.env}-deployer", "${var.env}-ci-deployer", True),
    ("${var.env}-deployer", "${ var.env }-deployer", False),  # only spaces inside the interpolation
    ("${var.env}-deployer", "${local.env}-deployer", False),  # another value read: judged where it is set
    ("${var.env}-deployer", "${var.env}-${var.team}-deployer", False),
    # A name written out for one that reads values, where no value could make them the same.
    ("${var.env}-deployer", "deployer-ci", True),
    ("deployer", "${var.env}-deployer", True),
    ("staging-deployer", "${var.env}-deployer", False),  # the same when var.env is "staging"
])
def test_a_name_built_from_the_same_values_around_other_text_is_replaced(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, replaced: bool
) -> None:
    base = repo.commit({"infra/main.tf": STORAGE % {**BEFORE, "role": before}})
    repo.commit({"infra/main.tf": STORAGE % {**BEFORE, "role": after}})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == ([("replaced", "aws_iam_role.deployer")] if replaced else [])
    if replaced:
        assert findings(doc, "cloud")[0]["detail"].startswith(f'name: "{before}" -> "{after}": the provider cannot')
    assert code == (1 if replaced else 0)


def test_an_ignored_name_is_not_replaced(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    ignored = STORAGE.replace('  name               = "%(role)s"\n',
                              '  name               = "%(role)s"\n  lifecycle {\n    ignore_changes = [name]\n  }\n')
    base = repo.commit({"infra/main.tf": ignored % BEFORE})
    repo.commit({"infra/main.tf": ignored % {**BEFORE, "role": "ci-deployer"}})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


FORWARDER = """\
resource "aws_iam_role" "forwarder" {
  name               = "${var.cluster_name}_${var.name}_log_forwarder"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "forwarder" {
  function_name = "${var.cluster_name}_${var.name}_log_forwarder"
  memory_size   = var.memory
  role          = aws_iam_role.forwarder.arn
}
"""

CALL = """\
module "eks_log_forwarder" {
  source       = "../log_forwarder"
  cluster_name = var.cluster_name
  name         = "%(name)s"
  memory       = %(memory)s
}
"""


@pytest.mark.parametrize(("edit", "replaced"), [
    # The module writes the input into the role's name, which its provider cannot change in place.
    ({"name": "eks", "memory": "128"}, True),
    # An input the module writes only into what changes in place (a function's memory) replaces nothing.
    ({"name": "pods", "memory": "256"}, False),
])
def test_a_module_input_the_module_names_a_resource_with(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: dict[str, str], replaced: bool
) -> None:
    base = repo.commit({"modules/log_forwarder/main.tf": FORWARDER,
                        "modules/cluster/forwarders.tf": CALL % {"name": "pods", "memory": "128"}})
    repo.commit({"modules/cluster/forwarders.tf": CALL % edit})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    expected = [("replaced", "module.eks_log_forwarder.aws_iam_role.forwarder")] if replaced else []
    assert kinds_and_subjects(doc, "cloud") == expected
    if replaced:  # (a function's memory raised is a cost finding of its own)
        assert findings(doc, "cloud")[0]["detail"].startswith('name: "pods" -> "eks" names the module')
        assert code == 1
