"""A dependency folder committed: `.gitignore` stops ignoring `vendor/` and the change set adds files there.

Until then production is built from what the manifests and lockfiles
install; from then on it ships the copies in the repository, thousands of
third-party files that no review reads and that the lockfile no longer
decides. The decision is the `.gitignore` line taken away, and it counts
only when the change set also adds files below that folder: a line removed
with nothing committed there changes nothing yet, and later updates of an
already committed folder are judged by the manifests that go with them.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.dependency.compare import TYPE
from ownership_gate.model import Change, Finding

# The folders package managers install into: Composer's, Bundler's and Go's `vendor/`, npm's `node_modules/`,
# Bower's, jspm's and CocoaPods' folders.
FOLDERS = frozenset({"vendor", "node_modules", "bower_components", "jspm_packages", "Pods"})


def is_ignore_file(path: str) -> bool:
    return posixpath.basename(path) == ".gitignore"


def _folder(line: str) -> str | None:
    """The dependency folder an ignore line names (`/vendor`, `vendor/`, `node_modules/*`), or None."""
    text = line.strip()
    if not text or text.startswith(("#", "!")):
        return None
    anchored = text.startswith("/")
    name = text.strip("/")
    for suffix in ("/**", "/*"):
        name = name.removesuffix(suffix)
    if "/" in name or name not in FOLDERS:
        return None
    return ("/" if anchored else "") + name


def _ignored(text: str) -> set[str]:
    return {folder for line in text.splitlines() if (folder := _folder(line)) is not None}


def findings(change: Change, context: Context) -> list[Finding]:
    old, new = (text_of(data, lossy=True) or "" for data in (context.old(change), context.new(change)))
    dropped = _ignored(old) - _ignored(new)
    if not dropped:
        return []
    base = posixpath.dirname(change.path)
    prefix = f"{base}/" if base else ""
    added = [c.path for c in context.changes if c.status in ("added", "copied") and c.new_oid is not None]
    found = []
    for folder in sorted(dropped):
        name = folder.lstrip("/")
        if folder.startswith("/"):  # anchored: the folder next to the .gitignore
            inside = [p for p in added if p.startswith(f"{prefix}{name}/")]
        else:  # any folder of that name below it
            inside = [p for p in added if p.startswith(prefix) and f"/{name}/" in f"/{p[len(prefix):]}"]
        if not inside:
            continue
        subject = f"{prefix}{name}/"
        files = f"{len(inside):,} file{'s' if len(inside) != 1 else ''}"
        found.append(Finding(type=TYPE, kind="vendored", subject=subject, detail=(
            f"{change.path} no longer ignores {subject} and the change commits {files} there: production now"
            " ships the copies in the repository, not what the manifests install"
        )))
    return found
