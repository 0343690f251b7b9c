"""Recognising infrastructure files: path rules, then content sniffing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.base import ChangedPaths
from ownership_gate.classifiers.infra import classifier as infra
from ownership_gate.classifiers.infra.detect import kind_of, kubernetes_kinds
from ownership_gate.classifiers.infra.names import kind_by_path, may_sniff
from ownership_gate.model import Change

FIXTURES = Path(__file__).parents[2] / "fixtures"
DEPLOYMENT = (FIXTURES / "cost" / "k8s" / "nginx-deployment.yaml").read_bytes()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("main.tf", "terraform"),
        ("infra/prod/terraform.tfvars", "terraform"),
        ("stack/main.tf.json", "terraform"),
        ("env/prod.tfvars.json", "terraform"),
        (".terraform.lock.hcl", "terraform"),
        ("live/prod/terragrunt.hcl", "terraform"),
        ("Dockerfile", "docker"),
        ("services/api/Dockerfile.dev", "docker"),
        ("build/api.Dockerfile", "docker"),
        ("Containerfile", "docker"),
        ("docker-compose.yml", "compose"),
        ("docker-compose.override.yaml", "compose"),
        ("compose.yaml", "compose"),
        ("deploy/compose.prod.yml", "compose"),
        (".github/workflows/ci.yml", "ci"),
        (".github/actions/setup/action.yml", "ci"),
        (".gitlab-ci.yml", "ci"),
        (".circleci/config.yml", "ci"),
        ("azure-pipelines.yml", "ci"),
        ("bitbucket-pipelines.yml", "ci"),
        ("Jenkinsfile", "ci"),
        ("ci/release.jenkinsfile", "ci"),
        ("charts/web/Chart.yaml", "helm"),
        ("charts/web/values.yaml", "helm"),
        ("charts/web/values-prod.yaml", "helm"),
        ("deploy/helm/values.yaml", "helm"),
        ("charts/web/templates/deployment.yaml", "helm"),
        ("charts/web/templates/_helpers.tpl", "helm"),
        ("charts/web/templates/NOTES.txt", "helm"),
        ("overlays/prod/kustomization.yaml", "kustomize"),
        ("Pulumi.yaml", "pulumi"),
        ("Pulumi.dev.yaml", "pulumi"),
        ("serverless.yml", "serverless"),
        ("services/mail/serverless.ts", "serverless"),
        ("ansible.cfg", "ansible"),
        ("playbook-web.yml", "ansible"),
        ("roles/common/tasks/main.yml", "ansible"),
        ("ansible/roles/web/handlers/main.yaml", "ansible"),
        ("group_vars/all.yml", "ansible"),
        ("inventory/hosts", "ansible"),
        ("inventory.ini", "ansible"),
        ("Procfile", "platform"),
        ("apps/api/fly.toml", "platform"),
        ("render.yaml", "platform"),
        ("heroku.yml", "platform"),
        (".ebextensions/01-django.config", "platform"),
        ("boxfile.yml", "platform"),
        ("Dockerrun.aws.json", "platform"),
        # Not by name alone:
        ("app.yaml", None),
        ("config/settings.config", None),
        ("app.json", None),
        ("Procfile.dev", None),
        ("pyproject.toml", None),
        ("k8s/deployment.yaml", None),
        ("composer.yml", None),
        ("src/charts/templates/bar.html", None),
        ("src/inventory/index.js", None),
        ("serverless.js", None),
        (".github/workflows/scripts/helper.yml", None),
        ("README.md", None),
        ("app/models/user.rb", None),
    ],
)
def test_kind_by_path(path: str, kind: str | None) -> None:
    assert kind_by_path(path) == kind


@pytest.mark.parametrize(
    ("path", "sniffed"),
    [
        ("k8s/web.yaml", True),
        ("deploy/web.yml", True),
        ("cfn/stack.json", True),
        ("cfn/stack.template", True),
        ("package.json", False),
        ("web/package-lock.json", False),
        ("tsconfig.build.json", False),
        ("app.json", True),
        ("notebook.ipynb", False),
        ("app/main.py", False),
    ],
)
def test_may_sniff_is_path_only(path: str, sniffed: bool) -> None:
    assert may_sniff(path) is sniffed
    claimed = sniffed or kind_by_path(path) is not None
    assert infra.claims(ChangedPaths([Change("modified", path)]), {}) == ({path} if claimed else set())


@pytest.mark.parametrize(
    ("name", "path", "kind"),
    [
        ("cost/k8s/nginx-deployment.yaml", "k8s/deployment.yaml", "kubernetes"),
        ("cost/k8s/web-statefulset.yaml", "apps/web.yml", "kubernetes"),
        ("infra/deployment.json", "manifests/web.json", "kubernetes"),
        ("cost/cloudformation/ec2.yaml", "stacks/ec2.yaml", "cloudformation"),
        ("infra/resources-only.yaml", "stacks/bucket.yaml", "cloudformation"),
        ("infra/sam-template.json", "template.json", "cloudformation"),
        ("infra/site.yml", "site.yml", "ansible"),
        ("cost/helm/mychart/values.yaml", "deploy/values.yaml", "helm"),
        ("cost/helm/mychart/templates/deployment.yaml", "deploy/templates/web.yaml", "helm"),
        ("cost/kustomize/patch-json.yaml", "overlays/prod/replicas.yaml", "kustomize"),
        ("cost/kustomize/increase_replicas.yaml", "overlays/prod/patch.yaml", "kubernetes"),
        ("infra/heroku-app.json", "app.json", "platform"),
        ("infra/app-engine-app.yaml", "app.yaml", "platform"),
        ("infra/app-settings.yaml", "config/app.yaml", None),
        # Look-alikes that are not infrastructure:
        ("infra/expo-app.json", "mobile/app.json", None),
        ("infra/catalog-info.yaml", "catalog-info.yaml", None),
        ("infra/kubeconfig.yaml", "config/kube.yaml", None),
        ("infra/translations-values.yaml", "locales/values.yaml", None),
        ("infra/cassette.yaml", "tests/cassettes/scale.yaml", None),
    ],
)
def test_kind_of_content(name: str, path: str, kind: str | None) -> None:
    found = kind_of(path, (FIXTURES / name).read_bytes())
    assert (found.kind if found else None) == kind


def test_values_and_templates_beside_a_changed_chart_are_helm() -> None:
    charts = frozenset({"deploy/web"})
    assert kind_of("deploy/web/values.yaml", b"a: 1\n", charts).kind == "helm"  # type: ignore[union-attr]
    found = kind_of("deploy/web/templates/cm.yaml", b"kind: ConfigMap\n", charts)
    assert found is not None and found.kind == "helm"
    assert kind_of("deploy/other/values.yaml", b"a: 1\n", charts) is None


def test_multi_document_manifest_lists_every_kind() -> None:
    text = (FIXTURES / "cost" / "k8s" / "web-statefulset.yaml").read_text()
    assert kubernetes_kinds(text) == ["Service", "StatefulSet"]
    found = kind_of("web.yaml", text.encode())
    assert found is not None and found.detail == "Kubernetes manifest (Service, StatefulSet)"


def test_indented_api_version_is_not_a_manifest() -> None:
    nested = b"spec:\n  template:\n    apiVersion: v1\n    kind: Pod\n"
    assert kind_of("values/thing.yaml", nested) is None


def test_broken_manifest_is_still_a_manifest() -> None:
    broken = DEPLOYMENT + b"  bad: [unclosed\n"
    found = kind_of("k8s/web.yaml", broken)
    assert found is not None and found.kind == "kubernetes"


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01binary", b"apiVersion: v1\nkind: Pod\n\xff\xfe bad utf-8\n", b"", None],
)
def test_odd_contents_never_raise(data: bytes | None) -> None:
    found = kind_of("x/thing.yaml", data)
    assert found is None or found.kind == "kubernetes"


def test_sniffing_a_large_file_is_cheap() -> None:
    import time

    big = (b"key: value\n" * 300_000) + DEPLOYMENT  # ~3.3 MB
    started = time.perf_counter()
    found = kind_of("data/big.yaml", big)
    assert found is not None and found.kind == "kubernetes"
    assert time.perf_counter() - started < 1.0
