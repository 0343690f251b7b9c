"""GitHub Actions run environments with webhook payloads shaped like GitHub's.

The payloads follow the documented `pull_request`, `pull_request_review`,
`pull_request_target` and `merge_group` webhook examples (trimmed of the
many URL fields the gate never reads, but with every field on the path
from the payload to base, head, number, labels and repository).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.github_stub import user

REPO = "acme/app"


def _repository(full_name: str = REPO) -> dict[str, Any]:
    owner, name = full_name.split("/")
    return {
        "id": 1296269,
        "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        "name": name,
        "full_name": full_name,
        "private": True,
        "owner": {**user(owner, 9919), "type": "Organization"},
        "html_url": f"https://github.com/{full_name}",
        "url": f"https://api.github.com/repos/{full_name}",
        "pulls_url": f"https://api.github.com/repos/{full_name}/pulls{{/number}}",
        "default_branch": "main",
    }


def _label(name: str, label_id: int) -> dict[str, Any]:
    return {
        "id": label_id,
        "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=",
        "url": f"https://api.github.com/repos/{REPO}/labels/{name}",
        "name": name,
        "color": "f29513",
        "default": False,
        "description": None,
    }


def pull_request(number: int, base: str, head: str, labels: tuple[str, ...] = (),
                 author: str = "eng-ineer") -> dict[str, Any]:
    repo = _repository()
    return {
        "url": f"https://api.github.com/repos/{REPO}/pulls/{number}",
        "id": 1000 + number,
        "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
        "html_url": f"https://github.com/{REPO}/pull/{number}",
        "number": number,
        "state": "open",
        "locked": False,
        "title": "Move the queue to a managed service",
        "user": user(author, 2),
        "body": None,
        "labels": [_label(name, 208045946 + i) for i, name in enumerate(labels)],
        "draft": False,
        "merge_commit_sha": None,
        "requested_reviewers": [],
        "requested_teams": [],
        "head": {"label": f"acme:{author}/queue", "ref": f"{author}/queue", "sha": head,
                 "user": user(author, 2), "repo": repo},
        "base": {"label": "acme:main", "ref": "main", "sha": base, "user": repo["owner"], "repo": repo},
        "author_association": "MEMBER",
        "auto_merge": None,
    }


def pull_request_event(number: int, base: str, head: str, labels: tuple[str, ...] = (),
                       action: str = "synchronize") -> dict[str, Any]:
    return {
        "action": action,
        "number": number,
        "pull_request": pull_request(number, base, head, labels),
        "repository": _repository(),
        "organization": {"login": "acme", "id": 9919, "node_id": "MDEyOk9yZ2FuaXphdGlvbjk5MTk="},
        "sender": user("eng-ineer", 2),
    }


def pull_request_review_event(number: int, base: str, head: str, reviewer: str,
                              state: str = "approved", labels: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "action": "submitted",
        "review": {
            "id": 80,
            "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
            "user": user(reviewer, 3),
            "body": None,
            "commit_id": head,
            "submitted_at": "2024-05-01T10:00:00Z",
            "state": state,
            "html_url": f"https://github.com/{REPO}/pull/{number}#pullrequestreview-80",
            "pull_request_url": f"https://api.github.com/repos/{REPO}/pulls/{number}",
            "author_association": "MEMBER",
        },
        "pull_request": pull_request(number, base, head, labels),
        "repository": _repository(),
        "sender": user(reviewer, 3),
    }


def merge_group_event(number: int, base: str, head: str) -> dict[str, Any]:
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-{number}-{base}",
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_commit": {
                "id": head,
                "message": f"Merge pull request #{number}",
                "timestamp": "2024-05-01T10:00:00Z",
                "author": {"name": "Eng Ineer", "email": "eng@example.com"},
                "committer": {"name": "GitHub", "email": "noreply@github.com"},
            },
        },
        "repository": _repository(),
        "sender": user("eng-ineer", 2),
    }


@dataclass
class ActionsRun:
    event_path: Path
    summary: Path
    outputs: Path

    def output_values(self) -> dict[str, str]:
        """Parse `$GITHUB_OUTPUT` the way the runner does (name=value and heredoc forms)."""
        values: dict[str, str] = {}
        lines = iter(self.outputs.read_text("utf-8").splitlines())
        for line in lines:
            if "<<" in line:
                name, delimiter = line.split("<<", 1)
                body = []
                for inner in lines:
                    if inner == delimiter:
                        break
                    body.append(inner)
                values[name] = "\n".join(body)
            elif "=" in line:
                name, value = line.split("=", 1)
                values[name] = value
        return values


def actions_env(event_name: str, payload: dict[str, Any], tmp_path: Path) -> dict[str, str]:
    """The variables a GitHub-hosted runner sets for a step, with the event written to disk."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), "utf-8")
    summary = tmp_path / "step_summary.md"
    outputs = tmp_path / "output.txt"
    summary.write_text("", "utf-8")
    outputs.write_text("", "utf-8")
    return {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_WORKFLOW": "ownership-gate",
        "RUNNER_TEMP": str(tmp_path),
    }


def enter_actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, event_name: str,
                  payload: dict[str, Any]) -> ActionsRun:
    env = actions_env(event_name, payload, tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return ActionsRun(Path(env["GITHUB_EVENT_PATH"]), Path(env["GITHUB_STEP_SUMMARY"]),
                      Path(env["GITHUB_OUTPUT"]))
