"""Terraform modules compared block by block, old against new, one directory at a time."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from types import MappingProxyType
from typing import Any, NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, is_binary
from ownership_gate.classifiers.cloud import defaults, engine, force_new
from ownership_gate.classifiers.cloud.findings import (
    TYPE,
    finding,
    is_terraform,
    points_a_name,
    watched,
    watches,
)
from ownership_gate.classifiers.cloud.sensitive import SECRET_NAME, SETTING, names_setting, narrowed
from ownership_gate.classifiers.cloud.sensitive import TYPE as SENSITIVE_TYPE
from ownership_gate.classifiers.dependency.versions.ranges import comparator_lowest
from ownership_gate.formats import hcl, layout
from ownership_gate.model import Change, Finding

_SPACE = patterns.compile(r"\s+")
# Block types that name something Terraform manages or reads, and how their address is written.
_ADDRESSED = {"resource": 2, "data": 2, "module": 1}


class Placed(NamedTuple):
    """A block and the file it was read from."""

    block: hcl.Block
    path: str
    address: str


class Module:
    """One directory's addressed blocks before and after the change set, filled in file by file."""

    __slots__ = (
        "configures", "locals_new", "locals_old", "moved", "new", "old", "outputs_new", "outputs_old", "providers_new",
        "providers_old", "required_new", "required_old", "unreadable", "variables_new", "variables_old",
    )

    def __init__(self) -> None:
        self.old: dict[str, Placed] = {}
        self.new: dict[str, Placed] = {}
        self.moved: set[tuple[str, str]] = set()
        self.variables_old: dict[str, Placed] = {}
        self.variables_new: dict[str, Placed] = {}
        self.locals_old: dict[str, tuple[str, Any]] = {}  # name -> (path, canonical value)
        self.locals_new: dict[str, tuple[str, Any]] = {}
        self.outputs_old: dict[str, Placed] = {}
        self.outputs_new: dict[str, Placed] = {}
        self.providers_old: dict[str, Placed] = {}  # `aws`, `aws.eu` (its alias) -> its block
        self.providers_new: dict[str, Placed] = {}
        self.unreadable: dict[str, str] = {}  # path -> why
        self.configures = False  # a new file configures a provider or a backend: a root module, applied itself
        self.required_old: dict[str, tuple[str, int]] = {}  # path -> the Terraform versions it requires, its line
        self.required_new: dict[str, tuple[str, int]] = {}


def findings(change: Change, context: Context) -> list[Finding]:
    by_path: dict[str, list[Finding]] = context.memo.setdefault(f"{TYPE}.terraform", {})
    directories = {posixpath.dirname(p) for p in change.paths if is_terraform(p)}
    if f"{TYPE}.terraform.done" not in context.memo:
        # A root configuration moved whole to another folder, with its state, is the same configuration.
        context.memo[f"{TYPE}.terraform.done"] = _folders_moved(context)
    for directory in directories - context.memo[f"{TYPE}.terraform.done"]:
        context.memo[f"{TYPE}.terraform.done"].add(directory)
        module = _folder(directory, context)
        if _uncalled_new_module(directory, module, context):
            continue
        judged = _judge(module, directory, context)
        # What a file the change set left alone holds changed only through a local of a changed file:
        # the finding goes with the changed files of its folder, the first of them.
        here = min((p for p in change.paths if is_terraform(p) and posixpath.dirname(p) == directory), default=None)
        for path, found in judged.items():
            owner = path if path in context.changed_paths or here is None else here
            by_path.setdefault(owner, []).extend(found)
    return [f for p in dict.fromkeys(change.paths) for f in by_path.pop(p, [])]


def _folders_moved(context: Context) -> set[str]:
    """Folders (both ends) of root configurations moved whole, of modules moved whole with their callers
    (`_module_moved`), and of library modules moved whole (`_library_moved`): every Terraform file of a folder renamed,
    unchanged, into one folder that had none, no other Terraform file of either changed, and the files
    keep their state in a backend written out in literals (`backend "s3" { bucket = "...", key = "..." }`),
    so `terraform plan` in the new folder finds the very state the old one wrote. A module kept in local state,
    a backend set up at `init` or one whose settings Terraform computes may lose its state with the move,
    and its resources stay added and removed."""
    by_pair: dict[tuple[str, str], list[Change]] = {}
    touched: dict[str, int] = {}
    for change in context.claimed(TYPE):
        for path in dict.fromkeys((change.source_path, change.path)):
            if is_terraform(path):
                touched[posixpath.dirname(path)] = touched.get(posixpath.dirname(path), 0) + 1
        source, target = posixpath.dirname(change.source_path), posixpath.dirname(change.path)
        if change.status == "renamed" and source != target and is_terraform(change.path) \
                and is_terraform(change.source_path):
            by_pair.setdefault((source, target), []).append(change)
    moved: set[str] = set()
    for (source, target), changes in by_pair.items():
        if touched.get(source) != len(changes) or touched.get(target) != len(changes):
            continue  # another Terraform file of either folder changed, or went elsewhere
        listed = context.old_files_in((source, target))
        if listed is None:
            continue
        left = {name for name in listed[source] if is_terraform(name)}
        if left != {posixpath.basename(change.source_path) for change in changes} \
                or any(is_terraform(name) for name in listed[target]):
            continue
        unchanged = all(change.old_oid == change.new_oid for change in changes)
        root = unchanged and any(_literal_backend(context.new(change)) for change in changes)
        if root or (unchanged and _library_moved(source, target, changes, context)) \
                or _module_moved(source, target, changes, context):
            moved.update((source, target))
    return moved


def _library_moved(source: str, target: str, changes: list[Change], context: Context) -> bool:
    """A module of a `modules/` folder moved whole and unchanged that configures no provider or backend: it
    creates nothing itself, only through the module blocks that call it, so its move changes no resource. A caller
    the change set leaves calling the old folder fails at `terraform init` instead of changing anything; one the
    change set points at the new folder is the same module call (`_module_moved`)."""
    if "modules" not in source.split("/")[:-1] or "modules" not in target.split("/")[:-1]:
        return False
    for change in changes:
        data = context.new(change)
        if data is None or is_binary(data) or any(_configures(block) for block in hcl.parse(data).blocks):
            return False
    return True


# A module block's local `source` (`source = "../s3"`), to be written as the folder it resolves to.
_LOCAL_SOURCE = patterns.compile(r'(\bsource\s*=\s*")(\.\.?/[^"$]*)(")')


def _module_moved(source: str, target: str, changes: list[Change], context: Context) -> bool:
    """A module the change set's own callers now call from the folder it moved to (`source = "./modules/ecr"`
    -> `"../modules/ecr"` in a file that called the old folder and now calls the new one), its files the same
    but for the local sources they call, rewritten to reach the same folders from the new place (`../../../s3`
    -> `../s3`). What it creates is known by the module block that calls it, not the folder, so it creates the
    very same resources; its state stays with the caller's."""
    for change in changes:
        old, new = context.old(change), context.new(change)
        if old is None or new is None or is_binary(old) or is_binary(new):
            return False
        if _sources_resolved(old, source) != _sources_resolved(new, target):
            return False
    for change in context.claimed(TYPE):
        folders = {posixpath.dirname(change.source_path), posixpath.dirname(change.path)}
        if folders & {source, target} or not (is_terraform(change.source_path) and is_terraform(change.path)):
            continue
        old, new = context.old(change), context.new(change)
        if old is None or new is None or is_binary(old) or is_binary(new):
            continue
        called_before = hcl.local_sources(hcl.parse(old), posixpath.dirname(change.source_path))
        called_now = hcl.local_sources(hcl.parse(new), posixpath.dirname(change.path))
        if source in called_before and target in called_now and source not in called_now:
            return True
    return False


def _sources_resolved(data: bytes, folder: str) -> str:
    """A file's text with each local module source written as the folder it reaches from `folder`."""
    text = data.decode("utf-8", "replace")
    return _LOCAL_SOURCE.sub(
        lambda m: f"{m.group(1)}{posixpath.normpath(posixpath.join(folder, m.group(2)))}{m.group(3)}", text)


def _literal_backend(data: bytes | None) -> bool:
    """The file configures a backend whose every setting is written as a literal."""
    if data is None or is_binary(data):
        return False
    for block in hcl.parse(data).blocks:
        if block.type != "terraform" or block.errors:
            continue
        for item in block.body.items:
            if isinstance(item, hcl.Block) and item.type == "backend" and item.body.attributes and all(
                isinstance(attribute.value, (str, int, bool)) for attribute in item.body.attributes.values()
            ):
                return True
    return False


def _folder(directory: str, context: Context) -> Module:
    """`_read`, once per folder and change set: the cost classifier reads the same folder's new inputs."""
    memo: dict[str, Module] = context.memo.setdefault(f"{TYPE}.folders", {})
    if directory not in memo:
        memo[directory] = _read(directory, context)
    return memo[directory]


def at_new_defaults(text: str, directory: str, context: Context) -> object:
    """An expression of a Terraform file in `directory` folded with the inputs the change set added there at their
    literal defaults (`var.tier` with a new `default = null` is None, `var.create ? 1 : 0` with a new `true` one
    is 1), its local values written out; a `defaults.Residual` where anything else is read."""
    module = _folder(directory, context)
    if module.unreadable:
        return defaults.Residual(text)
    return defaults.evaluate(_inlined(text, module.locals_new), _fresh(module, directory, context))


def sets_nothing(text: str, directory: str, context: Context) -> bool:
    """`var.NAME` alone, where the input defaults to nothing (`null`, `false`, `[]`, `""`): a setting newly bound to
    it changes nothing until a caller sets it, as `_changed` reads a new setting."""
    match = force_new.VARIABLE.fullmatch(text.strip())
    if match is None:
        return False
    name = match.group(1)
    placed = _folder(directory, context).variables_new.get(name)
    # Declared in a file the change set left alone: read from the folder's files as the change set leaves them.
    block = placed.block if placed is not None else next(
        (b for b in _configuration_blocks(directory, context) if b.type == "variable" and b.labels[:1] == (name,)),
        None)
    return block is not None and defaults.is_nothing(defaults.default_value(_default(block)))


def _read(directory: str, context: Context) -> Module:
    module = Module()
    changed: set[str] = set()
    for change in context.claimed(TYPE):
        if is_terraform(change.source_path) and posixpath.dirname(change.source_path) == directory:
            _add(module, change.source_path, context.old(change), old=True)
            changed.add(change.source_path)
        if is_terraform(change.path) and posixpath.dirname(change.path) == directory:
            _add(module, change.path, context.new(change), old=False)
            changed.add(change.path)
            if change.path in module.unreadable and _only_comments(change, context):
                del module.unreadable[change.path]  # what does not parse did not parse before, and is the same
    if module.locals_old != module.locals_new or module.providers_new.keys() - module.providers_old.keys():
        # A local value is judged where it is read, in every file of its folder: the files the change set
        # left alone are the same on both sides, so only what reads a changed local can differ. A new
        # provider configuration is compared with those the folder already had, wherever they are written.
        for name in sorted(context.old_names(directory) or ()):
            path = posixpath.join(directory, name) if directory else name
            if is_terraform(name) and path not in changed:
                data = context.new_file(path)
                _add(module, path, data, old=True, unchanged=True)
                _add(module, path, data, old=False, unchanged=True)
    return module


def _only_comments(change: Change, context: Context) -> bool:
    """The change only rewrote comments or layout of a file, both sides of which are text."""
    old, new = context.old(change), context.new(change)
    return (old is not None and new is not None and not is_binary(old) and not is_binary(new)
            and hcl.same_code(old, new))


def _add(module: Module, path: str, data: bytes | None, *, old: bool, unchanged: bool = False) -> None:
    """Read one file's blocks into a side of the module. An `unchanged` file is read on both sides only for
    what reads a changed local; its own parse errors are not the change set's."""
    if data is None or is_binary(data):
        return
    into = module.old if old else module.new
    variables = module.variables_old if old else module.variables_new
    local_values = module.locals_old if old else module.locals_new
    document = hcl.parse(data)
    for block in document.blocks:
        if block.errors:
            if not old and not unchanged:
                error = block.error()
                module.unreadable[path] = f"line {error.line if error else block.line}: {error or 'does not parse'}"
            continue
        labels = _ADDRESSED.get(block.type)
        if labels is not None and len(block.labels) == labels:
            address = ".".join(block.labels) if block.type == "resource" else f"{block.type}.{'.'.join(block.labels)}"
            into[address] = Placed(block, path, address)
        elif block.type == "variable" and block.labels:
            variables[block.labels[0]] = Placed(block, path, f"var.{block.labels[0]}")
        elif block.type == "output" and block.labels:
            outputs = module.outputs_old if old else module.outputs_new
            outputs[block.labels[0]] = Placed(block, path, f"output.{block.labels[0]}")
        elif block.type == "provider" and block.labels:
            alias = _literal(block, "alias")
            key = f"{block.labels[0]}.{alias}" if alias else block.labels[0]
            (module.providers_old if old else module.providers_new)[key] = Placed(block, path, f"provider.{key}")
            if not old and _configures(block):
                module.configures = True
        elif block.type == "terraform":
            required = block.body.attributes.get("required_version")
            if required is not None and isinstance(required.value, str):
                (module.required_old if old else module.required_new)[path] = (required.value, required.line)
            if not old and _configures(block):
                module.configures = True
        elif block.type == "locals":
            for attribute in block.body.attributes.values():
                local_values[attribute.name] = (path, _canonical(attribute.value))
        elif block.type == "moved" and not old:
            attributes = block.body.attributes
            source, target = attributes.get("from"), attributes.get("to")
            if source is not None and target is not None:
                module.moved.add((_text(source.value), _text(target.value)))
    if not old and not unchanged and document.loose_errors and path not in module.unreadable:
        loose = document.loose_errors[0]
        module.unreadable[path] = f"line {loose.line}: {loose.error}"


# Where a provider configuration makes resources: its region, project, subscription, profile, or the role it
# assumes in another account.
_WHERE = ("region", "project", "subscription_id", "tenant_id", "profile", "assume_role.role_arn",
          "assume_role_with_web_identity.role_arn")


def _where(block: hcl.Block) -> tuple[str, ...]:
    """What of `_WHERE` a provider configuration sets, as `name = text`."""
    found = []
    for name in _WHERE:
        outer, _, inner = name.rpartition(".")
        body = next((b.body for b in block.body.blocks if b.type == outer), None) if outer else block.body
        written = body.attributes.get(inner) if body is not None else None
        if written is not None:
            found.append(f"{name} = {_text(written.value)}")
    return tuple(found)


def _elsewhere(block: hcl.Block, before: Mapping[str, Placed]) -> str:
    """For a provider configuration a folder gains, where it makes resources (`region = eu-central-1, ...`)
    when that is somewhere no configuration of the same provider the folder had before pointed; "" when it
    points where one already did (a second alias of the same account and region), when it says nothing of
    where, or when the folder configured no such provider before (a new root module: what it creates is
    judged)."""
    where = _where(block)
    same = [placed.block for placed in before.values() if placed.block.labels[:1] == block.labels[:1]]
    if not where or not same or any(_where(other) == where for other in same):
        return ""
    return ", ".join(where)


def _provider_moved(address: str, before: hcl.Block, after: hcl.Block, module: Module) -> Finding | None:
    """A resource or a module call given another provider configuration (`provider = aws.us_east_1` added, a
    module's `providers = { aws = aws.us_east_1 }` -> `{ aws.us_east_1 = aws.us_east_1 }`, which hands it the
    caller's default `aws` instead): what it makes is made in that configuration's region or account from now
    on, and Terraform destroys it where it was. Not when both configurations are the folder's own and point to
    the same place (an alias renamed); a data source only reads."""
    if address.startswith("data."):
        return None
    if address.startswith("module."):
        was, now = _passed(before), _passed(after)
        for key in sorted(was.keys() | now.keys()):
            implicit = key if "." not in key else None  # a default provider passes on unless mapped
            old, new = was.get(key, implicit), now.get(key, implicit)
            if old is not None and new is not None and old != new and not _same_place(old, new, module):
                return finding("replaced", address, (
                    f"its {key} provider is now {new} (was {old}): what it makes in another region or account"
                    " is destroyed and created there"), after.line)
        return None
    default = address.split("_", 1)[0]
    old, new = (_provider_name(block, default) for block in (before, after))
    if old == new or _same_place(old, new, module):
        return None
    return finding("replaced", address, (
        f"it is now made with provider {new} (was {old}): in another region or account, Terraform destroys it"
        " and creates it there"), after.line)


def _provider_name(block: hcl.Block, default: str) -> str:
    """The provider configuration a resource is made with: its `provider` (`aws.us_east_1`, 0.11's
    `"aws.us_east_1"`), else its type's default configuration."""
    written = block.body.attributes.get("provider")
    return default if written is None else _text(written.value).strip('"')


def _passed(block: hcl.Block) -> dict[str, str]:
    """A module call's `providers`: the module's name for each configuration -> the caller's."""
    written = block.body.attributes.get("providers")
    if written is None or not isinstance(written.value, dict):
        return {}
    return {key.strip('"'): _text(value).strip('"') for key, value in written.value.items()}


def _same_place(old: str, new: str, module: Module) -> bool:
    """Both configurations are the folder's own and say the same of where (`region`, `assume_role`, ...)."""
    configurations = {**module.providers_old, **module.providers_new}
    first, second = configurations.get(old), configurations.get(new)
    return first is not None and second is not None and _where(first.block) == _where(second.block)


def _terraform_floor(constraints: Iterable[str]) -> tuple[int, ...] | None:
    """The oldest Terraform release every constraint admits (`>= 0.12.26`, `~> 0.13` -> (0, 13))."""
    lowest = [low for constraint in constraints if (low := comparator_lowest(constraint)) is not None]
    return max(lowest) if lowest else None


def _line(release: tuple[int, ...]) -> tuple[int, ...]:
    """A Terraform release's line: before 1.0 each minor was one of its own, whose state the one before could
    not read (`0.12.26` -> (0, 12)); since, the major (`1.3` -> (1,))."""
    return release[:2] if release[0] == 0 else release[:1]


def _terraform_raised(module: Module, directory: str, context: Context) -> tuple[str, Finding] | None:
    """An `engine` finding when the oldest Terraform a module admits moves to a later line (`>= 0.13` ->
    `>= 1.3`): every caller must move to that line first, and a state a newer line wrote is not read by an
    older one. A root configuration (one that configures a provider or a backend) is its own team's
    toolchain, and a module it calls by a local path that already required that line (a wrapper brought up
    to the module it wraps) moves nobody."""
    if not module.required_new or not module.required_old:
        return None
    own = [[c for c, _ in side.values()] for side in (module.required_old, module.required_new)]
    floors = [_terraform_floor(constraints) for constraints in own]
    if floors[0] is None or floors[1] is None or _line(floors[1]) <= _line(floors[0]):
        return None
    blocks = list(_configuration_blocks(directory, context))
    if any(_configures(block) for block in blocks):
        return None  # a root configuration: the team that applies it moves its own Terraform when it chooses
    called = _called_lines(blocks, directory, context)
    before, after = (_terraform_floor(constraints + called) for constraints in own)
    if before is None or after is None or _line(after) <= _line(before):
        return None
    path, (constraint, line) = next(iter(sorted(module.required_new.items())))
    was = " / ".join(sorted(set(own[0])))
    return path, finding("engine", "terraform.required_version", (
        f"required_version: {was} -> {constraint}: every caller must move to Terraform"
        f" {'.'.join(map(str, after))} first, and a state written there is not read by an older release"
    ), line)


def _configuration_blocks(directory: str, context: Context) -> Iterable[hcl.Block]:
    """The readable blocks of every `.tf` file of a folder as the change set leaves it (tfvars.py)."""
    from ownership_gate.classifiers.cloud.tfvars import configuration_blocks

    return configuration_blocks(directory, context)


def _called_lines(blocks: Iterable[hcl.Block], directory: str, context: Context) -> list[str]:
    """The `required_version` constraints of the modules the configuration in `directory` (its `blocks`, from
    every file of its folder, the unchanged ones too) calls by a local path, as the change set leaves them."""
    found = []
    for block in blocks:
        called = hcl.local_source(block, directory)
        if called is None or called == (directory or "."):
            continue
        for inner in _configuration_blocks("" if called == "." else called, context):
            required = inner.body.attributes.get("required_version") if inner.type == "terraform" else None
            if required is not None and isinstance(required.value, str):
                found.append(required.value)
    return found


def _image_filter(block: hcl.Block) -> set[str]:
    """The names an `aws_ami` data source looks images up by: its `name_regex` and its `filter` on `name`."""
    found = set()
    regex = block.body.attributes.get("name_regex")
    if regex is not None and isinstance(regex.value, str):
        found.add(regex.value)
    for item in block.body.blocks:
        attributes = item.body.attributes if item.type == "filter" else {}
        if "name" in attributes and attributes["name"].value == "name" and "values" in attributes:
            found |= engine.image_names(attributes["values"].value)
    return found


def _configures(block: hcl.Block) -> bool:
    """A `provider` block that sets anything, or a `terraform` block with a `backend` or `cloud`: only a root
    module, the one `terraform apply` runs in, configures these."""
    if block.type == "provider":
        return bool(block.body.items)
    return any(isinstance(item, hcl.Block) and item.type in ("backend", "cloud") for item in block.body.items)


def _uncalled_new_module(directory: str, module: Module, context: Context) -> bool:
    """A module folder the change set creates under a `modules/` folder (where Terraform's standard module
    structure keeps modules meant to be called), that configures no provider or backend and that no module
    block of the change set calls: what it would create exists only once someone calls it, in a change of
    its own (a new preset module in a module library)."""
    if "modules" not in directory.split("/")[:-1]:
        return False  # any other folder may be a root configuration, applied with its provider set by the environment
    if module.old or module.variables_old or module.locals_old or module.configures or module.unreadable:
        return False
    names = context.old_names(directory)
    if names is None or any(is_terraform(name) for name in names):
        return False  # no listing to go by, or a module that was there already
    return not any(called == (directory or ".") and caller != directory for caller, called in _calls(context))


def _calls(context: Context) -> set[tuple[str, str]]:
    """(folder, the folder it calls by a local path) for every changed Terraform file after the change set;
    read once however many new folders ask."""
    key = f"{TYPE}.terraform.calls"
    if key not in context.memo:
        calls: set[tuple[str, str]] = set()
        for change in context.claimed(TYPE):
            data = context.new(change) if is_terraform(change.path) else None
            if data is not None and not is_binary(data):
                caller = posixpath.dirname(change.path)
                calls |= {(caller, called) for called in hcl.local_sources(hcl.parse(data), caller)}
        context.memo[key] = calls
    found: set[tuple[str, str]] = context.memo[key]
    return found


def _judge(module: Module, directory: str, context: Context) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}

    def add(path: str, item: Finding) -> None:
        found.setdefault(path, []).append(item)

    for path, why in module.unreadable.items():
        why_text = f"the Terraform file does not parse ({why}), so what it changes cannot be judged"
        add(path, finding("unparsed", path, why_text))
    if module.unreadable:
        return found  # what the module adds or removes is unknown until it parses: the unparsed finding says so
    raised = _terraform_raised(module, directory, context)
    if raised is not None:
        add(*raised)
    unset = frozenset(
        ("expr", f"var.{name}") for name, placed in module.variables_new.items()
        if defaults.is_nothing(defaults.default_value(_default(placed.block)))
    )
    renamed = _renamed_variables(module)
    fresh = {name: value for name, value in _fresh(module, directory, context).items() if name not in renamed.values()}
    optional = _optional_nulls(module.variables_old, module.variables_new)
    added = {a: p for a, p in module.new.items() if a not in module.old}
    removed = {a: p for a, p in module.old.items() if a not in module.new}
    for source, target in sorted(_pairs(removed, added, module.moved)):
        removed.pop(source)
        came = added.pop(target)
        if (source, target) in module.moved:
            continue
        kind = "monitoring" if watches(_kind_of(source)) and watches(_kind_of(target)) else "replaced"
        add(came.path, finding(
            kind, target,
            f"{source} becomes {target}: Terraform destroys and recreates it (a `moved` block would keep it)",
            came.block.line,
        ))
    for address, placed in sorted(added.items()):
        if _computes_only(address, placed.block):
            continue
        kind = "data" if address.startswith("data.") else watched("added", _kind_of(address))
        if kind == "added" and points_a_name(_kind_of(address), _literal(placed.block, "type")):
            kind = "dns"
        add(placed.path, finding(kind, address, f"{_what(address)} added", placed.block.line))
    for key in sorted(module.providers_new.keys() - module.providers_old.keys()):
        placed = module.providers_new[key]
        if elsewhere := _elsewhere(placed.block, module.providers_old):
            add(placed.path, finding("added", placed.address, f"a new {placed.block.labels[0]} provider configuration "
                                     f"({elsewhere}): resources can now be made in another region or account",
                                     placed.block.line))
    for address, placed in sorted(removed.items()):
        if _computes_only(address, placed.block):
            continue
        kind = "data" if address.startswith("data.") else watched("removed", _kind_of(address))
        add(placed.path, finding(kind, address, f"{_what(address)} removed"))
    locals_kept = module.locals_old == module.locals_new
    regrouped: dict[str, tuple[frozenset[Any], frozenset[Any]]] | None = None  # read with the first DNS recount
    old_defaults, new_defaults = (engine.literal_defaults({n: p.block for n, p in side.items()})
                                  for side in (module.variables_old, module.variables_new))
    for address in sorted(module.old.keys() & module.new.keys()):
        before, after = module.old[address], module.new[address]
        if before.block.source == after.block.source and (locals_kept or b"local." not in after.block.source):
            continue  # the same text reading the same values: its body is not even built
        item = _recounted(address, before.block, after.block, module, fresh)
        if item is not None and item.kind == "count":
            item = item._replace(kind=watched("count", _kind_of(address)))
            if points_a_name(_kind_of(address), _literal(after.block, "type")):
                regrouped = _regrouped_names(module) if regrouped is None else regrouped
                if _only_more(address, regrouped):
                    item = item._replace(kind="dns")
        ignored = ignored_changes(before.block) & ignored_changes(after.block)
        if item is None and before.block.source != after.block.source:
            item = _provider_moved(address, before.block, after.block, module)
        if item is None and before.block.source != after.block.source and ALL not in ignored:
            if not address.startswith(("data.", "module.")):
                item = force_new.replaced(address, _kind_of(address), before.block, after.block, ignored)
            elif address.startswith("module."):
                item = _replaced_through_call(address, before.block, after.block, directory, context)
        if item is None and before.block.source != after.block.source and ALL not in ignored:
            item = _changed(address, before.block, after.block, unset, fresh, ignored, module.locals_new, renamed,
                            optional)
        if item is None and not locals_kept and ALL not in ignored:
            item = _reads_changed_local(address, before.block, after.block, module, fresh, ignored)
        if item is not None:
            add(after.path, item)
        upgraded = None if ALL in ignored else _engine(
            address, before.block, after.block, (old_defaults, new_defaults), directory, context, ignored)
        if upgraded is None and address.startswith("data.aws_ami."):
            upgraded = engine.image_compared(address, "the images it looks up", _image_filter(before.block),
                                             _image_filter(after.block), after.block.line)
        if upgraded is not None:
            add(after.path, upgraded)
    for name in sorted(module.variables_old.keys() & module.variables_new.keys()):
        placed = module.variables_new[name]
        compare = engine.compared if engine.NAME.search(name) else (
            engine.release_compared if engine.names_software(name) else None)
        if compare is not None and (upgraded := compare(
            placed.address, f"default of var.{name}", old_defaults.get(name), new_defaults.get(name), placed.block.line,
        )):
            add(placed.path, upgraded)
        declared = module.variables_old[name].block
        if engine.IMAGE_INPUT.search(name) and declared.source != placed.block.source and (
            imaged := engine.image_compared(
                placed.address, f"default of var.{name}", engine.image_names(_default_value(declared)),
                engine.image_names(_default_value(placed.block)), placed.block.line,
            )
        ):
            add(placed.path, imaged)
        recounted = _default_recounted(name, declared, placed.block, directory, context)
        if recounted is not None:
            add(placed.path, recounted)
        if not names_setting(name):
            continue
        before, after = module.variables_old[name], module.variables_new[name]
        old_default, new_default = (_default(p.block) for p in (before, after))
        # A default dropped makes the variable required: every caller then sets it, nothing opens by itself.
        if old_default != new_default and new_default != "(none)" and not narrowed(
            name, *(_default_value(p.block) for p in (before, after))
        ):
            add(after.path, finding("security", f"var.{name}",
                                    f"default of var.{name}: {old_default} -> {new_default}", after.block.line))
    flagged = ((module.variables_old, module.variables_new), (module.outputs_old, module.outputs_new))
    for before_all, after_all in flagged:
        for name in sorted(before_all.keys() & after_all.keys()):
            before, after = before_all[name], after_all[name]
            was, now = (_sensitive(p.block) for p in (before, after))
            # Clearing the flag shows a value in plans and logs; setting it hides one, which matters for a secret.
            if was != now and (now != "true" or SECRET_NAME.search(name)):
                add(after.path, finding("security", after.address,
                                        f"{after.address} sensitive: {was} -> {now} (whether plans and logs show it)",
                                        after.block.line))
    for name in sorted(module.locals_old.keys() & module.locals_new.keys()):
        (_, before_value), (path, after_value) = module.locals_old[name], module.locals_new[name]
        # With the new inputs at their defaults (`... && !var.private_zone`, a new `false` input): the same.
        if names_setting(name) and before_value != after_value and _local_changed(name, module, fresh) and not (
            _only_ignored_readers(name, module)
        ):
            add(path, finding("security", f"local.{name}", f"local.{name} changed"))
    return found


def _replaced_through_call(
    address: str, before: hcl.Block, after: hcl.Block, directory: str, context: Context
) -> Finding | None:
    """A call of a module in this repository whose literal input the module writes into an argument that
    forces a new resource (force_new.py), read from the module as the change set leaves it."""
    called = hcl.local_source(after, directory)
    if called is None or called != hcl.local_source(before, directory):
        return None
    from ownership_gate.classifiers.cloud.tfvars import configuration_blocks

    blocks = configuration_blocks("" if called == "." else called, context)
    return force_new.replaced_through(address, before, after, blocks, ignored_changes)


def _engine(
    address: str, before: hcl.Block, after: hcl.Block, defaults: tuple[Mapping[str, object], Mapping[str, object]],
    directory: str, context: Context, ignored: frozenset[str] = frozenset(),
) -> Finding | None:
    """A resource's engine version, or a module call's input for one, that names another major (engine.py).
    An input added to or dropped from a module call is compared with the called module's default; a
    resource's setting added or dropped leaves the provider's default, which is not known here."""
    if address.startswith("data."):
        return None
    resource_type = "" if address.startswith("module.") else _kind_of(address)
    old_items, new_items = before.body.attributes, after.body.attributes
    # A function's runtime, or a module's `runtime` input (a Lambda module's, whose values say what they are).
    runs_functions = engine.FUNCTION_TYPE.search(resource_type) or address.startswith("module.")
    if runs_functions and "runtime" in old_items and "runtime" in new_items and "runtime" not in ignored:
        old_runtime, new_runtime = (engine.resolved(side["runtime"].value, values)
                                    for side, values in ((old_items, defaults[0]), (new_items, defaults[1])))
        moved = engine.runtime_compared(address, "runtime", old_runtime, new_runtime, after.line)
        if moved is not None:
            return moved
    names = sorted(n for n in old_items.keys() | new_items.keys()
                   if engine.names_engine(n, resource_type) and n not in ignored)
    if not names:
        return None
    old_defaults, new_defaults = defaults
    named = _literal(after, "engine") or ""  # `engine = "mysql"`: which engine the version is of
    called: dict[str, object] | None = None
    for name in names:
        was, now = old_items.get(name), new_items.get(name)
        if was is None or now is None:
            if resource_type:
                continue  # the provider's default, unknown here
            if called is None:
                called = _called_defaults(after, directory, context)
        old_value = engine.resolved(was.value, old_defaults) if was is not None else (called or {}).get(name)
        new_value = engine.resolved(now.value, new_defaults) if now is not None else (called or {}).get(name)
        upgraded = engine.compared(address, name, old_value, new_value, after.line, engine=named)
        if upgraded is not None:
            return upgraded
    return None


_WALKED_LOCAL = patterns.compile(r"^\s*(?:(?:toset|keys|tomap)\s*\(\s*)?local\.(\w+)\s*\)?\s*$")


def _regrouped_names(module: Module) -> dict[str, tuple[frozenset[Any], frozenset[Any]]]:
    """The keys (members) each DNS record resource's `for_each` walks before and after, where both sides can
    be read: a map (or list) written in it, or a local one of the changed files; a new one walks none before."""
    found = {}
    for address, placed in module.new.items():
        after = placed.block
        if not points_a_name(_kind_of(address), _literal(after, "type")):
            continue
        before = module.old[address].block if address in module.old else None
        if before is not None and before.source == after.source and module.locals_old == module.locals_new:
            continue
        was = frozenset() if before is None else _walked(before, module.locals_old)
        now = _walked(after, module.locals_new)
        if was is not None and now is not None:
            found[address] = (_in_zone(after, was), _in_zone(after, now))
    return found


_ZONE = ("zone_name", "zone_id", "managed_zone", "zone")


def _in_zone(block: hcl.Block, names: frozenset[Any]) -> frozenset[Any]:
    """The names, each with the zone the record resource writes them to (as written), so a name moved to
    another zone's records is not the same name."""
    written = next((block.body.attributes[z] for z in _ZONE if z in block.body.attributes), None)
    zone = _text(written.value) if written is not None else ""
    return frozenset((zone, name) for name in names)


def _walked(block: hcl.Block, local_values: Mapping[str, tuple[str, Any]]) -> frozenset[Any] | None:
    written = block.body.attributes.get("for_each")
    if written is None:
        return None
    match = _WALKED_LOCAL.match(_text(written.value))
    if match is None:
        converted = _CONVERTED.match(_text(written.value))  # `toset(["docs", "www"])`: the list itself
        return _members(_canonical(hcl.value(converted.group(1)) if converted else written.value))
    return _members(local_values[match.group(1)][1]) if match.group(1) in local_values else None


_CONVERTED = patterns.compile(r"^\s*(?:toset|tomap)\s*\(\s*([\[{].*[\]}])\s*\)\s*$", re.DOTALL)


def _only_more(address: str, regrouped: Mapping[str, tuple[frozenset[Any], frozenset[Any]]]) -> bool:
    """The record resource's `for_each` only gained keys, or lost only keys another record resource of the
    module gained (a name moved from one group of records to another, pointed elsewhere): every name there
    was still points somewhere, and one more may."""
    if address not in regrouped:
        return False
    before, after = regrouped[address]
    gained_elsewhere = {key for other, (was, now) in regrouped.items() if other != address for key in now - was}
    return before != after and before - after <= gained_elsewhere


def _members(canonical: Any) -> frozenset[Any] | None:
    """The keys of a canonical map, the members of a canonical list of plain values; None for anything else."""
    if _is_map(canonical):
        return frozenset(key for key, _ in canonical)
    if isinstance(canonical, tuple) and canonical[:1] != ("expr",) and all(
        not isinstance(item, tuple) for item in canonical
    ):
        return frozenset(canonical)
    return None


# Providers that manage nothing outside Terraform's state: names and labels worked out (`null`), random values,
# local files, the time, templates. A registry module is published for one provider, the last part of its
# address (`cloudposse/label/null`), and its repository is named for it (`terraform-null-label`).
_STATE_ONLY_PROVIDERS = frozenset({"null", "random", "local", "time", "template"})
_REGISTRY_MODULE = patterns.compile(r"^(?:[\w.-]+\.[a-z]{2,}/)?[\w-]+/[\w-]+/(?P<provider>[a-z0-9]+)(?://.*)?$")
_MODULE_REPOSITORY = patterns.compile(r"/terraform-(?P<provider>[a-z0-9]+)-[\w-]+?(?:\.git)?(?:[/?]|//|$)")


# An object put into a bucket (a dashboard's JSON, a script a job runs), and a key or feature flag put into an
# Azure App Configuration store (the settings an application reads): content kept in storage the configuration
# already has, not a resource of its own.
_STORED_CONTENT = frozenset({"aws_s3_object", "aws_s3_bucket_object", "google_storage_bucket_object",
                             "azurerm_storage_blob", "azurerm_app_configuration_key",
                             "azurerm_app_configuration_feature"})


def _computes_only(address: str, block: hcl.Block) -> bool:
    """A module call whose module is published for a provider that manages nothing outside Terraform's state
    (`source = "cloudposse/label/null"`, `git::https://github.com/cloudposse/terraform-null-label.git?ref=0.25.0`):
    added or removed, it creates or destroys no infrastructure, like a local value; nor does an object put into
    or taken from a bucket (`_STORED_CONTENT`)."""
    if _kind_of(address) in _STORED_CONTENT:
        return True
    if not address.startswith("module."):
        return False
    source = _literal(block, "source") or ""
    found = _REGISTRY_MODULE.match(source) or _MODULE_REPOSITORY.search(source)
    return found is not None and found.group("provider") in _STATE_ONLY_PROVIDERS


def _literal(block: hcl.Block, name: str) -> str | None:
    """The block's setting `name` where it is a literal string (a DNS record's `type = "CNAME"`, a database's
    `engine = "mysql"`), else None."""
    written = block.body.attributes.get(name)
    return written.value if written is not None and isinstance(written.value, str) else None


def _default_recounted(
    name: str, before: hcl.Block, after: hcl.Block, directory: str, context: Context
) -> Finding | None:
    """A variable's default that a `count` of the folder reads, or whose members or keys a `for_each` walks,
    changed (`repositories` gained `"github-release-resource"`): one more or one fewer of what it creates,
    wherever the default is not overridden. Judged as a variable file's value is (tfvars.py)."""
    was, now = (block.body.attributes.get("default") for block in (before, after))
    if was is None or now is None or before.source == after.source:
        return None
    from ownership_gate.classifiers.cloud import tfvars

    old_value, new_value = tfvars.plain(was.value), tfvars.plain(now.value)
    if old_value == new_value:
        return None
    readers = tfvars.readers_of(directory, context, follow_modules=True)
    return tfvars.counted(name, old_value, new_value, readers, directory, where="default changed")


def _called_defaults(block: hcl.Block, directory: str, context: Context) -> dict[str, object]:
    """The literal defaults of the variables of the module a `module` block calls by a local path."""
    called = hcl.local_source(block, directory)
    if called is None:
        return {}
    from ownership_gate.classifiers.cloud.tfvars import configuration_defaults

    return configuration_defaults("" if called == "." else called, context)


def _pairs(removed: dict[str, Placed], added: dict[str, Placed], moved: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Removed and added addresses that are one resource under a new address or type."""
    pairs = {(s, t) for s, t in moved if s in removed and t in added}
    taken_s = {s for s, _ in pairs}
    taken_t = {t for _, t in pairs}
    for source, gone in removed.items():
        if source in taken_s or source.startswith("data."):
            continue
        for target, came in added.items():
            if target in taken_t or target.startswith("data."):
                continue
            same_body = _canonical(gone.block.body) == _canonical(came.block.body)
            same_name = gone.block.labels[-1:] == came.block.labels[-1:] and gone.block.type == came.block.type
            if same_body or same_name:
                pairs.add((source, target))
                taken_s.add(source)
                taken_t.add(target)
                break
    return pairs


# `count` and `for_each` decide how many instances of a resource or module Terraform manages.
_REPEATS = ("count", "for_each")
# A whole `for_each` that is another block of the module (`aws_iam_user.master_user`, `data.x.y`).
_BLOCK_REFERENCE = patterns.compile(r"(?:data\.)?[a-z][\w-]*\.[\w-]+")


def _keys_of(text: str | None, blocks: Mapping[str, Placed]) -> str | None:
    """A `for_each` over a block of the module that is itself repeated by `for_each`, as that block's own
    `for_each`: `for_each = aws_iam_user.master_user` has the keys of `var.user_map` it was made from."""
    if text is None or not _BLOCK_REFERENCE.fullmatch(text) or text.startswith(("var.", "local.", "module.")):
        return text
    placed = blocks.get(text)
    repeat = None if placed is None else placed.block.body.attributes.get("for_each")
    return text if repeat is None else defaults.unwrapped(_text(repeat.value), "nonsensitive")


_LOCAL = hcl.LOCAL
# `local.NAME`, with the key it reads when it reads one (`local.defaults["public_ip"]`, `local.defaults.public_ip`,
# `lookup(local.defaults, "public_ip", null)`).
_LOCAL_KEY = patterns.compile(
    r"\blookup\(\s*local\.(\w+)\s*,\s*\\?[\"']([\w-]+)\\?[\"']"
    r"|\blocal\.(\w+)(?:\[\s*\\?[\"']([\w-]+)\\?[\"']\s*\]|\.(\w+))?"
)
# A map local's entry chosen at run time: `local.by_environment[local.environment]`.
_PICKED = patterns.compile(r"local\.(\w+)\[[^\[\]]+\]")
# Resource types that only label other resources (`aws_ec2_tag`): how many exist is a tag change.
_LABEL_TYPE = patterns.compile(r"_tags?$")


def _fresh(module: Module, directory: str, context: Context) -> dict[str, object]:
    """The variables this change adds with a literal default (`null`, `true`, `false`, `[]`, `{}`, a string
    or a number: `default = "10.0.0.0/16"`), at it: no caller can have set one before it existed. One that a
    variable file of the change set gives a value is not at its default. Worked out once per folder (`module` is
    the folder's, `_folder`): the cloud and cost classifiers both ask."""
    memo: dict[str, dict[str, object]] = context.memo.setdefault(f"{TYPE}.fresh", {})
    if directory not in memo:
        memo[directory] = _fresh_inputs(module, directory, context)
    return memo[directory]


def _fresh_inputs(module: Module, directory: str, context: Context) -> dict[str, object]:
    added = [name for name in module.variables_new if name not in module.variables_old]
    if not added:
        return {}
    from ownership_gate.classifiers.cloud.tfvars import given_by_the_change_set

    given = given_by_the_change_set(directory, context)
    values = {name: _literal_default(module.variables_new[name].block) for name in added if name not in given}
    required = [name for name in added
                if name not in given and "default" not in module.variables_new[name].block.body.attributes]
    if required:
        values.update(_passed_by_callers(directory, required, context))
    return {name: value for name, value in values.items() if not isinstance(value, defaults.Residual)}


def _passed_by_callers(directory: str, names: list[str], context: Context) -> dict[str, object]:
    """New inputs a module requires (no default), as every call of it in the change set passes them, each folded
    at its caller's own new inputs' defaults: `aft_vpc_endpoints = var.aft_vpc_endpoints` from a root module whose
    new `aft_vpc_endpoints` defaults to true. A required input no caller may leave out was passed by no call
    before the change set, so those calls are all there are; where the calls disagree, or one cannot be folded,
    the input has no value here."""
    memo: dict[str, dict[str, object]] = context.memo.setdefault(f"{TYPE}.passed", {})
    if directory in memo:
        return memo[directory]
    memo[directory] = {}  # a folder that calls itself, through others, passes nothing it does not know
    passed: dict[str, list[object]] = {}
    for caller, called in sorted(_calls(context)):
        if called != (directory or ".") or caller == directory:
            continue
        for address, placed in _folder(caller, context).new.items():
            if not address.startswith("module.") or hcl.local_source(placed.block, caller) != (directory or "."):
                continue
            for name in names:
                argument = placed.block.body.attributes.get(name)
                passed.setdefault(name, []).append(defaults.Residual("") if argument is None else
                                                   at_new_defaults(_text(argument.value), caller, context))
    found = {name: values[0] for name, values in passed.items()
             if not isinstance(values[0], defaults.Residual) and all(v == values[0] for v in values)}
    memo[directory] = found
    return found


def _literal_default(block: hcl.Block) -> object:
    """A variable's default as `defaults.evaluate` knows values: a string literal as its text, a number as a
    float, `null`, booleans and empty collections as `defaults.default_value` reads them; else a Residual."""
    attribute = block.body.attributes.get("default")
    value = None if attribute is None else attribute.value
    if isinstance(value, str):  # Terraform converts `"false"` to a bool where one is wanted (0.11's only way)
        known = defaults.default_value(value)
        return value if isinstance(known, defaults.Residual) else known
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return defaults.default_value(_default(block))


def _recounted(
    address: str, before: hcl.Block, after: hcl.Block, module: Module, fresh: Mapping[str, object]
) -> Finding | None:
    """A resource's or module's `count` or `for_each` changed, itself or through a local value it reads.

    Each side's expression is compared with the local values it reads written out (from that side's
    files), so a condition moved into a local (`local.create_acl`) is no change, and a local that gained
    a term is one."""
    if address.startswith("data.") or _LABEL_TYPE.search(address.split(".")[0]):
        return None
    for name in _REPEATS:
        old_value, new_value = (block.body.attributes.get(name) for block in (before, after))
        if old_value is None and new_value is None:
            continue
        # `nonsensitive(...)` around it all only lets Terraform show the value (a `for_each` may not walk a
        # sensitive one): the same instances.
        old_text, new_text = (None if a is None else defaults.unwrapped(_text(a.value), "nonsensitive")
                              for a in (old_value, new_value))
        if name == "for_each":
            old_text, new_text = _keys_of(old_text, module.old), _keys_of(new_text, module.new)
        if old_text is None and new_text is not None and name == "count" and _one(new_text, module, fresh):
            continue  # `count = var.create ? 1 : 0` with the new input at its default: the one it was (now `[0]`)
        if old_text is not None and new_text is not None:
            old_full, new_full = _inlined(old_text, module.locals_old), _inlined(new_text, module.locals_new)
            if old_full == new_full or (
                _canonical(hcl.Expression(old_full), fresh) == _canonical(hcl.Expression(new_full), fresh)
            ) or (name == "count" and _only_required_conditions(old_full, new_full, before, module)):
                continue
            if old_text == new_text:
                read = sorted(set(_LOCAL.findall(new_text)))
                return finding("count", address, f"how many Terraform manages may change: its {name} reads "
                               f"{', '.join(f'local.{r}' for r in read)}, which changed", after.line)
        shown = f"{old_text or '(none)'} -> {new_text or '(none)'}"
        return finding("count", address, f"how many Terraform manages changed: {name} {shown}", after.line)
    return None


def _only_required_conditions(old: str, new: str, block: hcl.Block, module: Module) -> bool:
    """`cond ? 1 : 0` become `cond && more ? 1 : 0` where every condition added was one of the count, before
    the change, of a resource the block (`block`, as it was) read by its first instance
    (`aws_backup_vault.ab_vault[0].name`): wherever that resource was not created, reading its `[0]` stopped
    the plan, so no configuration that applied loses the instance. A resource whose own count gained the
    condition in the same change is no such proof."""
    before, after = defaults.conditions(old), defaults.conditions(new)
    if before is None or after is None or not before < after:
        return False
    required: set[str] = set()
    for address in set(_FIRST_INSTANCE.findall(block.source.decode("utf-8", "replace"))):
        placed = module.old.get(address)
        count = placed.block.body.attributes.get("count") if placed is not None else None
        conditions = defaults.conditions(_inlined(_text(count.value), module.locals_old)) if count is not None else None
        required |= conditions or set()
    return after - before <= required


# What only names or labels a resource: a local value read there changing is no security change.
_LABELS = frozenset({"tags", "tags_all", "labels", "name", "name_prefix", "description", "timeouts"})


# `lifecycle { ignore_changes = all }`: Terraform leaves every argument of the resource as it was created.
ALL = "all"
_FIRST_NAME = patterns.compile(r"\s*\"?(\w+)")


def ignored_changes(block: hcl.Block) -> frozenset[str]:
    """The arguments a resource's `lifecycle { ignore_changes = [...] }` names (the first name of each,
    `secret_string`, `tags` of `tags["Owner"]`), or `ALL`: Terraform keeps what it created with and never
    applies another value there, so editing one changes nothing that runs."""
    lifecycle = next((b for b in block.body.blocks if b.type == "lifecycle"), None)
    written = lifecycle.body.attributes.get("ignore_changes") if lifecycle is not None else None
    if written is None:
        return frozenset()
    values = written.value if isinstance(written.value, list) else [written.value]
    names = {match.group(1) for value in values if (match := _FIRST_NAME.match(_text(value)))}
    if (ALL in names and not isinstance(written.value, list)) or "*" in values:  # `["*"]`: Terraform 0.11's all
        return frozenset({ALL})
    return frozenset(names)


def _only_ignored_readers(name: str, module: Module) -> bool:
    """Whether everything in the folder that reads `local.NAME` is a resource argument its `ignore_changes`
    names (a secret's placeholder `secret_string`): no other local, output, module or setting reads it."""
    pattern = re.compile(rf"\blocal\.{re.escape(name)}\b")
    readers = [placed.block for side in (module.new, module.outputs_new, module.variables_new)
               for placed in side.values() if pattern.search(placed.block.source.decode("utf-8", "replace"))]
    if not readers or any(pattern.search(_text(value)) for _, value in module.locals_new.values()):
        return False
    for block in readers:
        ignored = ignored_changes(block)
        if block.type != "resource" or not ignored:
            return False
        if ALL in ignored:
            continue
        for item in block.body.items:
            text = item.source.decode("utf-8", "replace") if isinstance(item, hcl.Block) else _text(item.value)
            if pattern.search(text) and (isinstance(item, hcl.Block) or item.name not in ignored):
                return False
    return True


def _kind_of(address: str) -> str:
    """The resource or data source type an address names: `aws_iam_policy` for `data.aws_iam_policy.x`."""
    return address.split(".")[1] if address.startswith("data.") else address.split(".")[0]


def _reads_changed_local(
    address: str, before: hcl.Block, after: hcl.Block, module: Module, fresh: Mapping[str, object],
    ignored: frozenset[str] = frozenset(),
) -> Finding | None:
    """A security setting that reads, on both sides, a local value that changed (`from_port = local.port`
    where `local.port` now picks 5432 for another engine): what it sets changed though its text did not.
    In a resource whose whole purpose is access every setting counts, names and tags aside."""
    everything = bool(SENSITIVE_TYPE.search(_kind_of(address)))
    old_reads = dict(_local_reads(before.body, everything))
    for setting, names in _local_reads(after.body, everything):
        if old_reads.get(setting) != names or setting.split(".")[0] in ignored:
            continue  # its text changed, `_changed` judged it; or Terraform leaves it as it is
        for name in names:
            if _local_changed(name, module, fresh):
                return finding("security", address, f"{setting} reads local.{name}, which changed", after.line)
    return None


def _local_changed(name: str, module: Module, fresh: Mapping[str, object]) -> bool:
    """Whether `local.NAME`, or one key of it (`NAME.key`, read as `local.NAME["key"]`), comes to something
    else after the change set; a key of a map read where another key changed is the same."""
    local, _, key = name.partition(".")
    if key and local in module.locals_old and local in module.locals_new:
        old_key, new_key = (_key_of(local, key, side) for side in (module.locals_old, module.locals_new))
        return bool(old_key != new_key) and not _only_guarded(old_key, new_key)
    old_full, new_full = (_inlined(f"local.{local}", side) for side in (module.locals_old, module.locals_new))
    if old_full == new_full:
        return False
    old_value, new_value = (_canonical(hcl.Expression(full), fresh) for full in (old_full, new_full))
    return bool(old_value != new_value) and not _only_guarded(old_value, new_value)


def _key_of(name: str, key: str, side: Mapping[str, tuple[str, Any]], depth: int = 0) -> Any:
    """What `local.NAME["key"]` comes to on one side, as far as the files read say: a map's entry (with the
    locals it reads written out); for `merge(local.a, var.b)` the expression with each local map's entry;
    for another local, `local.a`, or an entry of one picked at run time, `local.by_env[local.env]`, that
    local's (each entry's) entry; for any other expression, all of it with its locals written out. A map's
    other keys are left aside."""
    value = side.get(name)
    if value is None:
        return None  # defined in a file the change does not touch: the same on both sides
    canonical = value[1]
    if _is_map(canonical):
        return _entry(dict(canonical).get(key), key, side, depth)
    if not (isinstance(canonical, tuple) and canonical[:1] == ("expr",)) or depth >= _INLINE_DEPTH:
        return canonical
    text = canonical[1]
    if (same := _LOCAL.fullmatch(text)) is not None:
        return _key_of(same.group(1), key, side, depth + 1)
    if (picked := _PICKED.fullmatch(text)) is not None:
        entries = side.get(picked.group(1))
        if entries is not None and _is_map(entries[1]):
            return tuple(_entry(entry, key, side, depth + 1, pick=True) for _, entry in entries[1])
    if "merge(" in text:
        return text, tuple(_key_of(r, key, side, depth + 1) for r in _LOCAL.findall(text))
    return _inlined(text, side)


def _entry(value: Any, key: str, side: Mapping[str, tuple[str, Any]], depth: int, pick: bool = False) -> Any:
    """A map entry as `_key_of` compares it: a local it names followed (with `pick`, the entry is itself the
    map the key is read from), any other expression with its locals written out."""
    if not (isinstance(value, tuple) and value[:1] == ("expr",)):
        return dict(value).get(key) if pick and _is_map(value) else value
    if pick and (same := _LOCAL.fullmatch(value[1])) is not None:
        return _key_of(same.group(1), key, side, depth + 1)
    return _inlined(value[1], side)


def _is_map(canonical: Any) -> bool:
    """A canonical map value: pairs of a string key and a value."""
    return isinstance(canonical, tuple) and all(
        isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) for pair in canonical
    ) and canonical[:1] != ("expr",)


def _local_reads(body: hcl.Body, everything: bool, prefix: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """(dotted setting name, the locals it reads) for the security settings of a body that read any."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for item in body.items:
        if isinstance(item, hcl.Attribute):
            if item.name in _LABELS or not (everything or SETTING.search(item.name)):
                continue
            names = tuple(sorted({f"{m[0] or m[2]}.{m[1] or m[3] or m[4]}".rstrip(".")
                                  for m in _LOCAL_KEY.findall(_text(item.value))}))
            if names:
                found.append((f"{prefix}{item.name}", names))
        else:
            label = item.labels[0] if item.type == "dynamic" and item.labels else item.type
            found += _local_reads(item.body, everything or _setting_block(label), f"{prefix}{label}.")
    return found


def _one(text: str, module: Module, fresh: Mapping[str, object]) -> bool:
    """A `count` that comes to one (or `true`) with the new inputs at their defaults."""
    folded = defaults.evaluate(_inlined(text, module.locals_new), fresh)
    return folded is True or (isinstance(folded, float) and folded == 1)


# Local values written out into an expression at most this deep.
_INLINE_DEPTH = hcl.INLINE_DEPTH


# One reference in parentheses that add nothing (`(module.this.enabled) ? 1 : 0`, a local that is one reference
# written out): not a call's or an index's own (`length(var.x)`).
_BARE_REFERENCE = patterns.compile(
    r'(?<![\w\])\]])\(\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[(?:\d+|"[^"\\$]*")\])*)\s*\)'
)


def _bare(code: str) -> str:
    """`code` without parentheses around a lone reference, which binds as tightly without them."""
    while "(" in code and (unwrapped := _BARE_REFERENCE.sub(r"\1", code)) != code:
        code = unwrapped
    return code


def _inlined(text: str, local_values: Mapping[str, tuple[str, Any]]) -> str:
    """`text` with every `local.NAME` it reads (and they read) written out as `(expression)`."""
    def written(name: str) -> str | None:
        value = local_values.get(name)
        if value is None:
            return None  # defined in a file the change does not touch: the same on both sides
        canonical = value[1]
        return f"({canonical[1]})" if isinstance(canonical, tuple) and canonical[:1] == ("expr",) else repr(canonical)

    return hcl.inline_locals(text, written)


def _changed(
    address: str, before: hcl.Block, after: hcl.Block, unset: frozenset[Any], fresh: Mapping[str, object],
    ignored: frozenset[str] = frozenset(), local_values: Mapping[str, tuple[str, Any]] = MappingProxyType({}),
    renamed: Mapping[str, str] = MappingProxyType({}), optional: AbstractSet[str] = frozenset(),
) -> Finding | None:
    kind_of = _kind_of(address)
    if watches(kind_of):
        return None  # an alarm or a dashboard only watches: none of its settings opens anything
    old_items, new_items = ({name: value for name, value in _settings(block.body, fresh).items()
                             if name.split(".")[0] not in ignored} for block in (before, after))
    if address.startswith("module."):
        old_items.update(_reached(before, fresh))
        new_items.update(_reached(after, fresh))
    if renamed:
        old_items = {name: _reads_renamed(value, renamed) for name, value in old_items.items()}
    # A new `dynamic` block that makes nothing unless the caller asks for it (none of its kind before); looked
    # for only when a setting is new.
    offered = _opt_in_blocks(after.body) - {name.split(".")[0] for name in old_items} if (
        new_items.keys() - old_items.keys()) else set()
    for name in list(new_items):
        # A new setting bound to a variable that defaults to nothing, or read from a caller's map with a
        # null fallback, changes nothing until a caller sets it.
        if name not in old_items and (new_items[name] in unset or _null_unless_given(new_items[name]) or (
            name.split(".")[0] in offered
        ) or _reads_attribute(new_items[name], optional)):
            del new_items[name]
    # An access resource's opt-in block (a `dynamic "statement"` behind a new `false` input) is a new way to
    # grant access, so it counts; an argument bound to a new input that defaults to null still does not.
    old_settled, new_settled = (tuple(item for item in _settled(block.body, fresh, True) if item[1] not in ignored)
                                for block in (before, after))
    if renamed:
        old_settled = _reads_renamed(old_settled, renamed)
    if SENSITIVE_TYPE.search(kind_of) and not _only_narrowed(old_settled, new_settled):
        return finding("security", address, f"{kind_of} changed: it decides who or what can reach a resource",
                       after.line)
    for gone, came in _identified_anew(old_items, new_items):
        del old_items[gone], new_items[came]
    if address.startswith("module."):
        for gone, came in _input_renamed(old_items, new_items):
            del old_items[gone], new_items[came]
    names = sorted({n for n in old_items.keys() | new_items.keys() if old_items.get(n) != new_items.get(n)
                    and not _only_narrowed(old_items.get(n), new_items.get(n), n)
                    and not _logging_turned_on(n, old_items.get(n), new_items.get(n))
                    and not _protection_turned_on(n, old_items.get(n), _local_value(new_items.get(n), local_values))
                    and not _only_guarded(old_items.get(n), new_items.get(n))} | _opened_to_everyone(
                        before.body, after.body, ignored))
    if names:
        shown = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        return finding("security", address, f"security settings changed: {shown}", after.line)
    if address.startswith("data.") and _reads_renamed(_canonical(before.body), renamed) != _canonical(after.body):
        return finding("data", address, "data source changed", after.line)
    return None


# Every address there is (`0.0.0.0/0`, `::/0`), written as a literal.
_EVERY_ADDRESS = patterns.compile(r"(?<![\w.:/])(?:0\.0\.0\.0/0|::/0)(?![\w/])")


def _opened_to_everyone(before: hcl.Body, after: hcl.Body, ignored: AbstractSet[str]) -> set[str]:
    """Arguments, whatever their names, whose value now holds every address and did not (a module call's
    `user_ips = ["0.0.0.0/0"]` where it passed `var.user_ips`: whatever the module does with the list, it now
    lets in the whole internet)."""
    old = before.attributes
    return {name for name, argument in after.attributes.items()
            if name not in ignored and _EVERY_ADDRESS.search(repr(argument.value))
            and not (name in old and _EVERY_ADDRESS.search(repr(old[name].value)))}


# Settings that keep a record of who reached a resource: `access_logs`, `logging_config`, `enable_logging`.
_LOGGING = patterns.compile(r"(?i)log")
_ON = (True, "true")


def _logging_turned_on(name: str, before: Any, after: Any) -> bool:
    """A log of who reached a resource turned on, and nothing else about it changed (`enable_logging = true`
    added, `access_logs { enabled = true }` where it said nothing or `false`): more is written down, and
    nothing opens."""
    if not _LOGGING.search(name.rsplit(".", 1)[-1]):
        return False
    if after in _ON:
        return _was_off(before)
    if not (isinstance(before, tuple) and isinstance(after, tuple) and len(before) == len(after)):
        return False
    return all(
        isinstance(old, tuple) and isinstance(new, tuple) and _without_enabled(old) == _without_enabled(new)
        and _enabled(new) in _ON
        for old, new in zip(before, after, strict=True)
    )


# Settings that keep a resource (or a bucket's object versions) from being deleted or terminated by mistake,
# or its data restorable after one (a DynamoDB table's point-in-time recovery, backups taken).
_PROTECTION = patterns.compile(
    r"(?i)^(?:enable_)?(?:deletion|termination)_protection$|^disable_api_termination$|^mfa_delete$"
    r"|^(?:enable_)?point_in_time_recovery(?:_enabled)?$|^(?:enable_)?backups?(?:_enabled)?$"
)


def _protection_turned_on(name: str, before: Any, after: Any) -> bool:
    """Deletion protection turned on where it was off or unset (`enable_deletion_protection = true`,
    a bucket's `versioning.mfa_delete = true`), or point-in-time recovery (`point_in_time_recovery {
    enabled = true }`, a module's `point_in_time_recovery_enabled`): the resource is harder to lose, and
    nothing opens. Turned off, it stays a change."""
    parts = name.split(".")
    switch = parts[-2] if parts[-1] == "enabled" and len(parts) > 1 else parts[-1]
    return bool(_PROTECTION.match(switch)) and _switch(after) in _ON and _was_off(_switch(before))


def _switch(value: Any) -> Any:
    """A block that only says whether it is on (`point_in_time_recovery { enabled = true }`) as that flag."""
    if isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], tuple) and value[0] and not (
        _without_enabled(value[0])
    ):
        return _enabled(value[0])
    return value


def _local_value(value: Any, local_values: Mapping[str, tuple[str, Any]]) -> Any:
    """A setting that reads one local value (`local.enable_point_in_time_recovery`) as that value, when the
    change set's files define it."""
    if isinstance(value, tuple) and value[:1] == ("expr",) and len(value) == 2 and isinstance(value[1], str):
        match = _LOCAL.fullmatch(value[1].strip())
        defined = local_values.get(match.group(1)) if match else None
        if defined is not None:
            return defined[1]
    return value


def _was_off(before: Any) -> bool:
    """A switch that said nothing or `false` before."""
    return before is None or before in (False, "false")


def _only_guarded(before: Any, after: Any) -> bool:
    """One side wraps what the other computes in `try(...)` and nothing else differs
    (`var.node_role_arn[0]` -> `try(var.node_role_arn[0], null)`): the same value wherever the unguarded one
    has one; where it has none, Terraform stopped with an error and applied nothing. A fallback changed
    (`try(a, b)` -> `try(a, c)`) is a change. The deprecated two-argument `lookup(map, "key")` is `map["key"]`."""
    def code(value: Any) -> str | None:
        if isinstance(value, str):
            return value
        return str(value[1]) if isinstance(value, tuple) and value[:1] == ("expr",) and len(value) == 2 else None

    old, new = code(before), code(after)
    if old is None or new is None:
        return False
    old, new = defaults.lookups_as_indexes(old), defaults.lookups_as_indexes(new)
    if old == new:
        return True  # `lookup(var.settings, "bucket_name")` -> `var.settings["bucket_name"]`: the same value
    def unguarded(code: str) -> str:  # written as `_canonical` writes the unguarded expression
        return _bare(_FIRST_INSTANCE.sub(r"\1", defaults.without_try(code)))

    return old.count("try(") != new.count("try(") and unguarded(old) == unguarded(new)


def _without_enabled(body: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(item for item in body if not (isinstance(item, tuple) and item[:2] == ("=", "enabled")))


def _enabled(body: tuple[Any, ...]) -> Any:
    return next((item[2] for item in body if isinstance(item, tuple) and item[:2] == ("=", "enabled")), None)


def _only_narrowed(before: Any, after: Any, name: str = "") -> bool:
    """Two canonical bodies or values that are equal but for lists of whom they let in that lost entries
    (`cidr_blocks` in an `ingress` block): the resource lets fewer in, and none it did not before."""
    if before == after or narrowed(name, before, after):
        return True
    if not (isinstance(before, tuple) and isinstance(after, tuple) and len(before) == len(after)):
        return False
    for old, new in zip(before, after, strict=True):
        if isinstance(old, tuple) and isinstance(new, tuple) and old[:1] == new[:1] == ("=",):
            if old[1] != new[1] or not _only_narrowed(old[2], new[2], old[1]):
                return False
        elif isinstance(old, tuple) and isinstance(new, tuple) and old[:1] == new[:1] == ("{",):
            if old[1:3] != new[1:3] or not _only_narrowed(old[3], new[3], old[1]):
                return False
        elif not _only_narrowed(old, new, name):
            return False
    return True


# What only labels a resource: its tags, however written (`tags { ... }` or `tags = { ... }`), its description
# for people reading the console, and how long Terraform waits for it.
_MARKS = frozenset({"tags", "tags_all", "labels", "timeouts", "description"})


def _optional_nulls(old: Mapping[str, Placed], new: Mapping[str, Placed]) -> frozenset[str]:
    """The object attributes the change declares optional, defaulting to null (`defaults.optional_nulls`), in
    the types of the variables whose type it wrote anew; a type left as it was is not read."""
    found: set[str] = set()
    for name, placed in new.items():
        now = _type_text(placed)
        was = _type_text(old[name]) if name in old else ""
        if now != was and "optional(" in now:
            found |= defaults.optional_nulls(now) - (defaults.optional_nulls(was) if was else frozenset())
    return frozenset(found)


def _type_text(placed: Placed) -> str:
    kind = placed.block.body.attributes.get("type")
    return "" if kind is None else _text(kind.value)


# An attribute of what a caller gives, read whole: `each.value.tier`, `each.value["tier"]`, `var.settings.tier`.
_ATTRIBUTE_READ = patterns.compile(r'(?:each\.value|var\.[\w-]+)(?:\[[^\[\]]*\])?(?:\.(\w+)|\["(\w+)"\])')


def _reads_attribute(canonical: Any, optional: AbstractSet[str]) -> bool:
    """A setting that only reads an attribute of a caller's object that the change declares optional with a
    null default (`instance_reuse_policy = each.value["instance_reuse_policy"]`, `optional(object(...), null)`):
    where no caller gives it, the argument is left out, as before."""
    if not optional or not (isinstance(canonical, tuple) and canonical[:1] == ("expr",)):
        return False
    match = _ATTRIBUTE_READ.fullmatch(str(canonical[1]))
    return match is not None and (match.group(1) or match.group(2)) in optional


def _renamed_variables(module: Module) -> dict[str, str]:
    """The variables the change set renamed: one that went and one that came with the same type, default and
    sensitivity (and, among several such, description), the only such pair (`storage_lifecycle_rules` ->
    `storage_bucket_lifecycle_rules`, both a `list` defaulting to `[]`). A caller that set the old name must now
    set the new one to the same value (Terraform rejects an argument the module does not declare), and one that
    did not gets the same default."""
    gone = [name for name in module.variables_old if name not in module.variables_new]
    came = [name for name in module.variables_new if name not in module.variables_old]
    if not gone or not came:
        return {}

    def shape(placed: Placed, described: bool) -> tuple[str, ...]:
        found = (_default(placed.block), _type_text(placed).strip('"'), _sensitive(placed.block))
        if not described:
            return found
        description = placed.block.body.attributes.get("description")
        return (*found, _text(description.value) if description is not None else "")

    pairs: dict[str, str] = {}
    # Paired by type, default and sensitivity; where several inputs share those, by their descriptions too.
    for described in (False, True):
        old_shapes = {name: shape(module.variables_old[name], described) for name in gone if name not in pairs}
        new_shapes = {name: shape(module.variables_new[name], described) for name in came
                      if name not in pairs.values()}
        for name, old_shape in old_shapes.items():
            matches = [other for other, new_shape in new_shapes.items() if new_shape == old_shape]
            if len(matches) == 1 and list(old_shapes.values()).count(old_shape) == 1:
                pairs[name] = matches[0]
    return pairs


def _reads_renamed(value: Any, renamed: Mapping[str, str]) -> Any:
    """A canonical value with each `var.OLD` it reads written as the variable's new name."""
    if isinstance(value, tuple):
        return tuple(_reads_renamed(item, renamed) for item in value)
    if isinstance(value, str) and "var." in value:
        return force_new.VARIABLE.sub(lambda m: f"var.{renamed.get(m.group(1), m.group(1))}", value)
    return value


def _settled(body: hcl.Body, fresh: Mapping[str, object], opt_in: bool = False) -> tuple[Any, ...]:
    """A resource's body, canonical, without its `count` and `for_each` (`_recounted` judges those) and what
    only labels it (`tags`, `labels`, `timeouts`); with `opt_in`, blocks absent while new inputs keep their
    defaults are kept."""
    return tuple(item for item in _canonical(body, fresh, opt_in)
                 if not (item[0] == "=" and item[1] in _REPEATS) and item[1] not in _MARKS)


def _setting_block(label: str) -> bool:
    """A nested block that is a security setting as a whole. A Kubernetes object's `metadata { name = ... }`
    block names and labels it; an instance's metadata (`metadata_options`, Google's `metadata = {...}`
    attribute with its SSH keys and startup script) is a setting."""
    return label != "metadata" and bool(SETTING.search(label))


# An argument that names an object by its ID or its ARN (`kms_key_id`, `kms_key_arn`), and a reference to one
# of those attributes of an object (`module.kms_key.id`).
_IDENTIFIED = patterns.compile(r"^(.+)_(?:id|arn)$")
_IDENTIFIER = patterns.compile(r"^(.+)\.(?:id|arn)$")


def _identified_anew(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Pairs of a setting gone and one new that name the same object another way: `kms_key_id =
    module.kms_key.id` become `kms_key_arn = module.kms_key.arn` (a called module now asking for the key's
    ARN) is the same key."""
    def named(items: Mapping[str, Any], name: str) -> tuple[str, str] | None:
        """(what the setting names, the object its value reads) for an ID or ARN read from an object."""
        setting, value = _IDENTIFIED.match(name), items[name]
        reference = _IDENTIFIER.match(value[1]) if isinstance(value, tuple) and value[:1] == ("expr",) else None
        return (setting.group(1), reference.group(1)) if setting is not None and reference is not None else None

    came = {name: found for name in sorted(new.keys() - old.keys()) if (found := named(new, name)) is not None}
    pairs = []
    for gone in sorted(old.keys() - new.keys()):
        found = named(old, gone)
        same = next((name for name, other in came.items() if found is not None and other == found), None)
        if same is not None:
            pairs.append((gone, same))
            del came[same]
    return pairs


def _input_renamed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Pairs of a module call's input gone and one new given the very same reference, each the only one given
    it (`egress_to_db_security_group_id = module.database.rds_security_group_id` become `db_security_group_id
    = ...`): the module renamed its input, and it gets what it got. A literal may be anything's value."""
    def references(items: Mapping[str, Any], names: Iterable[str]) -> dict[Any, list[str]]:
        found: dict[Any, list[str]] = {}
        for name in names:
            value = items[name]
            if isinstance(value, tuple) and value[:1] == ("expr",):
                found.setdefault(value, []).append(name)
        return found

    gone, came = references(old, sorted(old.keys() - new.keys())), references(new, sorted(new.keys() - old.keys()))
    return [(names[0], came[value][0]) for value, names in gone.items()
            if len(names) == 1 and len(came.get(value, ())) == 1]


# A module published to manage IAM (`terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts`),
# and the inputs of its that name resources by ARN (`cert_manager_hosted_zone_arns`): what the role or policy it
# makes may reach.
_IAM_MODULE = patterns.compile(r"(?i)(?:^|[/_-])iam(?:$|[/_-])")
_ARNS = patterns.compile(r"(?i)_arns?$")


def _reached(block: hcl.Block, fresh: Mapping[str, object]) -> dict[str, Any]:
    """The ARN inputs of a call of an IAM module, by name, canonical."""
    if not _IAM_MODULE.search(_literal(block, "source") or ""):
        return {}
    return {name: _canonical(attribute.value, fresh) for name, attribute in block.body.attributes.items()
            if _ARNS.search(name)}


def _settings(body: hcl.Body, fresh: Mapping[str, object], prefix: str = "") -> dict[str, Any]:
    """The security-sensitive attributes and nested blocks of a body, by dotted name, canonical."""
    found: dict[str, Any] = {}
    nested: dict[str, list[dict[str, Any]]] = {}
    for item in body.items:
        if isinstance(item, hcl.Attribute):
            name = f"{prefix}{item.name}"
            if SETTING.search(item.name) or _PROTOCOL.search(item.name):
                value = _canonical(item.value, fresh)
                if not _transport_only(item.name, value) and not _unset(item, value, fresh):
                    found[name] = value
        elif not _absent(item, fresh):
            label = item.labels[0] if item.type == "dynamic" and item.labels else item.type
            name = f"{prefix}{label}"
            if _setting_block(label):
                found[name] = (*found.get(name, ()), _canonical(item.body, fresh))  # comparable and hashable
            else:
                nested.setdefault(name, []).append(_settings(item.body, fresh, f"{name}."))
    for instances in nested.values():
        if len(instances) == 1:
            found.update(instances[0])
            continue
        # A block written several times (a web ACL's `rule`s, a distribution's cache behaviours): each setting
        # as the set of the values its blocks give it, so a rule with a new statement anywhere among the
        # others counts, and one more block with the values others already have does not.
        for setting in sorted({name for instance in instances for name in instance}):
            found[setting] = _value_set(instance[setting] for instance in instances if setting in instance)
    return found


# A transport's protocol (`protocol`, `backend_protocol`, a health check's) is a setting where it says
# whether traffic is encrypted: `HTTPS` -> `HTTP` on a target group sends it in the clear.
_PROTOCOL = patterns.compile(r"(?i)(?:^|_)protocol$")
_ENCRYPTED = patterns.compile(r"(?i)https|tls|ssl")


def _transport_only(name: str, value: Any) -> bool:
    """A protocol that names a transport and says nothing of encryption (`protocol = "TCP"`)."""
    return not SETTING.search(name) and not _ENCRYPTED.search(str(value))


def _value_set(values: Iterable[Any]) -> frozenset[Any]:
    listed = list(values)
    try:
        return frozenset(listed)
    except TypeError:  # a value that is no plain value
        return frozenset(repr(value) for value in listed)


# `aws_s3_bucket.this[0].id` and `aws_s3_bucket.this.id` name one object (the first, once the resource
# has a `count`): a reference that gained or lost `[0]` is no change. Variables and locals keep theirs.
# (`_only_required_conditions` finds the resources a block reads by their first instance with it too.)
_FIRST_INSTANCE = patterns.compile(
    r"\b((?:data\.)?(?!(?:var|local|each|count|self|path|terraform)\.)[A-Za-z][\w-]*\.[\w-]+)\[0\](?=\.)"
)
# `aws_s3_bucket.default.*.id` is the older spelling of `aws_s3_bucket.default[*].id`: the two differ only
# when an index follows the attributes (`a.*.b[0]` indexes the list, `a[*].b[0]` each element), so a
# splat followed by attributes alone is written the newer way before comparing.
_LEGACY_SPLAT = patterns.compile(r"(?<=[\w\])])\.\*((?:\.[A-Za-z_][\w-]*)*)(?![\w.\[-])")
# The AWS provider's `aws_region` data source names its region `region` since version 6, `name` before (still
# read, deprecated): `data.aws_region.current.name` and `.region` are the same value wherever the newer spelling
# plans at all, so the older is written the newer way before comparing.
_REGION_NAME = patterns.compile(r"\b(data\.aws_region\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?)\.name\b")
# Expressions worth folding when new variables are at their defaults: both sides are folded alike.
_FOLDABLE = patterns.compile(r"\?|&&|\|\||[!=]=|\bvar\.")


# A string that is one interpolation and nothing else (`"${r.name}"`), not one with text around it (`"${a}-logs"`).
_LONE_INTERPOLATION = patterns.compile(r'"\$\{[^{}"]*\}"')


def _canonical(value: Any, fresh: Mapping[str, object] | None = None, opt_in: bool = False) -> Any:
    """A comparable form of a value or body: layout in expressions does not count (`! var.a` is
    `!var.a`, as `terraform fmt` writes it). With `fresh`
    (new variables at their defaults), expressions are folded, a null argument is no argument and a
    `dynamic` block whose `for_each` comes to nothing is no block (unless `opt_in` and it is named for a setting:
    a `dynamic "statement"` is a new way to grant access, a WAF action's `custom_response` is not)."""
    if isinstance(value, hcl.Body):
        # A body's arguments by name (written in any order, they are the same settings), then its blocks in
        # the order written (a web ACL's rules, a distribution's ordered cache behaviours: their order counts).
        arguments: list[tuple[Any, ...]] = []
        blocks: list[tuple[Any, ...]] = []
        for item in value.items:
            if isinstance(item, hcl.Attribute):
                if item.name.lower() in ("sid", "depends_on"):
                    continue  # a policy statement's label; the order Terraform applies things in
                canonical = _canonical(item.value, fresh)
                if not _unset(item, canonical, fresh):
                    arguments.append(("=", item.name, canonical))
            elif (opt_in and _setting_block(_block_name(item))) or not _absent(item, fresh):
                body = _canonical(item.body, fresh, opt_in)
                if item.type == "lifecycle":
                    # Whether a replacement is created before the old one is destroyed is the order Terraform
                    # applies things in; what the resource lets in is the same.
                    body = tuple(entry for entry in body if entry[:2] != ("=", "create_before_destroy"))
                    if not body:
                        continue
                blocks.append(("{", item.type, item.labels, body))
        return tuple(sorted(arguments, key=lambda argument: str(argument[1])) + blocks)
    if isinstance(value, hcl.Expression):
        text = _LEGACY_SPLAT.sub(r"[*]\1", _FIRST_INSTANCE.sub(r"\1", value.text))
        text = _REGION_NAME.sub(r"\1.region", text)
        if (tuples := defaults.lists_as_tuples(text)) != text:  # Terraform 0.11's `list(a, b)` is `[a, b]`
            return _canonical(hcl.value(tuples), fresh)  # read as the file's values are: `[a, b]` is a list
        # A string that is one interpolation is that expression (`"${r.name}"` is `r.name`), wherever it sits.
        if (fresh and _FOLDABLE.search(text)) or ('"${' in text and _LONE_INTERPOLATION.search(text)):
            folded = defaults.evaluate(text, fresh or {})
            if not isinstance(folded, defaults.Residual):
                return folded
            code = layout.without_layout(folded.text)
            if code != layout.without_layout(text):
                return _canonical(hcl.value(folded.text))  # what is left is read as the file's values are
            return ("expr", _bare(code))
        return ("expr", _bare(layout.without_layout(text)))
    if isinstance(value, dict):
        return tuple(sorted((k, _canonical(v, fresh)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_canonical(v, fresh) for v in value)
    return value


def _unset(argument: hcl.Attribute, canonical: Any, fresh: Mapping[str, object] | None) -> bool:
    """With the new variables at their defaults, an argument (`canonical` its folded value) that is
    null, or is one of them defaulting to nothing, sets nothing."""
    if not fresh or not isinstance(argument.value, hcl.Expression):
        return False
    text = argument.value.text.strip()
    if text.startswith("var.") and text[4:] in fresh:
        return defaults.is_nothing(fresh[text[4:]])
    return canonical is None


# `try(each.value.x, null)`, `try(var.settings.x, var.default_x, null)`: a value the caller may give, else
# nothing (`null`, `{}`, `[]`); and the older spelling, a key looked up in what the caller gives (a variable,
# `each.value`, a `dynamic` block's iterator, not a module's own locals), nothing as the fallback:
# `lookup(i.value, "response_headers_policy_id", null)`, `lookup(each.value, "failover_routing_policy", {})`.
_GIVEN_OR_NOTHING = patterns.compile(
    r"\btry\((?:[^()]|\([^()]*\))*?,\s*(?P<tried>null|\{\}|\[\])\s*\)"
    r"|\blookup\(\s*(?:var\.\w+|\w+\.value)(?:\.\w+|\[[^\[\]]*\])*\s*,\s*\\?[\"'][\w-]+\\?[\"']\s*,"
    r"\s*(?P<looked_up>null|\{\}|\[\])\s*\)"
)


def _ungiven(text: str) -> str | None:
    """`text` as it reads where the caller gives none of the values it may give (each `try` or `lookup` above
    at its fallback); None if it reads none."""
    if not _GIVEN_OR_NOTHING.search(text):
        return None
    return _GIVEN_OR_NOTHING.sub(lambda m: m.group("tried") or m.group("looked_up"), text)


def _null_unless_given(canonical: Any) -> bool:
    """An expression that comes to null wherever it reads what a caller may give through `try(..., null)`
    (`try(each.value.protocol, null) == "HTTPS" ? try(each.value.header_name, null) : null`): a new
    argument written so is opt-in, as one bound to a new variable that defaults to null is."""
    ungiven = _ungiven(canonical[1]) if isinstance(canonical, tuple) and canonical[:1] == ("expr",) else None
    return ungiven is not None and defaults.evaluate(ungiven, {}) is None


def _block_name(block: hcl.Block) -> str:
    """What a block sets: a `dynamic` block's label (`dynamic "statement"`), else its type."""
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _opt_in_blocks(body: hcl.Body) -> set[str]:
    """The `dynamic` blocks of a body that make nothing unless the caller gives them something to make
    (`for_each = length(keys(lookup(each.value, "failover_routing_policy", {}))) == 0 ? [] : [true]`)."""
    found = set()
    for block in body.blocks:
        repeat = _repeat(block) if block.labels else None
        ungiven = _ungiven(repeat) if repeat is not None else None
        if ungiven is not None and defaults.is_empty(defaults.evaluate(ungiven, {})):
            found.add(block.labels[0])
    return found


def _repeat(block: hcl.Block) -> str | None:
    """The `for_each` expression of a `dynamic` block: what decides whether it makes anything."""
    repeat = block.body.attributes.get("for_each") if block.type == "dynamic" else None
    return repeat.value.text if repeat is not None and isinstance(repeat.value, hcl.Expression) else None


def _absent(block: hcl.Block, fresh: Mapping[str, object] | None) -> bool:
    """A `dynamic` block that, with the new variables at their defaults, makes nothing; or a block switched
    off by a new variable at its default (`enabled = var.enable_x`, `false`) whose other settings are all
    new variables defaulting to nothing: an add-on offered, not turned on."""
    if not fresh:
        return False
    if block.type != "dynamic":
        return _switched_off(block, fresh)
    repeat = _repeat(block)
    return repeat is not None and defaults.is_empty(defaults.evaluate(repeat, fresh))


def _switched_off(block: hcl.Block, fresh: Mapping[str, object]) -> bool:
    attributes = block.body.attributes
    enabled = attributes.get("enabled")
    if enabled is None or len(block.body.items) != len(attributes) or not isinstance(enabled.value, hcl.Expression):
        return False
    if defaults.evaluate(enabled.value.text, fresh) is not False:
        return False
    return all(
        isinstance(a.value, hcl.Expression) and defaults.is_nothing(defaults.evaluate(a.value.text, fresh))
        for name, a in attributes.items() if name != "enabled"
    )


def _sensitive(block: hcl.Block) -> str:
    """A variable's or output's `sensitive` flag as written (`false` when not set)."""
    attribute = block.body.attributes.get("sensitive")
    return "false" if attribute is None else _text(attribute.value).lower()


def _default(block: hcl.Block) -> str:
    """A variable's default as text, a bool or number as Terraform converts it to a string (`false` and
    `"false"` are the same default, as a Terraform 0.11 module writes it); "(none)" when it has none."""
    attribute = block.body.attributes.get("default")
    if attribute is None:
        return "(none)"
    value = attribute.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


def _default_value(block: hcl.Block) -> Any:
    """A variable's default, canonical; None when it has none (a required variable)."""
    attribute = block.body.attributes.get("default")
    return None if attribute is None else _canonical(attribute.value)


def _text(value: Any) -> str:
    if isinstance(value, hcl.Expression):
        return _SPACE.sub(" ", value.text.strip())
    return repr(value) if not isinstance(value, str) else value


def _what(address: str) -> str:
    if address.startswith("data."):
        return "data source"
    return "module" if address.startswith("module.") else "resource"
