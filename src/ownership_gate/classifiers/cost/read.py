"""Reading the files the cost classifier claims, at both revisions, and judging them together.

The second half of `cost` (see classifier.py), loaded with the first cost file a
change set holds: naming a path imports none of the readers.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, binary_kind, decode, is_binary
from ownership_gate.classifiers.cost import ci, k8s, stacks, variables
from ownership_gate.classifiers.cost.catalog import CFN_PROPERTIES, TF_ATTRIBUTES
from ownership_gate.classifiers.cost.compare import TYPE, judge
from ownership_gate.classifiers.cost.files import claimed, values_file
from ownership_gate.classifiers.cost.leaves import read_json
from ownership_gate.classifiers.cost.model import EMPTY, Extracted, ReadError
from ownership_gate.classifiers.infra.detect import Recognition, chart_dirs, kind_of, recognise
from ownership_gate.classifiers.infra.names import cloud_foundry_manifest, is_values_file, may_sniff
from ownership_gate.formats.yaml import Loader, load
from ownership_gate.model import Change, Finding
from ownership_gate.paths.pattern_index import setting_matches

if TYPE_CHECKING:
    from ownership_gate.classifiers.cost.hcl import Side

MAX_BYTES = 4 * 1024 * 1024
LARGE_BYTES = 256 * 1024
_WORDS = (
    "replicas", "replicaCount", "Replicas", "ReplicaCount", "resources", "storage", "LoadBalancer",
    "instance-type", "resourcesPreset", "persistence", "memorySize", "provisionedConcurrency",
    "ephemeralStorageSize", "cpus", "mem_limit", "mem_reservation", "scale", "cpu_count", "runs-on",
    "resource_class", "saas-", "size", "resource", "module", "variable", "locals",
    *TF_ATTRIBUTES, *CFN_PROPERTIES,
)


@cache
def _tokens() -> re.Pattern[str]:
    """Any cost word: compiled (~3 ms) only for a file that does not read, or a large one."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(_WORDS), key=len, reverse=True)))

Reader = Callable[[str], Extracted]


def _extra_keys(settings: Mapping[str, Any]) -> k8s.ExtraKeys:
    return tuple(tuple(str(k).split(".")) for k in settings.get("keys") or () if str(k))


def _terraform(path: str, extra: k8s.ExtraKeys) -> Reader | None:
    # The HCL reader (tree-sitter) loads with the first Terraform file, not with every cost file.
    from ownership_gate.classifiers.cost import terraform

    base = posixpath.basename(path)
    if base.endswith((".tfvars", ".tfvars.json")):
        return partial(terraform.read_tfvars, extra=extra, json_syntax=base.endswith(".json"))
    if base.endswith((".tf", ".tf.json")):
        return partial(terraform.read_terraform, extra=extra, json_syntax=base.endswith(".json"))
    return None


def _manifests_json(text: str, extra: k8s.ExtraKeys) -> Extracted:
    return Extracted(tuple(k8s.manifest_objects([read_json(text)], extra)))


def reader_for(
    path: str, found: Recognition | None, settings: Mapping[str, Any], load: Loader = load
) -> Reader | None:
    """How to read `path` for cost, given what it was recognised as; YAML is read with `load`."""
    extra = _extra_keys(settings)
    listed = setting_matches(settings, "files", path)
    kind = found.kind if found is not None else None
    base = posixpath.basename(path)
    is_json = base.endswith(".json")
    reader: Reader | None = None
    if kind == "terraform":
        reader = _terraform(path, extra)
    elif kind == "kubernetes":
        reader = partial(_manifests_json, extra=extra) if is_json else partial(
            k8s.read_manifests, extra=extra, load=load)
    elif kind == "helm" and (is_values_file(path) or (found is not None and found.detail == "Helm values")):
        reader = partial(k8s.read_values, extra=extra, load=load)
    elif kind == "kustomize":
        is_kustomization = base.startswith(("kustomization.", "Kustomization"))
        reader = partial(k8s.read_kustomization if is_kustomization else k8s.read_json_patch,
                         extra=extra, load=load)
    elif kind == "compose":
        reader = partial(stacks.read_compose, extra=extra, load=load)
    elif kind == "serverless" and not base.endswith(".ts"):
        reader = partial(stacks.read_serverless, extra=extra, json_syntax=is_json, load=load)
    elif kind == "cloudformation":
        reader = partial(stacks.read_cloudformation, extra=extra, json_syntax=is_json, load=load)
    elif kind == "pulumi":
        reader = partial(stacks.read_pulumi, extra=extra, load=load)
    elif kind == "ci" and ci.reads(path):
        # Runner sizes, from the pipelines that set them; a Jenkinsfile is a Groovy program, not YAML.
        reader = partial(ci.read_ci, path, load=load)
    if reader is None and listed:
        reader = partial(k8s.read_values, extra=extra, load=load)
    if reader is None and kind in (None, "ansible"):
        if cloud_foundry_manifest(path):
            reader = partial(stacks.read_cloudfoundry, extra=extra, load=load)
        elif values_file(path):
            reader = partial(variables.read, path, load=load)
    return reader


def _kind(path: str, found: Recognition | None) -> str | None:
    """The kind of file a reader reads `path` as: a Cloud Foundry manifest and an environment's value file
    have no infrastructure kind of their own."""
    if found is not None and found.kind != "ansible":
        return found.kind
    if cloud_foundry_manifest(path):
        return "cloudfoundry"
    return "values" if values_file(path) else None if found is None else found.kind


def reads(change: Change, settings: Mapping[str, Any]) -> bool:
    """Whether `analyse` reads a claimed change: not when no reader serves its kind
    (`.terraform.lock.hcl`, a chart's templates), which its path alone tells."""
    if change.is_submodule:
        return False
    for path in change.paths:
        found = kind_of(path, None)
        if found is None and may_sniff(path):
            return True  # what it is shows only in its contents
        if reader_for(path, found, settings) is not None:
            return True
    return False


def _text(data: bytes | None) -> str | Extracted | None:
    """The text of one revision, or why it cannot be read."""
    if data is None:
        return None
    if len(data) > MAX_BYTES:
        return Extracted(error=f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if is_binary(data):
        return Extracted(error=binary_kind(data))
    try:
        return decode(data) or ""
    except UnicodeDecodeError as exc:
        return Extracted(error=f"not UTF-8 text ({exc.reason} at byte {exc.start})")


def _read(reader: Reader, text: str | Extracted | None, extra_words: re.Pattern[str] | None) -> Extracted:
    if text is None:
        return EMPTY
    if isinstance(text, Extracted):
        return text
    try:
        return reader(text)
    except ReadError as exc:
        if "{{" in text and (untemplated := _untemplated(text)) is not None:
            try:
                return reader(untemplated)
            except ReadError:
                pass  # judged by the template's own error, below
        mentions = _tokens().search(text) or (extra_words is not None and extra_words.search(text))
        # A broken file that names no cost key cannot hide a cost change.
        return Extracted(error=str(exc), error_line=exc.line) if mentions else EMPTY
    except RecursionError:
        return Extracted(error="nested too deeply to read")
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # A shape no reader expected: fail closed with the reason, never a traceback.
        return Extracted(error=f"unexpected structure ({type(exc).__name__}: {exc})")


# A Go or Jinja template's actions (`{{ .Values.replicas }}`, `{{- if .Cluster.x }}`), one line at most.
_ACTION = patterns.compile(r"\{\{.*?\}\}")
_ONLY_ACTIONS = patterns.compile(r"^\s*(?:\{\{.*?\}\}\s*)+$")
_STAND_IN = patterns.compile(r"t\{\{[0-9a-f]{8}\}\}")
_STAND_INS: dict[str, str] = {}  # each stand-in word for the action it stands for
_MULTILINE_ACTION = patterns.compile(r"\{\{(?:(?!\}\}).)*\n[\s\S]*?\}\}")


def _untemplated(text: str) -> str | None:
    """A templated manifest (a cluster's own Go-template manifests, Jinja) made YAML: a line of template
    actions alone (`{{- if ... }}`, `{{ end }}`) is blanked, and each other action becomes a plain word that
    still reads as computed (`t{{9f2c41d0}}`, the same for the same action text), so a replica count or a
    resource size the template computes is compared as its expression, and one written out as a number is
    compared as one. None when the text has no actions to take out."""
    import hashlib

    def word(match: re.Match[str]) -> str:
        stand_in = "t{{" + hashlib.sha1(match.group(0).encode()).hexdigest()[:8] + "}}"
        _STAND_INS[stand_in] = match.group(0)
        return stand_in

    # An action written over several lines (`{{ template "ingress" dict\n ... }}`) only renders text: its
    # lines are blanked, keeping the others where they were.
    text_lines = _MULTILINE_ACTION.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    lines = ["" if _ONLY_ACTIONS.match(line) else _ACTION.sub(word, line) for line in text_lines.split("\n")]
    untemplated = "\n".join(lines)
    return untemplated if untemplated != text else None


def _read_pair(
    path: str, reader: Reader, old: str | Extracted | None, new: str | Extracted | None,
    settings: Mapping[str, Any], extra_words: re.Pattern[str] | None,
) -> tuple[Extracted, Extracted]:
    read_old, read_new = reader, reader
    if path.endswith(".tf") and isinstance(old, str) and isinstance(new, str):
        # Only the blocks that differ are read; each keeps its line in the whole file.
        from ownership_gate.classifiers.cost.hcl import changed_blocks

        before, after = changed_blocks(old, new)
        extra = _extra_keys(settings)
        read_old, read_new = partial(_side, before, extra), partial(_side, after, extra)
    found = _read(read_new, new, extra_words)
    if found.error is not None:
        return EMPTY, found  # judged by the error alone: the old side is never compared
    return _read(read_old, old, extra_words), found


def _side(side: Side, extra: k8s.ExtraKeys, text: str) -> Extracted:
    from ownership_gate.classifiers.cost import terraform

    return terraform.read_side(side, extra)


def _unchanged_costs(old: bytes | None, new: bytes | None) -> bool:
    """Large files whose cost-bearing lines are identical are not parsed at all."""
    if old is None or new is None or max(len(old), len(new)) < LARGE_BYTES:
        return False
    if is_binary(old) or is_binary(new):
        return False
    a = Counter(line.strip() for line in old.decode("utf-8", "replace").splitlines())
    b = Counter(line.strip() for line in new.decode("utf-8", "replace").splitlines())
    # The cost-bearing lines are the same exactly when no line that differs bears a
    # cost: only those few are searched, not a megabyte for hundreds of words.
    return not any(_tokens().search(line) for line in (a - b) + (b - a))


def _earlier(change: Change, context: Context, settings: Mapping[str, Any]) -> bytes | None:
    """The old content, when the old path was read for cost as the same kind of file: a file
    renamed into place from anywhere else (`notes.txt`, an example folder) is all new."""
    now = recognise(change, context)

    def same_kind(path: str) -> bool:
        before = kind_of(path, context.old(change), chart_dirs(context))
        kind = _kind(path, before)
        return (kind is not None and kind == _kind(change.path, now)
                and reader_for(path, before, settings) is not None and claimed(path, settings))

    return context.old_as(change, same_kind)


def analyse(context: Context) -> dict[Change, list[Finding]]:
    settings = context.settings(TYPE)
    keys = [w for k in settings.get("keys") or () for w in str(k).split(".") if w]
    extra_words = re.compile("|".join(map(re.escape, keys))) if keys else None
    files: list[tuple[Change, Extracted, Extracted]] = []
    for change in context.claimed(TYPE):
        if change.is_submodule:
            continue  # a submodule pointer has no contents to read
        reader = reader_for(change.path if change.new_oid else change.source_path,
                            recognise(change, context), settings, context.load_yaml)
        if reader is None:
            continue
        # A copy leaves its source in place: everything in it is new.
        old = None if change.status == "copied" else _earlier(change, context, settings)
        new = context.new(change)
        if _unchanged_costs(old, new):
            continue
        path = change.path if change.new_oid else change.source_path
        files.append((change, *_read_pair(path, reader, _text(old), _text(new), settings, extra_words)))
    judged = _at_new_defaults(judge(files), context)
    if not _STAND_INS:
        return judged
    return {change: [_spelled_out(f) for f in found] for change, found in judged.items()}


_READS_INPUT = patterns.compile(r"\bvar\.")


def _at_new_defaults(judged: dict[Change, list[Finding]], context: Context) -> dict[Change, list[Finding]]:
    """Without the Terraform settings that come to what they were with the inputs the change set added at their
    defaults, as the cloud classifier reads them: `tier = var.tier` where the new `tier` defaults to null sets
    nothing, and `count = var.endpoints ? 1 : 0` where the new `endpoints` defaults to true is the one there was."""
    for change, found in judged.items():
        if any(_reads_new_input(f, change) for f in found):
            judged[change] = [f for f in found if not (_reads_new_input(f, change) and _as_before(f, change, context))]
    return judged


def _reads_new_input(finding: Finding, change: Change) -> bool:
    return (finding.kind == "change" and change.path.endswith(".tf") and finding.to is not None
            and _READS_INPUT.search(finding.to) is not None and finding.from_ is None)


def _as_before(finding: Finding, change: Change, context: Context) -> bool:
    """A setting that was not written, now bound to an input that defaults to nothing, or that comes to nothing, or
    a `count` to one, at the new inputs' defaults."""
    from ownership_gate.classifiers.cloud.terraform import at_new_defaults, sets_nothing

    assert finding.to is not None
    directory = posixpath.dirname(change.path)
    if sets_nothing(finding.to, directory, context):
        return True
    value = at_new_defaults(finding.to, directory, context)
    if finding.subject.endswith(".count"):
        return value is True or value == 1.0  # as `_one` reads a new count in the cloud classifier
    return value is None


def _spelled_out(finding: Finding) -> Finding:
    """A finding with the words that stood in for a template's actions (`_untemplated`) written back as the
    actions themselves."""
    def back(text: str | None) -> str | None:
        return None if text is None else _STAND_IN.sub(lambda m: _STAND_INS.get(m.group(0), m.group(0)), text)

    return finding._replace(subject=back(finding.subject) or "", detail=back(finding.detail) or "",
                            from_=back(finding.from_), to=back(finding.to))

