from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import terraform
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Requirement
from tests.conftest import Repo, findings, run_json
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

VERSIONS = fixture("terraform/before.versions.tf")
MAIN = fixture("terraform/before.main.tf")


def test_parse_reads_required_providers_in_both_forms() -> None:
    found = {r.name: r for r in terraform.parse(VERSIONS, "versions.tf")}
    assert found["hashicorp/aws"] == Requirement("hashicorp/aws", "~> 4.67", 5)
    assert found["hashicorp/google"].constraint == ">= 4.80, < 6.0"  # default registry dropped
    assert found["hashicorp/random"] == Requirement("hashicorp/random", "~> 3.5", 13, implied=True)  # shorthand
    assert not found["hashicorp/aws"].implied
    assert found["datadog/datadog"].constraint == "3.30.0"  # sources are case-insensitive
    assert "terraform" not in found  # required_version is the CLI, not a dependency


def test_parse_reads_registry_git_and_skips_local_modules() -> None:
    found = {r.name: r for r in terraform.parse(MAIN, "main.tf")}
    assert found == {
        "terraform-aws-modules/vpc/aws":
            Requirement("terraform-aws-modules/vpc/aws", "~> 4.0", 5),
        "terraform-aws-modules/eks/aws":
            Requirement("terraform-aws-modules/eks/aws", "19.15.3", 13),
        "github.com/cloudposse/terraform-null-label":
            Requirement("github.com/cloudposse/terraform-null-label", "0.25.0", 20),
        "github.com/example/terraform-dns":
            Requirement("github.com/example/terraform-dns", "v1.2.0", 28),
    }


@pytest.mark.parametrize(
    ("source", "subject"),
    [
        ("git::https://example.com/vpc.git?ref=v1.2.0", "example.com/vpc"),
        ("git::ssh://git@example.com/vpc.git?ref=v1.2.0", "example.com/vpc"),
        ("git@github.com:Org/Net.git//modules/vpc?ref=v1.2.0", "github.com/org/net//modules/vpc"),
        ("github.com/org/net//modules/vpc?ref=v1.2.0", "github.com/org/net//modules/vpc"),
        ("app.terraform.io/acme/vpc/aws", "app.terraform.io/acme/vpc/aws"),
        ("registry.terraform.io/terraform-aws-modules/vpc/aws", "terraform-aws-modules/vpc/aws"),
        ("hashicorp/consul/aws//modules/consul-cluster",
         "hashicorp/consul/aws//modules/consul-cluster"),
        # An archive over HTTP: the part of its path that is a version is no part of the module.
        ("https://github.com/Org/shared-modules/releases/download/v2.0.29/terraform-lambda.zip",
         "github.com/org/shared-modules/releases/download/terraform-lambda.zip"),
        ("https://github.com/org/net/archive/refs/tags/v1.4.0.tar.gz//modules/vpc",
         "github.com/org/net/archive/refs/tags//modules/vpc"),
        ("https://example.com/modules/vpc.zip", "example.com/modules/vpc.zip"),
    ],
)
def test_module_sources_normalise_to_what_they_fetch(source: str, subject: str) -> None:
    text = f'module "m" {{\n  source = "{source}"\n}}\n'
    (found,) = terraform.parse(text, "main.tf")
    assert found.name == subject


@pytest.mark.parametrize(
    ("constraint", "low"),
    [("~> 4.0", (4, 0)), (">= 4.80, < 6.0", (4, 80)), ("= 1.2.3", (1, 2, 3)), ("< 5.0", None),
     ("v1.2.0", (1, 2, 0)), ("main", None), ("0a1b2c3d4e5f", None), ("!= 1.2.4, >= 1.2", (1, 2))],
)
def test_lowest_reads_terraform_constraints(constraint: str, low: tuple[int, ...] | None) -> None:
    assert terraform.lowest(constraint) == low


def test_a_module_archive_moved_to_another_release_is_a_step_of_its_version(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    call = ('module "lambda" {{\n  source = "https://github.com/org/shared-modules/releases/download/{}/'
            'terraform-lambda.zip"\n  function_name = "api"\n}}\n')
    found = dependency_findings(repo, capsys, {"infra/lambda.tf": call.format("v2.0.29")},
                                {"infra/lambda.tf": call.format("4.0.2")})
    assert summary(found) == {
        ("major", "github.com/org/shared-modules/releases/download/terraform-lambda.zip", "v2.0.29", "4.0.2")}
    again = dependency_findings(repo, capsys, {"infra/lambda.tf": call.format("4.0.2")},
                                {"infra/lambda.tf": call.format("4.0.3")})
    assert summary(again) == {
        ("patch", "github.com/org/shared-modules/releases/download/terraform-lambda.zip", "4.0.2", "4.0.3")}


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = {"infra/versions.tf": VERSIONS, "infra/main.tf": MAIN}
    after = {"infra/versions.tf": fixture("terraform/after.versions.tf"),
             "infra/main.tf": fixture("terraform/after.main.tf")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {
        ("major", "hashicorp/aws", "~> 4.67", "~> 5.0"),
        ("minor", "hashicorp/random", "~> 3.5", "~> 3.6"),
        ("patch", "datadog/datadog", "3.30.0", "3.30.1"),
        ("added", "cloudflare/cloudflare", None, "~> 4.0"),
        ("changed", "hashicorp/kubernetes", ">= 2.20", "2.20.0"),  # a pin
        ("major", "terraform-aws-modules/vpc/aws", "~> 4.0", "~> 5.1"),  # renamed block, same module
        ("minor", "terraform-aws-modules/eks/aws", "19.15.3", "19.16.0"),
        ("added", "terraform-aws-modules/rds/aws", None, "6.3.0"),
        ("changed", "github.com/example/terraform-dns", "v1.2.0", "main"),  # tag to branch
    }
    assert {f["ecosystem"] for f in found} == {"terraform"}
    assert by_subject(found)["cloudflare/cloudflare"]["line"] == 21


def test_moving_required_providers_between_files_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    block = 'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n' \
            '      version = "~> 5.0"\n    }\n  }\n}\n'
    before = {"infra/main.tf": block + MAIN, "infra/versions.tf": "# later\n"}
    after = {"infra/main.tf": MAIN, "infra/versions.tf": block}
    assert dependency_findings(repo, capsys, before, after) == []


def test_a_provider_version_moved_from_its_provider_block_to_required_providers(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terraform 0.13's move: `version` leaves `provider "aws" {}` for `required_providers` in the same folder."""
    required = 'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n%s    }\n  }\n}\n'
    provider = 'provider "aws" {\n  region = "eu-west-1"\n%s}\n'
    before = {f"{env}/{name}": text for env in ("prod", "staging") for name, text in (
        ("versions.tf", required % ""), ("provider.tf", provider % '  version = "~> 3.10"\n'))}
    after = {f"{env}/{name}": text for env in ("prod", "staging") for name, text in (
        ("versions.tf", required % '      version = "~> %s"\n' % ("3.35" if env == "prod" else "4.0")),
        ("provider.tf", provider % ""))}
    base = repo.commit({"README.md": "stacks\n", **before})
    repo.commit(after)
    _, doc = run_json(capsys, "--base", base)
    assert {(c["path"], f["kind"], f["detail"]) for c in doc["changes"] for f in c["findings"]
            if f["type"] == "dependency"} == {
        ("prod/versions.tf", "minor", "hashicorp/aws ~> 3.10 -> ~> 3.35, moved from prod/provider.tf"),
        ("staging/versions.tf", "major", "hashicorp/aws ~> 3.10 -> ~> 4.0, moved from staging/provider.tf"),
    }


def test_a_shorthand_provider_given_its_own_namespace_is_the_same_provider(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terraform 0.13 reads `datadog = ">= 2.12"` as hashicorp/datadog; writing the source it is published
    under is the upgrade Terraform asks for, not a new vendor."""
    before = {"versions.tf": 'terraform {\n  required_providers {\n    aws     = ">= 2.0"\n'
                             '    datadog = ">= 2.12"\n  }\n}\n'}
    after = {"versions.tf": 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
                            '      version = ">= 2.0"\n    }\n    datadog = {\n      source  = "DataDog/datadog"\n'
                            '      version = ">= 2.13"\n    }\n  }\n}\n'}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {("minor", "datadog/datadog", ">= 2.12", ">= 2.13")}


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        # two providers of that type on the new side: which one is meant is not known
        (["hashicorp/github"], ["integrations/github", "someone/github"], ["hashicorp/github"]),
        # the old side still names hashicorp's on the new side: a second provider, added
        (["hashicorp/google"], ["hashicorp/google", "acme/google"], ["hashicorp/google"]),
        # the new one was already there: nothing is renamed into it
        (["hashicorp/helm", "acme/helm"], ["acme/helm"], ["hashicorp/helm", "acme/helm"]),
        # modules are named by three parts, never renamed
        (["hashicorp/consul/aws"], ["acme/consul/aws"], ["hashicorp/consul/aws"]),
        (["hashicorp/github"], ["integrations/github"], ["integrations/github"]),
    ],
)
def test_matched_renames_only_one_provider_into_one(old: list[str], new: list[str], names: list[str]) -> None:
    matched = terraform.matched([Requirement(n, ">= 1", implied=True) for n in old],
                                [Requirement(n, ">= 1") for n in new])
    assert [r.name for r in matched] == names


def test_a_source_written_out_and_swapped_for_a_fork_is_another_provider(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    block = 'terraform {{\n  required_providers {{\n    template = {{\n      source  = "{source}"\n' \
            '      version = "~> 2.2"\n    }}\n  }}\n}}\n'
    before = {"versions.tf": block.format(source="hashicorp/template")}
    after = {"versions.tf": block.format(source="cloudposse/template")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {("added", "cloudposse/template", None, "~> 2.2"),
                              ("removed", "hashicorp/template", "~> 2.2", None)}


def test_lockfile_alone_is_one_finding(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = {"infra/versions.tf": VERSIONS,
              "infra/.terraform.lock.hcl": fixture("terraform/before.terraform.lock.hcl")}
    after = {"infra/.terraform.lock.hcl": fixture("terraform/after.terraform.lock.hcl")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {("lockfile", "infra/.terraform.lock.hcl", None, None)}


def test_files_without_providers_or_modules_require_nothing() -> None:
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'
    assert terraform.parse(text, "s3.tf") == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('module "vpc" {\n  source = \n}\n', 2),
        ('terraform {\n  required_providers {\n    aws = {\n', 4),
        ('module "x" {\n  source = "a/b/c"\n  version = "1.0" = 2\n}\n', 3),
    ],
)
def test_malformed_hcl_names_the_line(text: str, line: int) -> None:
    with pytest.raises(ManifestError) as error:
        terraform.parse(text, "main.tf")
    assert error.value.line == line
    assert "invalid HCL" in str(error.value)


def test_broken_and_deeply_nested_files_are_unparsed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = 'module "x" {\n  source = "a/b/c"\n  v = ' + "[" * 5000 + "]" * 5000 + "\n}\n"
    after = {"infra/main.tf": MAIN.replace('version = "~> 4.0"', 'version = "~> 4.0'),
             "infra/deep.tf": deep}
    found = dependency_findings(repo, capsys, {"infra/main.tf": MAIN}, after)
    kinds = {f["subject"]: f["kind"] for f in found}
    assert kinds == {"infra/main.tf": "unparsed", "infra/deep.tf": "unparsed"}


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (">= 3.0.0", ">= 3.0", None),  # from terraform-aws-eks: the same constraint respelled
        (">= 5.95, < 6.0.0", "< 6.0, >= 5.95", None),
        ("~> 3.0", "~> 3.0.0", "changed"),  # ~> keeps its precision: 3.x became 3.0.x
        (">= 5.95", ">= 5.95, < 6.0.0", "changed"),  # an upper bound added
    ],
)
def test_equal_spellings_compare_equal(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str | None
) -> None:
    text = 'terraform {{\n  required_providers {{\n    helm = {{\n      source = "hashicorp/helm"\n' \
           '      version = "{}"\n    }}\n  }}\n}}\n'
    found = dependency_findings(repo, capsys, {"versions.tf": text.format(before)},
                                {"versions.tf": text.format(after)})
    assert [(f["kind"], f["subject"]) for f in found] == (
        [(kind, "hashicorp/helm")] if kind else []
    )


def test_references_to_modules_are_not_module_blocks() -> None:
    # `module.eks...` appears in most files of a module; only blocks are read, and fast
    text = 'output "name" {\n  value = module.eks.cluster_name\n}\nresource "x" "y" {\n' \
           '  provider = aws.east\n  broken = = =\n}\n'
    assert terraform.parse(text, "outputs.tf") == []


def test_a_broken_resource_is_no_reason_to_doubt_the_modules() -> None:
    # Only `terraform`, `provider` and `module` blocks can require anything.
    resources = "".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b{i}"\n  tags = {{ n = "{i}" }}\n}}\n\n' for i in range(3000)
    )
    module = 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.1.0"\n}\n'
    broken = 'resource "aws_instance" "odd" {\n  ami = \n}\n\n'
    text = module + resources + broken
    assert len(text) > 200_000
    assert terraform.parse(text, "main.tf") == [Requirement("terraform-aws-modules/vpc/aws", "5.1.0", 1)]


def test_a_syntax_error_that_could_hide_a_module_fails_closed() -> None:
    # tree-sitter folds what follows an unclosed value into the broken block,
    # so the module below cannot be told apart from the resource's insides.
    broken = 'resource "aws_instance" "odd" {\n  ami = \n}\n\n'
    module = 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.1.0"\n}\n'
    with pytest.raises(ManifestError, match="invalid HCL") as error:
        terraform.parse(broken + module, "main.tf")
    assert error.value.line is not None


def test_large_files_are_read_whole() -> None:
    # Parsing is fast enough that generated files need no size limit of their
    # own (the dependency classifier still refuses manifests over 5 MiB).
    text = 'module "m" { source = "a/b/c" }\n' + "# padding\n" * 120_000
    assert [r.name for r in terraform.parse(text, "generated.tf")] == ["a/b/c"]


def test_a_legacy_provider_block_version_is_read() -> None:
    text = 'provider "aws" {\n  region  = "eu-west-1"\n  version = "~> 2.70"\n}\n' \
           'provider "google" {\n  project = "x"\n}\n'
    assert terraform.parse(text, "main.tf") == [Requirement("hashicorp/aws", "~> 2.70", 1, implied=True)]


def test_revisions_whose_requiring_blocks_are_the_same_text_are_not_read() -> None:
    resources = 'resource "aws_instance" "web" {\n  instance_type = "t3.micro"\n}\n'
    assert terraform.unchanged(MAIN + resources, resources + MAIN)
    assert terraform.unchanged(resources, resources.replace("micro", "small"))  # nothing requires anything
    assert not terraform.unchanged(MAIN, MAIN.replace('"~> 4.0"', '"~> 5.0"'))
    broken = MAIN.replace('version = "~> 4.0"', 'version = "~> 4.0')
    assert not terraform.unchanged(broken, broken + resources)  # broken: reading it says why


def test_stray_text_that_hides_no_block_is_no_reason_to_doubt_the_modules() -> None:
    module = 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.1.0"\n}\n'
    assert terraform.parse(module + "}\n", "main.tf") == [Requirement("terraform-aws-modules/vpc/aws", "5.1.0", 1)]
    with pytest.raises(ManifestError, match="invalid HCL"):
        terraform.parse(module + 'terraform {\n  required_providers {\n', "main.tf")



def test_a_module_called_from_outside_the_repository_is_not_looked_for(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An example copied from a larger tree calls `../modules/network`, above the repository's top: there is
    nothing there to read, and asking git about it is no reason to fail."""
    base = repo.commit({"README.md": "examples\n"})
    repo.commit({"main.tf": 'module "network" {\n  source = "../modules/network"\n}\n' + VERSIONS})
    code, document = run_json(capsys, "--base", base)
    assert [f for c in document["changes"] for f in c["findings"] if f["type"] == "error"] == []
    assert {f["subject"] for f in findings(document, "dependency")} >= {"hashicorp/aws"}
    assert code == 1
