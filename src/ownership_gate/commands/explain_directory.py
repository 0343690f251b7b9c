"""`explain DIR`: the levels a directory's tracked files get, grouped by the rule that decides each.

Rules match files, so a directory has no level of its own; what a
CODEOWNERS user asks of one is who reviews changes in it. That is the
level of each file in it, which the same `PathOwnership` gives as for a
single path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ownership_gate.paths.owners import PathOwnership


def files_under(directory: str, tracked: Iterable[str]) -> list[str]:
    """The tracked files inside `directory` ("" is the whole repository), sorted."""
    prefix = f"{directory}/" if directory else ""
    return sorted(path for path in tracked if path.startswith(prefix))


def explain_directory(ownership: PathOwnership, directory: str, files: list[str]) -> dict[str, Any]:
    policy = ownership.policy
    groups: dict[str, dict[str | None, list[str]]] = {}
    for path in files:
        level, deciding = ownership.level(path)
        groups.setdefault(level, {}).setdefault(deciding, []).append(path)
    levels = [
        {
            "level": level,
            "owners": list(policy.level(level).owners),
            "files": sum(len(paths) for paths in groups[level].values()),
            "deciding_rules": [
                {"rule": rule, "files": len(paths), "example": paths[0]}
                for rule, paths in sorted(groups[level].items(), key=lambda item: (-len(item[1]), item[0] or ""))
            ],
        }
        for level in sorted(groups, key=policy.rank, reverse=True)
    ]
    return {"path": f"{directory}/" if directory else ".", "directory": True, "files": len(files), "levels": levels}


def render_directory(default_level: str, item: dict[str, Any]) -> list[str]:
    if not item["files"]:
        return [f"{item['path']}: a directory with no tracked files"]
    lines = [f"{item['path']}: a directory; its {item['files']} tracked file(s) by level, strictest first"]
    for group in item["levels"]:
        owners = " ".join(group["owners"]) or "no owners"
        lines.append(f"  {group['level']} ({owners}): {group['files']} file(s)")
        for decided in group["deciding_rules"]:
            rule = decided["rule"] or f"default level ({default_level})"
            lines.append(f"    decided by {rule}: {decided['files']} file(s), e.g. {decided['example']}")
    return lines
