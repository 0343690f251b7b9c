"""`ownership/changed`: a CODEOWNERS file whose rules say otherwise who reviews what.

GitHub, GitLab and Bitbucket read a `CODEOWNERS` file at the root, in
`.github/`, `docs/`, `.gitlab/` or `.bitbucket/`. Each line that is not
blank and does not start with `#` is a rule (a pattern and its owners, or
a GitLab `[Section]` header), and the last matching rule wins, so the
rules are compared in order, each with its whitespace collapsed. A file
added, deleted or renamed away, or any rule added, removed, reordered or
edited, is a finding (subject: the file); a change to comments and blank
lines alone (a generated header, a link moved to another branch) changes
no owner and is none. A file that is not text fails closed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context, text_of
from ownership_gate.model import Change, Finding

TYPE = "ownership"
KINDS: tuple[str, ...] = ("changed",)
SETTINGS: Mapping[str, str] = {}

NAME = "CODEOWNERS"
FOLDERS = frozenset({"", ".github", "docs", ".gitlab", ".bitbucket"})


def is_codeowners(path: str) -> bool:
    return posixpath.basename(path) == NAME and posixpath.dirname(path) in FOLDERS


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
    return {p for p in paths.by_name.get(NAME, ()) if is_codeowners(p)}


def classify(change: Change, context: Context) -> list[Finding]:
    sides: list[list[str] | None] = []
    for path, data in ((change.source_path, context.old(change)), (change.path, context.new(change))):
        if data is None or not is_codeowners(path):
            sides.append(None)  # no file there, or one no host reads as a CODEOWNERS file
            continue
        text = text_of(data, lossy=False)
        if text is None:
            return [_finding(change, f"{path} is not text: who reviews what cannot be read")]
        sides.append(rules(text))
    old, new = sides
    if old == new:
        return []
    if old is None or new is None:
        what = "added" if old is None else "removed"
        return [_finding(change, f"owner rules {what}: {len(new or old or [])} rule(s)")]
    gone = [rule for rule in old if rule not in new]
    came = [rule for rule in new if rule not in old]
    shown = "; ".join([*(f"- {r}" for r in gone[:3]), *(f"+ {r}" for r in came[:3])])
    shown = shown or "the same rules in another order"
    return [_finding(change, f"owner rules changed: {shown}"[:300])]


def rules(text: str) -> list[str]:
    """The rules of a CODEOWNERS file, in order, each with its whitespace collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _finding(change: Change, detail: str) -> Finding:
    return Finding(type=TYPE, kind="changed", subject=change.path, detail=detail)
