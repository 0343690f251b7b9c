"""Cost-bearing values in Kubernetes manifests, Helm values and Kustomize files.

Replica counts, autoscaler bounds, CPU/memory/GPU requests and limits,
storage requests, load balancers and node instance types. Keys are only
judged in files recognised as Kubernetes, Helm values or Kustomize (or
listed in `classify.cost.files`), so a test fixture or a translation file
that happens to have a `memory` key is never read.
"""

from __future__ import annotations

from ownership_gate.classifiers.cost.leaves import Rule, leaves, read_yaml
from ownership_gate.classifiers.cost.model import CostObject, Extracted, Leaf, ReadError
from ownership_gate.formats.kubernetes import BULK_KINDS, blank_bulk_documents
from ownership_gate.formats.yaml import Loader, Node, load

_COUNTS: dict[str, object] = {"replicas": 1, "replicaCount": 1, "minReplicas": 1, "minReplicaCount": 0}
_CEILINGS = frozenset({"maxReplicas", "maxReplicaCount"})
_SERVICE_TYPES = frozenset({"LoadBalancer", "ClusterIP", "NodePort", "ExternalName"})
# A chart's own values naming a container's request or limit in one word (`container.limitCpu: 500m`, as charts
# built on a shared library write them), which its templates put under `resources`.
_ONE_WORD_RESOURCES = {
    **dict.fromkeys(("requestCpu", "requestMemory", "cpuRequest", "memoryRequest"), "amount"),
    **dict.fromkeys(("limitCpu", "limitMemory", "cpuLimit", "memoryLimit"), "limit"),
}
_INSTANCE_LABELS = frozenset({"node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"})
# Top-level keys of an object that hold no desired state worth pricing.
_SKIPPED = frozenset({"metadata", "status", "data", "stringData", "binaryData"})
_NOT_PRICED_KINDS = BULK_KINDS

ExtraKeys = tuple[tuple[str, ...], ...]


def _scalarish(node: Node) -> bool:
    if node.tag:
        return True
    if isinstance(node.value, list):
        return all(not isinstance(v.value, (dict, list)) for v in node.value)
    return not isinstance(node.value, dict)


def extra_rule(keys: tuple[str, ...], extra: ExtraKeys) -> Rule | None:
    """`classify.cost.keys`: a dotted key matches the end of a key path."""
    for wanted in extra:
        if len(keys) >= len(wanted) and keys[-len(wanted):] == wanted:
            return Rule("size")
    return None


def k8s_rule(keys: tuple[str, ...], node: Node, extra: ExtraKeys = ()) -> Rule | None:
    if not _scalarish(node):
        return None
    last = keys[-1]
    if last in _CEILINGS:
        return Rule("ceiling")
    if last in _COUNTS:
        return Rule("count", default=_COUNTS[last])
    if len(keys) >= 3 and keys[-3] == "resources" and keys[-2] in ("requests", "limits"):
        return Rule("amount" if keys[-2] == "requests" else "limit")
    if last in _ONE_WORD_RESOURCES:
        return Rule(_ONE_WORD_RESOURCES[last])
    if keys[-2:] == ("capacity", "storage") or keys[-2:] == ("persistence", "size"):
        return Rule("amount")
    if last == "type" and isinstance(node.value, str) and node.value in _SERVICE_TYPES:
        return Rule("lb")
    if last == "resourcesPreset":
        return Rule("size", default="none")  # Bitnami charts: `none` sets no resources
    if last in _INSTANCE_LABELS:
        return Rule("size")
    return extra_rule(keys, extra)


def object_leaves(document: Node, extra: ExtraKeys, keys: tuple[str, ...] = (), path: str = "") -> dict[str, Leaf]:
    found: dict[str, Leaf] = {}
    body = document.value if isinstance(document.value, dict) else {}
    for key, child in body.items():
        if key in _SKIPPED and not keys:
            continue
        wrapper = Node({key: child}, document.line)
        for leaf in leaves(wrapper, lambda k, n: k8s_rule(k, n, extra), keys, path):
            found[leaf.path] = leaf
    return found


def _identity(document: Node, index: int) -> tuple[str, str, str] | None:
    kind = document.scalar("kind")
    if not isinstance(kind, str) or not isinstance(document.scalar("apiVersion"), str):
        return None
    metadata = document.get("metadata") or Node({}, None)
    name = metadata.scalar("name") or metadata.scalar("generateName") or f"#{index}"
    namespace = metadata.scalar("namespace") or ""
    return kind, str(namespace), str(name)


def manifest_objects(documents: list[Node], extra: ExtraKeys) -> list[CostObject]:
    objects: list[CostObject] = []
    flat: list[Node] = []
    for document in documents:
        items = document.get("items")
        if document.scalar("kind") == "List" and items is not None and isinstance(items.value, list):
            flat.extend(items.value)
        else:
            flat.append(document)
    for index, document in enumerate(flat):
        identity = _identity(document, index)
        if identity is None or identity[0] in _NOT_PRICED_KINDS:
            continue
        kind, namespace, name = identity
        objects.append(CostObject(
            key=("k8s", kind, namespace, name), label=f"{kind}/{name}",
            leaves=object_leaves(document, extra), line=document.line,
        ))
    return objects


def _blank_unpriced(text: str) -> str:
    """Blank out documents of kinds never priced (CRDs are often hundreds of kilobytes)."""
    return blank_bulk_documents(text)


def read_manifests(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    return Extracted(tuple(manifest_objects(read_yaml(_blank_unpriced(text), load), extra)))


def read_values(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    """Helm values (and files listed in `classify.cost.files`): one flat object."""
    documents = read_yaml(text, load)
    found: dict[str, Leaf] = {}
    for document in documents[:1]:
        for leaf in leaves(document, lambda k, n: k8s_rule(k, n, extra)):
            found[leaf.path] = leaf
    return Extracted((CostObject(key=("values",), label="", leaves=found, movable=False),))


def _pointer_keys(pointer: str) -> tuple[str, ...]:
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/") if p)


def json_patch_leaves(operations: Node, prefix: str, extra: ExtraKeys) -> dict[str, Leaf]:
    """RFC 6902 operations (`op: replace, path: /spec/replicas, value: 3`)."""
    found: dict[str, Leaf] = {}
    for operation in operations.value if isinstance(operations.value, list) else []:
        pointer, value = operation.scalar("path"), operation.get("value")
        if operation.scalar("op") not in ("add", "replace") or not isinstance(pointer, str) or value is None:
            continue
        keys = _pointer_keys(pointer)
        if not keys:
            continue
        wrapper = Node({keys[-1]: value}, operation.line)
        base = prefix + ".".join(keys[:-1])
        for leaf in leaves(wrapper, lambda k, n: k8s_rule(k, n, extra), keys[:-1], base):
            found[leaf.path] = leaf
    return found


def read_json_patch(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    documents = read_yaml(text, load)
    found = json_patch_leaves(documents[0], "", extra) if documents else {}
    return Extracted((CostObject(key=("json-patch",), label="", leaves=found, movable=False),))


def _inline_patch(item: Node, extra: ExtraKeys, load: Loader) -> dict[str, Leaf]:
    patch = item.scalar("patch")
    if not isinstance(patch, str):
        return {}
    try:
        documents = read_yaml(patch, load)
    except ReadError as exc:
        raise ReadError(f"inline patch: {exc}", item.line) from None
    target = item.get("target")
    found: dict[str, Leaf] = {}
    for document in documents:
        if isinstance(document.value, list):
            kind = target.scalar("kind") if target else None
            name = target.scalar("name") if target else None
            label = f"{kind}/{name}" if kind and name else "*"
            found.update(json_patch_leaves(document, f"patches[{label}].", extra))
            continue
        identity = _identity(document, 0)
        label = f"{identity[0]}/{identity[2]}" if identity else "*"
        found.update(object_leaves(document, extra, ("patches",), f"patches[{label}]"))
    return found


def read_kustomization(text: str, extra: ExtraKeys, load: Loader = load) -> Extracted:
    documents = read_yaml(text, load)
    root = documents[0] if documents else Node({}, None)
    found: dict[str, Leaf] = {}
    replicas = root.get("replicas")
    if replicas is not None:
        for leaf in leaves(Node({"replicas": replicas}, root.line),
                           lambda k, n: Rule("count") if k[-2:] == ("replicas", "count") else None):
            found[leaf.path] = leaf
    for section in ("patches", "patchesJson6902", "patchesStrategicMerge"):
        items = root.get(section)
        for item in items.value if items is not None and isinstance(items.value, list) else []:
            if isinstance(item.value, str) and section == "patchesStrategicMerge" and "\n" in item.value:
                item = Node({"patch": item}, item.line)
            found.update(_inline_patch(item, extra, load))
    return Extracted((CostObject(key=("kustomization",), label="", leaves=found, movable=False),))
