"""The few GitHub REST calls the sign-off needs, with the standard library.

The base URL comes from `$GITHUB_API_URL`, so GitHub Enterprise Server
works. Every failure is a FatalError (exit 2) that says what to grant or to
retry: an API problem must never read as "no approval" or, worse, pass.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from email.message import Message
from typing import Any

from ownership_gate import __version__
from ownership_gate.errors import FatalError
from ownership_gate.hosting.rest import Response, Transient, pages, retried

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
TIMEOUT = 30.0
REVIEWS_GRANT = "pull-requests: read"
COMMITS_GRANT = "contents: read"


class GitHub:
    def __init__(self, api_url: str, token: str, retry_delay: float = 1.0) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._retry_delay = retry_delay

    @classmethod
    def from_env(cls, env: Mapping[str, str], purpose: str, grant: str = REVIEWS_GRANT) -> GitHub:
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            raise FatalError(
                f"GITHUB_TOKEN is not set, so {purpose} cannot be checked; pass the workflow token"
                " (`env: GITHUB_TOKEN: ${{ github.token }}`, or the action's `token` input) with"
                f" `permissions: {grant}`"
            )
        return cls(env.get("GITHUB_API_URL") or DEFAULT_API_URL, token)

    # -- endpoints ------------------------------------------------------
    def reviews(self, repository: str, number: int) -> list[dict[str, Any]]:
        """Every review of a pull request, oldest first, across all pages."""
        repo = _quote(repository, safe="/")
        url = f"{self.api_url}/repos/{repo}/pulls/{number}/reviews?per_page=100"
        reviews: list[dict[str, Any]] = []
        for page in self._pages(url, f"the reviews of pull request #{number} in {repository}"):
            if not isinstance(page, list):
                raise FatalError(f"GitHub answered the reviews of #{number} with no list")
            reviews.extend(r for r in page if isinstance(r, dict))
        return reviews

    def commit(self, repository: str, sha: str) -> dict[str, Any]:
        """One commit as GitHub knows it: its signature verification and the accounts it is tied to."""
        repo = _quote(repository, safe="/")
        response = self._get(
            f"{self.api_url}/repos/{repo}/commits/{_quote(sha)}", f"the commit {sha[:12]} in {repository}",
            grant=COMMITS_GRANT,
        )
        if not isinstance(response.body, dict):
            raise FatalError(f"GitHub answered the commit {sha[:12]} with no object")
        return response.body

    def team_exists(self, org: str, team: str) -> bool:
        response = self._get(
            f"{self.api_url}/orgs/{_quote(org)}/teams/{_quote(team)}", f"the team @{org}/{team}",
            not_found_ok=True,
        )
        return response.status == 200

    def team_member(self, org: str, team: str, login: str) -> bool:
        """An *active* member (a pending invitation does not count)."""
        response = self._get(
            f"{self.api_url}/orgs/{_quote(org)}/teams/{_quote(team)}/memberships/{_quote(login)}",
            f"whether @{login} is in @{org}/{team}",
            not_found_ok=True,
        )
        if response.status == 404:
            return False
        return isinstance(response.body, dict) and response.body.get("state") == "active"

    # -- transport ------------------------------------------------------
    def _pages(self, url: str, what: str) -> Iterator[Any]:
        return pages(lambda page: self._get(page, what), url, what, "GitHub", self.api_url)

    def _get(self, url: str, what: str, not_found_ok: bool = False, grant: str = REVIEWS_GRANT) -> Response:
        return retried(lambda: self._request(url, what, not_found_ok, grant), self._retry_delay)

    def _request(self, url: str, what: str, not_found_ok: bool, grant: str) -> Response:
        request = urllib.request.Request(url, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self._token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"ownership-gate/{__version__}",
        })
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
                return Response(reply.status, reply.headers, _json(reply.read(), what))
        except urllib.error.HTTPError as exc:
            body = exc.read()
            if exc.code == 404 and not_found_ok:
                return Response(404, exc.headers, None)
            raise _http_error(exc.code, exc.headers, body, what, self.api_url, grant) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Transient(
                f"cannot reach the GitHub API at {self.api_url} to read {what}: {reason}"
            ) from None


def _http_error(status: int, headers: Message, body: bytes, what: str, api: str, grant: str) -> Exception:
    message = _message(body)
    said = f" (GitHub said: {message})" if message else ""
    limited = headers.get("x-ratelimit-remaining") == "0" or headers.get("retry-after")
    if status in (403, 429) and limited:
        return FatalError(
            f"GitHub API rate limit reached while reading {what}{said}; {_when(headers)}"
        )
    if status == 401:
        return FatalError(
            f"GitHub rejected the token (401) while reading {what}{said}: GITHUB_TOKEN is"
            " missing, expired or wrong; pass a valid token (the action's `token` input"
            " defaults to github.token)"
        )
    if status == 403:
        return FatalError(
            f"the token may not read {what} (403){said}: grant `{grant}` in the"
            " workflow's `permissions`; checking @org/team reviewers needs a token that can"
            " read the organisation's teams (a fine-grained token or GitHub App with"
            " `members: read`, or a classic token with `read:org`)"
        )
    if status == 404:
        return FatalError(
            f"GitHub found nothing at {what} (404){said}: check that it exists on GitHub,"
            f" and that the token can see it (`{grant}`; `read:org` for @org/team reviewers)"
        )
    if status >= 500:
        return Transient(f"the GitHub API at {api} failed with {status} reading {what}{said}")
    return FatalError(f"the GitHub API answered {status} while reading {what}{said}")


def _when(headers: Message) -> str:
    retry = headers.get("retry-after")
    if retry and retry.isdigit():
        return f"retry in {retry} seconds"
    reset = headers.get("x-ratelimit-reset")
    if reset and reset.isdigit():
        return "retry after " + time.strftime("%H:%M:%S UTC", time.gmtime(int(reset)))
    return "retry later"


def _message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        raise FatalError(f"GitHub answered {what} with something that is not JSON") from None


def _quote(text: str, safe: str = "") -> str:
    return urllib.parse.quote(text, safe=safe)
