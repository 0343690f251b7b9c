"""Where a CI run says the pull request's base and head are."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from ownership_gate.errors import FatalError

PR_EVENTS = ("pull_request", "pull_request_target", "pull_request_review", "merge_group")
# The merge queue's temporary branch names the pull request it tests:
# refs/heads/gh-readonly-queue/<base branch>/pr-<number>-<base sha>
_QUEUE_REF = re.compile(r"/gh-readonly-queue/.+/pr-(\d+)-[0-9a-f]{40,64}$")


class CiRun(NamedTuple):
    provider: str  # "github" | "gitlab"
    base: str
    head: str
    event: str = ""
    pr_number: int | None = None
    repository: str | None = None  # "owner/name"
    labels: tuple[str, ...] = ()
    payload: Mapping[str, object] = MappingProxyType({})


def detect(env: Mapping[str, str] | None = None) -> CiRun | None:
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_EVENT_NAME") in PR_EVENTS:
        return _github(env)
    if env.get("GITLAB_CI") == "true" and env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return CiRun(
            provider="gitlab",
            base=env["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
            head=env.get("CI_COMMIT_SHA", "HEAD"),
            event="merge_request",
            pr_number=int(env["CI_MERGE_REQUEST_IID"]) if env.get("CI_MERGE_REQUEST_IID", "").isdigit() else None,
            repository=env.get("CI_PROJECT_PATH"),
            labels=tuple(x for x in env.get("CI_MERGE_REQUEST_LABELS", "").split(",") if x),
        )
    return None


def _github(env: Mapping[str, str]) -> CiRun:
    event = env["GITHUB_EVENT_NAME"]
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        raise FatalError(f"GITHUB_EVENT_PATH is not set in a {event} run; pass --base and --head")
    try:
        payload = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise FatalError(f"cannot read the GitHub event at {path}: {exc}") from None
    if not isinstance(payload, dict):
        raise FatalError(f"the GitHub event at {path} is not a JSON object")
    repository = _text(payload, "repository", "full_name") or env.get("GITHUB_REPOSITORY")
    if event == "merge_group":
        return _merge_group(payload, event, repository)
    pr = payload.get("pull_request")
    if not isinstance(pr, dict):
        raise FatalError(f"the {event} event at {path} has no pull_request object")
    raw_labels = pr.get("labels")
    labels = tuple(
        str(label["name"]) for label in (raw_labels if isinstance(raw_labels, list) else [])
        if isinstance(label, dict) and isinstance(label.get("name"), str)
    )
    return CiRun(
        provider="github",
        base=_text(pr, "base", "sha"),
        head=_text(pr, "head", "sha"),
        event=event,
        pr_number=pr.get("number") if isinstance(pr.get("number"), int) else None,
        repository=repository,
        labels=labels,
        payload=payload,
    )


def _text(obj: Mapping[str, object], *keys: str) -> str:
    """A string nested in an event payload, or "" when the payload has another shape."""
    value: object = obj
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else ""


def _merge_group(payload: Mapping[str, object], event: str, repository: str | None) -> CiRun:
    group = payload.get("merge_group")
    group = group if isinstance(group, dict) else {}
    base = str(group.get("base_sha") or "")
    base_ref = str(group.get("base_ref") or "")
    if not base and base_ref.startswith("refs/heads/"):
        # Older merge_group payloads name only the branch; the remote-tracking
        # ref of a full-history checkout is the same commit.
        base = "origin/" + base_ref.removeprefix("refs/heads/")
    match = _QUEUE_REF.search(str(group.get("head_ref") or ""))
    return CiRun(
        provider="github",
        base=base,
        head=str(group.get("head_sha") or ""),
        event=event,
        pr_number=int(match.group(1)) if match else None,
        repository=repository,
        payload=payload,
    )
