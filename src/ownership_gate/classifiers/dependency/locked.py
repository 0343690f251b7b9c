"""What lockfiles say that manifests do not.

Majors under an open constraint: a direct dependency whose manifest admits
any version (`gem "stripe"`, `"foo": "*"`, `>= 1.2`) is upgraded by the
lockfile alone, so when a changed lockfile moves it across a major version
(13.3.1 -> 14.0.0), or a package whose minor releases break across a minor
one (Django 4.1 -> 4.2, `feature_releases.py`), that is a `major` finding
on the lockfile. The manifest read is the one the lockfile locks, in its
own folder (`LOCKFILES` of the ecosystem), changed or not.

Already installed: a package a manifest starts to require that the old
lockfile already held (as a dependency of another package) was installed
before the change, so it is `changed`, not `added`. The lockfile asked is
the nearest one of the ecosystem in the manifest's folder or above it (a
workspace's root lockfile).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterator, Mapping

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.dependency import read
from ownership_gate.classifiers.dependency.compare import TYPE, package_step
from ownership_gate.classifiers.dependency.ecosystems.base import Ecosystem, ManifestError, Requirement, widest
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, admits_any
from ownership_gate.classifiers.dependency.feature_releases import breaking_minor
from ownership_gate.classifiers.dependency.versions.ranges import release
from ownership_gate.model import Change, Finding

ALREADY_HELD = "already installed as a dependency of another package; now required directly"
# Ecosystems that install two majors of a package side by side (npm's nested node_modules, Cargo's
# semver-incompatible versions): requiring the next major directly adds it, and leaves the one another
# package uses where it was. The others resolve one version per package, so requiring it upgrades it.
SIDE_BY_SIDE = frozenset({"npm", "cargo"})
ALREADY_USED = "already used by this module's resources or the local modules it calls; now required directly"
CALLERS_USE = "already used by the module that calls this one, whose configuration provides it"


def locks(ecosystem: Ecosystem) -> dict[str, str]:
    """The ecosystem's lockfile names, each with the manifest it locks ({} when none is read)."""
    return dict(getattr(ecosystem, "LOCKFILES", {}))


def locked_majors(
    change: Change, context: Context, ecosystem: Ecosystem, reported: Mapping[str, Collection[str]],
    zero_major: bool,
) -> list[Finding]:
    """The major steps a changed lockfile makes to open direct dependencies of its manifest,
    except those a finding of the manifest reports (`reported`: changed manifests' subjects)."""
    manifest = locks(ecosystem).get(posixpath.basename(change.path))
    if manifest is None or change.new_oid is None:
        return []
    manifest_path = posixpath.join(posixpath.dirname(change.path), manifest)
    required = _required(context.new_file(manifest_path), manifest_path, ecosystem)
    scopes: dict[str, list[str]] = {}
    constraints: dict[str, str] = {}
    bounded: set[str] = set()
    for requirement in required:
        if requirement.indirect or not admits_any(requirement.constraint):
            bounded.add(requirement.name)
        scopes.setdefault(requirement.name, []).append(requirement.scope)
        constraints.setdefault(requirement.name, requirement.constraint)
    open_names = sorted(scopes.keys() - bounded - set(reported.get(manifest_path, ())))
    if not open_names:
        return []
    try:
        new = read.lock(context.new(change), change.path, ecosystem)
    except ManifestError as exc:
        detail = f"lockfile no longer parses, so the versions {manifest} leaves to it are unknown: {exc}"
        return [Finding(type=TYPE, kind="unparsed", subject=change.path, ecosystem=ecosystem.NAME, line=exc.line,
                        detail=detail)]
    try:
        old = read.lock(context.old(change), change.source_path, ecosystem)
    except ManifestError:
        return []  # the old side was broken: no step can be measured
    found = []
    for name in open_names:
        before, after = old.version(name, constraints[name]), new.version(name, constraints[name])
        if before is None or after is None:
            continue
        kind = package_step(ecosystem.NAME, release(before), release(after), zero_major)
        breaking = breaking_minor(ecosystem.NAME, name) if kind == "minor" else None
        if kind == "major" or breaking is not None:
            detail = f"locked {before} -> {after}; the manifest allows any version" + (
                f"; {breaking}" if breaking else "")
            found.append(Finding(
                type=TYPE, kind="major", subject=name, ecosystem=ecosystem.NAME, from_=before, to=after,
                scope=widest(scopes[name]), detail=detail,
            ))
    return found


def _required(data: bytes | None, path: str, ecosystem: Ecosystem) -> list[Requirement]:
    """What the manifest requires; where it holds code its reader cannot account for (a Gemfile's own
    method), what it requires around that code, which the lockfile still decides; none when it does not
    read (the manifest's own finding says so)."""
    return read.as_far_as_it_reads(data, path, ecosystem)


def already_held(change: Change, context: Context, ecosystem: Ecosystem, findings: list[Finding]) -> list[Finding]:
    """`findings` with each package a manifest starts to require that the old lockfile already held
    turned `changed` (`added`) or left as it was (a new indirect entry, `lockfile`); either is `major`
    when the lockfile held it only at an earlier major version than the one now required."""
    if not any(_new_entry(f) for f in findings):
        return findings
    lock = _lock_before(change, context, ecosystem)
    held = dict.fromkeys(lock.held, ALREADY_HELD)
    if ecosystem.NAME == "terraform":
        held.update(dict.fromkeys(_callers_used(change, context, ecosystem), CALLERS_USE))
        held.update(dict.fromkeys(_callees_required(change, context, ecosystem), ALREADY_USED))
    zero_major = bool(context.settings(TYPE).get("zero_major"))
    found = []
    for f in findings:
        if not _new_entry(f) or f.subject not in held:
            found.append(f)
            continue
        before = lock.version(f.subject, f.to or "") if held[f.subject] == ALREADY_HELD else None
        if before is not None and f.to and package_step(
            ecosystem.NAME, release(before), ecosystem.lowest(f.to), zero_major
        ) == "major":
            if ecosystem.NAME in SIDE_BY_SIDE:
                found.append(f)  # installed beside the one another package keeps: new, as it was
                continue
            detail = (f"already installed at {before} as a dependency of another package; now required at "
                      f"{f.to}: a major upgrade")
            found.append(f._replace(kind="major", from_=before, detail=detail))
        elif f.kind == "added":
            found.append(f._replace(kind="changed", from_=None, detail=held[f.subject]))
        else:
            found.append(f)
    return found


def _new_entry(finding: Finding) -> bool:
    """A package the manifest starts to require: `added`, or a new indirect (transitive) entry."""
    return finding.kind == "added" or (finding.kind == "lockfile" and finding.from_ is None and finding.to is not None)


def _implied(data: bytes) -> set[str]:
    """Terraform: the providers a file's resources and data sources imply, written down or not
    (`aws_instance` is the `hashicorp/aws` provider's)."""
    from ownership_gate.formats import hcl

    return {f"hashicorp/{block.labels[0].split('_', 1)[0].lower()}" for block in hcl.parse(data).blocks
            if block.type in ("resource", "data") and block.labels and "_" in block.labels[0]}


def _used(context: Context, directory: str, ecosystem: Ecosystem) -> set[str]:
    """Terraform: the providers a module used before the change set: those its resources and data sources
    implied and those it required."""
    found: set[str] = set()
    for path, data in _old_terraform_files(context, directory):
        found |= _implied(data) | {r.name for r in _required(data, path, ecosystem)}
    return found


def _callers_used(change: Change, context: Context, ecosystem: Ecosystem) -> frozenset[str]:
    """Terraform: the providers the modules that call this one by a local path (`source =
    "./data_frontend_delivery"`, after the change set) already used: a provider is configured where the
    configuration starts, so a new module of it that writes down the same provider brings no new one."""
    from ownership_gate.formats import hcl

    directory = posixpath.dirname(change.path) or "."
    used: set[str] = set()
    for other in context.changes:
        caller = posixpath.dirname(other.path)
        if caller == posixpath.dirname(change.path) or not other.path.endswith(".tf"):
            continue
        data = context.new(other)
        if data is not None and directory in hcl.local_sources(hcl.parse(data), caller):
            used |= _used(context, caller, ecosystem)
    return frozenset(used)


def _callees_required(change: Change, context: Context, ecosystem: Ecosystem) -> frozenset[str]:
    """Terraform: the providers this module already used before the change set: those its resources and
    data sources implied (`aws_instance` is the `hashicorp/aws` provider's, required or not), and those the
    local modules it calls (`source = "../../"`) required or implied (a module of `aws_iam_role`s takes its
    provider from its caller). A module that writes down a provider it already used, or wraps another module
    (a preset, a wrapper), brings no new one."""
    from ownership_gate.formats import hcl

    directory = posixpath.dirname(change.path)
    old_files = dict(_old_terraform_files(context, directory))
    implied = {provider for data in old_files.values() for provider in _implied(data)}
    # The module's files as the change set leaves them: its own changes, and the files it left alone (a wrapper's
    # unchanged `main.tf` calling `source = "../"` while its `versions.tf` writes the provider down).
    files: dict[str, bytes | None] = dict(old_files)
    for other in context.changes:
        if posixpath.dirname(other.path) == directory and other.path.endswith(".tf"):
            files[other.path] = context.new(other)
    called: set[str] = set()
    for data in files.values():
        if data is not None:
            called |= hcl.local_sources(hcl.parse(data), directory)
    required = {name for callee in called - {directory or "."}
                for path, data in _old_terraform_files(context, "" if callee == "." else callee)
                for name in {r.name for r in _required(data, path, ecosystem)} | _implied(data)}
    return frozenset(required | implied)


def _old_terraform_files(context: Context, directory: str) -> Iterator[tuple[str, bytes]]:
    """(path, content) of each `.tf` file directly in `directory` before the change set."""
    for name in sorted(context.old_names(directory) or ()):
        path = posixpath.join(directory, name)
        data = context.old_file(path) if name.endswith(".tf") else None
        if data is not None:
            yield path, data


def _lock_before(change: Change, context: Context, ecosystem: Ecosystem) -> Lock:
    """The nearest lockfile of the manifest before the change set (an empty Lock when there was none)."""
    memo: dict[tuple[str, str], Lock | None] = context.memo.setdefault(TYPE + ":held", {})
    for path in _nearest_lockfiles(change.source_path, ecosystem):
        key = (ecosystem.NAME, path)
        if key not in memo:
            memo[key] = _old_lock(context, path, ecosystem)
        found = memo[key]
        if found is not None:
            return found
    return Lock(frozenset())


def _old_lock(context: Context, path: str, ecosystem: Ecosystem) -> Lock | None:
    """The lockfile at `path` before the change set; None when there was none (or it is not known)."""
    data = context.old_file(path)
    if data is None:
        return None
    try:
        return read.lock(data, path, ecosystem)
    except ManifestError:
        return Lock(frozenset())  # unreadable: it vouches for nothing


def _nearest_lockfiles(manifest: str, ecosystem: Ecosystem) -> Iterator[str]:
    """The lockfiles that may lock `manifest`, nearest folder first."""
    name = posixpath.basename(manifest)
    candidates = [lockfile for lockfile, locked in locks(ecosystem).items() if locked == name]
    directory = posixpath.dirname(manifest)
    while True:
        for lockfile in candidates:
            yield posixpath.join(directory, lockfile)
        if not directory:
            return
        directory = posixpath.dirname(directory)
