"""One merge-request note, kept like the GitHub comment: found by its marker, updated in place.

`GET/POST /projects/:id/merge_requests/:iid/notes`, `PUT/DELETE .../notes/:note_id`.
Writing needs a token with the `api` scope in OWNERSHIP_GATE_GITLAB_TOKEN
(a job token cannot write notes). Callers turn any failure into a notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.ci.detect import CiRun
from ownership_gate.errors import FatalError
from ownership_gate.hosting.gitlab_api import GitLab
from ownership_gate.hosting.rest import Transient


def sync_note(run: CiRun, marker: str, body: str | None, env: Mapping[str, str]) -> str:
    """Make the merge request carry exactly one note with `body`, or none for None; say what was done."""
    project, iid = env.get("CI_PROJECT_ID", "").strip(), run.pr_number
    if not project or iid is None:
        raise FatalError("CI_PROJECT_ID or CI_MERGE_REQUEST_IID is not set; no note written")
    api = GitLab.from_env(env, "the merge-request note")
    url = api.merge_request(project, iid, "notes")
    notes = api.all_pages(url + "?sort=asc&order_by=created_at&per_page=100", f"the notes of merge request !{iid}")
    ours = [n for n in notes if not n.get("system") and str(n.get("body", "")).startswith(marker)]
    first = ours[0] if ours else None
    for extra in ours[1:]:
        if _author(extra) == _author(first):
            _write(api, "DELETE", f"{url}/{extra['id']}", None, f"note {extra['id']}")
    if body is None:
        if first is None:
            return "no note: nothing needs sign-off"
        _write(api, "DELETE", f"{url}/{first['id']}", None, f"note {first['id']}")
        return "deleted the note: nothing needs sign-off any more"
    if first is None:
        _write(api, "POST", url, {"body": body}, f"a note on merge request !{iid}")
        return "wrote a note on the merge request"
    if first.get("body") != body:
        _write(api, "PUT", f"{url}/{first['id']}", {"body": body}, f"note {first['id']}")
        return "updated the note"
    return "the note is up to date"


def _write(api: GitLab, method: str, url: str, payload: dict[str, str] | None, what: str) -> None:
    try:
        api.send(method, url, payload, what)
    except Transient as exc:  # a write is not retried: it may have happened
        raise FatalError(str(exc)) from None


def _author(note: dict[str, Any] | None) -> object:
    author = note.get("author") if note else None
    return author.get("id") if isinstance(author, dict) else None
