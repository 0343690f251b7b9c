"""`cost` findings in Helm charts and Kustomize overlays, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Repo, findings, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cost"
CHART = FIXTURES / "helm" / "mychart"
VALUES = (CHART / "values.yaml").read_text()
RESOURCES = "resources:\n  limits:\n    cpu: 100m\n    memory: 128Mi\n  requests:\n    cpu: 100m\n    memory: 128Mi\n"


def _cost(doc: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((f["kind"], f["subject"]) for f in findings(doc, "cost"))


def _chart(values: str = VALUES, template: str | None = None) -> dict[str, str | None]:
    return {
        "charts/mychart/Chart.yaml": (CHART / "Chart.yaml").read_text(),
        "charts/mychart/values.yaml": values,
        "charts/mychart/templates/deployment.yaml": template or (CHART / "templates/deployment.yaml").read_text(),
        "charts/mychart/templates/_helpers.tpl": (CHART / "templates/_helpers.tpl").read_text(),
    }


def test_values_keys_are_the_subject(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit(_chart())
    after = VALUES.replace("replicaCount: 1", "replicaCount: 3").replace("type: ClusterIP", "type: LoadBalancer")
    after = after.replace("maxReplicas: 100", "maxReplicas: 20")
    after = after.replace("resources: {}\n", RESOURCES)
    repo.commit({"charts/mychart/values.yaml": after})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [
        ("change", "resources.limits.cpu"),
        ("change", "resources.limits.memory"),
        ("decrease", "autoscaling.maxReplicas"),
        ("increase", "replicaCount"),
        ("increase", "resources.requests.cpu"),
        ("increase", "resources.requests.memory"),
        ("increase", "service.type"),
    ]


def test_doubling_a_memory_limit_is_an_increase(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit(_chart(VALUES.replace("resources: {}\n", RESOURCES)))
    repo.commit({"charts/mychart/values.yaml": VALUES.replace("resources: {}\n", RESOURCES.replace("memory: 128Mi", "memory: 256Mi", 1))})
    _, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"], finding["from"], finding["to"]) == (
        "increase", "resources.limits.memory", "128Mi", "256Mi",
    )


def test_templates_are_helm_and_never_crash(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    template = (CHART / "templates/deployment.yaml").read_text()
    base = repo.commit(_chart())
    repo.commit({"charts/mychart/templates/deployment.yaml": template.replace("replicas: {{", "replicas: {{ add 1")})
    code, doc = run_json(capsys, "--base", base)
    assert code == 0  # the built-in policy leaves chart edits to the engineer unless they cost more
    assert [(f["type"], f["kind"]) for f in findings(doc)] == [("infra", "helm")]


def test_a_new_chart_reports_its_spend_per_key(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "hi\n"})
    repo.commit(_chart(VALUES.replace("replicaCount: 1", "replicaCount: 2")))
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "replicaCount")]  # defaults (1 replica, ClusterIP) cost nothing new


def test_values_outside_a_chart_folder_are_recognised_by_content(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"deploy/grafana/values.yaml": VALUES})
    repo.commit({"deploy/grafana/values.yaml": VALUES.replace("replicaCount: 1", "replicaCount: 2")})
    _, doc = run_json(capsys, "--base", base)
    assert [f["kind"] for f in findings(doc, "infra")] == ["helm"]
    assert _cost(doc) == [("increase", "replicaCount")]


def test_bitnami_style_resource_presets(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    values = "primary:\n  resourcesPreset: nano\n  persistence:\n    size: 8Gi\n"
    base = repo.commit({"charts/postgresql/values.yaml": values})
    repo.commit({"charts/postgresql/values.yaml": values.replace("nano", "small").replace("8Gi", "20Gi")})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "primary.persistence.size"), ("increase", "primary.resourcesPreset")]


def test_a_charts_one_word_requests_and_limits(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    values = ("container:\n  requestMemory: 100Mi\n  requestCpu: 100m\n  limitMemory: 2500Mi\n  limitCpu: 200m\n"
              "  port: 3000\n")
    chart = {"helm/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.0.0\n", "helm/api/values.yaml": values}
    base = repo.commit(chart)
    repo.commit({"helm/api/values.yaml": values.replace("limitCpu: 200m", "limitCpu: 500m").replace("3000", "3001")})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "container.limitCpu")]
    repo.commit({"helm/api/values.yaml": values.replace("requestCpu: 100m", "requestCpu: 50m")})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("decrease", "container.requestCpu")]


def test_kustomize_replicas_and_inline_patches(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = (FIXTURES / "kustomize" / "kustomization.yaml").read_text()
    base = repo.commit({"overlays/prod/kustomization.yaml": text})
    repo.commit({"overlays/prod/kustomization.yaml": text.replace("count: 5", "count: 8").replace("512Mi", "2Gi")})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [
        ("increase", "patches[Deployment/my-nginx].spec.template.spec.containers.0.resources.limits.memory"),
        ("increase", "replicas[my-nginx].count"),
    ]


def test_kustomize_patch_files(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    strategic = (FIXTURES / "kustomize" / "increase_replicas.yaml").read_text()
    json_patch = (FIXTURES / "kustomize" / "patch-json.yaml").read_text()
    base = repo.commit({"overlays/prod/increase_replicas.yaml": strategic, "overlays/prod/replicas.yaml": json_patch})
    repo.commit({
        "overlays/prod/increase_replicas.yaml": strategic.replace("replicas: 3", "replicas: 4"),
        "overlays/prod/replicas.yaml": json_patch.replace("value: 3", "value: 2"),
    })
    _, doc = run_json(capsys, "--base", base)
    assert sorted((f["subject"], f["kind"]) for f in findings(doc, "infra")) == [
        ("overlays/prod/increase_replicas.yaml", "kubernetes"),
        ("overlays/prod/replicas.yaml", "kustomize"),
    ]
    assert _cost(doc) == [("decrease", "spec.replicas"), ("increase", "Deployment/my-nginx.spec.replicas")]


def test_an_overlay_copied_from_another_is_new_spend(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    deployment = (FIXTURES / "k8s" / "nginx-deployment.yaml").read_text()
    base = repo.commit({"overlays/staging/deployment.yaml": deployment})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit({"overlays/prod/deployment.yaml": deployment})
    _, doc = run_json(capsys, "--base", base)
    assert [c["status"] for c in doc["changes"]] in (["added"], ["copied"])
    assert _cost(doc) == [("increase", "Deployment/nginx-deployment")]


def test_deleted_chart_values_are_decreases(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on bitnami/charts: deprecating a chart deleted its values, and
    # presets read as `change` (not comparable) instead of going away.
    values = "agent:\n  resourcesPreset: nano\n  replicaCount: 2\nserver:\n  resourcesPreset: small\n"
    base = repo.commit({"charts/kiam/values.yaml": values, "charts/kiam/Chart.yaml": "name: kiam\n"})
    repo.commit({"charts/kiam/values.yaml": None, "charts/kiam/Chart.yaml": None})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [
        ("decrease", "agent.replicaCount"), ("decrease", "agent.resourcesPreset"), ("decrease", "server.resourcesPreset"),
    ]


def test_an_unreadable_file_that_is_deleted_reports_no_cost(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on bitnami/charts: a chart template with %%PLACEHOLDERS%% was deleted.
    template = "replicaCount: 1\nimage:\n  repository: %%IMAGE_NAME%%\nresources: {}\nnodeSelector: {}\n"
    base = repo.commit({"template/CHART_NAME/values.yaml": template})
    repo.commit({"template/CHART_NAME/values.yaml": None})
    _, doc = run_json(capsys, "--base", base)
    assert [f["kind"] for f in findings(doc, "infra")] == ["helm"]
    assert findings(doc, "cost") == []


def test_empty_values_mean_unset(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    values = 'dashboard:\n  autoscaling:\n    hpa:\n      minReplicas: ""\n      maxReplicas: ""\n  persistence:\n    size: ~\n'
    base = repo.commit({"charts/apisix/values.yaml": values})
    repo.commit({"charts/apisix/values.yaml": "dashboard:\n  autoscaling: {}\n"})
    _, doc = run_json(capsys, "--base", base)
    assert findings(doc, "cost") == []


def test_a_preset_appearing_is_an_increase_from_none(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"charts/dremio/values.yaml": "init:\n  enabled: true\n"})
    repo.commit({"charts/dremio/values.yaml": "init:\n  enabled: true\n  resourcesPreset: nano\n"})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "init.resourcesPreset")]


def test_an_image_tag_bump_in_values_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit(_chart(VALUES.replace('tag: ""', 'tag: "1.25.0"')))
    repo.commit({"charts/mychart/values.yaml": VALUES.replace('tag: ""', 'tag: "1.27.1"')})
    _, doc = run_json(capsys, "--base", base)
    assert findings(doc, "cost") == []
    assert [f["kind"] for f in findings(doc, "infra")] == ["helm"]
