"""The External Secrets Operator: which secrets production pulls, from which store, and how it gets in.

The operator's objects (`apiVersion: external-secrets.io/...`) in every changed
YAML file of the change set are read on both sides and compared by kind,
namespace and name, so one moved from a file to another is no change. A
`setting` finding, on the file that holds the new object, for:

- an ExternalSecret or ClusterExternalSecret that is new, reads from
  another store (`spec.secretStoreRef`), or pulls a remote key it did not
  (`data[].remoteRef.key` and `property`, `dataFrom[].extract`,
  `dataFrom[].find`, an entry's own `sourceRef`): cert-manager's DNS
  credentials now read from another ClusterSecretStore; a ClusterExternalSecret
  whose namespace selection changed hands its secrets to other namespaces;
- a SecretStore or ClusterSecretStore that is new, or whose `spec.provider`
  (server, path, and how the cluster authenticates to it: a Vault
  Kubernetes auth's `mountPath`, `role`, service account and credentials
  references) or `spec.conditions` (which namespaces may use it) changed.

Pulling fewer secrets (an object deleted, a key taken away) or laying them
out otherwise (`refreshInterval`, `target.template`, labels) is none. Files
named for tests, docs or examples, or for an environment other than
production (`values-staging.yaml`, `dev/`), are not read; nor is a Helm
template (`{{ .Values.store }}` in a chart's `templates/`, or a file that is
YAML only once rendered), whose values the file does not hold; the operator's
own template of the Secret it writes (`{{ .password }}`) is no reason not to
read a file. A file with such an object that no longer parses fails closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.files import NOT_DEPLOYMENT, NOT_PRODUCTION, is_yaml
from ownership_gate.classifiers.security.findings import TYPE, finding
from ownership_gate.classifiers.security.secret_names import hidden
from ownership_gate.formats.kubernetes import named_objects
from ownership_gate.formats.yaml import Node, YamlError, plain
from ownership_gate.model import Change, Finding

_API = "external-secrets.io/"
# Bytes every one of the operator's manifests holds (its apiVersion): files without them are not parsed here.
_MARKER = _API.rstrip("/").encode()
# A Helm chart's templates: what they pull is in values the file does not hold. Elsewhere `{{ .password }}` is
# mostly the operator's own template of the Secret it writes (`target.template`), and the file is read.
_CHART_TEMPLATE = re.compile(r"(?:^|/)templates/")
_PULLERS = ("ExternalSecret", "ClusterExternalSecret")
_STORES = ("SecretStore", "ClusterSecretStore")
# A ClusterExternalSecret's keys that choose the namespaces it writes its secret into.
_NAMESPACE_KEYS = ("namespaceSelector", "namespaceSelectors", "namespaces")
# What a change under each of the settings compared means.
_SETTINGS_CHANGED = {
    "now authenticates to its secret store otherwise": ("provider",),
    "now lets other namespaces use it": ("conditions",),
    "now hands its secrets to other namespaces": _NAMESPACE_KEYS,
}
_SHOWN = 4  # pulls or settings a detail lists before "..."
_LONGEST_VALUE = 80  # characters of a setting's value a detail shows (a CA bundle is kilobytes)

Key = tuple[str, str, str]  # (kind, namespace, name)
Settings = Mapping[str, str]  # a flattened mapping: dotted path -> value as shown (`vault.auth.kubernetes.role`)


class Placed(NamedTuple):
    """One of the operator's objects on one side of the change set, and where it is."""

    store: str | None  # an ExternalSecret's store, as shown (`vault-backend (ClusterSecretStore)`)
    pulls: frozenset[str]  # what an ExternalSecret pulls, as shown (`key secret/data/route53 property token`)
    settings: Settings  # a store's provider and conditions, or a ClusterExternalSecret's namespace selection
    path: str  # the file's path after the change set (where it went, for a file moved)
    line: int | None


class Objects(NamedTuple):
    old: dict[Key, list[Placed]]
    new: dict[Key, list[Placed]]
    unreadable: dict[str, str]  # path -> why


def findings(change: Change, context: Context) -> list[Finding]:
    objects = _objects(context)
    if change.path in objects.unreadable:
        return [finding("setting", change.path, (
            f"a manifest of the External Secrets Operator does not parse ({objects.unreadable[change.path]}), so"
            " which secrets production pulls, and how it authenticates to their store, cannot be judged"))]
    found: list[Finding] = []
    for key, placed in objects.new.items():
        for now in placed:
            if now.path == change.path:
                found.extend(_changed(key, now, objects))
    return found


def _changed(key: Key, now: Placed, objects: Objects) -> list[Finding]:
    """The finding for one object after the change set, against the object it was (none when it is new)."""
    kind, namespace, name = key
    where = f"{kind} {namespace + '/' if namespace else ''}{name}"
    befores = _befores(key, now, objects)
    if not befores:
        return [finding("setting", where, f"new {where}: {_new(kind, now)}", now.line)]
    # An object whose twin left several files is compared with the one it differs from least.
    parts = min((_differences(kind, before, now) for before in befores), key=len)
    if not parts:
        return []
    old, new = parts[0][1:] if len(parts) == 1 else (None, None)
    return [finding("setting", where, f"{where} " + "; ".join(part for part, _, _ in parts), now.line, old, new)]


def _befores(key: Key, now: Placed, objects: Objects) -> list[Placed]:
    """What the object was before the change set: the one of the same file, or else the ones that left
    another file (moved); none when it is new."""
    old = objects.old.get(key, [])
    same = [before for before in old if before.path == now.path]
    if same:
        return same
    stay = {after.path for after in objects.new.get(key, [])}
    return [before for before in old if before.path not in stay]


def _new(kind: str, now: Placed) -> str:
    if kind in _PULLERS:
        return f"production now pulls secrets {_from(now.store)}: {_list(now.pulls) or 'nothing named'}"
    return f"the cluster now authenticates to a secret store: {_list(_shown(now.settings))}"


def _differences(kind: str, before: Placed, now: Placed) -> list[tuple[str, str | None, str | None]]:
    """What an object changed that counts, each with its old and new value where it has one."""
    parts: list[tuple[str, str | None, str | None]] = []
    if kind in _PULLERS:
        if before.store != now.store:
            parts.append((f"reads from another store: {before.store or 'none'} -> {now.store or 'none'}",
                          before.store, now.store))
        if now.pulls - before.pulls:
            parts.append((f"now also pulls {_from(now.store)}: {_list(now.pulls - before.pulls)}", None, None))
    changed = _settings_changed(before.settings, now.settings)
    for what, paths in _SETTINGS_CHANGED.items():
        mine = [path for path in changed if path.split(".", 1)[0].split("[", 1)[0] in paths]
        if mine:
            old, new = (_display(mine[0], settings.get(mine[0]), None) for settings in (before.settings, now.settings))
            parts.append((f"{what}: " + ", ".join(
                f"{path}: {_display(path, before.settings.get(path))} -> {_display(path, now.settings.get(path))}"
                for path in mine[:_SHOWN]) + (" ..." if len(mine) > _SHOWN else ""),
                          *((old, new) if len(mine) == 1 else (None, None))))
    return parts


def _settings_changed(before: Settings, now: Settings) -> list[str]:
    return sorted(path for path in before.keys() | now.keys() if before.get(path) != now.get(path))


def _from(store: str | None) -> str:
    return f"from store {store}" if store else "from the stores its entries name"


def _list(items: Iterable[str]) -> str:
    shown = sorted(items)
    return ", ".join(shown[:_SHOWN]) + (" ..." if len(shown) > _SHOWN else "")


def _shown(settings: Settings) -> list[str]:
    return [f"{path}={_display(path, value)}" for path, value in settings.items()]


def _display(path: str, value: str | None, absent: str | None = "(none)") -> str | None:
    """A setting's value as findings may show it: hidden under a name that says it holds a secret (a finding
    is posted in pull requests and kept in CI logs), a long one (a CA bundle) cut short."""
    if value is None:
        return absent
    shown = hidden(path.rpartition(".")[2], value) or ""
    return shown if len(shown) <= _LONGEST_VALUE else shown[:_LONGEST_VALUE] + "..."


# -- reading ---------------------------------------------------------------


def _objects(context: Context) -> Objects:
    key = f"{TYPE}.external_secrets"
    if key not in context.memo:
        objects = Objects({}, {}, {})
        for change in context.claimed(TYPE):
            # A copy's old side is its source's, read with the source's own change: what the copy holds is new.
            if change.status != "copied" and _production(change.source_path):
                _read(context.old(change), change.path, context, objects.old, None)
            if _production(change.path):
                _read(context.new(change), change.path, context, objects.new, objects.unreadable)
        context.memo[key] = objects
    found: Objects = context.memo[key]
    return found


def _production(path: str) -> bool:
    """A YAML file production is deployed from: not a test's, a doc's or an example's, nor named for another
    environment (`values-staging.yaml`, `dev/`)."""
    return is_yaml(path) and not NOT_DEPLOYMENT.search(path) and not NOT_PRODUCTION.search(path)


def _read(data: bytes | None, path: str, context: Context, into: dict[Key, list[Placed]],
          unreadable: dict[str, str] | None) -> None:
    if data is None or _MARKER not in data or (b"{{" in data and _CHART_TEMPLATE.search(path)):
        return  # none of the operator's objects, or a Helm chart's template (`{{ .Values.store }}`), not read
    text = text_of(data)
    if text is None:
        return
    try:
        roots = context.load_yaml(text).roots
    except YamlError as exc:
        if unreadable is not None and b"{{" not in data:  # with `{{`, a template that is YAML once rendered
            unreadable[path] = str(exc)
        return
    for kind, namespace, name, root in named_objects(roots):
        if (kind in _PULLERS or kind in _STORES) and (root.text("apiVersion") or "").startswith(_API):
            into.setdefault((kind, namespace, name), []).append(_placed(kind, root, path))


def _placed(kind: str, root: Node, path: str) -> Placed:
    spec = root.get("spec") or Node({}, root.line)
    if kind in _STORES:
        return Placed(None, frozenset(), _flat({key: spec.get(key) for key in ("provider", "conditions")}),
                      path, root.line)
    namespaces: Settings = {}
    if kind == "ClusterExternalSecret":
        namespaces = _flat({key: spec.get(key) for key in _NAMESPACE_KEYS})
        spec = spec.get("externalSecretSpec") or Node({}, spec.line)
    return Placed(_store(spec.get("secretStoreRef")), _pulls(spec), namespaces, path, root.line)


def _store(reference: Node | None) -> str | None:
    """A store reference as shown: `vault-backend (ClusterSecretStore)`; a kind left out is a SecretStore."""
    if reference is None or not isinstance(reference.value, dict):
        return None
    return f"{_scalar(reference, 'name') or '?'} ({_scalar(reference, 'kind') or 'SecretStore'})"


def _pulls(spec: Node) -> frozenset[str]:
    """What an ExternalSecret pulls, one string each: the remote key and property of each `data` entry and
    each `dataFrom` extract, the search of each `dataFrom` find, with the store or generator an entry names
    of its own (`sourceRef`). The name each gets in the Kubernetes Secret, and how it is decoded, are not."""
    pulls: set[str] = set()
    for item in spec.sequence("data"):
        pulls.add(_remote(item.get("remoteRef")) + _source(item.get("sourceRef")))
    for item in spec.sequence("dataFrom"):
        source = _source(item.get("sourceRef"))
        find = item.get("find")
        if find is not None:
            pulls.add("keys found by " + _words(_flat({"": find})) + source)
        elif item.get("extract") is not None or item.get("key") is not None:  # `key` alone: v1alpha1's dataFrom
            pulls.add(_remote(item.get("extract") or item) + source)
        elif source:
            pulls.add(source.strip())
    return frozenset(pulls)


def _remote(reference: Node | None) -> str:
    if reference is None:
        return "key ?"
    property_ = _scalar(reference, "property")
    return f"key {_scalar(reference, 'key') or '?'}" + (f" property {property_}" if property_ else "")


def _source(reference: Node | None) -> str:
    """An entry's own store or generator (`sourceRef`), as shown after what it pulls; "" when it names none."""
    if reference is None:
        return ""
    store = _store(reference.get("storeRef"))
    if store is not None:
        return f" from store {store}"
    generator = reference.get("generatorRef")
    if generator is not None:
        return f" from generator {_scalar(generator, 'name') or '?'} ({_scalar(generator, 'kind') or '?'})"
    return " from " + _words(_flat({"": reference}))


def _words(settings: Settings) -> str:
    """A search or a reference as one string, the same whatever the order of its keys (`name.regexp=^route53
    path=secret/data/aws`)."""
    return " ".join(sorted(f"{path}={value}" for path, value in settings.items()))


def _scalar(node: Node, key: str) -> str | None:
    value = node.scalar(key)
    return None if value is None else _text(value)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _flat(nodes: Mapping[str, Node | None]) -> dict[str, str]:
    """Nested mappings and lists as one mapping from each value's dotted path (`vault.auth.kubernetes.role`,
    `conditions[0].namespaces[1]`) to its value (`{}` and `[]` for an empty mapping or list)."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict) and value:
            for key, child in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), child)
        elif isinstance(value, list) and value:
            for index, child in enumerate(value):
                walk(f"{prefix}[{index}]", child)
        else:
            flat[prefix] = "{}" if isinstance(value, dict) else "[]" if isinstance(value, list) else _text(value)

    for key, node in nodes.items():
        if node is not None:
            walk(key, plain(node))
    return flat
