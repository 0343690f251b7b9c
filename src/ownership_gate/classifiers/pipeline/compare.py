"""Comparing a pipeline file before and after a change (what the kinds mean: the package docstring)."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.pipeline.findings import finding
from ownership_gate.classifiers.pipeline.moves import NOT_MOVED, Moved
from ownership_gate.classifiers.pipeline.workflow import (
    DEFAULT,
    PRIVILEGED_TRIGGERS,
    SECRET_HOLDING_TRIGGERS,
    SHIPPING_NAME,
    Pipeline,
    circleci,
    cloudbuild,
    github,
    gitlab,
    inert_change,
    names,
    only_gated,
    widened,
    woodpecker,
    write_grants,
)
from ownership_gate.formats.yaml import YamlError, load, plain
from ownership_gate.model import Finding


class Unreadable(Exception):
    pass


def read(platform: str, text: str | None) -> Pipeline | None:
    """The pipeline in `text` (None for no file); raises Unreadable when it is not YAML."""
    if text is None:
        return None
    if platform == "make":
        from ownership_gate.classifiers.pipeline import makefile

        return makefile.read(text)
    try:
        documents = [plain(root) for root in load(text).roots]
    except YamlError as exc:
        raise Unreadable(str(exc)) from exc
    if platform == "woodpecker":
        return woodpecker([d for d in documents if isinstance(d, Mapping)], text)
    document: Mapping[Any, Any] = next((d for d in documents if isinstance(d, Mapping)), {})
    if platform == "azure":
        from ownership_gate.classifiers.pipeline.azure import azure

        return azure(document, text)
    reader = {"github": github, "gitlab": gitlab, "circleci": circleci, "cloudbuild": cloudbuild}[platform]
    return reader(document, text)


def findings(
    platform: str, path: str, old_text: str | None, new_text: str | None, moved: Moved = NOT_MOVED
) -> list[Finding]:
    """What changed between the two sides of one pipeline file. The jobs in `moved` left the old side for,
    or came to the new side from, another workflow of the change set, unchanged (see moves.py): they ship
    and hold what they did, so they are no `deploy` or `permissions` finding here."""
    try:
        new = read(platform, new_text)
    except Unreadable as exc:
        return [finding("unparsed", path, f"the pipeline does not parse ({exc}), so what it runs cannot be judged")]
    try:
        old = read(platform, old_text)
    except Unreadable:
        old = None  # it did not parse before: judge the new file as if it were added
    if new is None:
        shipping = [j.name for j in old.jobs.values() if j.ships and j.name not in moved.out] if old is not None else []
        if shipping:
            return [finding("deploy", path, f"removed a pipeline that ships ({names(shipping)})")]
        return []
    base = old or Pipeline(platform)
    found: list[Finding] = []
    found += _triggers(path, base, new, old is None)
    found += _permissions(path, base, new, old is None, moved.into)
    found += _secrets(path, base, new)
    found += _deploys(path, _without(base, moved.out), _without(new, moved.into))
    found += _outside(path, base, new)
    found += _reviews(path, base, new)
    found += _checkouts(path, base, new)
    return found


def _checkouts(path: str, old: Pipeline, new: Pipeline) -> list[Finding]:
    """Jobs that now check out a pull request's own code in a run that holds the repository's secrets: the
    code runs with them (and with the token's write access) before anyone reviewed it."""
    fresh = sorted(new.untrusted.keys() - old.untrusted.keys())
    if not fresh:
        return []
    held = ", ".join(f"`{t}`" for t in sorted(new.triggers & SECRET_HOLDING_TRIGGERS))
    return [finding("checkout", f"{path}: job {job}",
                    f"the job checks out a pull request's own code ({new.untrusted[job]}) in a run on {held}, which "
                    "holds the repository's secrets: unreviewed code runs with them") for job in fresh]


def _reviews(path: str, old: Pipeline, new: Pipeline) -> list[Finding]:
    """The steps that approve or merge pull requests by themselves, across the workflow's jobs, changed; or,
    the same steps kept, when they run (the workflow's triggers) or what the jobs that run them check first
    (their conditions, their inputs): either decides which pull requests merge without a person."""
    was = frozenset().union(*(job.reviews for job in old.jobs.values()))
    now = frozenset().union(*(job.reviews for job in new.jobs.values()))
    why = "the workflow approves or merges pull requests by itself, which decides what a review gate lets through: "
    if was != now:
        parts = [f"now {', '.join(sorted(now - was))}" if now - was else "",
                 f"no longer {', '.join(sorted(was - now))}" if was - now else ""]
        return [finding("review", f"{path}: pull requests", why + "; ".join(p for p in parts if p))]
    if not now:
        return []
    changed = sorted(name for name, job in new.jobs.items()
                     if job.reviews and name in old.jobs and old.jobs[name].shape != job.shape)
    parts = [f"changed job {', '.join(changed)}" if changed else "",
             "runs on other events" if old.trigger_shape and old.trigger_shape != new.trigger_shape else ""]
    if not any(parts):
        return []
    return [finding("review", f"{path}: pull requests", why + "; ".join(p for p in parts if p))]


def _triggers(path: str, old: Pipeline, new: Pipeline, added: bool) -> list[Finding]:
    risky = (new.triggers & PRIVILEGED_TRIGGERS) - old.triggers
    if not risky:
        return []
    verb = "runs on" if added else "now also runs on"
    return [finding(
        "trigger", f"{path}: on {t}",
        f"the workflow {verb} `{t}`, with the repository's secrets, for input from outside the repository",
    ) for t in sorted(risky)]


def _permissions(
    path: str, old: Pipeline, new: Pipeline, added: bool, moved_in: AbstractSet[str]
) -> list[Finding]:
    by_grant: dict[tuple[str, str], list[str]] = {}
    for job in new.jobs.values():
        if job.name in moved_in:
            continue  # the token it held in the workflow it came from
        before = old.jobs.get(job.name)
        if before is not None:
            # A job that had the repository's default and is now given write: the default is read-only or
            # write-all, and the file cannot say which; a job that failed until `packages: write` was added
            # shows it could not write before.
            grants = widened(before.permissions, job.permissions, read_only_default=True)
        elif added:
            grants = write_grants(job.permissions)
        else:
            grants = widened(_workflow_default(old), job.permissions)
        if job.oidc and not (before is not None and before.oidc) and new.platform == "gitlab":
            grants.append(("id_tokens", "id_tokens: cloud credentials by OIDC"))
        for action, seconds in job.lifetimes.items():
            was = before.lifetimes.get(action) if before is not None else None
            if was is not None and seconds > was:
                grants.append(("credentials", f"{action} credentials now last {seconds} s, not {was} s"))
        for grant in grants:
            by_grant.setdefault(grant, []).append(job.name)
    return [
        finding("permissions", f"{path}: {scope}", f"{text} (job {names(jobs)})")
        for (scope, text), jobs in sorted(by_grant.items())
    ]


def _without(pipeline: Pipeline, jobs: AbstractSet[str]) -> Pipeline:
    """`pipeline` without `jobs` (moved to or from another workflow), as if they had never been in it."""
    if not jobs:
        return pipeline
    return pipeline._replace(jobs={name: job for name, job in pipeline.jobs.items() if name not in jobs})


def _workflow_default(old: Pipeline) -> Mapping[str, int] | str:
    """The permissions a new job would have inherited in the old workflow: any old job's, if they agree."""
    seen = {repr(job.permissions): job.permissions for job in old.jobs.values()}
    return next(iter(seen.values())) if len(seen) == 1 else DEFAULT


def _secrets(path: str, old: Pipeline, new: Pipeline) -> list[Finding]:
    fresh = new.secrets - old.secrets
    return [finding("secret", f"{path}: {name}", f"the pipeline now reads the secret {name}") for name in sorted(fresh)]


def _deploys(path: str, old: Pipeline, new: Pipeline) -> list[Finding]:
    found: list[Finding] = []
    job = "target" if new.platform == "make" else "job"  # a Makefile's jobs are its targets
    for name in sorted(new.jobs.keys() | old.jobs.keys()):
        before, after = old.jobs.get(name), new.jobs.get(name)
        if not ((before and before.ships) or (after and after.ships)):
            continue
        if before is None:
            what = f"added a {job} that ships"
        elif after is None:
            what = f"removed a {job} that ships"
        elif before.shape != after.shape and not only_gated(before, after) and not inert_change(before, after):
            what = f"changed a {job} that ships"
            if before.environment != after.environment:
                what += f" (environment {before.environment or 'none'} -> {after.environment or 'none'})"
        else:
            continue
        found.append(finding("deploy", f"{path}: {job} {name}", what))
    ships = old.ships or new.ships or _named_to_ship(path)
    if old.jobs and ships and old.trigger_shape != new.trigger_shape and not _fewer_events(old, new):
        found.append(finding("deploy", f"{path}: on", "changed when a workflow that ships runs"))
    return found


def _named_to_ship(path: str) -> bool:
    """A GitHub workflow whose file is named for shipping (`Build-and-deploy-api.yaml`, `release.yml`): its jobs
    may hand the work to a reusable workflow named for building alone, the file says what a run of it does."""
    return "/.github/workflows/" in f"/{path}" and SHIPPING_NAME.search(posixpath.basename(path)) is not None


def _fewer_events(old: Pipeline, new: Pipeline) -> bool:
    """The workflow now runs on some of the events it ran on, each with the filters it had
    (`workflow_dispatch` taken out): it ships less often, never in a new way."""
    return bool(new.trigger_parts) and new.trigger_parts.items() <= old.trigger_parts.items()


def _outside(path: str, old: Pipeline, new: Pipeline) -> list[Finding]:
    # A third-party action run only where it holds nothing (a linter's, a test's), or that held something
    # before, is no new party given the job's secrets, write access or what ships.
    fresh = (new.outside - new.sheltered) - (old.outside - old.sheltered)
    what = {"github": "third-party action", "gitlab": "outside include", "circleci": "third-party orb",
            "woodpecker": "third-party plugin", "azure": "template repository"}.get(new.platform, "third party")
    found = [finding("action", f"{path}: {name}", f"runs a {what} for the first time: {name}")
             for name in sorted(fresh)]
    # An action every step ran at a commit SHA, now run at a tag or branch: its owner (or whoever takes over
    # the tag) decides what the job runs, with the job's token and secrets.
    found += [finding("unpinned", f"{path}: {name}", (
        f"{name} is no longer pinned to a commit: a step now runs it at a tag or branch its owner can move"
    )) for name in sorted(old.pinned & new.unpinned)]
    return found
