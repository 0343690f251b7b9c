"""Variable files (`*.tfvars`, `*.tfvars.json`) judged by what reads their values.

An environment's variable file holds no resources, yet a value in it can
decide how many a configuration manages: `namespaces = [...]` walked by a
`for_each`, `enable_portal = true` read by a `count`. A value the change
set edits is a `count` finding when the configuration the file belongs to
(the nearest folder at or above it with `.tf` files, where Terraform's
`-var-file=config/production.tfvars` convention keeps it) reads it there:

- in a `count`, any change; or, for a `count` that reads only some keys of
  the value (`var.account.always_on`, also through local values and a
  module input), a change of one of those keys at any depth;
- in a `for_each`, a change of what it walks: the keys of a map, the
  members of a list, not the values they hold, so a node pool's new
  Kubernetes version or size is no new instance (the `cost` classifier
  reads sizes); a `for_each` over anything but the variable itself
  (`toset(var.x)` and `keys(var.x)` are the variable itself), a local value
  that flattens it, may walk what it nests, so keys and members at any
  depth count there;
- through local values, and through one module the configuration calls by
  a local path (`dttp_portal = var.paas_dttp_portal`, walked in
  `./modules/paas`).

A value named for a database engine's or a Kubernetes control plane's
version (engine.py) that names another major is an `engine` finding, at the
top of the file (`postgres_version = 16`, the configuration's default where
the file did not set it) or at any depth of a changed value (a map of
clusters, each with its `kubernetes_cluster_version`; a list of databases,
each with its `postgres_version`), where the same entry holds a literal
before and after.

A variable file added or deleted is no finding: it is applied only when
someone names it, and deleting one destroys nothing. The two Terraform
loads by itself (`terraform.tfvars`, `*.auto.tfvars`) are the exception:
added, each value is compared with the default it replaces; deleted, the
values fall back to the defaults.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, is_binary
from ownership_gate.classifiers.cloud import engine
from ownership_gate.classifiers.cloud.findings import finding, is_terraform, is_variable_file, watched, watches
from ownership_gate.classifiers.cloud.sensitive import names_setting, narrowed
from ownership_gate.formats import hcl, layout
from ownership_gate.model import Change, Finding

_REPEATS = ("count", "for_each")

# The variable itself, as a `for_each` walks it: its top level only.
_ITSELF = patterns.compile(r"^\s*(?:(?:toset|keys|tomap|nonsensitive)\s*\(\s*)?var\.[\w-]+\s*\)?\s*$")


class Reader(NamedTuple):
    """A `count` or `for_each` that reads a variable."""

    how: str  # "count" or "for_each"
    address: str
    nested: bool  # a `for_each` over something built from the variable, which may walk what it nests
    keys: frozenset[str] | None = None  # the keys a `count` reads of it (`var.account.always_on`); None: all of it


# The readers of each variable the `count`s and `for_each`es of a folder read.
Readers = Mapping[str, list[Reader]]


# The variable files Terraform loads without being named: `terraform.tfvars` and `*.auto.tfvars` (and their
# `.json` forms) in the configuration's folder.
_AUTO_LOADED = patterns.compile(r"(?:^|/)(?:terraform|[^/]+\.auto)\.tfvars(?:\.json)?$")


def findings(change: Change, context: Context) -> list[Finding]:
    auto_loaded = _AUTO_LOADED.search(change.path) is not None
    if change.status not in ("modified", "renamed") and not auto_loaded:
        return []  # a file added or deleted is applied only when someone names it, and deleting one destroys nothing
    old_data = context.old(change) if change.status not in ("added", "copied") else None
    new_data = context.new(change) if change.status != "deleted" else None
    if (old_data is None and new_data is None) or any(d is not None and is_binary(d) for d in (old_data, new_data)):
        return []
    json_syntax = change.path.endswith(".json")
    new_written = _values(new_data, json_syntax) if new_data is not None else {}
    if new_written is None:
        return [finding("unparsed", change.path, "the variable file does not parse, so what it changes in the "
                        "configuration that reads it cannot be judged")]
    old_written = (_values(old_data, json_syntax) or {}) if old_data is not None else {}
    directory = _configuration(posixpath.dirname(change.path), context)
    if directory is None:
        return []
    if old_data is None or new_data is None:
        # Loaded without being named, a file added (or deleted) moves its variables from the configuration's
        # defaults to its values (or back). One without a default took its value from elsewhere (`-var`, the
        # environment), which the change does not show: not compared.
        configured = configuration_values(directory, context)
        written = {name: value for name, value in (new_written if old_data is None else old_written).items()
                   if name in configured}
        defaulted = {name: configured[name] for name in written}
        old_written, new_written = (defaulted, written) if old_data is None else (written, defaulted)
    # The defaults are Terraform's own syntax whatever the file's; each side is made comparable as written.
    old = _converted(old_written, json_syntax and old_data is not None)
    new = _converted(new_written, json_syntax and new_data is not None)
    changed = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    if not changed:
        return []
    readers = readers_of(directory, context, follow_modules=True)
    found = _engines(changed, old_written, new_written, directory, context)
    for name in changed:
        recounted = counted(name, old.get(name), new.get(name), readers, directory)
        if recounted is not None:
            found.append(recounted)
        opened = _settings_changed(name, old.get(name), new.get(name))
        if opened:
            shown = ", ".join(opened[:4]) + (f" and {len(opened) - 4} more" if len(opened) > 4 else "")
            found.append(finding("security", f"var.{name}", (
                f"{shown} changed in {change.path}: settings that decide who or what can reach a resource")))
    return found


def _engines(
    changed: list[str], old: Mapping[str, Any], new: Mapping[str, Any], directory: str, context: Context
) -> list[Finding]:
    """`engine` findings for the changed variables, read as written (`"1.30"` stays `1.30`, not the number
    1.3): a value named for an engine version, and the versions a value holds at any depth. A variable the
    file did not set on one side is the configuration's default there."""
    found: list[Finding] = []
    unset = any(name not in old or name not in new for name in changed)
    configured = configuration_values(directory, context) if unset else {}
    for name in changed:
        before, after = old.get(name, configured.get(name)), new.get(name, configured.get(name))
        if engine.NAME.search(name):
            upgraded = engine.compared(f"var.{name}", name, before, after)
            if upgraded is not None:
                found.append(upgraded)
        found.extend(nested_engines(name, before, after))
    return found


def nested_engines(name: str, before: Any, after: Any) -> list[Finding]:
    """`engine` findings for the versions var.NAME holds below its top level: under a key named for an
    engine version (`clusters["01"].kubernetes_cluster_version`), or in a map right under such a name
    (`postgres_version = { production = 14 }`, one version per environment), where the same entry holds
    a literal on both sides. Maps are walked by key, lists of maps entry by entry as `_settings_changed`
    pairs them; an entry on one side only (a new cluster) is more of something, not an upgrade. A sibling
    `engine = "mysql"` says which engine a version is of."""
    found: list[Finding] = []

    def walk(old: Any, new: Any, path: str, version: str | None) -> None:
        if old == new:
            return
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            kind = new.get("engine") if engine.literal(new.get("engine")) else ""
            for key in sorted(old.keys() & new.keys(), key=str):
                own = str(key) if engine.NAME.search(str(key)) else None
                named, at = own or version, f"{path}{_step(key)}"
                if named is not None and engine.literal(old[key]) and engine.literal(new[key]):
                    upgraded = engine.compared(at, named, old[key], new[key], engine=str(kind))
                    if upgraded is not None:
                        found.append(upgraded)
                else:
                    walk(old[key], new[key], at, own)  # a version's name holds for the map right under it
        elif isinstance(old, list) and isinstance(new, list) and _entries(old) and _entries(new):
            for label, old_entry, new_entry in _labelled(old, new):
                walk(old_entry, new_entry, f"{path}[{label}]", None)

    walk(before, after, f"var.{name}", name if engine.NAME.search(name) else None)
    return found


# A map key written after a dot in a reference (`var.clusters.production`); others in brackets (`["01"]`).
_IDENTIFIER = patterns.compile(r"[A-Za-z_][\w-]*")


def _step(key: object) -> str:
    return f".{key}" if _IDENTIFIER.fullmatch(str(key)) else f"[{json.dumps(str(key))}]"


def _settings_changed(name: str, before: Any, after: Any) -> list[str]:
    """The settings (`var.frontends[].global_exclusions`) under a name that opens or closes access whose
    values differ, at any depth. Above such a name, entries of a list are matched by their `name` (or `id`,
    `key`), so an entry added or removed (more or fewer of something) is no setting changed; under it, any
    difference is one, except a list named for whom it lets in that only lost entries, which lets fewer in."""
    found: dict[str, None] = {}

    def walk(old: Any, new: Any, path: str, named: bool) -> None:
        if old == new:
            return
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            for key in sorted(old.keys() | new.keys(), key=str):
                walk(old.get(key), new.get(key), f"{path}.{key}", named or names_setting(str(key)))
        elif not named and isinstance(old, list) and isinstance(new, list) and _entries(old) and _entries(new):
            for old_entry, new_entry in _matched(old, new):
                walk(old_entry, new_entry, f"{path}[]", named)
        elif named and not narrowed(path.rsplit(".", 1)[-1], _tupled(old), _tupled(new)):
            found[path] = None

    walk(before, after, f"var.{name}", names_setting(name))
    return list(found)


_IDENTITY = ("name", "id", "key")


def _entries(value: list[Any]) -> bool:
    return bool(value) and all(isinstance(item, Mapping) for item in value)


def _matched(old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]) -> list[tuple[Any, Any]]:
    """Pairs of a list's entries before and after that are one entry: the same at the same place, or
    the same `name` (`id`, `key`); entries only on one side are left out."""
    return [(before, after) for _, before, after in _labelled(old, new)]


def _labelled(old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]) -> list[tuple[str, Any, Any]]:
    """The pairs `_matched` makes, each with what tells its entry apart: its place (`0`) or its
    identity (`name="ledger"`)."""
    if len(old) == len(new) and not any(key in entry for entry in old for key in _IDENTITY):
        return [(str(place), *pair) for place, pair in enumerate(zip(old, new, strict=True))]
    for key in _IDENTITY:
        before = {str(entry[key]): entry for entry in old if key in entry}
        after = {str(entry[key]): entry for entry in new if key in entry}
        if len(before) == len(old) and len(after) == len(new):
            return [(f"{key}={json.dumps(k)}", before[k], after[k]) for k in sorted(before.keys() & after.keys())]
    return []


def _tupled(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def counted(name: str, before: Any, after: Any, readers: Readers, directory: str,
            where: str = "changed") -> Finding | None:
    """A `count` finding when a `count` reads var.NAME, or a `for_each` walks something else of it; one that
    reads only some of its keys (`var.hub.standards_arns`) only where those changed."""
    changed_keys: frozenset[str] | None = None
    hits = []
    for reader in readers.get(name, ()):
        if reader.keys is not None:
            if changed_keys is None:
                changed_keys = _changed_keys(before, after)
            if not reader.keys & changed_keys:
                continue  # it reads only keys whose values are the same throughout the variable
        if reader.how == "count" or _walked(before, reader.nested) != _walked(after, reader.nested):
            hits.append(reader)
    # One finding a variable, about what matters most: a resource that holds or opens something before
    # an alarm that only watches one (`monitoring`).
    hits.sort(key=lambda reader: watches(_type_of(reader.address)))
    if not hits:
        return None
    how, address = hits[0].how, hits[0].address
    return finding(watched("count", _type_of(address)), address, (
        f"var.{name} {where}, and the {how} of {address} in {directory or 'the top folder'} reads it:"
        " how many of it Terraform manages may change"
    ))


def _changed_keys(before: Any, after: Any) -> frozenset[str]:
    """The names of every map key on a path where two values differ (`accounts.production.psql_engine_version`
    gives `production` and `psql_engine_version`)."""
    found: set[str] = set()

    def walk(old: Any, new: Any) -> None:
        if old == new:
            return
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            for key in old.keys() | new.keys():
                if old.get(key) != new.get(key):
                    found.add(str(key))
                    walk(old.get(key), new.get(key))
        elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            for old_item, new_item in zip(old, new, strict=True):
                walk(old_item, new_item)
        else:  # a value replaced, or a list that grew or shrank: every key it holds may be read
            for side in (old, new):
                found.update(_all_keys(side))

    walk(before, after)
    return frozenset(found)


def _all_keys(value: Any) -> set[str]:
    if isinstance(value, Mapping):
        return {str(k) for k in value} | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


def _type_of(address: str) -> str:
    """The resource type of an address, a module's resources included (`module.paas.aws_route.web` -> `aws_route`)."""
    parts = address.split(".")
    while parts[:1] == ["module"] and len(parts) > 2:
        parts = parts[2:]
    return parts[0]


def _values(data: bytes, json_syntax: bool) -> dict[str, Any] | None:
    """The file's variables as written; None if it does not parse."""
    if json_syntax:
        try:
            loaded = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return loaded if isinstance(loaded, dict) else None
    document = hcl.parse(data)
    if document.errors:
        return None
    return {name: attribute.value for name, attribute in document.attributes.items()}


def _converted(values: dict[str, Any], json_syntax: bool) -> dict[str, Any]:
    """The file's variables, comparable (an expression by its text without layout, `"3"` as 3)."""
    return values if json_syntax else {name: plain(value) for name, value in values.items()}


def plain(value: Any) -> Any:
    """A value as a variable file's are compared: an expression by its text without layout, and a string
    Terraform converts to a bool or a number (`"true"`, `"3"`) as that bool or number."""
    if isinstance(value, hcl.Expression):
        return ("expr", layout.without_layout(value.text))
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return _CONVERTED.get(value, value) if isinstance(value, str) else value


_CONVERTED: dict[str, Any] = {"true": True, "false": False}
_NUMBER = patterns.compile(r"-?\d+(?:\.\d+)?")


def _walked(value: Any, nested: bool) -> Any:
    """What a `for_each` over the value walks: a map's keys or a list's members; with `nested`, also the
    members of the lists it holds at any depth (a flattened map of repositories to their environments
    walks each environment). The values of a map's keys are settings of what is walked, not more of it."""
    if isinstance(value, Mapping):
        top: Any = frozenset(value)
    elif isinstance(value, list) and all(not isinstance(item, (Mapping, list)) for item in value):
        top = frozenset(json.dumps(item, sort_keys=True) for item in value)
    elif isinstance(value, list):
        top = len(value)
    else:
        return None
    if not nested:
        return top
    members: set[str] = set()

    def collect(item: Any, path: tuple[Any, ...]) -> None:
        if isinstance(item, Mapping):
            for key, inner in item.items():
                collect(inner, (*path, key))
        elif isinstance(item, list):
            if all(not isinstance(x, (Mapping, list)) for x in item):
                members.update(json.dumps([path, x], sort_keys=True) for x in item)
            else:
                for position, inner in enumerate(item):
                    collect(inner, (*path, position))

    collect(value, ())
    return top, frozenset(members)


def _configuration(folder: str, context: Context) -> str | None:
    """The nearest folder at or above `folder` that held `.tf` files before the change set."""
    chain = [folder]
    while chain[-1]:
        chain.append(posixpath.dirname(chain[-1]))
    listed = context.old_files_in(chain)
    if listed is None:
        return None
    return next((f for f in chain if any(is_terraform(name) for name in listed.get(f, ()))), None)


def readers_of(directory: str, context: Context, follow_modules: bool) -> Readers:
    """Which variables the `count`s and `for_each`es of the configuration in `directory` read, directly or
    through its local values (and, with `follow_modules`, through the inputs of a module it calls by a
    local path, one level down)."""
    key = f"cloud.tfvars.readers:{directory}:{follow_modules}"
    if key in context.memo:
        known: Readers = context.memo[key]
        return known
    blocks = list(configuration_blocks(directory, context))
    local_text = {a.name: _text(a.value) for b in blocks if b.type == "locals" for a in b.body.attributes.values()}
    readers: dict[str, list[Reader]] = {}
    for block in blocks:
        if block.type not in ("resource", "module") or not block.labels:
            continue  # a data source's count decides how much is read, not what exists
        address = ".".join(block.labels) if block.type == "resource" else f"module.{'.'.join(block.labels)}"
        attributes = block.body.attributes
        for how in _REPEATS:
            if how in attributes:
                text = _text(attributes[how].value)
                for name, keys in _reads(text, local_text, None).items():
                    readers.setdefault(name, []).append(Reader(how, address, not _ITSELF.match(text), keys))
        called = hcl.local_source(block, directory) if follow_modules else None
        if called is not None:
            inner = readers_of("" if called == "." else called, context, follow_modules=False)
            for argument, given in attributes.items():
                text = _text(given.value)
                for inner_reader in inner.get(argument, ()):
                    nested = inner_reader.nested or not _ITSELF.match(text)
                    for name, keys in _reads(text, local_text, inner_reader.keys).items():
                        readers.setdefault(name, []).append(
                            Reader(inner_reader.how, f"{address}.{inner_reader.address}", nested, keys))
    context.memo[key] = readers
    return readers


def given_by_the_change_set(directory: str, context: Context) -> frozenset[str]:
    """The variables that a variable file the change set adds or changes gives values to in the configuration
    in `directory`: a new input such a file sets is not at its default."""
    key = f"cloud.tfvars.given:{directory}"
    if key not in context.memo:
        if "cloud.tfvars.files" not in context.memo:  # once for the change set, not once a configuration
            context.memo["cloud.tfvars.files"] = sorted(p for p in context.changed_paths if is_variable_file(p))
        files: list[str] = context.memo["cloud.tfvars.files"]
        names: set[str] = set()
        for path in files:
            data = context.new_file(path)
            if data is None or is_binary(data) or _configuration(posixpath.dirname(path), context) != directory:
                continue
            names.update(_values(data, path.endswith(".json")) or ())
        context.memo[key] = frozenset(names)
    given: frozenset[str] = context.memo[key]
    return given


def configuration_defaults(directory: str, context: Context) -> dict[str, object]:
    """The literal defaults of the variables of the configuration in `directory` (engine.py)."""
    return {name: value for name, value in configuration_values(directory, context).items() if engine.literal(value)}


def configuration_values(directory: str, context: Context) -> dict[str, Any]:
    """The defaults of the variables of the configuration in `directory` as written, maps and lists included."""
    return {block.labels[0]: block.body.attributes["default"].value
            for block in configuration_blocks(directory, context)
            if block.type == "variable" and block.labels and "default" in block.body.attributes}


def configuration_blocks(directory: str, context: Context) -> Iterable[hcl.Block]:
    """The readable blocks of the `.tf` files in `directory` after the change set."""
    names = set(context.old_names(directory) or ())
    names.update(posixpath.basename(p) for p in context.changed_paths if posixpath.dirname(p) == directory)
    for name in sorted(n for n in names if is_terraform(n)):
        data = context.new_file(posixpath.join(directory, name) if directory else name)
        if data is None or is_binary(data):
            continue
        yield from (block for block in hcl.parse(data).blocks if not block.errors)


def _text(value: Any) -> str:
    return value.text if isinstance(value, hcl.Expression) else json.dumps(value, default=str)


# A variable or local value and what an expression reads of it: `var.account.always_on`,
# `var.accounts[local.name].dr_enabled`.
_REFERENCE = patterns.compile(r"\b(var|local)\.([A-Za-z_][\w-]*)((?:\[[^\[\]]*\]|\.[A-Za-z_][\w-]*)*)")
_INDEX = patterns.compile(r"\[[^\[\]]*\]")
_ATTRIBUTE = patterns.compile(r"\.([A-Za-z_][\w-]*)")


def _reads(
    text: str, local_text: Mapping[str, str], outer: frozenset[str] | None, seen: frozenset[str] = frozenset()
) -> dict[str, frozenset[str] | None]:
    """The variables an expression reads, directly or through local values, each with the keys it reads of
    them (None: the whole value). `outer` is what the expression's reader reads of its value: the keys a
    called module's `count` reads of the input it is given."""
    found: dict[str, frozenset[str] | None] = {}

    def merge(name: str, keys: frozenset[str] | None) -> None:
        if name in found:
            known = found[name]
            found[name] = None if known is None or keys is None else known | keys
        else:
            found[name] = keys

    for kind, name, path in _REFERENCE.findall(text):
        attributes = frozenset(_ATTRIBUTE.findall(_INDEX.sub("", path)))
        keys = (attributes | outer if outer else attributes) if attributes else outer
        if kind == "var":
            merge(name, keys)
        elif name in local_text and name not in seen:
            for variable, read in _reads(local_text[name], local_text, keys, seen | {name}).items():
                merge(variable, read)
    return found
