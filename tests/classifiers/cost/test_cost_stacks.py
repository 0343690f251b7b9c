"""`cost` findings in Compose, Serverless, CloudFormation, Pulumi and CI files, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Repo, findings, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cost"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text()


def _cost(doc: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((f["kind"], f["subject"]) for f in findings(doc, "cost"))


def _change(repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str | None,
            after: str | None) -> dict[str, object]:
    base = repo.commit({path: before} if before is not None else {"README.md": "hi\n"})
    repo.commit({path: after})
    _, doc = run_json(capsys, "--base", base)
    return doc


def test_compose_deploy_replicas_and_resources(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    compose = _text("compose/compose.yaml")
    after = (
        compose.replace("replicas: 2", "replicas: 4")
        .replace("memory: 50M", "memory: 512m")
        .replace("cpus: '0.25'", "cpus: '0.1'")
        .replace("count: 1", "count: 2")
    )
    doc = _change(repo, capsys, "compose.yaml", compose, after)
    assert _cost(doc) == [
        ("decrease", "services.frontend.deploy.resources.reservations.cpus"),
        ("increase", "services.frontend.deploy.replicas"),
        ("increase", "services.frontend.deploy.resources.limits.memory"),
        ("increase", "services.test.deploy.resources.reservations.devices[0].count"),
    ]


def test_compose_memory_units_are_binary(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    compose = "services:\n  web:\n    image: web\n    mem_limit: 1g\n"
    doc = _change(repo, capsys, "docker-compose.yml", compose, compose.replace("1g", "1024m"))
    assert findings(doc, "cost") == []  # the same amount, written differently


def test_compose_new_service_without_limits_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    compose = _text("compose/compose.yaml")
    after = compose + "  cache:\n    image: redis:7\n"
    doc = _change(repo, capsys, "compose.yaml", compose, after)
    assert findings(doc, "cost") == []
    assert [f["kind"] for f in findings(doc, "infra")] == ["compose"]


def test_serverless_memory_and_provisioned_concurrency(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("serverless/serverless.yml")
    after = text.replace("provisionedConcurrency: 3", "provisionedConcurrency: 10").replace(
        "  memorySize: 512 # optional, in MB, default is 1024\n  timeout", "  memorySize: 2048\n  timeout"
    )
    doc = _change(repo, capsys, "serverless.yml", text, after)
    assert _cost(doc) == [("increase", "functions.hello.provisionedConcurrency"), ("increase", "provider.memorySize")]


def test_serverless_variables_compare_as_text(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("serverless/serverless.yml").replace("memorySize: 512 # optional", "memorySize: ${self:custom.mem} #")
    after = text.replace("${self:custom.mem}", "${self:custom.bigMem}", 1)
    doc = _change(repo, capsys, "serverless.yml", text, after)
    assert _cost(doc) == [("change", "provider.memorySize")]


def test_cloudformation_with_intrinsic_tags(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("cloudformation/ec2.yaml")
    after = (
        text.replace("Default: t2.small", "Default: t2.large")
        .replace("AllocatedStorage: '5'", "AllocatedStorage: '50'")
        .replace("DBInstanceClass: db.t2.small", "DBInstanceClass: db.t2.small\n      MultiAZ: true")
    )
    doc = _change(repo, capsys, "stacks/ec2.yaml", text, after)
    assert _cost(doc) == [
        ("increase", "Parameters.InstanceType"),
        ("increase", "Resources.MyDB.Properties.AllocatedStorage"),
        ("increase", "Resources.MyDB.Properties.MultiAZ"),
    ]
    assert [f["kind"] for f in findings(doc, "infra")] == ["cloudformation"]


DATABASE_JSON = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"DBInstanceType": {"Type": "String"}},
    "Resources": {"Database": {"Type": "AWS::RDS::DBInstance", "Properties": {
        "DBInstanceClass": {"Ref": "DBInstanceType"}, "AllocatedStorage": "20"}}},
}


def test_a_json_templates_intrinsic_functions_read_as_yamls(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`{"Ref": "MultiAZ"}` is `!Ref MultiAZ`: a property newly bound to a parameter that has no default cannot
    be compared, in JSON as in YAML."""
    after = json.loads(json.dumps(DATABASE_JSON))
    after["Parameters"]["MultiAZ"] = {"Type": "String"}
    after["Resources"]["Database"]["Properties"]["MultiAZ"] = {"Ref": "MultiAZ"}
    doc = _change(repo, capsys, "stacks/database.json", json.dumps(DATABASE_JSON, indent=2), json.dumps(after, indent=2))
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"], finding["to"]) == (
        "change", "Resources.Database.Properties.MultiAZ", "!Ref MultiAZ")
    # A property that prices nothing, written with intrinsic functions, still costs nothing.
    renamed = json.loads(json.dumps(DATABASE_JSON))
    renamed["Resources"]["Database"]["Properties"]["Description"] = {"Fn::Join": ["-", ["db", {"Ref": "AWS::StackName"}]]}
    doc = _change(repo, capsys, "stacks/database.json", json.dumps(DATABASE_JSON, indent=2), json.dumps(renamed, indent=2))
    assert findings(doc, "cost") == []


def test_a_yaml_templates_intrinsic_functions_written_in_full_read_as_their_short_form(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`DBInstanceClass:\n  Ref: DBInstanceType` is `!Ref DBInstanceType`, as JSON's `{"Ref": ...}` is: rewriting
    one form as the other changes nothing, and a property newly bound to a parameter cannot be compared."""
    text = ("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  DBInstanceType:\n    Type: String\nResources:\n"
            "  Database:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBInstanceClass: !Ref DBInstanceType\n"
            "      AllocatedStorage: '20'\n")
    full = text.replace("DBInstanceClass: !Ref DBInstanceType", "DBInstanceClass:\n        Ref: DBInstanceType")
    doc = _change(repo, capsys, "stacks/database.yaml", text, full)
    assert findings(doc, "cost") == []
    doc = _change(repo, capsys, "stacks/database.yaml", full, full + "      MultiAZ:\n        Ref: MultiAZ\n")
    assert [(f["kind"], f["subject"], f["to"]) for f in findings(doc, "cost")] == [
        ("change", "Resources.Database.Properties.MultiAZ", "!Ref MultiAZ")]


def test_a_sam_templates_global_function_memory(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`Globals.Function.MemorySize` sizes every function of the template that sets none of its own."""
    text = ("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n"
            "  Function:\n    MemorySize: 512\n    Timeout: 15\nResources:\n  Api:\n"
            "    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n")
    doc = _change(repo, capsys, "template.yaml", text, text.replace("MemorySize: 512", "MemorySize: 2048"))
    assert _cost(doc) == [("increase", "Globals.Function.MemorySize")]
    doc = _change(repo, capsys, "template.yaml", text, text.replace("Timeout: 15", "Timeout: 30"))
    assert _cost(doc) == []


def test_cloudformation_ref_edits_and_new_priced_resources(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("cloudformation/ec2.yaml")
    nat = "  Nat:\n    Type: AWS::EC2::NatGateway\n    Properties:\n      SubnetId: !Ref Subnet\n"
    after = text.replace("InstanceType: !Ref 'InstanceType'", "InstanceType: !Ref 'BigInstanceType'").replace(
        "Outputs:", nat + "Outputs:"
    )
    doc = _change(repo, capsys, "stacks/ec2.yaml", text, after)
    assert _cost(doc) == [
        ("change", "Resources.EC2Instance.Properties.InstanceType"),
        ("increase", "Resources.Nat"),
    ]


def test_pulumi_stack_config(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("pulumi/Pulumi.dev.yaml")
    after = text.replace("t3.micro", "t3.medium").replace('"2"', '"3"').replace("hello", "bonjour")
    doc = _change(repo, capsys, "Pulumi.dev.yaml", text, after)
    assert _cost(doc) == [("increase", "config.webapp:instanceType"), ("increase", "config.webapp:nodeCount")]


def test_github_larger_runner(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("ci/workflow.yml")
    after = text.replace("runs-on: ubuntu-latest\n    steps:\n      - uses", "runs-on: ubuntu-latest-16-cores\n    steps:\n      - uses")
    doc = _change(repo, capsys, ".github/workflows/ci.yml", text, after)
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"], finding["from"], finding["to"], finding["line"]) == (
        "increase", "jobs.check-bats-version.runs-on", "ubuntu-latest", "ubuntu-latest-16-cores", 6,
    )


def test_github_routine_runner_edits_cost_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("ci/workflow.yml")
    after = text.replace("runs-on: ubuntu-latest\n    steps:\n      - run", "runs-on: ubuntu-24.04\n    steps:\n      - run")
    after = after.replace("runs-on: ubuntu-latest\n    steps:\n      - uses", "runs-on: ${{ matrix.os }}\n    steps:\n      - uses")
    after += "  docs:\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: echo docs\n"
    doc = _change(repo, capsys, ".github/workflows/ci.yml", text, after)
    assert findings(doc, "cost") == []


def test_github_new_job_on_a_larger_runner(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("ci/workflow.yml")
    after = text + "  build:\n    runs-on:\n      labels: ubuntu-20.04-16core\n    steps:\n      - run: make\n"
    doc = _change(repo, capsys, ".github/workflows/ci.yml", text, after)
    assert _cost(doc) == [("increase", "jobs.build")]


def test_circleci_resource_class(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text("ci/circleci.yml")
    doc = _change(repo, capsys, ".circleci/config.yml", text, text.replace("resource_class: medium", "resource_class: xlarge"))
    assert _cost(doc) == [("increase", "jobs.build.resource_class")]


def test_gitlab_and_bitbucket_runner_sizes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    gitlab = "build:\n  script: [make]\n  tags: [saas-linux-small-amd64]\n"
    bitbucket = (FIXTURES.parent / "infra" / "bitbucket-pipelines.yml").read_text()
    base = repo.commit({".gitlab-ci.yml": gitlab, "bitbucket-pipelines.yml": bitbucket})
    repo.commit({
        ".gitlab-ci.yml": gitlab.replace("small", "xlarge"),
        "bitbucket-pipelines.yml": bitbucket.replace("size: 1x", "size: 4x"),
    })
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "build.tags"), ("increase", "pipelines.default[0].step.size")]


@pytest.mark.parametrize("path", ["Jenkinsfile", ".travis.yml"])
def test_ci_files_that_set_no_runner_size_are_not_read(repo: Repo, capsys: pytest.CaptureFixture[str],
                                                       path: str) -> None:
    # A Jenkinsfile is Groovy, not YAML: reading it as YAML failed closed on every edit that named a cost word.
    before = ("pipeline {\n  stages {\n    stage('Deploy') {\n      steps {\n"
              "        withCredentials([string(credentialsId: 'token', variable: 'TOKEN')]) {\n"
              "          sh 'make deploy size=large'\n        }\n      }\n    }\n  }\n}\n")
    doc = _change(repo, capsys, path, before, before.replace("large", "small"))
    assert findings(doc, "cost") == []
