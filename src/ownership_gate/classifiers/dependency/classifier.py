"""`dependency` findings: what a manifest requires, before and after.

The ecosystem modules parse, `dependency_compare` compares two requirement
lists, `dependency_locked` reads what lockfiles add; this module picks the
files, reads each side once, fails closed on what does not parse, lets a
change set's manifests explain each other and their lockfiles, and names
the vendor (`vendors.py`) of each package found. Requirements
are keyed by normalised name, so moving an entry between sections or
tools, or reformatting the file, yields nothing. An entry that leaves one
manifest and arrives in another of the same ecosystem in the same change
set (a requirements file folded into pyproject.toml, a workspace member's
dependency lifted to the root) is a move, not a removal plus a new vendor.
A file renamed onto a manifest's name from a path that was no manifest of
the same ecosystem has no earlier version: every entry in it is new.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import ChangedPaths, Context, decode
from ownership_gate.classifiers.dependency.compare import (
    TYPE,
    base_replaced,
    compare,
    judge_step,
    new_finding,
    spelling,
    step,
)
from ownership_gate.classifiers.dependency.ecosystems import REGISTRY as ECOSYSTEMS
from ownership_gate.classifiers.dependency.ecosystems.base import DEV, RUNTIME, Ecosystem, ManifestError, Requirement
from ownership_gate.classifiers.dependency.vendored import is_ignore_file
from ownership_gate.model import Change, Finding
from ownership_gate.paths.pattern_index import setting_matches

# Claiming needs only the ecosystems' names; the readers (`read`, `locked`: YAML,
# lockfiles, version ranges) load inside the functions, with the first manifest read.

__all__ = ["KINDS", "SETTINGS", "TYPE", "claims", "classify", "compare", "ecosystem_for",
           "manifest_findings", "reads", "step"]

KINDS: tuple[str, ...] = (
    "added", "removed", "major", "minor", "patch", "changed", "lockfile", "unparsed", "vendored",
)
SETTINGS: Mapping[str, str] = {"manifests": "patterns", "zero_major": "bool", "vendors": "strings"}


def _infer_ecosystem(path: str) -> Ecosystem | None:
    """The ecosystem of an extra manifest, from its name (`tools/*.requirements` is pypi)."""
    base = posixpath.basename(path).lower()
    hints = (
        (".gradle.kts", "gradle"), (".gradle", "gradle"), ("requirements", "pypi"), (".txt", "pypi"), (".in", "pypi"),
        ("pyproject", "pypi"),
        (".sbt", "sbt"), ("package", "npm"), ("gemfile", "gem"), (".gemspec", "gem"), ("go.mod", "golang"),
        ("cargo", "cargo"), ("composer", "composer"), ("pom", "maven"), (".csproj", "nuget"),
        (".tf", "terraform"), ("dockerfile", "docker"), ("chart", "helm"),
    )
    for hint, name in hints:
        if hint in base and name in ECOSYSTEMS:
            return ECOSYSTEMS[name]
    return None


class _FileNames:
    """The ecosystems that may claim a path, judged from its file name alone.

    A large change set is mostly source files that no ecosystem claims; one
    lookup in the names, endings and beginnings every ecosystem declares
    (ecosystems/base.py) turns them away without asking each module.
    """

    def __init__(self, ecosystems: Iterable[Ecosystem]) -> None:
        # (ecosystem, names, endings, beginnings); None names: asked about every path
        self._tests: list[tuple[Ecosystem, frozenset[str] | None, tuple[str, ...], tuple[str, ...]]] = []
        for ecosystem in ecosystems:
            names, suffixes, prefixes = (getattr(ecosystem, k, None) for k in ("NAMES", "SUFFIXES", "PREFIXES"))
            if names is None and suffixes is None and prefixes is None:
                self._tests.append((ecosystem, None, (), ()))
            else:
                self._tests.append((ecosystem, frozenset(names or ()), tuple(suffixes or ()), tuple(prefixes or ())))
        self._all = tuple(t[0] for t in self._tests)
        self._undeclared = tuple(t[0] for t in self._tests if t[1] is None)
        self._names = frozenset().union(*(t[1] for t in self._tests if t[1] is not None))
        self._suffixes = tuple(s for t in self._tests for s in t[2])
        self._prefixes = tuple(p for t in self._tests for p in t[3])

    def candidates(self, path: str) -> tuple[Ecosystem, ...]:
        """The ecosystems to ask about `path`, in registry order."""
        base = path[path.rfind("/") + 1 :]
        if not base.isascii():
            # Outside ASCII, str.lower() and the modules' case-insensitive
            # expressions can disagree (U+0130 is `i` to `re`): ask them all.
            return self._all
        lower = base.lower()
        if not (
            lower in self._names or lower.endswith(self._suffixes) or lower.startswith(self._prefixes)
        ):
            return self._undeclared
        return tuple(
            ecosystem for ecosystem, names, suffixes, prefixes in self._tests
            if names is None or lower in names or lower.endswith(suffixes) or lower.startswith(prefixes)
        )


_FILE_NAMES = _FileNames(ECOSYSTEMS.values())


def ecosystem_for(path: str, settings: Mapping[str, Any]) -> tuple[Ecosystem, bool] | None:
    """(ecosystem, is_lockfile) for a path, or None when it is no manifest."""
    for ecosystem in _FILE_NAMES.candidates(path):
        if ecosystem.is_lockfile(path):
            return ecosystem, True
        if ecosystem.is_manifest(path):
            return ecosystem, False
    if setting_matches(settings, "manifests", path):
        inferred = _infer_ecosystem(path)
        if inferred is not None:
            return inferred, False
    return None


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for name, group in paths.by_name.items():
        if _FILE_NAMES.candidates(name):  # only the file name decides the candidates
            found.update(p for p in group if ecosystem_for(p, settings) is not None)
    if settings.get("manifests"):
        found.update(p for p in paths.all if ecosystem_for(p, settings) is not None)
    found.update(paths.by_name.get(".gitignore", ()))  # a dependency folder no longer ignored (vendored.py)
    return found


def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    """A lockfile is judged by the manifests next to it, never read itself."""
    if is_ignore_file(change.path):
        return not change.is_submodule
    found = ecosystem_for(change.path, settings) or ecosystem_for(change.source_path, settings)
    return found is not None and not found[1] and not change.is_submodule


def classify(change: Change, context: Context) -> list[Finding]:
    if change.is_submodule:
        return []  # a submodule pointer is no manifest, whatever its name
    if is_ignore_file(change.path):
        from ownership_gate.classifiers.dependency import vendored

        return vendored.findings(change, context)
    settings = context.settings(TYPE)
    found = ecosystem_for(change.path, settings) or ecosystem_for(change.source_path, settings)
    if found is None:
        return []
    ecosystem, lockfile = found
    findings = _lockfile(change, context, ecosystem) if lockfile else manifest_findings(change, context, ecosystem)
    bundled = ecosystem.NAME == "npm" and not lockfile and _bundles(context.new(change))
    found_vendors = _with_vendors(findings, settings.get("vendors", ()), bundled)
    if not lockfile and any(f.kind == "removed" and f.vendor for f in found_vendors):
        return _vendor_kept(found_vendors, change, context, ecosystem)
    return found_vendors


def _vendor_kept(findings: list[Finding], change: Change, context: Context, ecosystem: Ecosystem) -> list[Finding]:
    """A vendor's client removed while the manifest keeps another client of that vendor (AWS's autoscaling SDK
    dropped beside its S3 SDK): one service of it no longer used, not the vendor dropped."""
    from ownership_gate.classifiers.dependency.read import as_far_as_it_reads
    from ownership_gate.classifiers.dependency.vendors import family

    kept = {r.name for r in as_far_as_it_reads(context.new(change), change.path, ecosystem)}
    result = []
    for finding in findings:
        pattern = family(ecosystem.NAME, finding.subject) if finding.kind == "removed" and finding.vendor else None
        other = next((name for name in sorted(kept) if pattern and name != finding.subject
                      and family(ecosystem.NAME, name) == pattern), None)
        if other is not None:
            finding = finding._replace(vendor=None, detail=f"{finding.detail}; the vendor's {other} stays")
        result.append(finding)
    return result


def _with_vendors(findings: list[Finding], listed: Iterable[str], bundled: bool = False) -> list[Finding]:
    """Each package finding with the category of hosted service its package is a client of, if any. In a
    `bundled` manifest a hosted service's client among the development dependencies is built into what ships,
    and is `runtime`."""
    from ownership_gate.classifiers.dependency.vendors import category  # a large table: only once a manifest changed

    result = []
    for finding in findings:
        vendor = None
        if finding.kind != "unparsed" and finding.ecosystem is not None:
            vendor = category(finding.ecosystem, finding.subject, listed)
        if vendor and bundled and finding.scope == DEV:
            finding = finding._replace(scope=RUNTIME)
        result.append(finding._replace(vendor=vendor) if vendor else finding)
    return result


# Bundlers that build a project's code and the packages it imports into one deployable file.
_BUNDLERS = frozenset({"esbuild", "webpack", "rollup", "vite", "parcel", "@vercel/ncc", "tsup",
                       "serverless-esbuild", "serverless-webpack"})


def _bundles(data: bytes | None) -> bool:
    """A package.json with no `dependencies` whose `devDependencies` hold a bundler: what it deploys is a
    bundle built from its development dependencies (a Lambda built with esbuild), so they are not dev-only.
    A file that does not read as JSON is not one (its findings say it does not parse)."""
    import json

    try:
        document = json.loads(decode(data) or "")
    except (ValueError, RecursionError):
        return False
    if not isinstance(document, Mapping) or document.get("dependencies"):
        return False
    dev = document.get("devDependencies")
    return isinstance(dev, Mapping) and any(name in _BUNDLERS for name in dev)


def _below(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


def _manifests(context: Context, ecosystem: Ecosystem) -> list[Change]:
    """The change set's manifests of one ecosystem, found once: every lockfile and every
    manifest that gained or lost an entry looks at them, not at all 20,000 changes."""
    memo: dict[str, list[Change]] = context.memo.setdefault(TYPE + ":manifests", {})
    if ecosystem.NAME not in memo:
        memo[ecosystem.NAME] = [
            c for c in context.claimed(TYPE) if ecosystem.is_manifest(c.path) and not c.is_submodule
        ]
    return memo[ecosystem.NAME]


def _lockfile(change: Change, context: Context, ecosystem: Ecosystem) -> list[Finding]:
    from ownership_gate.classifiers.dependency.locked import locked_majors

    # A workspace keeps one lockfile at its root for manifests below it.
    directory = posixpath.dirname(change.path)
    reported: dict[str, set[str]] = {}
    explained = False
    for other in _manifests(context, ecosystem):
        if other is change or not _below(other.path, directory):
            continue
        found = manifest_findings(other, context, ecosystem)
        reported[other.path] = {f.subject for f in found}
        explained = explained or any(f.kind != "lockfile" for f in found)
    zero_major = bool(context.settings(TYPE).get("zero_major"))
    majors = locked_majors(change, context, ecosystem, reported, zero_major)
    if explained:
        return majors
    return [
        *majors,
        Finding(
            type=TYPE, kind="lockfile", subject=change.path, ecosystem=ecosystem.NAME,
            detail=f"lockfile {change.status} with no manifest entry changed",
        ),
    ]


def manifest_findings(change: Change, context: Context, ecosystem: Ecosystem) -> list[Finding]:
    """Findings for one manifest change, computed once per change set."""
    memo: dict[Change, list[Finding]] = context.memo.setdefault(TYPE, {})
    if change not in memo:
        from ownership_gate.classifiers.dependency.locked import already_held

        memo[change] = already_held(change, context, ecosystem, _without_moves(change, context, ecosystem))
    return memo[change]


def _raw_findings(change: Change, context: Context, ecosystem: Ecosystem) -> list[Finding]:
    memo: dict[Change, list[Finding]] = context.memo.setdefault(TYPE + ":raw", {})
    if change not in memo:
        memo[change] = _compare_manifest(change, context, ecosystem)
    return memo[change]


def _without_moves(change: Change, context: Context, ecosystem: Ecosystem) -> list[Finding]:
    """This change's findings; an entry that another manifest of the change set gave up or
    took over is a move (a workspace member's dependency lifted to the root), not a vendor."""
    findings = _raw_findings(change, context, ecosystem)
    if not any(f.kind in ("added", "removed") or _versioned(f) for f in findings):
        return findings
    arrived: set[str] = set()
    left: dict[str, list[tuple[Finding, str]]] = {}
    for other in _manifests(context, ecosystem):
        if other is change or ecosystem.is_lockfile(other.path):
            continue
        for finding in _raw_findings(other, context, ecosystem):
            if finding.kind == "added" or _versioned(finding):
                arrived.add(finding.subject)
            elif finding.kind == "removed" or (finding.kind == "changed" and finding.to is None):
                # A version that left a project file for a central list (NuGet's
                # Directory.Packages.props, a parent POM's dependencyManagement)
                # moved with it: the entry that stayed behind has no version now.
                left.setdefault(finding.subject, []).append((finding, other.path))
    zero_major = bool(context.settings(TYPE).get("zero_major"))
    result: list[Finding] = []
    for finding in findings:
        if finding.kind == "removed" and finding.subject in arrived:
            continue  # reported where it arrived
        if (finding.kind == "added" or _versioned(finding)) and finding.subject in left:
            # From this manifest's own folder where one there gave it up (each Terraform folder is a configuration).
            here = posixpath.dirname(change.path)
            gone, source = next((item for item in left[finding.subject] if posixpath.dirname(item[1]) == here),
                                left[finding.subject][0])
            before, after = gone.from_ or "", finding.to or ""
            if spelling(before, ecosystem) == spelling(after, ecosystem):
                continue
            name = finding.subject
            kind, why = judge_step(name, before, after, ecosystem, zero_major)
            detail = f"{name} {before or '(any)'} -> {after or '(any)'}, moved from {source}" + (
                f": {why}" if why else "")
            finding = new_finding(kind, finding.subject, ecosystem, gone.from_, finding.to,
                                  finding.line, detail, finding.scope or RUNTIME)
        result.append(finding)
    return result


def _versioned(finding: Finding) -> bool:
    """An entry that had no version given one (`aws = { source = "hashicorp/aws" }` gaining `version = "~> 3.35"`):
    where another manifest of the change set gave up that entry's version, the version moved here."""
    return finding.kind == "changed" and finding.from_ is None and finding.to is not None


def _unchanged(
    change: Change, context: Context, ecosystem: Ecosystem, same_kind: Callable[[str], bool]
) -> bool:
    """Whether the ecosystem can tell, without reading either revision, that they require the same."""
    from ownership_gate.classifiers.dependency import read

    same = getattr(ecosystem, "unchanged", None)
    sides = context.old_as(change, same_kind), context.new_as(change, same_kind)
    if same is None or any(d is None or len(d) > read.MAX_MANIFEST_BYTES or b"\0" in d[:8192] for d in sides):
        return False
    try:
        old, new = decode(sides[0]), decode(sides[1])
    except UnicodeDecodeError:
        return False
    return old is not None and new is not None and bool(same(old, new))


def _compare_manifest(change: Change, context: Context, ecosystem: Ecosystem) -> list[Finding]:
    settings = context.settings(TYPE)

    def same_kind(path: str) -> bool:
        found = ecosystem_for(path, settings)
        return found is not None and found[0] is ecosystem and not found[1]

    if _unchanged(change, context, ecosystem, same_kind):
        return []
    from ownership_gate.classifiers.dependency import read

    zero_major = bool(context.settings(TYPE).get("zero_major"))
    try:
        new = read.requirements(context.new_as(change, same_kind), change.path, ecosystem, context.load_yaml)
    except ManifestError as exc:
        around = _around_the_unread(change, context, ecosystem, same_kind)
        if around is not None:
            old_read, new_read = _exported(change, context, ecosystem, *around)
            return _compiled_checked(change, context, ecosystem, old_read, compare(old_read, new_read, ecosystem,
                                                                                   zero_major))
        return [
            Finding(
                type=TYPE, kind="unparsed", subject=change.path, ecosystem=ecosystem.NAME,
                line=exc.line, detail=f"manifest no longer parses: {exc}",
            )
        ]
    # An old side that no longer read whole is compared by what of it reads, else the new one stands alone.
    old = read.as_far_as_it_reads(context.old_as(change, same_kind), change.source_path, ecosystem, context.load_yaml)
    old, new = _exported(change, context, ecosystem, old, new)
    found = _compiled_checked(change, context, ecosystem, old, compare(old, new, ecosystem, zero_major))
    return _rebased(change, context, ecosystem, same_kind, found)


# What `poetry export` writes: requirements files of every locked package.
_EXPORT_NAMED = patterns.compile(r"(?i)(?:^|/)[^/]*requirements[^/]*\.txt$")


def _exported(
    change: Change, context: Context, ecosystem: Ecosystem, old: list[Requirement], new: list[Requirement]
) -> tuple[list[Requirement], list[Requirement]]:
    """Both sides of a requirements file beside a `poetry.lock` and the `pyproject.toml` it locks, which is
    `poetry export`'s copy of the lock (every locked package, transitive ones too, pinned): a package the
    pyproject does not name is a lockfile entry there, as it is in `poetry.lock` (a `tenacity` 8 -> 9 that
    some library pulls in)."""
    if ecosystem.NAME != "pypi" or not _EXPORT_NAMED.search(change.path) or not (old or new):
        return old, new
    folder = posixpath.dirname(change.path)
    names = context.old_names(folder)
    if names is None or "poetry.lock" not in names or "pyproject.toml" not in names:
        return old, new
    from ownership_gate.classifiers.dependency import read

    declared: set[str] = set()
    path = posixpath.join(folder, "pyproject.toml")
    for data in (context.old_file(path), context.new_file(path)):
        if data is not None and b"[tool.poetry" in data:
            declared |= {r.name for r in read.as_far_as_it_reads(data, path, ecosystem, context.load_yaml)}
    if not declared:
        return old, new

    def locked(found: list[Requirement]) -> list[Requirement]:
        return [r if r.name.startswith("-") or r.name in declared else r._replace(indirect=True) for r in found]

    return locked(old), locked(new)


def _compiled_checked(
    change: Change, context: Context, ecosystem: Ecosystem, old: list[Requirement], found: list[Finding]
) -> list[Finding]:
    """`found`, with a pip-compile input's loosenings judged by the file compiled from it."""
    if ecosystem.NAME == "pypi" and change.path.endswith(".in"):
        return _held_by_the_compiled(change, context, ecosystem, old, found)
    return found


def _held_by_the_compiled(
    change: Change, context: Context, ecosystem: Ecosystem, old: list[Requirement], findings: list[Finding]
) -> list[Finding]:
    """pip-compile's input loosened (`boto3==1.4.0` -> `boto3` in `requirements.in`) installs nothing by itself:
    the file compiled from it beside it (`requirements.txt`, which names the input in its header) pins what is
    installed, and its own findings say how far that moved. A loosening whose package the compiled file pins
    within the major the input admitted before is `changed`, not `major`."""
    loosened = [f for f in findings if f.kind == "major" and "now admits" in (f.detail or "")]
    if not loosened:
        return findings
    compiled_path = change.path[:-3] + ".txt"
    data = context.new_file(compiled_path)
    text = decode(data) if data is not None and len(data) <= 1 << 20 else None
    if text is None or not _compiled_from(posixpath.basename(change.path), text):
        return findings
    try:
        pins = {r.name: r.constraint for r in ecosystem.parse(text, compiled_path)}
    except ManifestError:
        return findings
    ceiling: Callable[[str], float | None] | None = getattr(ecosystem, "ceiling", None)
    before = {r.name: r.constraint for r in old}
    result = []
    for finding in findings:
        pinned = pins.get(finding.subject or "")
        low = ecosystem.lowest(pinned) if pinned else None
        top = ceiling(before.get(finding.subject or "", "")) if ceiling is not None else None
        if finding in loosened and low is not None and top is not None and low[0] <= top:
            finding = finding._replace(kind="changed", detail=f"{finding.detail}; {compiled_path}, compiled from it, "
                                                              f"pins {pinned}, within the major it admitted")
        result.append(finding)
    return result


# The command line pip-compile writes into the header of what it compiles (`#    pip-compile --output-file=...`).
_PIP_COMPILE = patterns.compile(r"^#\s+pip-compile\b(.*)$")


def _compiled_from(basename: str, text: str) -> bool:
    """Whether `text`, a file pip-compile wrote, was compiled from the input named `basename`: its header names
    it, or names no input at all where it is `requirements.in`, the one pip-compile reads when given none."""
    header = [line for line in text.splitlines()[:12] if line.startswith("#")]
    if basename in "\n".join(header):
        return True
    if basename != "requirements.in":
        return False
    command = next((m.group(1) for line in header if (m := _PIP_COMPILE.match(line))), None)
    return command is not None and not any(
        not word.startswith("-") and word.endswith((".in", ".txt", ".toml", ".py", ".cfg")) and "=" not in word
        for word in command.split()
    )


def _rebased(
    change: Change, context: Context, ecosystem: Ecosystem, same_kind: Callable[[str], bool], findings: list[Finding]
) -> list[Finding]:
    """`findings` with a production Dockerfile's shipped image now built on another image judged as a
    major upgrade (`compare.base_replaced`). A Dockerfile whose name or folder says development or tests
    (`Dockerfile.dev`, `e2e/`, as the infra classifier reads them) builds no production image, and one
    added or deleted replaces nothing: both keep their findings as they are."""
    if getattr(ecosystem, "shipped_base", None) is None:
        return findings
    from ownership_gate.classifiers.dependency import read
    from ownership_gate.classifiers.infra.start_files import is_production_dockerfile

    if not (is_production_dockerfile(change.path) and is_production_dockerfile(change.source_path)):
        return findings
    try:
        old = read.shipped_base(context.old_as(change, same_kind), change.source_path, ecosystem)
        new = read.shipped_base(context.new_as(change, same_kind), change.path, ecosystem)
    except ManifestError:
        return findings  # a side that does not read names no base: nothing was replaced
    return base_replaced(findings, old, new, ecosystem)


def _around_the_unread(
    change: Change, context: Context, ecosystem: Ecosystem, same_kind: Callable[[str], bool]
) -> tuple[list[Requirement], list[Requirement]] | None:
    """Both sides' requirements outside what the reader cannot account for (a Gemfile's own methods,
    a helper it requires, a setup.py's `open("requirements.txt")`), when that unread part is the same
    text on both sides and names no other file the change set changes but a manifest of the same
    ecosystem, which is judged on its own: it declares what it declared before, so the rest can be
    judged. None when the ecosystem cannot tell, or the unread part changed."""
    if getattr(ecosystem, "readable", None) is None:
        return None
    from ownership_gate.classifiers.dependency import read

    old_data, new_data = context.old_as(change, same_kind), context.new_as(change, same_kind)
    if old_data is None or new_data is None:
        return None
    try:
        old, old_unread = read.readable(old_data, change.source_path, ecosystem)
        new, new_unread = read.readable(new_data, change.path, ecosystem)
    except ManifestError:
        return None
    if not new_unread or old_unread != new_unread:
        return None
    unread = "\n".join(new_unread)
    others = [p for p in context.changed_paths - {change.path, change.source_path}
              if not (ecosystem.is_lockfile(p) or ecosystem.is_manifest(p))]
    if any(posixpath.basename(p) in unread for p in others if posixpath.basename(p)):
        return None  # the unread code may load a file this change set also changes
    return old, new
