"""A local stand-in for the GitHub REST API, on 127.0.0.1.

It answers the handful of endpoints the gate calls the way GitHub documents
them: the shape of review, commit and membership objects, `Link` pagination
with `per_page`/`page`, the rate-limit headers, and the JSON error bodies of
401, 403, 404 and 422. Tests point `GITHUB_API_URL` at it; it is the only stand-in
in the test suite (git is always real).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DOCS = "https://docs.github.com/rest"
REPOSITORY_ID = 1296269


def user(login: str, user_id: int = 1) -> dict[str, Any]:
    return {
        "login": login,
        "id": user_id,
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": f"https://api.github.com/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": "User",
        "site_admin": False,
    }


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1_000_000  # how many requests fail before the endpoint recovers


class GitHubStub:
    """State the tests arrange, served by a threading HTTP server."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix  # "/api/v3" imitates GitHub Enterprise Server
        self.reviews: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.comments: dict[tuple[str, int], list[dict[str, Any]]] = {}  # issue comments, oldest first
        self.read_only = False  # a fork's token: every write is refused
        self.token_login = "github-actions[bot]"  # who the token writes as
        self.teams: dict[tuple[str, str], dict[str, str]] = {}  # (org, slug) -> {login: state}
        self.commits: dict[tuple[str, str], dict[str, Any]] = {}  # (repo, sha) -> commit object
        self.failures: dict[str, Failure] = {}  # path fragment -> canned failure
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.link_host: str | None = None  # serve `Link` URLs on another host (a hostile server)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.origin}{self.prefix}"

    def __enter__(self) -> GitHubStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- arranging --------------------------------------------------------
    def review(
        self, repo: str, number: int, login: str, state: str, commit_id: str, *, at: str | None = None
    ) -> dict[str, Any]:
        """Add a submitted review; `at` defaults to one minute after the previous one."""
        reviews = self.reviews.setdefault((repo, number), [])
        review_id = 80 + len(reviews)
        minute = len(reviews)
        html = f"https://github.com/{repo}/pull/{number}#pullrequestreview-{review_id}"
        entry = {
            "id": review_id,
            "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
            "user": user(login, 100 + len(login)),
            "body": "",
            "state": state,
            "html_url": html,
            "pull_request_url": f"https://api.github.com/repos/{repo}/pulls/{number}",
            "author_association": "MEMBER",
            "_links": {
                "html": {"href": html},
                "pull_request": {"href": f"https://api.github.com/repos/{repo}/pulls/{number}"},
            },
            "submitted_at": at or f"2024-05-01T10:{minute // 60:02d}:{minute % 60:02d}Z",
            "commit_id": commit_id,
        }
        reviews.append(entry)
        return entry

    def commit(
        self, repo: str, sha: str, email: str, login: str | None, *, verified: bool = True,
        reason: str | None = None, committer: str | None = "", message: str = "sign-off",
    ) -> dict[str, Any]:
        """What GitHub says about a pushed commit: `login` is the account GitHub ties its
        author email to (None: none), `committer` the committer's ("" means the same as
        the author's), and `verified`/`reason` its check of the commit's signature."""
        committer_login = login if committer == "" else committer
        ident = {"name": email.split("@")[0], "email": email, "date": "2024-05-01T10:00:00Z"}
        signature = "-----BEGIN SSH SIGNATURE-----\n...\n-----END SSH SIGNATURE-----\n" if verified else None
        entry = {
            "url": f"https://api.github.com/repos/{repo}/commits/{sha}",
            "sha": sha,
            "node_id": "C_kwDOAE3WVdoAKDZkY2IwOWIzYjU3NWQ3MjY1ZTg2YWVhMDRiZjY4NmZmYjUyNjJmYzE",
            "html_url": f"https://github.com/{repo}/commit/{sha}",
            "comments_url": f"https://api.github.com/repos/{repo}/commits/{sha}/comments",
            "commit": {
                "url": f"https://api.github.com/repos/{repo}/git/commits/{sha}",
                "author": ident,
                "committer": ident,
                "message": message,
                "tree": {"url": f"https://api.github.com/repos/{repo}/git/trees/{'0' * 40}", "sha": "0" * 40},
                "comment_count": 0,
                "verification": {
                    "verified": verified,
                    "reason": reason or ("valid" if verified else "unsigned"),
                    "signature": signature,
                    "payload": None,
                    "verified_at": "2024-05-01T10:00:01Z" if verified else None,
                },
            },
            "author": user(login, 200 + len(login)) if login else None,
            "committer": user(committer_login, 200 + len(committer_login)) if committer_login else None,
            "parents": [],
            "stats": {"total": 0, "additions": 0, "deletions": 0},
            "files": [],
        }
        self.commits[(repo, sha)] = entry

    def comment(self, repo: str, number: int, body: str, login: str = "github-actions[bot]") -> dict[str, Any]:
        """Add an issue comment, as GitHub stores one."""
        comments = self.comments.setdefault((repo, number), [])
        comment_id = 1_000_000 + sum(len(c) for c in self.comments.values())
        entry = {
            "id": comment_id,
            "node_id": "MDEyOklzc3VlQ29tbWVudDE=",
            "url": f"https://api.github.com/repos/{repo}/issues/comments/{comment_id}",
            "html_url": f"https://github.com/{repo}/pull/{number}#issuecomment-{comment_id}",
            "body": body,
            "user": {**user(login, 41898282), "type": "Bot" if login.endswith("[bot]") else "User"},
            "created_at": "2024-05-01T10:00:00Z",
            "updated_at": "2024-05-01T10:00:00Z",
            "issue_url": f"https://api.github.com/repos/{repo}/issues/{number}",
            "author_association": "NONE",
        }
        comments.append(entry)
        return entry

    def member(self, org: str, team: str, login: str, state: str = "active") -> None:
        self.teams.setdefault((org, team), {})[login.lower()] = state

    def team(self, org: str, team: str) -> None:
        self.teams.setdefault((org, team), {})

    def fail(self, fragment: str, status: int, message: str, times: int = 1_000_000,
             **headers: str) -> None:
        body = {"message": message, "documentation_url": DOCS, "status": str(status)}
        self.failures[fragment] = Failure(status, body, {k.replace("_", "-"): v for k, v in headers.items()},
                                          times)

    def rate_limited(self, fragment: str) -> None:
        self.fail(
            fragment, 403, "API rate limit exceeded for installation ID 1.",
            x_ratelimit_limit="5000", x_ratelimit_remaining="0", x_ratelimit_used="5000",
            x_ratelimit_reset="1714557600", x_ratelimit_resource="core",
        )


def _handler(stub: GitHubStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _start(self) -> tuple[list[str], dict[str, list[str]]] | None:
            """Record the request, answer canned failures and missing auth; else its path parts and query."""
            stub.requests.append((f"{self.command} {self.path}" if self.command != "GET" else self.path,
                                  {k.lower(): v for k, v in self.headers.items()}))
            url = urllib.parse.urlsplit(self.path)
            path = url.path.removeprefix(stub.prefix)
            for fragment, failure in stub.failures.items():
                if fragment in path and failure.times > 0:
                    failure.times -= 1
                    self._send(failure.status, failure.body, failure.headers)
                    return None
            auth = self.headers.get("Authorization", "")
            if not auth.startswith(("Bearer ", "token ")):
                self._send(401, {"message": "Requires authentication", "documentation_url": DOCS, "status": "401"})
                return None
            return path.strip("/").split("/"), urllib.parse.parse_qs(url.query)

        def do_GET(self) -> None:
            started = self._start()
            if started is None:
                return
            parts, query = started
            if len(parts) == 6 and parts[0] == "repos" and parts[3] == "issues" and parts[5] == "comments":
                comments = stub.comments.get((f"{parts[1]}/{parts[2]}", int(parts[4])), [])
                return self._page(comments, f"/repos/{parts[1]}/{parts[2]}/issues/{parts[4]}/comments", query)
            if len(parts) == 6 and parts[0] == "repos" and parts[3] == "pulls" and parts[5] == "reviews":
                return self._reviews(f"{parts[1]}/{parts[2]}", int(parts[4]), query)
            if len(parts) == 5 and parts[0] == "repos" and parts[3] == "commits":
                commit = stub.commits.get((f"{parts[1]}/{parts[2]}", parts[4]))
                if commit is None:  # GitHub's answer for a sha it does not have
                    return self._send(422, {"message": f"No commit found for SHA: {parts[4]}",
                                            "documentation_url": DOCS, "status": "422"})
                return self._send(200, commit)
            if len(parts) == 5 and parts[0] == "repositories" and parts[2] == "pulls":
                number = int(parts[3])
                repo = next((r for r, n in stub.reviews if n == number), "")
                return self._reviews(repo, number, query)
            is_team = len(parts) == 4 and parts[0] == "orgs" and parts[2] == "teams"
            if is_team and (parts[1], parts[3]) in stub.teams:
                return self._send(200, {"id": 1, "slug": parts[3], "name": parts[3],
                                        "privacy": "closed", "permission": "pull"})
            if len(parts) == 6 and parts[0] == "orgs" and parts[4] == "memberships":
                state = stub.teams.get((parts[1], parts[3]), {}).get(parts[5].lower())
                if state is not None:
                    return self._send(200, {"url": f"{stub.url}/teams/1/memberships/{parts[5]}",
                                            "role": "member", "state": state})
            return self._send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})

        def _write(self) -> tuple[list[str], dict[str, Any]] | None:
            started = self._start()
            if started is None:
                return None
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length)) if length else {}
            if stub.read_only:
                self._send(403, {"message": "Resource not accessible by integration", "documentation_url": DOCS,
                                 "status": "403"})
                return None
            return started[0], payload

        def _find(self, parts: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
            if len(parts) == 6 and parts[0] == "repos" and parts[3:5] == ["issues", "comments"]:
                for (repo, _), comments in stub.comments.items():
                    for entry in comments:
                        if repo == f"{parts[1]}/{parts[2]}" and str(entry["id"]) == parts[5]:
                            return comments, entry
            self._send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})
            return None

        def do_POST(self) -> None:
            written = self._write()
            if written is None:
                return
            parts, payload = written
            if len(parts) == 6 and parts[0] == "repos" and parts[3] == "issues" and parts[5] == "comments":
                if not isinstance(payload.get("body"), str):
                    return self._send(422, {"message": "Invalid request.", "documentation_url": DOCS, "status": "422"})
                entry = stub.comment(f"{parts[1]}/{parts[2]}", int(parts[4]), payload["body"], stub.token_login)
                return self._send(201, entry)
            self._send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})

        def do_PATCH(self) -> None:
            written = self._write()
            found = self._find(written[0]) if written is not None else None
            if written is None or found is None:
                return
            _, entry = found
            entry["body"] = written[1]["body"]
            entry["updated_at"] = "2024-05-01T11:00:00Z"
            self._send(200, entry)

        def do_DELETE(self) -> None:
            written = self._write()
            found = self._find(written[0]) if written is not None else None
            if found is None:
                return
            comments, entry = found
            comments.remove(entry)
            self.send_response(204)
            self.end_headers()

        def _page(self, items: list[dict[str, Any]], path: str, query: dict[str, list[str]]) -> None:
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            last = max(1, -(-len(items) // per_page))
            link = f"{stub.origin}{stub.prefix}{path}?per_page={per_page}"
            links = [f'<{link}&page={page + 1}>; rel="next"', f'<{link}&page={last}>; rel="last"'] if page < last else []
            self._send(200, items[(page - 1) * per_page : page * per_page], {"Link": ", ".join(links)} if links else {})

        def _reviews(self, repo: str, number: int, query: dict[str, list[str]]) -> None:
            reviews = stub.reviews.get((repo, number))
            if reviews is None:
                return self._send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            last = max(1, -(-len(reviews) // per_page))
            chunk = reviews[(page - 1) * per_page : page * per_page]
            base = f"http://{stub.link_host}" if stub.link_host else stub.origin
            link = f"{base}{stub.prefix}/repositories/{REPOSITORY_ID}/pulls/{number}/reviews?per_page={per_page}"
            links = []
            if page < last:
                links += [f'<{link}&page={page + 1}>; rel="next"', f'<{link}&page={last}>; rel="last"']
            if page > 1:
                links += [f'<{link}&page=1>; rel="first"', f'<{link}&page={page - 1}>; rel="prev"']
            self._send(200, chunk, {"Link": ", ".join(links)} if links else {})

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
            defaults = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999",
                        "x-ratelimit-reset": "1714557600", "x-ratelimit-used": "1",
                        "x-ratelimit-resource": "core"}
            for key, value in {**defaults, **(headers or {})}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
