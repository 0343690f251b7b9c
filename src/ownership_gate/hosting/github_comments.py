"""One sticky pull-request comment, through GitHub's issue-comments API.

The comment is found by the hidden marker on its first line, across every
page of the pull request's comments, and updated in place on every run;
extra copies (two runs racing) are deleted. When nothing needs sign-off
the comment is deleted, so a routine pull request carries none. Writing
needs `pull-requests: write`; a failure here is reported as a notice and
never changes the verdict.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from ownership_gate import __version__
from ownership_gate.errors import FatalError
from ownership_gate.hosting.github_api import API_VERSION, DEFAULT_API_URL, TIMEOUT, GitHub

WRITE_HINT = "grant `pull-requests: write` in the workflow's `permissions`"


class CommentsAPI(GitHub):
    @classmethod
    def writing(cls, env: Mapping[str, str]) -> CommentsAPI:
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise FatalError(f"GITHUB_TOKEN is not set, so no comment can be written; {WRITE_HINT}")
        return cls(env.get("GITHUB_API_URL") or DEFAULT_API_URL, token)

    def comments(self, repository: str, number: int) -> list[dict[str, Any]]:
        url = f"{self._repo(repository)}/issues/{number}/comments?per_page=100"
        found: list[dict[str, Any]] = []
        for page in self._pages(url, f"the comments of pull request #{number} in {repository}"):
            if not isinstance(page, list):
                raise FatalError(f"GitHub answered the comments of #{number} with no list")
            found.extend(c for c in page if isinstance(c, dict))
        return found

    def create(self, repository: str, number: int, body: str) -> None:
        url = f"{self._repo(repository)}/issues/{number}/comments"
        self._write("POST", url, {"body": body}, f"a comment on pull request #{number}")

    def update(self, repository: str, comment_id: int, body: str) -> None:
        url = f"{self._repo(repository)}/issues/comments/{comment_id}"
        self._write("PATCH", url, {"body": body}, f"comment {comment_id}")

    def delete(self, repository: str, comment_id: int) -> None:
        url = f"{self._repo(repository)}/issues/comments/{comment_id}"
        self._write("DELETE", url, None, f"comment {comment_id}")

    def _write(self, method: str, url: str, payload: dict[str, str] | None, what: str) -> None:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self._token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"ownership-gate/{__version__}",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT):
                return
        except urllib.error.HTTPError as exc:
            limited = exc.headers.get("x-ratelimit-remaining") == "0" or exc.headers.get("retry-after")
            if exc.code in (403, 429) and limited:
                raise FatalError(f"GitHub API rate limit reached while writing {what}") from None
            if exc.code in (401, 403, 404):
                raise FatalError(f"GitHub refused to write {what} ({exc.code}): {WRITE_HINT}") from None
            raise FatalError(f"the GitHub API answered {exc.code} while writing {what}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FatalError(f"cannot reach the GitHub API at {self.api_url} to write {what}: {reason}") from None

    def _repo(self, repository: str) -> str:
        return f"{self.api_url}/repos/{urllib.parse.quote(repository, safe='/')}"

def sync(api: CommentsAPI, repository: str, number: int, marker: str, body: str | None) -> str:
    """Make the pull request carry exactly one comment with `body`, or none for None; say what was done."""
    ours = [c for c in api.comments(repository, number) if str(c.get("body", "")).startswith(marker)]
    first = ours[0] if ours else None
    author = _login(first)
    for extra in ours[1:]:
        if _login(extra) == author:
            api.delete(repository, int(extra["id"]))
    if body is None:
        if first is None:
            return "no comment: nothing needs sign-off"
        api.delete(repository, int(first["id"]))
        return "deleted the comment: nothing needs sign-off any more"
    if first is None:
        api.create(repository, number, body)
        return "commented on the pull request"
    if first.get("body") != body:
        api.update(repository, int(first["id"]), body)
        return "updated the comment"
    return "the comment is up to date"


def _login(comment: dict[str, Any] | None) -> str | None:
    user = comment.get("user") if comment else None
    return str(user.get("login")) if isinstance(user, dict) else None
