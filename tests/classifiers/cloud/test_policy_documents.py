"""IAM policy documents in files of their own, and variable defaults a `count` or `for_each` reads."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Repo, findings, kinds_and_subjects, run_json

POLICY_TF = """\
resource "aws_iam_policy" "broker" {
  name   = "aws-broker"
  policy = file("${path.module}/policy.json")
}
"""


def document(*actions: str, extra: dict[str, object] | None = None) -> str:
    statements: list[dict[str, object]] = [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]
    if extra:
        statements.append(extra)
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2) + "\n"


@pytest.fixture
def broker(repo: Repo) -> str:
    return repo.commit({
        "terraform/modules/aws_broker/policy.tf": POLICY_TF,
        "terraform/modules/aws_broker/policy.json": document(
            "elasticache:CopySnapshot", extra={"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
    })


def test_a_policy_file_granting_more_asks_the_cto(repo: Repo, broker: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = "terraform/modules/aws_broker/policy.json"
    repo.commit({path: document("elasticache:CopySnapshot", "elasticache:DeleteSnapshot",
                                extra={"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})})
    code, doc = run_json(capsys, "--base", broker)
    assert kinds_and_subjects(doc, "cloud") == [("security", path)]
    [found] = findings(doc, "cloud")
    assert "IAM policy document changed" in found["detail"] and found["level"] == "cto"
    assert code == 1


def test_a_policy_file_laid_out_anew_or_losing_a_statement_is_routine(
    repo: Repo, broker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "terraform/modules/aws_broker/policy.json"
    repo.commit({path: document("elasticache:CopySnapshot")})
    code, doc = run_json(capsys, "--base", broker)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0
    # An action taken out of an allowing statement (one that does not exist, `s3:ListObject`) allows less too;
    # one taken out of a denying statement denies less, and counts.
    wide = repo.commit({path: document("s3:GetObject", "s3:ListObject", extra={
        "Effect": "Deny", "Action": ["s3:DeleteObject", "s3:PutBucketPolicy"], "Resource": "*"})})
    repo.commit({path: document("s3:GetObject", extra={
        "Effect": "Deny", "Action": ["s3:DeleteObject", "s3:PutBucketPolicy"], "Resource": "*"})})
    code, doc = run_json(capsys, "--base", wide)
    assert kinds_and_subjects(doc, "cloud") == [] and code == 0
    repo.commit({path: document("s3:GetObject", extra={"Effect": "Deny", "Action": ["s3:DeleteObject"], "Resource": "*"})})
    code, doc = run_json(capsys, "--base", wide)
    assert kinds_and_subjects(doc, "cloud") == [("security", path)] and code == 1


def test_a_policy_template_is_compared_as_text(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    template = '{\n  "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ${jsonencode(buckets)}}]\n}\n'
    base = repo.commit({"terraform/projects/assets/s3_writer_policy.tpl": template})
    repo.commit({"terraform/projects/assets/s3_writer_policy.tpl": template.replace('"s3:PutObject"',
                                                                                    '"s3:PutObject", "s3:DeleteObject"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", "terraform/projects/assets/s3_writer_policy.tpl")]
    assert "compared as text" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


def test_a_policy_file_in_a_folder_of_templates_is_read_as_a_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Terraform's `templatefile("templates/iam_policy.json", ...)`: a folder named `templates/` may hold
    # CloudFormation too, which names its resources' types; a policy document names none.
    path = "terraform/concourse/aws/templates/iam_policy.json"
    stack = "terraform/concourse/aws/templates/policy-stack.json"
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
    base = repo.commit({path: document("elasticloadbalancing:SetSubnets"), stack: json.dumps(template) + "\n"})
    repo.commit({path: document("elasticloadbalancing:SetSubnets", "elasticloadbalancing:AttachLoadBalancerToSubnets"),
                 stack: json.dumps({**template, "Description": "buckets"}) + "\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", path)]
    assert "IAM policy document changed" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


def test_a_policy_document_added_asks_the_cto_and_one_deleted_does_not(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A configuration that attaches every document of its folder grants what a new one allows, with no
    # Terraform changed; a new resource beside a new document is judged on its own as well.
    folder = "terraform/policies"
    base = repo.commit({f"{folder}/dynamo_read.json": document("dynamodb:GetItem"),
                        f"{folder}/retention.json": json.dumps({"days": 30}) + "\n"})
    repo.commit({f"{folder}/dynamo_key_access.json": document("kms:Decrypt"),
                 f"{folder}/archive.json": json.dumps({"days": 90}) + "\n",  # no policy document
                 "iam/templates/restored_db_access.json.tpl": document("rds-db:connect").replace(
                     '"*"', '"${cluster_arn}"'),
                 "examples/policies/demo.json": document("s3:*")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [
        ("security", "iam/templates/restored_db_access.json.tpl"), ("security", f"{folder}/dynamo_key_access.json")]
    assert all(f["detail"].startswith("IAM policy document added") for f in findings(doc, "cloud"))
    assert code == 1
    # A document of the folder that changed is read by its statements, whatever its name.
    again = repo.commit({"README.md": "policies\n"})
    repo.commit({f"{folder}/dynamo_key_access.json": document("kms:Decrypt", "kms:Encrypt"),
                 f"{folder}/archive.json": json.dumps({"days": 120}) + "\n"})
    repo.commit({f"{folder}/dynamo_read.json": None})  # allows nothing any more
    code, doc = run_json(capsys, "--base", again)
    assert kinds_and_subjects(doc, "cloud") == [("security", f"{folder}/dynamo_key_access.json")]
    assert "its statements changed" in findings(doc, "cloud")[0]["detail"]
    assert code == 1


def test_a_file_named_for_a_policy_without_statements_is_no_iam_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An application's own data (a retention policy, a template of permissions) is not read as IAM."""
    base = repo.commit({"backend/templates/policy-management.json": json.dumps({"tables": ["a"]}) + "\n"})
    repo.commit({"backend/templates/policy-management.json": json.dumps({"tables": ["a", "b"]}) + "\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


ECR = """\
variable "repositories" {
  type = set(string)
  default = [
    "cf-resource",
    "git-resource",
  ]
}

variable "scan_on_push" {
  default = true
}

resource "aws_ecr_repository" "repository" {
  for_each = var.repositories
  name     = each.key
  image_scanning_configuration {
    scan_on_push = var.scan_on_push
  }
}
"""


def test_a_default_a_for_each_walks_gaining_a_member_is_a_count_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"terraform/stacks/ecr/stack.tf": ECR})
    repo.commit({"terraform/stacks/ecr/stack.tf": ECR.replace('"git-resource",', '"git-resource",\n    "github-release",')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("count", "aws_ecr_repository.repository")]
    [found] = findings(doc, "cloud")
    assert found["detail"].startswith("var.repositories default changed, and the for_each")
    assert code == 1


def test_a_default_no_count_reads_is_no_count_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"terraform/stacks/ecr/stack.tf": ECR})
    repo.commit({"terraform/stacks/ecr/stack.tf": ECR.replace("default = true", "default = false")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


def test_a_default_written_as_the_string_terraform_converts_is_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`"true"` and `true` are one value to a `count`: quoting a default is a cleanup."""
    group = ('variable "use_name_prefix" {\n  default = "true"\n}\n\n'
             'resource "aws_security_group" "this" {\n  count = var.use_name_prefix ? 1 : 0\n}\n')
    base = repo.commit({"main.tf": group})
    repo.commit({"main.tf": group.replace('"true"', "true")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


READ_WRITE_USER = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Effect": "Allow",
      "Resource": ["${bucket_arn}/*"]
    }
  ]
}
"""


def test_a_template_of_any_name_holding_a_policy_is_read_as_one(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "projects/offsite-backups/resources/templates/read_write_user.tpl"
    base = repo.commit({path: READ_WRITE_USER})
    repo.commit({path: READ_WRITE_USER.replace('["s3:GetObject", "s3:PutObject"]', '["s3:*"]')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == [("security", path)]
    assert code == 1


@pytest.mark.parametrize(("path", "before", "after"), [
    # A Helm helper and a user-data script are templates too, and hold no policy.
    ("charts/web/templates/_helpers.tpl", '{{- define "web.name" -}}web{{- end }}\n',
     '{{- define "web.name" -}}{{ .Chart.Name }}{{- end }}\n'),
    ("modules/bastion/user_data.tftpl", "#!/bin/bash\necho ${hostname}\n", "#!/bin/bash\nhostname ${hostname}\n"),
    # A template in a test folder.
    ("tests/templates/read_write_user.tpl", READ_WRITE_USER, READ_WRITE_USER.replace("s3:GetObject", "s3:*")),
])
def test_a_template_holding_no_policy_is_none(repo: Repo, capsys: pytest.CaptureFixture[str], path: str,
                                              before: str, after: str) -> None:
    base = repo.commit({path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == []
    assert code == 0


HUB = """\
variable "security_hub" {
  type = object({
    enabled        = optional(bool, true)
    standards_arns = optional(list(string), [])
  })
  default = {
    enabled        = true
    standards_arns = ["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]
  }
}

locals {
  standards_arns = var.security_hub.standards_arns
}

resource "aws_securityhub_standards_subscription" "management" {
  for_each      = toset(local.standards_arns)
  standards_arn = each.value
}
"""


@pytest.mark.parametrize(("edit", "found"), [
    # A key the for_each does not read changed (one dropped, another added): it walks the same members.
    (('enabled        = true', 'auto_enable    = true'), []),
    # The key it reads gained a member.
    (('v/1.2.0"]', 'v/1.2.0", "arn:aws:securityhub:::ruleset/pci"]'),
     [("count", "aws_securityhub_standards_subscription.management")]),
])
def test_a_for_each_that_reads_one_key_of_a_default_counts_only_that_key(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"hub.tf": HUB})
    repo.commit({"hub.tf": HUB.replace(*edit).replace("enabled        = optional", "auto_enable    = optional")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "cloud") == found
    assert code == (1 if found else 0)
