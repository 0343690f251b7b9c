"""A constraint that lets the next major in is `major`: the highest major each grammar admits."""

from __future__ import annotations

import math
from types import ModuleType

import pytest

from ownership_gate.classifiers.dependency.compare import compare
from ownership_gate.classifiers.dependency.ecosystems import cargo, composer, gem, helm, npm, pypi, terraform
from ownership_gate.classifiers.dependency.ecosystems.base import Ecosystem, Requirement
from ownership_gate.classifiers.dependency.versions import semver
from ownership_gate.classifiers.dependency.versions.ranges import comparator_ceiling
from tests.conftest import Repo
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, summary

INF = math.inf


@pytest.mark.parametrize(("constraint", "ceiling"), [
    ("~> 4.67", 4), ("~> 4.67.1", 4), ("~> 0.12", 0),
    (">= 4.67", INF), ("> 4.67", INF), ("*", INF), ("", INF), ("!= 4.1, >= 4", INF),
    ("< 4.0", 3), ("< 4", 3), ("< 4.0.0", 3), ("< 4.1", 4), ("< 4.0.1", 4), ("<= 4.0", 4), ("<= 4", 4),
    (">= 2.45, < 4.0", 3), ("< 4.0, >= 2.45", 3), (">= 2.45 < 4.0", 3), ("~> 2.45, < 2.50", 2),
    ("4.2.3", 4), ("= 4.2.3", 4), ("v1.2.0", 1), ("4.2.x", 4), ("4.x", 4), ("4.*", 4), ("< 5.x", 4),
    ("^4.1", 4), ("^0.2.3", 0), ("~4.1", 4), ("~4", 4), ("~> 4", 4),
    ("1.x || 3.x", 3), ("^1.0 || >= 3", INF), ("1.2 - 3.4", 3),
    ("< 5.0.0-beta.1", 4),
    ("main", None), ("latest", None), (">= main", None), ("1.x || main", None), ("${var.v}", None),
])
def test_comparator_ceiling(constraint: str, ceiling: float | None) -> None:
    assert comparator_ceiling(constraint) == ceiling


@pytest.mark.parametrize(("constraint", "ceiling"), [
    ("~> 4", INF),  # HashiCorp holds only the last component: 5 is admitted
    ("~> 4.0", 4), ("~> 4.0.1", 4), (">= 4.0", INF), ("", INF), (">= 4.80, < 6.0", 5),
    ("v1.2.0", 1), ("main", None), ("0a1b2c3d4e5f", None),
])
def test_terraform_ceiling(constraint: str, ceiling: float | None) -> None:
    assert terraform.ceiling(constraint) == ceiling


@pytest.mark.parametrize(("constraint", "ceiling"), [
    ("~> 4", 4), ("~12.1.0 from https://charts.bitnami.com/bitnami", 12), (">=51 <52", 51),
    ("17.x.x", 17), ("* from oci://registry", INF),
])
def test_helm_ceiling(constraint: str, ceiling: float | None) -> None:
    assert helm.ceiling(constraint) == ceiling


@pytest.mark.parametrize(("constraint", "ceiling"), [
    ("^1.2.3", 1), ("^0.2.3", 0), ("^0.0.3", 0), ("~1.2.3", 1), ("~1", 1), ("1.2.3", 1), ("=1.2.3", 1),
    ("1", 1), ("1.x", 1), ("1.2.x", 1), ("v1.2.3", 1),
    (">=1.2.3", INF), (">1.2.3", INF), ("*", INF), ("x", INF), ("", INF), ("latest", INF),
    ("<2.0.0", 1), ("<2", 1), ("<2.0.0-0", 1), ("<2.1", 2), ("<=2.0.0", 2), ("<=2", 2),
    (">=1.2.3 <2.0.0", 1), (">=1 <3", 2), ("1.2.3 - 2.3.4", 2), ("1 - 2", 2),
    ("^4.0.0 || ^5.0.0", 5), ("^4 || *", INF), ("^17.0.2 || ^18.0.0-0", 18),
    ("next", None), ("github:acme/lib#v1", None), ("git+https://example.com/lib.git", None),
    ("^4 || next", None),
])
def test_npm_ceiling(constraint: str, ceiling: float | None) -> None:
    assert semver.ceiling(constraint, "npm") == ceiling


@pytest.mark.parametrize(("ecosystem", "constraint", "ceiling"), [
    (npm, "npm:lodash@^4.17.21", 4),
    (cargo, "1.2", 1), (cargo, "0.3", 0), (cargo, "=1.2.3", 1), (cargo, ">=1, <3", 2), (cargo, "*", INF),
    (cargo, "@ git+https://example.com/x#v1", None),
    (composer, "^7.4 || ^8.0", 8), (composer, "~1", 1), (composer, "~1.2", 1), (composer, "1.2.*", 1),
    (composer, ">=7.4", INF), (composer, "*", INF), (composer, "dev-main", None),
    (gem, "~> 7.0.4", 7), (gem, "~> 7", 7), (gem, ">= 6.1, < 8", 7), (gem, "", INF), (gem, ">= 0", INF),
    (gem, "@ github: rails/rails#main", None),
    (pypi, "==4.2.7", 4), (pypi, "~=4.2", 4), (pypi, "~=4.2.1", 4), (pypi, "==4.*", 4), (pypi, ">=4.2,<5", 4),
    (pypi, "<5.1", 5), (pypi, "<=4.9", 4), (pypi, "<5.0.0rc1", 4), (pypi, ">=4.2", INF), (pypi, "", INF),
    (pypi, "[s3]>=1,<2", 1), (pypi, "^1.2", 1), (pypi, "~1", 1), (pypi, "^1.2 || ^2.0", 2),
    (pypi, "@ https://example.com/x.whl", None),
])
def test_ecosystem_ceiling(ecosystem: ModuleType, constraint: str, ceiling: float | None) -> None:
    assert ecosystem.ceiling(constraint) == ceiling


@pytest.mark.parametrize(("ecosystem", "old", "new", "kind", "why"), [
    (terraform, "~> 4.67", ">= 4.67", "major", "now admits 5 and later"),
    (terraform, "~> 2.45", ">= 2.45, < 4.0", "major", "now admits 3"),
    (terraform, "~> 2.45", ">= 2.45, < 5.0", "major", "now admits 3 to 4"),
    (terraform, "~> 4.67", "~> 4", "major", "now admits 5 and later"),
    (terraform, "~> 4.67", "", "major", "now admits 5 and later"),  # the version removed
    (terraform, "~> 4.67", "~> 4.68", "minor", ""),
    (terraform, ">= 3", "~> 3.0", "changed", ""),  # narrowed: pinned to avoid 4
    (terraform, ">= 4.0", ">= 4.1", "minor", ""),  # both uncapped: nothing new let in
    (terraform, "v1.2.0", "main", "changed", ""),  # a tag to a branch: no ceiling to compare
    (npm, "^4.1.0", "^4.1.0 || ^5.0.0", "major", "now admits 5"),
    (npm, ">=8.0.0 <9", ">=8.0.1 <10", "major", "now admits 9"),  # a patch step that also lifts the cap
    (npm, "^4.1.0", "*", "major", "now admits 5 and later"),
    (npm, "^4.1.0", "github:acme/lib", "changed", ""),
    (pypi, ">=3.2,<4", ">=3.2", "major", "now admits 4 and later"),
    (pypi, ">=3.2", ">=3.2,<4", "changed", ""),
    (gem, "~> 4.0", ">= 4.0", "major", "now admits 5 and later"),
])
def test_a_constraint_that_lets_the_next_major_in_is_major(
    ecosystem: Ecosystem, old: str, new: str, kind: str, why: str
) -> None:
    (found,) = compare([Requirement("p", old, 1)], [Requirement("p", new, 1)], ecosystem)
    assert found.kind == kind
    assert found.detail == f"p {old or '(any)'} -> {new or '(any)'}" + (f": {why}" if why else "")


VERSIONS = '''terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "%s"
    }
    google = {
      source  = "hashicorp/google"
      version = "%s"
    }
  }
}
'''


def test_terraform_loosened_to_the_next_major_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"infra/versions.tf": VERSIONS % ("~> 4.67", ">= 3")},
                                {"infra/versions.tf": VERSIONS % (">= 4.67", "~> 3.0")})
    assert summary(found) == {
        ("major", "hashicorp/aws", "~> 4.67", ">= 4.67"),  # `terraform init -upgrade` now takes v5
        ("changed", "hashicorp/google", ">= 3", "~> 3.0"),  # narrowed to keep 4 out
    }
    aws, google = by_subject(found)["hashicorp/aws"], by_subject(found)["hashicorp/google"]
    assert aws["detail"] == "hashicorp/aws ~> 4.67 -> >= 4.67: now admits 5 and later"
    assert (aws["rule"], aws["level"], aws["line"]) == ("runtime-major", "cto", 3)
    assert google["level"] is None


def test_terraform_loosened_within_a_bounded_range(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"versions.tf": VERSIONS % ("~> 2.45", "~> 5.0")},
                                {"versions.tf": VERSIONS % (">= 2.45, < 4.0", "~> 5.1")})
    assert summary(found) == {
        ("major", "hashicorp/aws", "~> 2.45", ">= 2.45, < 4.0"),
        ("minor", "hashicorp/google", "~> 5.0", "~> 5.1"),
    }
    assert by_subject(found)["hashicorp/aws"]["detail"].endswith(": now admits 3")


def test_a_moved_entry_that_lets_the_next_major_in_is_major(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = '[project]\nname = "shop"\nversion = "1"\ndependencies = ["redis>=4.6"]\n'
    found = dependency_findings(repo, capsys, {"requirements.txt": "redis>=4.6,<5\n",
                                               "pyproject.toml": pyproject.replace('"redis>=4.6"', "")},
                                {"requirements.txt": None, "pyproject.toml": pyproject})
    assert [(f["kind"], f["subject"], f["detail"]) for f in found] == [
        ("major", "redis", "redis >=4.6,<5 -> >=4.6, moved from requirements.txt: now admits 5 and later")]
