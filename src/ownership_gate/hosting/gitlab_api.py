"""The few GitLab REST calls the gate makes, with the standard library.

The base URL is `$CI_API_V4_URL` (GitLab.com or a self-managed instance).
The token is `$OWNERSHIP_GATE_GITLAB_TOKEN` (a project or group access
token, sent as `PRIVATE-TOKEN`), else the job's own `$CI_JOB_TOKEN` (sent
as `JOB-TOKEN`): GitLab lets a job token reach only a short list of
endpoints, and merge-request approvals, notes and versions are not on it,
so the job token is tried and its refusal explained. Every failure while
reading is a FatalError (exit 2) that says what to grant or when to retry:
an API problem never reads as "no approval".
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from email.message import Message
from typing import Any

from ownership_gate import __version__
from ownership_gate.errors import FatalError
from ownership_gate.hosting.rest import Response, Transient, pages, retried

TOKEN_VARIABLE = "OWNERSHIP_GATE_GITLAB_TOKEN"
TIMEOUT = 30.0
GRANT = (
    f"set the CI/CD variable {TOKEN_VARIABLE} to a project access token with the read_api scope"
    " (api to write the merge-request note), masked and protected as you see fit"
)


class GitLab:
    def __init__(self, api_url: str, token: str, job_token: bool = False, retry_delay: float = 1.0) -> None:
        self.api_url = api_url.rstrip("/")
        self._header = ("JOB-TOKEN" if job_token else "PRIVATE-TOKEN", token)
        self.job_token = job_token
        self._retry_delay = retry_delay

    @classmethod
    def from_env(cls, env: Mapping[str, str], purpose: str) -> GitLab:
        api_url = env.get("CI_API_V4_URL", "").strip()
        if not api_url:
            raise FatalError(f"CI_API_V4_URL is not set, so {purpose} cannot be read; run in a GitLab CI job")
        token = env.get(TOKEN_VARIABLE, "").strip()
        if token:
            return cls(api_url, token)
        job_token = env.get("CI_JOB_TOKEN", "").strip()
        if job_token:
            return cls(api_url, job_token, job_token=True)
        raise FatalError(f"no GitLab token, so {purpose} cannot be read: {GRANT}")

    # -- endpoints ------------------------------------------------------
    def merge_request(self, project: str, iid: int, what: str) -> str:
        return f"{self.api_url}/projects/{_quote(project)}/merge_requests/{iid}/{what}"

    def approvals(self, project: str, iid: int) -> dict[str, Any]:
        body = self.get(self.merge_request(project, iid, "approvals"), f"the approvals of merge request !{iid}").body
        if not isinstance(body, dict):
            raise FatalError(f"GitLab answered the approvals of !{iid} with no object")
        return body

    def all_pages(self, url: str, what: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in self._pages(url, what):
            if not isinstance(page, list):
                raise FatalError(f"GitLab answered {what} with no list")
            found.extend(item for item in page if isinstance(item, dict))
        return found

    def group_exists(self, group: str) -> bool:
        return self.get(f"{self.api_url}/groups/{_quote(group)}", f"the group {group}", not_found_ok=True).status == 200

    def group_member(self, group: str, user_id: int) -> bool:
        """A member, direct or inherited, whose membership is active."""
        response = self.get(
            f"{self.api_url}/groups/{_quote(group)}/members/all/{user_id}", f"whether user {user_id} is in {group}",
            not_found_ok=True,
        )
        if response.status == 404 or not isinstance(response.body, dict):
            return False
        return str(response.body.get("state", "active")) == "active"

    # -- transport ------------------------------------------------------
    def _pages(self, url: str, what: str) -> Iterator[Any]:
        return pages(lambda page: self.get(page, what), url, what, "GitLab", self.api_url)

    def get(self, url: str, what: str, not_found_ok: bool = False) -> Response:
        return retried(lambda: self.send("GET", url, None, what, not_found_ok), self._retry_delay)

    def send(self, method: str, url: str, payload: dict[str, str] | None, what: str,
             not_found_ok: bool = False) -> Response:
        data = json.dumps(payload).encode() if payload is not None else None
        headers = {"Accept": "application/json", "User-Agent": f"ownership-gate/{__version__}",
                   self._header[0]: self._header[1]}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
                raw = reply.read()
                return Response(reply.status, reply.headers, json.loads(raw) if raw else None)
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and not_found_ok:
                return Response(404, exc.headers, None)
            raise self._error(exc.code, exc.headers, exc.read(), what) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Transient(f"cannot reach the GitLab API at {self.api_url} for {what}: {reason}") from None
        except ValueError:
            raise FatalError(f"GitLab answered {what} with something that is not JSON") from None

    def _error(self, status: int, headers: Message, body: bytes, what: str) -> Exception:
        said = _message(body)
        said = f" (GitLab said: {said})" if said else ""
        if status == 429 or headers.get("RateLimit-Remaining") == "0":
            retry = headers.get("Retry-After")
            return FatalError(f"GitLab API rate limit reached for {what}{said}; "
                              + (f"retry in {retry} seconds" if retry and retry.isdigit() else "retry later"))
        if status in (401, 403, 404) and self.job_token:
            return FatalError(
                f"the job token (CI_JOB_TOKEN) may not access {what} ({status}){said}: GitLab lets a job token"
                f" reach only a few endpoints; {GRANT}"
            )
        if status == 401:
            return FatalError(f"GitLab rejected the token (401) for {what}{said}: it is missing, expired or"
                              f" revoked; {GRANT}")
        if status == 403:
            return FatalError(f"the token may not access {what} (403){said}: {GRANT}")
        if status == 404:
            return FatalError(f"GitLab found nothing at {what} (404){said}: check CI_PROJECT_ID and the merge"
                              f" request, and that the token can see them; {GRANT}")
        if status >= 500:
            return Transient(f"the GitLab API at {self.api_url} failed with {status} for {what}{said}")
        return FatalError(f"the GitLab API answered {status} for {what}{said}")


def _message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        return str(data.get("message") or data.get("error") or "")
    return ""


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")
