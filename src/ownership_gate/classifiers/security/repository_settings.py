"""A repository's settings kept in the repository: the GitHub Settings app's `.github/settings.yml`.

The app applies the file to the repository whenever the default branch
changes it: besides what only describes the repository (its `name`,
`description`, `homepage`, `topics`, labels and milestones), it sets who may
push and what a merge needs (`branches` protection, `rulesets`), who has
access (`collaborators`, `teams`), deployment `environments` and their
reviewers, and whether the repository is private; `_extends` takes all of
them from another repository's file (`_extends: .github`, the
organisation's). Each of those keys changed, added or removed is an
`access` finding, subject `<path>: <key>`; a change to the description
alone, or to blank lines and comments, is none. A file that no longer reads
fails closed.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.formats.yaml import YamlError, plain
from ownership_gate.model import Change, Finding

NAMES = frozenset({"settings.yml", "settings.yaml"})
# What only describes the repository and sorts its issues.
_DESCRIPTIVE = frozenset({"labels", "milestones"})
_DESCRIPTIVE_REPOSITORY = frozenset({"name", "description", "homepage", "topics"})


def is_settings(path: str) -> bool:
    return posixpath.dirname(path) == ".github" and posixpath.basename(path) in NAMES


def findings(change: Change, context: Context) -> list[Finding]:
    old, new = (text_of(data, lossy=True) or "" for data in (context.old(change), context.new(change)))
    if old == new:
        return []
    try:
        before, after = _governing(old, context), _governing(new, context)
    except YamlError as exc:
        return [finding("access", change.path, f"{change.path} no longer reads as YAML ({exc}): the repository's "
                        "access and branch protection cannot be compared")]
    return [
        finding("access", f"{change.path}: {key}",
                f"the repository's `{key}` settings {_how(key in before, key in after)} in {change.path} "
                "(who may push, review or reach the repository, applied by the Settings app)")
        for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)
    ]


def _how(was: bool, now: bool) -> str:
    return "added" if now and not was else "removed" if was and not now else "changed"


def _governing(text: str, context: Context) -> dict[str, object]:
    """The settings of a revision that govern access, by top-level key (`repository` without what only
    describes it)."""
    if not text.strip():
        return {}
    roots = context.load_yaml(text).roots
    document = plain(roots[0]) if roots else {}
    if not isinstance(document, dict):
        return {"(top)": document}
    kept: dict[str, object] = {}
    for key, value in document.items():
        if key in _DESCRIPTIVE:
            continue
        if key == "repository" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in _DESCRIPTIVE_REPOSITORY}
            if not value:
                continue
        kept[str(key)] = value
    return kept
