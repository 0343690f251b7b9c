"""Sign-off evidence only GitHub holds: approving reviews, and its check of signed trailer commits.

Both come from the REST API (`hosting/github_api.py`), which is why they are read
last. An approval counts for the highest level whose `github_reviewers`
list the reviewer (`reviews.py`): GitHub authenticated whoever pressed
"Approve".

For a trailer at a level with `require_signed_commit: github`, GitHub is
asked about the trailer's commit (`GET /repos/{owner}/{repo}/commits/{sha}`).
`commit.verification.verified` means GitHub checked the signature against
a key registered on the GitHub account that owns the committer's email.
The trailer counts when GitHub ties the commit's author and committer to
that same account (`author.login`, `committer.login`) and the account is
one of the level's `github_reviewers` (directly, or as an active member of
a listed `@org/team`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ownership_gate.hosting.github_api import GitHub
from ownership_gate.model import VERIFIED_BY_GITHUB, Evidence
from ownership_gate.policy.model import Level
from ownership_gate.signoff import reviews
from ownership_gate.signoff.trailer_evidence import GitHubCheck, describe


def approvals(
    api: GitHub, matcher: reviews.Matcher, repository: str, number: int, notes: list[str]
) -> list[Evidence]:
    found: list[Evidence] = []
    for approval in reviews.latest_approvals(api.reviews(repository, number)):
        level = matcher.level_for(approval.login)
        if level is None:
            notes.append(
                f"the approval by @{approval.login} does not count: not one of the github_reviewers"
            )
        else:
            found.append(Evidence(level.name, "github-review", approval.login, approval.commit, VERIFIED_BY_GITHUB))
    return found


def verified_trailers(
    api: GitHub, matcher: reviews.Matcher, repository: str, checks: Sequence[GitHubCheck], notes: list[str]
) -> list[Evidence]:
    commits: dict[str, dict[str, Any]] = {}
    found: list[Evidence] = []
    counted: set[tuple[str, str]] = set()  # (commit, value) already counting at a higher level
    for check in checks:
        trailer = check.trailer
        if (trailer.commit, trailer.value) in counted:
            continue
        if trailer.commit not in commits:
            commits[trailer.commit] = api.commit(repository, trailer.commit)
        login, refusal = _account(commits[trailer.commit], matcher, check.level)
        if login is None:
            notes.append(f"{describe(trailer)} does not count for {check.level.name}: {refusal}")
            continue
        found.append(Evidence(check.level.name, "trailer", login, trailer.commit, VERIFIED_BY_GITHUB))
        counted.add((trailer.commit, trailer.value))
    return found


def _account(commit: dict[str, Any], matcher: reviews.Matcher, level: Level) -> tuple[str | None, str]:
    """The listed GitHub account GitHub verified the commit for, or None and why not."""
    details = commit.get("commit")
    verification = details.get("verification") if isinstance(details, dict) else None
    if not isinstance(verification, dict) or verification.get("verified") is not True:
        reason = verification.get("reason") if isinstance(verification, dict) else None
        return None, f"GitHub does not verify its signature ({reason or 'no verification given'})"
    author, committer = _login(commit.get("author")), _login(commit.get("committer"))
    if author is None:
        return None, "GitHub ties its author email to no GitHub account"
    if committer is None or committer.lower() != author.lower():
        other = f"@{committer}" if committer else "no account"
        return None, f"GitHub ties its author to @{author} but its committer to {other}"
    if not matcher.lists(level, author):
        return None, f"GitHub verified it for @{author}, who is not one of the github_reviewers"
    return author, ""


def _login(user: object) -> str | None:
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) and login else None
