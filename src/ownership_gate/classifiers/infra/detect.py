"""Recognising infrastructure files by name, then by content.

`kind_of(path, data)` is the reusable core: any classifier that needs to
know whether a file is a Kubernetes manifest, a compose file or a Helm
chart asks it. `recognise(change, context)` applies it to a change (the new
side, else the old one, so deletions count too) and remembers the answer
for every classifier in the run.

Content sniffing is deliberately textual: a manifest is recognised by its
top-level `apiVersion:` and `kind:` lines, never by parsing, so a YAML file
costs one regular-expression scan and a broken manifest is still a manifest.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, is_binary
from ownership_gate.classifiers.infra.names import is_values_file, kind_by_path, may_sniff
from ownership_gate.model import Change

MAX_SNIFF_BYTES = 32 * 1024 * 1024
MAX_JSON_BYTES = 8 * 1024 * 1024

_DOC_SPLIT = patterns.compile(r"(?m)^---[ \t]*(?:#.*)?$")
_API_VERSION = patterns.compile(r"(?m)^apiVersion:[ \t]*['\"]?([^\s'\"#]+)")
_KIND = patterns.compile(r"(?m)^kind:[ \t]*['\"]?([A-Za-z][\w.-]*)")
# Files that borrow Kubernetes' `apiVersion`/`kind` shape but describe no
# cluster: developer tooling, service catalogs, kubeconfig.
_NOT_CLUSTER_API = patterns.compile(
    r"^(?:backstage\.io|skaffold|kind\.x-k8s\.io|kuttl\.dev|ctlptl\.dev|k3d\.io|tilt\.dev|"
    r"kpt\.dev|fn\.kpt\.dev|config\.kubernetes\.io|.*\.backstage\.io)(?:/|$)"
)
_CFN_VERSION = patterns.compile(r"(?m)^[ \t]*['\"]?AWSTemplateFormatVersion['\"]?[ \t]*:")
_CFN_RESOURCES = patterns.compile(r"(?m)^['\"]?Resources['\"]?[ \t]*:")
_CFN_TYPE = patterns.compile(r"['\"]?Type['\"]?[ \t]*:[ \t]*['\"]?AWS::")
_HELM_TEMPLATE = patterns.compile(
    r"\{\{-?\s*(?:[^}]*\.(?:Values|Release|Chart|Capabilities)\b|include\s|template\s|define\s)"
)
_HELM_VALUES_KEYS = patterns.compile(
    r"(?m)^[ \t]*(replicaCount|nodeSelector|tolerations|affinity|podAnnotations|podSecurityContext|"
    r"securityContext|serviceAccount|imagePullSecrets|ingress|persistence|resources|image|"
    r"fullnameOverride|nameOverride|pullPolicy|repository|autoscaling|service|global):"
)
_JSON6902 = patterns.compile(r"(?m)^-[ \t]+op:[ \t]*['\"]?(?:add|remove|replace|move|copy|test)\b")
_JSON6902_PATH = patterns.compile(r"(?m)^[ \t-]+path:[ \t]*['\"]?/(?:spec|metadata|data)\b")
_PLAY_HOSTS = patterns.compile(r"(?m)^(?:-[ \t]+|[ \t]{2,4})hosts:[ \t]*\S")
_PLAY_BODY = patterns.compile(r"(?m)^(?:-[ \t]+|[ \t]{2,4})(?:tasks|roles|pre_tasks|post_tasks|handlers):")
_IMPORT_PLAYBOOK = patterns.compile(r"(?m)^-[ \t]+(?:ansible\.builtin\.)?import_playbook:")

_DESCRIPTIONS = {
    "terraform": "Terraform configuration",
    "kubernetes": "Kubernetes manifest",
    "helm": "Helm chart",
    "kustomize": "Kustomize configuration",
    "docker": "container image build",
    "compose": "Compose file",
    "ci": "CI pipeline",
    "cloudformation": "CloudFormation template",
    "pulumi": "Pulumi project",
    "serverless": "Serverless Framework service",
    "ansible": "Ansible configuration",
    "platform": "platform manifest",
}
# Keys only Heroku's app.json has (Expo's app.json holds an `expo` object instead).
_HEROKU_KEYS = frozenset({"buildpacks", "stack", "formation", "addons", "environments"})
# Google App Engine's `app.yaml`: a top-level `runtime` and at least one key only App Engine reads.
_APP_ENGINE_RUNTIME = patterns.compile(r"(?m)^runtime:[ \t]*\S")
_APP_ENGINE_KEYS = patterns.compile(
    r"(?m)^(?:entrypoint|instance_class|automatic_scaling|basic_scaling|manual_scaling|handlers"
    r"|vpc_access_connector|inbound_services|runtime_config|app_engine_apis):"
)


class Recognition(NamedTuple):
    kind: str
    detail: str


def describe(kind: str) -> str:
    return _DESCRIPTIONS.get(kind, kind)


def _text(data: bytes | None) -> str | None:
    if data is None or len(data) > MAX_SNIFF_BYTES or is_binary(data):
        return None
    return data.decode("utf-8", "replace").removeprefix("\ufeff")


def kubernetes_kinds(text: str) -> list[str]:
    """The `kind` of every YAML document that has top-level `apiVersion` and `kind`."""
    kinds: list[str] = []
    for document in _DOC_SPLIT.split(text):
        api = _API_VERSION.search(document)
        kind = _KIND.search(document)
        if api is None or kind is None or _NOT_CLUSTER_API.match(api[1]):
            continue
        if api[1] == "v1" and kind[1] == "Config":
            continue  # a kubeconfig: credentials for a cluster, not objects in it
        kinds.append(kind[1])
    return kinds


def _json_kubernetes_kinds(text: str) -> list[str]:
    if '"apiVersion"' not in text or '"kind"' not in text or len(text) > MAX_JSON_BYTES:
        return []
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return []
    items = document if isinstance(document, list) else [document]
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        items = document["items"]
    return [
        str(item["kind"]) for item in items
        if isinstance(item, dict) and isinstance(item.get("apiVersion"), str)
        and isinstance(item.get("kind"), str) and not _NOT_CLUSTER_API.match(item["apiVersion"])
    ]


def _is_heroku_app(text: str) -> bool:
    if len(text) > MAX_JSON_BYTES:
        return False
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and bool(_HEROKU_KEYS & document.keys())


def is_cloudformation(text: str) -> bool:
    if _CFN_VERSION.search(text):
        return True
    return bool(_CFN_RESOURCES.search(text) and _CFN_TYPE.search(text))


def _looks_like_values(text: str) -> bool:
    return len({m[1] for m in _HELM_VALUES_KEYS.finditer(text)}) >= 3


def _is_playbook(text: str) -> bool:
    if _IMPORT_PLAYBOOK.search(text):
        return True
    return bool(_PLAY_HOSTS.search(text) and _PLAY_BODY.search(text))


def _in_chart(path: str, chart_dirs: frozenset[str]) -> bool:
    parts = path.split("/")
    if "templates" in parts[:-1]:
        at = len(parts) - 2 - parts[:-1][::-1].index("templates")
        return "/".join(parts[:at]) in chart_dirs
    return posixpath.dirname(path) in chart_dirs and is_values_file(path)


def _helm_detail(path: str) -> str:
    base = posixpath.basename(path)
    if is_values_file(path):
        return "Helm values"
    if base.startswith("Chart."):
        return "Helm chart metadata"
    return "Helm chart template" if "templates" in path.split("/") or base.endswith(".tpl") else "Helm chart"


def kind_of(
    path: str, data: bytes | None, chart_dirs: frozenset[str] = frozenset()
) -> Recognition | None:
    """What infrastructure `path` with contents `data` is, or None.

    `chart_dirs` are directories known to hold a `Chart.yaml` (from the
    change set): values files and templates in them are Helm's.
    """
    by_name = kind_by_path(path)
    if by_name is not None:
        return Recognition(by_name, _helm_detail(path) if by_name == "helm" else describe(by_name))
    if _in_chart(path, chart_dirs):
        return Recognition("helm", _helm_detail(path))
    if not may_sniff(path):
        return None
    text = _text(data)
    if text is None:
        return None
    if "templates" in path.split("/")[:-1] and _HELM_TEMPLATE.search(text):
        return Recognition("helm", "Helm chart template")
    if posixpath.basename(path) == "app.json":
        return Recognition("platform", "Heroku app manifest") if _is_heroku_app(text) else None
    if posixpath.basename(path) in ("app.yaml", "app.yml") and _APP_ENGINE_RUNTIME.search(text) \
            and _APP_ENGINE_KEYS.search(text):
        return Recognition("platform", "App Engine app manifest")
    if path.endswith(".json"):
        kinds = _json_kubernetes_kinds(text)
    else:
        if _JSON6902.search(text) and _JSON6902_PATH.search(text):
            return Recognition("kustomize", "Kustomize JSON patch")
        kinds = kubernetes_kinds(text)
    if is_cloudformation(text):
        return Recognition("cloudformation", describe("cloudformation"))
    if kinds:
        shown = ", ".join(dict.fromkeys(kinds))
        return Recognition("kubernetes", f"{describe('kubernetes')} ({shown})")
    if path.endswith(".json"):
        return None
    if is_values_file(path) and _looks_like_values(text):
        return Recognition("helm", "Helm values")
    if _is_playbook(text):
        return Recognition("ansible", "Ansible playbook")
    return None


def chart_dirs(context: Context) -> frozenset[str]:
    memo: dict[str, frozenset[str]] = context.memo.setdefault("infra_detect.charts", {})
    if "dirs" not in memo:
        by_name = context.paths.by_name
        memo["dirs"] = frozenset(
            posixpath.dirname(p) for name in ("Chart.yaml", "Chart.yml") for p in by_name.get(name, ())
        )
    return memo["dirs"]


def recognise(change: Change, context: Context) -> Recognition | None:
    """The change's kind from its new side, else its old side (a deletion, or a file emptied)."""
    memo: dict[Change, Recognition | None] = context.memo.setdefault("infra_detect", {})
    if change not in memo:
        memo[change] = _recognise(change, context)
    return memo[change]


def _recognise(change: Change, context: Context) -> Recognition | None:
    if change.is_submodule:
        return None
    charts = chart_dirs(context)
    found = None
    if change.new_oid is not None:
        found = _kind(change.path, partial(context.new, change), charts)
    if found is None and change.old_oid is not None:
        found = _kind(change.source_path, partial(context.old, change), charts)
    return found


def _kind(path: str, read: Callable[[], bytes | None], charts: frozenset[str]) -> Recognition | None:
    """`kind_of`, reading the contents only when the path does not tell."""
    found = kind_of(path, None, charts)
    if found is None and may_sniff(path):
        found = kind_of(path, read(), charts)
    return found
