"""What the GitHub and GitLab REST clients share: a JSON response, one retry of a
transient failure, and pagination through `Link: <...>; rel="next"` headers that
never leaves the API's own host (a token is sent with every page)."""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from email.message import Message
from typing import Any, NamedTuple

from ownership_gate.errors import FatalError

MAX_PAGES = 100  # 10,000 items at 100 a page: far beyond any real pull or merge request
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class Response(NamedTuple):
    status: int
    headers: Message
    body: Any


class Transient(Exception):
    """A failure worth one more try (network, 5xx)."""


def retried(request: Callable[[], Response], delay: float) -> Response:
    """`request()`, tried once more after `delay` seconds if it fails transiently."""
    for attempt in (1, 2):
        try:
            return request()
        except Transient as exc:
            if attempt == 2:
                raise FatalError(f"{exc}; re-run the job") from None
            time.sleep(delay)
    raise AssertionError("unreachable")


def pages(get: Callable[[str], Response], url: str, what: str, platform: str, api_url: str) -> Iterator[Any]:
    """Each page's body, following `next` links on the API's own scheme and host only."""
    origin = urllib.parse.urlsplit(api_url)[:2]
    for _ in range(MAX_PAGES):
        response = get(url)
        yield response.body
        next_url = _next_link(response.headers.get("Link", ""))
        if next_url is None:
            return
        if urllib.parse.urlsplit(next_url)[:2] != origin:
            # Never send the token to a host other than the API's own.
            raise FatalError(f"{platform}'s pagination for {what} points away from {api_url}: {next_url}")
        url = next_url
    raise FatalError(f"{what}: more than {MAX_PAGES} pages; refusing to continue")


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        match = _NEXT.search(part)
        if match:
            return match.group(1)
    return None
