"""`cost` findings for machine counts set as variables in an environment's value files, end to end."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.cost.files import values_file
from ownership_gate.classifiers.cost.variables import counts_machines
from tests.classifiers.cost.test_cost_stacks import _change
from tests.conftest import Repo, findings, run_json


def _cost(doc: dict[str, object]) -> list[tuple[str, str, str, str]]:
    return sorted((f["kind"], f["subject"], f["from"], f["to"]) for f in findings(doc, "cost"))


CF_MANIFEST = """\
---
routes:
  - route: api.example.gov
applications:
  - name: api
    instances: 8
    memory: 1G
"""


def test_cloud_foundry_manifest_instances(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _change(repo, capsys, "manifests/manifest_api_prod.yml", CF_MANIFEST,
                  CF_MANIFEST.replace("instances: 8", "instances: 10"))
    assert _cost(doc) == [("increase", "applications[api].instances", "8", "10")]
    assert doc["required_level"] == "cto"


def test_environment_file_of_instance_counts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = "nats_instances: 3\nrouter_instances: 24\nscheduler_instances: 6\ncc_hourly_rate_limit: 60000\n"
    after = "nats_instances: 2\nrouter_instances: 72\nscheduler_instances: 6\ncc_hourly_rate_limit: 90000\n"
    doc = _change(repo, capsys, "manifests/env-specific/prod.yml", before, after)
    assert _cost(doc) == [
        ("decrease", "nats_instances", "3", "2"),
        ("increase", "router_instances", "24", "72"),
    ]


def test_deployment_variables_folder(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = "elasticsearch:\n  instance_count: 2\n  instance_type: t3.small.search\napp_workers: 4\n"
    doc = _change(repo, capsys, "vars/common.yml", before,
                  before.replace("instance_count: 2", "instance_count: 3").replace("app_workers: 4", "app_workers: 8"))
    assert _cost(doc) == [("increase", "elasticsearch.instance_count", "2", "3")]


def test_shell_file_of_exports(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = ("echo '--> Setting environment to PROD'\nexport WEB_NAME=web\nexport WEB_REPLICAS=16\n"
              "export WEB_GUNICORN_WORKERS=8\nexport KUMA_IMAGE_TAG=71d210e\nalias kc=\"kubectl -n prod\"\n")
    after = before.replace("WEB_REPLICAS=16", "WEB_REPLICAS=20").replace("WORKERS=8", "WORKERS=12").replace(
        "71d210e", "51a8375")
    doc = _change(repo, capsys, "k8s/regions/portland/prod.sh", before, after)
    assert _cost(doc) == [("increase", "WEB_REPLICAS", "16", "20")]
    assert doc["required_level"] == "cto"


def test_dotenv_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _change(repo, capsys, "deploy/.env.production", "API_DESIRED_COUNT=2\nLOG_LEVEL=info\n",
                  "API_DESIRED_COUNT=6\nLOG_LEVEL=debug\n")
    assert _cost(doc) == [("increase", "API_DESIRED_COUNT", "2", "6")]


def test_shell_script_that_decides_is_not_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = 'if [ "$REGION" = eu ]; then\n  export WEB_REPLICAS=2\nfi\n'
    doc = _change(repo, capsys, "deploy/prod.sh", before, before.replace("=2", "=20"))
    assert findings(doc, "cost") == []


def test_routine_edits_of_value_files(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = "web_replicas: 3\nimage_tag: abc\n"
    doc = _change(repo, capsys, "environments/production.yml", before,
                  "# scaled by hand before\nimage_tag: def\nweb_replicas: 3\n")
    assert findings(doc, "cost") == []
    assert doc["required_level"] == "engineer"


def test_value_file_renamed_keeps_its_counts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = "router_instances: 24\n"
    base = repo.commit({"env-specific/prod.yml": text})
    repo.git("mv", "env-specific/prod.yml", "env-specific/production.yml")
    repo.commit({})
    _, doc = run_json(capsys, "--base", base)
    assert findings(doc, "cost") == []


def test_broken_value_file_fails_closed_only_where_it_sets_a_count(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _change(repo, capsys, "vars/prod.yml", "web_replicas: 3\n", "web_replicas: [3\n")
    assert [(f["kind"], f["subject"]) for f in findings(doc, "cost")] == [("change", "vars/prod.yml")]
    doc = _change(repo, capsys, "vars/other.yml", "log_level: info\n", "log_level: [info\n")
    assert findings(doc, "cost") == []


def test_files_elsewhere_are_not_value_files(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _change(repo, capsys, "config/settings.yml", "instances: 2\n", "instances: 9\n")
    assert findings(doc, "cost") == []
    doc = _change(repo, capsys, "tests/fixtures/prod.yml", "instances: 2\n", "instances: 9\n")
    assert findings(doc, "cost") == []
    # Another environment's machines are not production's spend.
    doc = _change(repo, capsys, "helmfile.d/ml/values-ml-staging-codfw.yaml", None,
                  "inference_services:\n  edit-check:\n    predictor:\n      config:\n        maxReplicas: 1\n")
    assert findings(doc, "cost") == []


@pytest.mark.parametrize(("path", "expected"), [
    ("manifests/env-specific/prod.yml", True),
    ("group_vars/all.yml", True),
    ("deploy/.env.production", True),
    ("regions/portland/prod.sh", True),
    ("live/api.yaml", True),
    ("env-specific/staging.yml", False),
    ("vars/dev.yml", False),
    ("scripts/build.sh", False),
    ("config/locales/en.yml", False),
    ("src/producer.yml", False),
    ("examples/prod.yml", False),
])
def test_value_file_paths(path: str, expected: bool) -> None:
    assert values_file(path) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("WEB_REPLICAS", True), ("router_instances", True), ("routerInstances", True), ("instances", True),
    ("instance_count", True), ("desired_count", True), ("asg_min_size", True),
    ("WEB_GUNICORN_WORKERS", False), ("worker_count", False), ("retry_max_count", False), ("min_size", False),
    ("page_size", False), ("count", False),
])
def test_names_that_count_machines(name: str, expected: bool) -> None:
    assert counts_machines(name) is expected


CF_TEMPLATE = """\
---
applications:
- name: notify-template-preview
  routes:
    - route: {{ environment }}-notify-template-preview.cloudapps.digital
  processes:
    - type: web
      command: exec gunicorn wsgi
      memory: 2G
      disk_quota: 2G
  env:
    NOTIFY_ENVIRONMENT: {{ environment }}
"""


def test_cloud_foundry_manifest_template_memory(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The Jinja template a pipeline renders the manifest from; its `{{ }}` values are read around.
    doc = _change(repo, capsys, "manifest.yml.j2", CF_TEMPLATE, CF_TEMPLATE.replace("memory: 2G", "memory: 4G"))
    assert _cost(doc) == [("increase", "applications[notify-template-preview].processes[0].memory", "2G", "4G")]
    # The same amount in other units, 1024-based as Cloud Foundry counts them, is no change.
    doc = _change(repo, capsys, "manifest-celery.yml", CF_MANIFEST.replace("memory: 1G", "memory: 1024M"),
                  CF_MANIFEST.replace("memory: 1G", "memory: 1GB"))
    assert findings(doc, "cost") == []


def test_files_named_manifest_that_are_no_cloud_foundry_manifest(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _change(repo, capsys, "docs/manifest.yml", "title: x\nsize: 2\n", "title: [x\nsize: 3\n")
    assert findings(doc, "cost") == []
    doc = _change(repo, capsys, "manifest-staging.yml", CF_MANIFEST, CF_MANIFEST.replace("instances: 8", "instances: 9"))
    assert findings(doc, "cost") == []


JINJA_MANIFEST = """\
{%- set app_vars = {
  'notify-api': {
    'disk_quota': '2G',
    'additional_env_vars': {'STATSD_HOST': None},
    'instances': {
      'preview': None,
      'staging': 2,
      'production': 25
    },
  },
} -%}
{%- set app = app_vars[CF_APP] -%}
{%- set instance_count = app.get('instances', {}).get(environment) -%}

---
applications:
  - name: {{ CF_APP }}
    {% if instance_count is not none %}
    instances: {{ instance_count }}
    {%- endif %}
    memory: {{ app.get('memory', '1G') }}
    routes:
      {%- for route in app.get('routes', {}).get(environment, []) %}
      - route: {{ route }}
      {%- endfor%}
"""


@pytest.mark.parametrize(("before", "after", "expected"), [
    # A flag added to the template's data: no cost.
    ("'STATSD_HOST': None", "'STATSD_HOST': None, 'DVLA_API_ENABLED': True", []),
    # Production's instances in the template's data, which the manifest reads.
    ("'production': 25", "'production': 30", [("increase", "app_vars.notify-api.instances.production", "25", "30")]),
    # Another environment's are not production's spend.
    ("'staging': 2", "'staging': 4", []),
])
def test_a_cloud_foundry_manifest_template_with_jinja_statements(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, expected: list[tuple[str, ...]]
) -> None:
    doc = _change(repo, capsys, "manifest.yml.j2", JINJA_MANIFEST, JINJA_MANIFEST.replace(before, after))
    assert _cost(doc) == expected
