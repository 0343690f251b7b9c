"""A local stand-in for the GitLab REST API (v4), on 127.0.0.1.

It answers the endpoints the gate calls the way GitLab documents them:
merge-request approvals (`approved_by`), notes (system notes included, with
`Link` pagination), diff versions, groups and their inherited members, and
note writes; errors carry GitLab's `{"message": ...}` bodies, rate limits
its `RateLimit-*` headers. A job token (`JOB-TOKEN`) is refused on these
endpoints, as GitLab refuses it. Tests point `CI_API_V4_URL` at it.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROJECT = "42"


def gl_user(username: str, user_id: int) -> dict[str, Any]:
    return {
        "id": user_id, "username": username, "name": username.replace("-", " ").title(), "state": "active",
        "locked": False, "avatar_url": f"https://gitlab.example/uploads/-/system/user/avatar/{user_id}/avatar.png",
        "web_url": f"https://gitlab.example/{username}",
    }


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1_000_000


class GitLabStub:
    def __init__(self) -> None:
        self.approved_by: dict[int, list[dict[str, Any]]] = {}  # iid -> users who approve now
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.versions: dict[int, list[dict[str, Any]]] = {}
        self.groups: dict[str, dict[int, str]] = {}  # full path -> {user id: state}, inherited included
        self.failures: dict[str, Failure] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers
        self.token_user = gl_user("project_42_bot", 9000)
        self._next_note = 500
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v4"

    def __enter__(self) -> GitLabStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- arranging --------------------------------------------------------
    def push(self, iid: int, head: str, at: str) -> None:
        """A diff version, as GitLab creates one for every push to the merge request."""
        versions = self.versions.setdefault(iid, [])
        versions.insert(0, {  # newest first, as GitLab lists them
            "id": 100 + len(versions), "head_commit_sha": head, "base_commit_sha": "0" * 40,
            "start_commit_sha": "0" * 40, "created_at": at, "merge_request_id": 9000 + iid,
            "state": "collected", "real_size": "1", "patch_id_sha": "1" * 40,
        })

    def approve(self, iid: int, username: str, user_id: int, at: str) -> None:
        user = gl_user(username, user_id)
        self.approved_by.setdefault(iid, [])
        if all(entry["user"]["id"] != user_id for entry in self.approved_by[iid]):
            self.approved_by[iid].append({"user": user})
        self.note(iid, "approved this merge request", user, at, system=True)

    def unapprove(self, iid: int, user_id: int, at: str) -> None:
        entries = self.approved_by.get(iid, [])
        user = next(e["user"] for e in entries if e["user"]["id"] == user_id)
        entries[:] = [e for e in entries if e["user"]["id"] != user_id]
        self.note(iid, "unapproved this merge request", user, at, system=True)

    def note(self, iid: int, body: str, author: dict[str, Any], at: str, system: bool = False) -> dict[str, Any]:
        self._next_note += 1
        entry = {
            "id": self._next_note, "type": None, "body": body, "author": author, "created_at": at,
            "updated_at": at, "system": system, "noteable_id": 9000 + iid, "noteable_type": "MergeRequest",
            "noteable_iid": iid, "resolvable": False, "confidential": False, "internal": False,
        }
        self.notes.setdefault(iid, []).append(entry)
        return entry

    def member(self, group: str, user_id: int, state: str = "active") -> None:
        self.groups.setdefault(group, {})[user_id] = state

    def fail(self, fragment: str, status: int, message: str, times: int = 1_000_000, **headers: str) -> None:
        self.failures[fragment] = Failure(status, {"message": message},
                                          {k.replace("_", "-"): v for k, v in headers.items()}, times)


def _handler(stub: GitLabStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _route(self) -> None:
            stub.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
            url = urllib.parse.urlsplit(self.path)
            path = url.path.removeprefix("/api/v4")
            query = urllib.parse.parse_qs(url.query)
            for fragment, failure in stub.failures.items():
                if fragment in path and failure.times > 0:
                    failure.times -= 1
                    return self._send(failure.status, failure.body, failure.headers)
            if self.headers.get("JOB-TOKEN"):
                return self._send(403, {"message": "403 Forbidden"})
            if not self.headers.get("PRIVATE-TOKEN"):
                return self._send(401, {"message": "401 Unauthorized"})
            parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length)) if length else {}
            if parts[:1] == ["groups"]:
                return self._groups(parts)
            if len(parts) < 5 or parts[0] != "projects" or parts[1] != PROJECT or parts[2] != "merge_requests":
                return self._send(404, {"message": "404 Project Not Found"})
            iid, what = int(parts[3]), parts[4]
            if what == "approvals" and self.command == "GET":
                return self._send(200, {
                    "id": 9000 + iid, "iid": iid, "project_id": int(PROJECT), "title": "Queue", "state": "opened",
                    "merge_status": "can_be_merged", "approved": bool(stub.approved_by.get(iid)),
                    "approvals_required": 0, "approvals_left": 0, "approved_by": stub.approved_by.get(iid, []),
                })
            if what == "versions" and self.command == "GET":
                return self._page(stub.versions.get(iid, []), path, query)
            if what == "notes":
                return self._notes(iid, parts[5:], path, query, payload)
            return self._send(404, {"message": "404 Not found"})

        do_GET = do_POST = do_PUT = do_DELETE = _route

        def _groups(self, parts: list[str]) -> None:
            group = parts[1].lower()
            if group not in stub.groups:
                return self._send(404, {"message": "404 Group Not Found"})
            if len(parts) == 2:
                return self._send(200, {"id": 70, "full_path": group, "name": group.rsplit("/", 1)[-1]})
            if len(parts) == 5 and parts[2:4] == ["members", "all"]:
                state = stub.groups[group].get(int(parts[4]))
                if state is None:
                    return self._send(404, {"message": "404 Not found"})
                return self._send(200, {**gl_user(f"user{parts[4]}", int(parts[4])), "access_level": 30,
                                        "state": state})
            self._send(404, {"message": "404 Not found"})

        def _notes(self, iid: int, rest: list[str], path: str, query: dict[str, list[str]],
                   payload: dict[str, Any]) -> None:
            notes = stub.notes.setdefault(iid, [])
            if not rest and self.command == "GET":
                return self._page(notes, path, query)
            if not rest and self.command == "POST":
                return self._send(201, stub.note(iid, str(payload.get("body", "")), stub.token_user,
                                                 "2024-05-01T12:00:00.000Z"))
            entry = next((n for n in notes if rest and str(n["id"]) == rest[0]), None)
            if entry is None:
                return self._send(404, {"message": "404 Note Not Found"})
            if entry["author"]["id"] != stub.token_user["id"]:
                return self._send(403, {"message": "403 Forbidden"})
            if self.command == "PUT":
                entry["body"] = payload["body"]
                return self._send(200, entry)
            if self.command == "DELETE":
                notes.remove(entry)
                self.send_response(204)
                self.end_headers()
                return None
            self._send(405, {"message": "405 Method Not Allowed"})

        def _page(self, items: list[dict[str, Any]], path: str, query: dict[str, list[str]]) -> None:
            per_page = min(int(query.get("per_page", ["20"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            last = max(1, -(-len(items) // per_page))
            host, port = stub._server.server_address[:2]
            kept = {k: v[0] for k, v in query.items() if k != "page"}
            link = f"http://{host!s}:{port}/api/v4{path}?{urllib.parse.urlencode(kept)}"
            headers = {"X-Page": str(page), "X-Total-Pages": str(last), "X-Per-Page": str(per_page)}
            if page < last:
                headers["Link"] = f'<{link}&page={page + 1}>; rel="next", <{link}&page={last}>; rel="last"'
                headers["X-Next-Page"] = str(page + 1)
            self._send(200, items[(page - 1) * per_page : page * per_page], headers)

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in {"RateLimit-Limit": "2000", "RateLimit-Remaining": "1999", **(headers or {})}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
