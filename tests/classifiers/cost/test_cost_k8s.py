"""`cost` findings in Kubernetes manifests, end to end through `check`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import Repo, findings, levels_by_path, run_json

K8S = Path(__file__).parents[2] / "fixtures" / "cost" / "k8s"
# Only the cost classifier runs under this policy (the engine skips classifiers no rule asks for).
COST_ONLY_POLICY = (
    "version: 1\nlevels:\n  - name: engineer\n  - name: cto\ndefault_level: engineer\n"
    "rules:\n  - id: spend\n    level: cto\n    when: {type: cost, kind: [increase, change]}\n"
)


def _doc(name: str) -> str:
    return (K8S / name).read_text()


def _cost(doc: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((f["kind"], f["subject"]) for f in findings(doc, "cost"))


def _change(repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str | None,
            ) -> dict[str, object]:
    base = repo.commit({path: before})
    repo.commit({path: after})
    _, doc = run_json(capsys, "--base", base)
    return doc


def test_more_replicas_is_an_increase(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("nginx-deployment.yaml")
    doc = _change(repo, capsys, "k8s/web.yaml", text, text.replace("replicas: 3", "replicas: 5"))
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"], finding["from"], finding["to"], finding["line"]) == (
        "increase", "Deployment/nginx-deployment.spec.replicas", "3", "5", 9,
    )
    assert finding["rule"] == "spend"
    assert levels_by_path(doc) == {"k8s/web.yaml": "cto"}


def test_fewer_replicas_is_a_decrease_that_no_rule_escalates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("nginx-deployment.yaml")
    doc = _change(repo, capsys, "k8s/web.yaml", text, text.replace("replicas: 3", "replicas: 1"))
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["rule"]) == ("decrease", None)


def test_requests_and_limits_compare_with_units(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("frontend-pod.yaml")
    app, sidecar = text.split("  - name: log-aggregator")
    app = app.replace('memory: "128Mi"', "memory: 1Gi").replace('cpu: "250m"', "cpu: 0.25")
    sidecar = sidecar.replace('cpu: "500m"', "cpu: 200m")
    doc = _change(repo, capsys, "k8s/pod.yaml", text, app + "  - name: log-aggregator" + sidecar)
    assert _cost(doc) == [
        ("decrease", "Pod/frontend.spec.containers[log-aggregator].resources.limits.cpu"),
        ("increase", "Pod/frontend.spec.containers[app].resources.limits.memory"),
    ]  # 250m -> 0.25 is the same amount and reports nothing


def test_gpu_limit(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("gpu-pod.yaml")
    doc = _change(repo, capsys, "gpu.yaml", text, text.replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 4"))
    assert _cost(doc) == [
        ("increase", "Pod/example-vector-add.spec.containers[example-vector-add].resources.limits.nvidia.com/gpu"),
    ]


def test_hpa_bounds(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("php-apache-hpa.yaml")
    after = text.replace("minReplicas: 1", "minReplicas: 2").replace("maxReplicas: 10", "maxReplicas: 8")
    doc = _change(repo, capsys, "hpa.yaml", text, after)
    assert _cost(doc) == [
        ("decrease", "HorizontalPodAutoscaler/php-apache.spec.maxReplicas"),
        ("increase", "HorizontalPodAutoscaler/php-apache.spec.minReplicas"),
    ]


def test_storage_requests(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    pvc = _doc("myclaim-pvc.yaml")
    doc = _change(repo, capsys, "pvc.yaml", pvc, pvc.replace("storage: 8Gi", "storage: 100Gi"))
    assert _cost(doc) == [("increase", "PersistentVolumeClaim/myclaim.spec.resources.requests.storage")]


def test_statefulset_volume_claim_template(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("web-statefulset.yaml")
    doc = _change(repo, capsys, "web.yaml", text, text.replace("storage: 1Gi", "storage: 512Mi"))
    assert _cost(doc) == [
        ("decrease", "StatefulSet/web.spec.volumeClaimTemplates[www].spec.resources.requests.storage"),
    ]


def test_a_service_becoming_a_load_balancer(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("my-service.yaml")
    after = text + "  type: LoadBalancer\n"
    doc = _change(repo, capsys, "svc.yaml", text, after)
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"], finding["from"], finding["to"]) == (
        "increase", "Service/my-service.spec.type", None, "LoadBalancer",
    )


def test_a_new_workload_is_one_increase(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "hi\n"})
    repo.commit({"k8s/pod.yaml": _doc("frontend-pod.yaml"), "k8s/svc.yaml": _doc("my-service.yaml")})
    _, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"]) == ("increase", "Pod/frontend")
    assert finding["detail"].startswith("new Pod/frontend (spec.containers[app].resources.requests.memory 64Mi, ")


def test_a_deleted_workload_is_a_decrease(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _change(repo, capsys, "k8s/web.yaml", _doc("nginx-deployment.yaml"), None)
    assert _cost(doc) == [("decrease", "Deployment/nginx-deployment")]


def test_adding_a_label_or_bumping_an_image_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("nginx-deployment.yaml")
    after = text.replace("    app: nginx\nspec:", "    app: nginx\n    team: web\nspec:").replace("1.14.2", "1.27.0")
    doc = _change(repo, capsys, "k8s/web.yaml", text, after)
    assert findings(doc, "cost") == []
    assert [f["kind"] for f in findings(doc, "infra")] == ["kubernetes"]


def test_reformatting_and_reordering_cost_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _doc("web-statefulset.yaml").split("---\n")
    reformatted = (
        second.replace("replicas: 3", "replicas: 0x3").replace("storage: 1Gi", 'storage: "1024Mi"')
        + "---\n" + first
    )
    doc = _change(repo, capsys, "web.yaml", first + "---\n" + second, reformatted)
    assert findings(doc, "cost") == []


def test_moving_a_manifest_between_files_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _doc("web-statefulset.yaml").split("---\n")
    base = repo.commit({"k8s/all.yaml": first + "---\n" + second})
    repo.commit({"k8s/all.yaml": first, "k8s/statefulset.yaml": second})
    _, doc = run_json(capsys, "--base", base)
    assert findings(doc, "cost") == []


def test_moved_and_scaled_is_compared_not_created(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _doc("web-statefulset.yaml").split("---\n")
    base = repo.commit({"k8s/all.yaml": first + "---\n" + second})
    repo.commit({"k8s/all.yaml": first, "k8s/statefulset.yaml": second.replace("replicas: 3", "replicas: 6")})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "StatefulSet/web.spec.replicas")]


def test_a_malformed_manifest_is_a_change_with_a_reason(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("nginx-deployment.yaml")
    doc = _change(repo, capsys, "k8s/web.yaml", text, text.replace("replicas: 3", "replicas: [3"))
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"]) == ("change", "k8s/web.yaml")
    assert "cannot be read (YAML does not parse" in finding["detail"]
    assert finding["line"] is not None


def test_custom_resources_with_replicas(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    crd = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: main\nspec:\n  replicas: 2\n"
    doc = _change(repo, capsys, "monitoring/prometheus.yaml", crd, crd.replace("replicas: 2", "replicas: 3"))
    assert _cost(doc) == [("increase", "Prometheus/main.spec.replicas")]


def test_config_map_data_is_not_priced(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  replicas: '2'\n  memory: 1Gi\n"
    doc = _change(repo, capsys, "k8s/cm.yaml", cm, cm.replace("'2'", "'20'").replace("1Gi", "8Gi"))
    assert findings(doc, "cost") == []


def test_node_selector_instance_type(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("nginx-deployment.yaml").replace(
        "      containers:", "      nodeSelector:\n        node.kubernetes.io/instance-type: m5.large\n      containers:"
    )
    doc = _change(repo, capsys, "k8s/web.yaml", text, text.replace("m5.large", "m5.4xlarge"))
    assert _cost(doc) == [
        ("increase", "Deployment/nginx-deployment.spec.template.spec.nodeSelector.node.kubernetes.io/instance-type"),
    ]


def test_fixture_yaml_with_cost_keys_is_never_judged(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    cassette = (Path(__file__).parents[2] / "fixtures" / "infra" / "cassette.yaml").read_text()
    doc = _change(repo, capsys, "tests/cassettes/scale.yaml", "interactions: []\n", cassette)
    assert findings(doc) == []


def test_extra_cost_files_and_keys(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = COST_ONLY_POLICY + (
        "classify:\n  cost:\n    files: ['config/workers.yml']\n    keys: ['worker.concurrency', 'shards']\n"
    )
    base = repo.commit({
        ".ownership-gate.yaml": policy,
        "config/workers.yml": "worker:\n  concurrency: 4\nmemory: 512\n",
        "k8s/es.yaml": "apiVersion: es.example/v1\nkind: Cluster\nmetadata: {name: logs}\nspec:\n  shards: 3\n",
    })
    repo.commit({
        "config/workers.yml": "worker:\n  concurrency: 16\nmemory: 512\n",
        "k8s/es.yaml": "apiVersion: es.example/v1\nkind: Cluster\nmetadata: {name: logs}\nspec:\n  shards: 5\n",
    })
    code, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == [("increase", "Cluster/logs.spec.shards"), ("increase", "worker.concurrency")]
    assert code == 1


def _release_manifest(names: list[str]) -> str:
    deployment, service = _doc("nginx-deployment.yaml"), _doc("my-service.yaml")
    documents = []
    for name in names:
        documents.append(deployment.replace("nginx-deployment", name))
        documents.append(service.replace("my-service", name))
    return "---\n".join(documents)


def test_a_reordered_release_manifest_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on GoogleCloudPlatform/microservices-demo: a release bundle of a
    # dozen services, regenerated in another order, once read as new and
    # removed Deployments (document nodes were confused across documents).
    names = [f"service{n}" for n in range(12)]
    doc = _change(repo, capsys, "release/kubernetes-manifests.yaml",
                  _release_manifest(names), _release_manifest(names[6:] + names[:6]))
    assert findings(doc, "cost") == []


def test_every_document_of_a_large_bundle_is_read() -> None:
    from ownership_gate.classifiers.cost.k8s import read_manifests

    names = [f"service{n}" for n in range(30)]
    labels = sorted(o.label for o in read_manifests(_release_manifest(names), ()).objects)
    assert labels == sorted([f"Deployment/{n}" for n in names] + [f"Service/{n}" for n in names])


def test_large_crd_bundles_are_not_parsed_but_lines_stay_true(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on bitnami/charts: CRD bundles of hundreds of kilobytes took seconds
    # to parse although a CustomResourceDefinition is never priced.
    from ownership_gate.classifiers.cost.k8s import _blank_unpriced

    crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\nspec:\n"
    crd += "".join(f"  field{n}:\n    type: string\n" for n in range(20000))
    deployment = _doc("nginx-deployment.yaml")
    text = crd + "--- # the workload\n" + deployment
    blanked = _blank_unpriced(text)
    assert blanked.count("\n") == text.count("\n") and "field1" not in blanked and "nginx:1.14.2" in blanked
    base = repo.commit({".ownership-gate.yaml": COST_ONLY_POLICY, "k8s/bundle.yaml": text})
    repo.commit({"k8s/bundle.yaml": text.replace("replicas: 3", "replicas: 4")})
    started = time.perf_counter()
    _, doc = run_json(capsys, "--base", base)
    assert time.perf_counter() - started < 5
    [finding] = findings(doc, "cost")
    assert (finding["subject"], finding["line"]) == ("Deployment/nginx-deployment.spec.replicas", 40015)


def test_a_list_where_a_scalar_is_expected_does_not_crash(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on terraform-google-kubernetes-engine: a manifest whose schema had
    # `type: [string, "null"]` crashed the LoadBalancer check.
    crd = ("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  fields:\n"
           "  - name: a\n    type: [string, 'null']\n  replicas: 1\n")
    doc = _change(repo, capsys, "k8s/widget.yaml", crd, crd.replace("replicas: 1", "replicas: 2"))
    assert _cost(doc) == [("increase", "Widget/w.spec.replicas")]


def test_moving_a_manifest_to_another_folder_costs_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Joined with other objects, so git sees a deletion and an addition, not a rename.
    settings = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n" + "".join(
        f"  key{n}: value{n}\n" for n in range(80)
    )
    base = repo.commit({"k8s/web.yaml": _doc("web-statefulset.yaml")})
    repo.commit({"k8s/web.yaml": None, "deploy/base/web.yaml": settings + "---\n" + _doc("web-statefulset.yaml")})
    _, doc = run_json(capsys, "--base", base)
    assert sorted(c["status"] for c in doc["changes"]) == ["added", "deleted"]
    assert findings(doc, "cost") == []


def test_same_name_in_two_environments_is_not_a_move(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = _doc("nginx-deployment.yaml")
    # Enough other content that git sees no rename, only a deletion and an addition.
    settings = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod\ndata:\n" + "".join(
        f"  key{n}: value{n}\n" for n in range(60)
    )
    base = repo.commit({"overlays/staging/web.yaml": text})
    repo.commit({"overlays/staging/web.yaml": None,
                 "overlays/prod/web.yaml": settings + "---\n" + text.replace("replicas: 3", "replicas: 9")})
    _, doc = run_json(capsys, "--base", base)
    assert sorted(c["status"] for c in doc["changes"]) == ["added", "deleted"]
    assert _cost(doc) == [("decrease", "Deployment/nginx-deployment"), ("increase", "Deployment/nginx-deployment")]


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("k8s/deep.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: deep}\nspec:\n  replicas: 1\n  x: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("k8s/bomb.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\na: &a [x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                   for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + "spec:\n  replicas: 2\n  z: *i\n"),
        ("main.tf", 'resource "aws_instance" "x" {\n  instance_type = ' + "[" * 3000 + "]" * 3000 + "\n}\n"),
        ("main.tf", b"resource \"aws_instance\" \"x\" {\n  instance_type = \"t3.\xff\"\n}\n"),
    ],
    ids=["deep-yaml", "alias-bomb", "deep-hcl", "invalid-utf8-hcl"],
)
def test_hostile_files_give_a_change_never_a_traceback(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, content: str | bytes
) -> None:
    base = repo.commit({".ownership-gate.yaml": COST_ONLY_POLICY})
    repo.commit({path: content})
    started = time.perf_counter()
    code, doc = run_json(capsys, "--base", base)
    assert time.perf_counter() - started < 20
    assert code == 1
    [finding] = findings(doc, "cost")
    assert (finding["kind"], finding["subject"]) == ("change", path)
    assert "cannot be read" in finding["detail"]


def _large(replicas: int, note: str, broken: bool = False) -> str:
    # Over 256 KiB: a Deployment with thousands of annotations; `broken` adds YAML no parser reads.
    notes = "".join(f'    example.com/note-{i}: "{note} {i}"\n' for i in range(9000))
    tail = "  bad: [unclosed\n" if broken else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\n  annotations:\n{notes}{tail}"
            f"spec:\n  replicas: {replicas}\n")


def test_a_large_file_whose_cost_lines_are_unchanged_is_not_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(_large(1, "x")) > 256 * 1024
    # Unreadable YAML, but only annotation lines changed: nothing costed can have moved.
    doc = _change(repo, capsys, "k8s/big.yaml", _large(2, "before", broken=True), _large(2, "after", broken=True))
    assert findings(doc, "cost") == []
    # A changed cost line in a large file is read and judged as in a small one.
    doc = _change(repo, capsys, "k8s/big.yaml", _large(2, "before"), _large(4, "after"))
    assert _cost(doc) == [("increase", "Deployment/big.spec.replicas")]


@pytest.mark.parametrize("old", ["notes/web.txt", "examples/web.yaml", "k8s/web.yaml.disabled"])
def test_a_file_renamed_into_a_priced_place_is_all_new(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str
) -> None:
    """Its old path was never priced: the workload it holds is new spend, not an unchanged file."""
    base = repo.commit({old: _doc("nginx-deployment.yaml")})
    repo.commit({old: None, "k8s/web.yaml": _doc("nginx-deployment.yaml")})  # git sees a rename
    _, doc = run_json(capsys, "--base", base)
    assert [c["status"] for c in doc["changes"]] == ["renamed"]
    assert _cost(doc) == [("increase", "Deployment/nginx-deployment")]


def test_a_manifest_renamed_between_priced_places_is_unchanged(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"k8s/web.yaml": _doc("nginx-deployment.yaml")})
    repo.commit({"k8s/web.yaml": None, "deploy/web.yaml": _doc("nginx-deployment.yaml")})
    _, doc = run_json(capsys, "--base", base)
    assert _cost(doc) == []


@pytest.mark.parametrize("path", ["pkg/cmd/testdata/deployment.yaml", "examples/web/k8s.yaml",
                                  "test/fixtures/web.yaml", "docs/example/web.yaml"])
def test_test_fixture_and_example_folders_are_not_priced(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    """A CLI's golden output under testdata/ is a perfect manifest that is never deployed."""
    text = _doc("nginx-deployment.yaml")
    base = repo.commit({".ownership-gate.yaml": COST_ONLY_POLICY, path: text})
    repo.commit({path: text.replace("replicas: 3", "replicas: 30")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "cost") == []
    assert code == 0


def test_cost_files_can_name_a_file_in_an_example_folder(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = COST_ONLY_POLICY + "classify:\n  cost:\n    files: ['examples/prod/**']\n"
    text = _doc("nginx-deployment.yaml")
    base = repo.commit({".ownership-gate.yaml": policy, "examples/prod/web.yaml": text})
    repo.commit({"examples/prod/web.yaml": text.replace("replicas: 3", "replicas: 30")})
    _, doc = run_json(capsys, "--base", base)
    assert [f["subject"] for f in findings(doc, "cost")] == ["Deployment/nginx-deployment.spec.replicas"]


TEMPLATED = """\
{{/* the cluster's own templating renders this before it is applied */}}
{{ $image := print "registry.example.com/teapot/skipper:" "v0.21.216" }}
{{ template "ingress" dict
    "name" "skipper"
    "image" $image
}}
{{ define "ingress" }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "{{ .name }}"
spec:
  replicas: {{ .Cluster.ConfigItems.skipper_replicas }}
  template:
    spec:
      containers:
        - name: skipper
          image: "{{ .image }}"
          resources:
            requests:
              memory: 1Gi
{{ end }}
"""


def test_a_templated_manifest_is_read_around_its_actions(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "cluster/manifests/skipper/deployment.yaml"
    # A new image in the template's actions costs nothing; it is not an unreadable file.
    doc = _change(repo, capsys, path, TEMPLATED, TEMPLATED.replace("v0.21.216", "v0.21.220"))
    assert _cost(doc) == []
    # A request written out is compared; a computed replica count whose expression changed is a change,
    # shown as written.
    doc = _change(repo, capsys, path, TEMPLATED, TEMPLATED.replace("memory: 1Gi", "memory: 2Gi").replace(
        "skipper_replicas", "skipper_replicas_max"))
    assert _cost(doc) == [
        ("change", "Deployment/{{ .name }}.spec.replicas"),
        ("increase", "Deployment/{{ .name }}.spec.template.spec.containers[skipper].resources.requests.memory")]
    replicas = next(f for f in findings(doc, "cost") if f["kind"] == "change")
    assert "{{ .Cluster.ConfigItems.skipper_replicas_max }}" in replicas["detail"]
