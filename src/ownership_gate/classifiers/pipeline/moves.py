"""GitHub Actions jobs the change set moves, unchanged, from one workflow file to another.

A job one workflow loses and another gains runs as it did when nothing that
decides what it does or when it runs differs: its own definition, compared
as parsed YAML (steps, `environment`, `permissions`, the secrets it reads,
`if`, `needs`, `runs-on`, ...), and everything of the two workflows it can
reach: the triggers (`on:`), `env`, `defaults`, `concurrency` and, unless the
job sets its own, the workflow's `permissions`, each compared whole. Only the
job's id, the workflow's `name` and its `run-name` may differ. Each job moved
must be gained once for each time it is lost, by other files: a job copied into
two workflows runs twice, and is no move.

GitLab CI files are left out: the classifier reads each on its own, without
the includes that decide whether, and with which `workflow`, `default` and
`variables`, a file's jobs run.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, NamedTuple

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.pipeline.findings import TYPE, platform
from ownership_gate.formats.yaml import YamlError, load, plain
from ownership_gate.model import Change

# A workflow's keys that decide nothing about what its jobs do or when they run: its `jobs` are compared one
# by one, its `name` and `run-name` only label its runs.
_LABELS = frozenset({"jobs", "name", "run-name"})


class Moved(NamedTuple):
    """The jobs of one change moved between workflows: out of its old side, into its new side."""

    out: frozenset[str] = frozenset()
    into: frozenset[str] = frozenset()


NOT_MOVED = Moved()


class _Unreadable(Exception):
    pass


def moved(change: Change, context: Context) -> Moved:
    """The ids of the jobs `change`'s old side (its source path) lost, and its new side gained, that
    another workflow file of the change set gained or lost unchanged."""
    memo: dict[str, dict[str, frozenset[str]]] | None = context.memo.get("pipeline:moved")
    if memo is None:
        memo = context.memo["pipeline:moved"] = _moves(context)
    return Moved(memo["out"].get(change.source_path, frozenset()), memo["into"].get(change.path, frozenset()))


def _moves(context: Context) -> dict[str, dict[str, frozenset[str]]]:
    """Every GitHub workflow of the change set read before and after, each job it loses or gains keyed by
    what decides how it runs; a key lost and gained as many times, by different files, is a move."""
    lost: dict[Hashable, list[tuple[str, str]]] = {}
    gained: dict[Hashable, list[tuple[str, str]]] = {}
    for path, (before, after) in _workflows(context).items():
        try:
            old, new = _read(before), _read(after)
        except _Unreadable:
            continue  # a side that does not read moves nothing: every finding stays
        old_jobs, new_jobs = _jobs(old), _jobs(new)
        if old is not None:
            for job_id in old_jobs.keys() - new_jobs.keys():
                lost.setdefault(_key(old_jobs[job_id], old), []).append((path, job_id))
        if new is not None:
            for job_id in new_jobs.keys() - old_jobs.keys():
                gained.setdefault(_key(new_jobs[job_id], new), []).append((path, job_id))
    out: dict[str, set[str]] = {}
    into: dict[str, set[str]] = {}
    for key in lost.keys() & gained.keys():
        sources, targets = lost[key], gained[key]
        if len(sources) != len(targets) or {p for p, _ in sources} & {p for p, _ in targets}:
            continue
        for path, job_id in sources:
            out.setdefault(path, set()).add(job_id)
        for path, job_id in targets:
            into.setdefault(path, set()).add(job_id)
    return {"out": {p: frozenset(ids) for p, ids in out.items()},
            "into": {p: frozenset(ids) for p, ids in into.items()}}


def _workflows(context: Context) -> dict[str, list[bytes | None]]:
    """Each GitHub workflow path of the change set, with its contents before and after the change set
    (None where it was not, or is no longer, a workflow). A copy's source keeps its contents: only its own
    change, if it has one, says what it lost."""
    sides: dict[str, list[bytes | None]] = {}
    for change in context.claimed(TYPE):
        if change.status != "copied" and platform(change.source_path) == "github":
            sides.setdefault(change.source_path, [None, None])[0] = context.old(change)
        if platform(change.path) == "github":
            sides.setdefault(change.path, [None, None])[1] = context.new(change)
    return sides


def _read(data: bytes | None) -> Mapping[str, Any] | None:
    """A workflow's document (None for no file); _Unreadable when it is not text, not YAML, gives a key twice
    or is no mapping with a mapping of jobs."""
    if data is None:
        return None
    text = text_of(data)
    if text is None:
        raise _Unreadable
    try:
        documents = load(text)
    except YamlError as exc:
        raise _Unreadable from exc
    roots = [plain(root) for root in documents.roots]
    if documents.duplicate is not None or len(roots) != 1 or not isinstance(roots[0], Mapping):
        raise _Unreadable
    document = roots[0]
    if "jobs" in document and not isinstance(document["jobs"], Mapping):
        raise _Unreadable
    return document


def _jobs(document: Mapping[str, Any] | None) -> Mapping[str, Mapping[str, Any]]:
    jobs = document.get("jobs") if document is not None else None
    if not isinstance(jobs, Mapping):
        return {}
    return {str(job_id): job for job_id, job in jobs.items() if isinstance(job, Mapping)}


def _key(job: Mapping[str, Any], document: Mapping[str, Any]) -> Hashable:
    """What decides what `job` does and when it runs: its definition, and its workflow's settings but the
    labels (`_LABELS`); the workflow's `permissions` only when the job sets none of its own."""
    reach = {key: value for key, value in document.items() if key not in _LABELS}
    if "permissions" in job:
        reach.pop("permissions", None)
    return _canonical({"job": job, "workflow": reach})


def _canonical(value: Any) -> Hashable:
    """`value` as nested tuples, each scalar with its type: `true` and `1`, `1` and `"1"` stay apart."""
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("list", tuple(_canonical(v) for v in value))
    return (type(value).__name__, value)
