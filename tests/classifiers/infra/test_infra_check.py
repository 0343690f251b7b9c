"""`infra` findings end to end: `check` in a real repository, one finding per infra file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Repo, findings, levels_by_path, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures"

# Documented examples, committed where a project would keep them.
PLACED = {
    "infra/main.tf": ("cost/terraform/main.tf", "terraform"),
    "infra/prod.tfvars": ("cost/terraform/prod.tfvars", "terraform"),
    "k8s/deployment.yaml": ("cost/k8s/nginx-deployment.yaml", "kubernetes"),
    "k8s/statefulset.yaml": ("cost/k8s/web-statefulset.yaml", "kubernetes"),
    "manifests/web.json": ("infra/deployment.json", "kubernetes"),
    "charts/mychart/Chart.yaml": ("cost/helm/mychart/Chart.yaml", "helm"),
    "charts/mychart/values.yaml": ("cost/helm/mychart/values.yaml", "helm"),
    "charts/mychart/templates/deployment.yaml": ("cost/helm/mychart/templates/deployment.yaml", "helm"),
    "charts/mychart/templates/_helpers.tpl": ("cost/helm/mychart/templates/_helpers.tpl", "helm"),
    "overlays/prod/kustomization.yaml": ("cost/kustomize/kustomization.yaml", "kustomize"),
    "Dockerfile": ("infra/Dockerfile", "docker"),
    "compose.yaml": ("cost/compose/compose.yaml", "compose"),
    ".github/workflows/ci.yml": ("cost/ci/workflow.yml", "ci"),
    ".gitlab-ci.yml": ("infra/gitlab-ci.yml", "ci"),
    ".circleci/config.yml": ("cost/ci/circleci.yml", "ci"),
    "azure-pipelines.yml": ("infra/azure-pipelines.yml", "ci"),
    "bitbucket-pipelines.yml": ("infra/bitbucket-pipelines.yml", "ci"),
    "Jenkinsfile": ("infra/Jenkinsfile", "ci"),
    "stacks/ec2.yaml": ("cost/cloudformation/ec2.yaml", "cloudformation"),
    "template.json": ("infra/sam-template.json", "cloudformation"),
    "Pulumi.dev.yaml": ("cost/pulumi/Pulumi.dev.yaml", "pulumi"),
    "serverless.yml": ("cost/serverless/serverless.yml", "serverless"),
    "playbook.yml": ("infra/playbook.yml", "ansible"),
    "site.yml": ("infra/site.yml", "ansible"),
    "roles/common/tasks/main.yml": ("infra/role-tasks-main.yml", "ansible"),
    "Procfile": ("infra/Procfile", "platform"),
    "app.json": ("infra/heroku-app.json", "platform"),
    "api/fly.toml": ("infra/fly.toml", "platform"),
    "app.yaml": ("infra/app-engine-app.yaml", "platform"),
    ".ebextensions/01-django.config": ("infra/ebextensions.config", "platform"),
    "boxfile.yml": ("infra/boxfile.yml", "platform"),
    # Look-alikes: no infra finding.
    "config/app.yaml": ("infra/app-settings.yaml", None),
    "mobile/app.json": ("infra/expo-app.json", None),
    "catalog-info.yaml": ("infra/catalog-info.yaml", None),
    "locales/values.yaml": ("infra/translations-values.yaml", None),
    "tests/cassettes/scale.yaml": ("infra/cassette.yaml", None),
}


def _infra(doc: dict[str, object]) -> dict[str, list[str]]:
    by_path: dict[str, list[str]] = {}
    for change in doc["changes"]:  # type: ignore[attr-defined]
        kinds = [f["kind"] for f in change["findings"] if f["type"] == "infra"]
        by_path[change["path"]] = kinds
    return by_path


def test_every_kind_from_documented_examples(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({path: (FIXTURES / source).read_bytes() for path, (source, _) in PLACED.items()})
    code, doc = run_json(capsys, "--base", base)
    by_path = _infra(doc)
    expected = {path: [kind] if kind else [] for path, (_, kind) in PLACED.items()}
    expected["Dockerfile"].append("platform")  # a new production image, too
    assert by_path == expected
    assert code == 1
    levels = levels_by_path(doc)
    assert levels["catalog-info.yaml"] == "engineer"
    assert levels["k8s/deployment.yaml"] == "cto"  # cloud-setup in the built-in policy
    assert levels["Procfile"] == levels["app.json"] == levels["api/fly.toml"] == "cto"  # platform
    assert levels["app.yaml"] == levels[".ebextensions/01-django.config"] == levels["boxfile.yml"] == "cto"
    assert levels["mobile/app.json"] == "engineer"
    detail = next(f for f in findings(doc, "infra") if f["subject"] == "k8s/statefulset.yaml")["detail"]
    assert detail == "Kubernetes manifest (Service, StatefulSet) added"


def test_deleted_manifest_is_recognised_from_its_old_content(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"deploy/web.yaml": (FIXTURES / "cost/k8s/nginx-deployment.yaml").read_bytes()})
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({"deploy/web.yaml": None})
    _, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["detail"]) for f in findings(doc, "infra")] == [
        ("kubernetes", "deploy/web.yaml", "Kubernetes manifest (Deployment) deleted"),
    ]


def test_renamed_manifest_reports_the_new_path(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"deploy/web.yaml": (FIXTURES / "cost/k8s/nginx-deployment.yaml").read_bytes()})
    repo.git("mv", "deploy/web.yaml", "deploy/web-deployment.yaml")
    repo.commit(message="rename")
    _, doc = run_json(capsys, "--base", base)
    assert [(c["status"], c["path"]) for c in doc["changes"]] == [("renamed", "deploy/web-deployment.yaml")]
    assert [f["subject"] for f in findings(doc, "infra")] == ["deploy/web-deployment.yaml"]
    assert findings(doc, "cost") == []  # a move changes nothing that costs money


def test_values_beside_a_chart_added_in_the_same_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({
        "deploy/web/Chart.yaml": (FIXTURES / "cost/helm/mychart/Chart.yaml").read_bytes(),
        "deploy/web/values.yaml": b"tag: v1\n",
        "deploy/web/templates/configmap.yaml": b"kind: ConfigMap\n",
    })
    _, doc = run_json(capsys, "--base", base)
    assert {f["subject"]: f["kind"] for f in findings(doc, "infra")} == {
        "deploy/web/Chart.yaml": "helm",
        "deploy/web/values.yaml": "helm",
        "deploy/web/templates/configmap.yaml": "helm",
    }


@pytest.mark.parametrize(
    "content",
    [
        b"apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: [unclosed\n",
        b"apiVersion: apps/v1\nkind: Deployment\n\xff\xfe\n",
        b"\x00\x00\x00binary",
    ],
    ids=["malformed-yaml", "invalid-utf8", "binary"],
)
def test_bad_content_never_crashes(repo: Repo, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({"k8s/web.yaml": content})
    code, doc = run_json(capsys, "--base", base)
    assert code in (0, 1)
    kinds = [f["kind"] for f in findings(doc, "infra")]
    assert kinds == ([] if content.startswith(b"\x00") else ["kubernetes"])


def test_a_yaml_fixture_with_cost_like_keys_is_not_infra(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"tests/data/sample.yaml": b"memory: 512\nreplicas: 2\n"})
    repo.commit({"tests/data/sample.yaml": b"memory: 4096\nreplicas: 20\n"})
    code, doc = run_json(capsys, "--base", base)
    assert code == 0
    assert doc["changes"][0]["findings"] == []
