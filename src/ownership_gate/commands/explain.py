"""`ownership-gate explain PATH...`: which rules own a path, and why.

For each path: every rule whose path condition it meets (and the exclude
that cancels one), the level the path alone gets and the rule that decides
it, and for every kind of finding the level a change of that kind would
need; for a directory, the levels of its tracked files. Levels come from
the same code `check` and `codeowners` use. A path that cannot be
explained (outside the repository) is reported and skipped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ownership_gate.classifiers import BUILT_IN_RULES, REGISTRY
from ownership_gate.classifiers.dependency.ecosystems.base import SCOPES
from ownership_gate.classifiers.policy import POLICY_RULE_ID, POLICY_RULE_REASON
from ownership_gate.commands.explain_directory import explain_directory, files_under, render_directory
from ownership_gate.engine.judge import Engine
from ownership_gate.errors import EXIT_OK, EXIT_USAGE, FatalError
from ownership_gate.git.repo import Git, find_root
from ownership_gate.output.quoting import quote_path
from ownership_gate.paths.owners import PathMatch, PathOwnership
from ownership_gate.policy.model import Policy, When
from ownership_gate.policy.select import policy_paths, select_policy

SCHEMA = "ownership-gate/explain/v1"
# Types a `when` can name that come from reading contents (path findings come from `paths`;
# the built-in rules' types, the policy file's and a classifier's failure, are always the top level).
_CONTENT_TYPES = [t for t in REGISTRY if t != "path" and t not in BUILT_IN_RULES]


def repo_path(root: Path, argument: str, tracked: frozenset[str]) -> tuple[str, bool]:
    """`argument` (relative to the working directory) as a repository path, and whether it is a directory.

    A directory is one on disk, one written with a trailing `/`, or a path
    tracked files lie under; the repository root is "".
    """
    if not argument or "\0" in argument:
        raise FatalError(f"not a path: {argument!r}")
    absolute = Path(os.path.normpath(Path.cwd().resolve() / argument))
    try:
        relative = absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise FatalError(f"{argument} is outside the repository ({root})") from None
    if relative == ".":
        return "", True
    on_disk = absolute.is_dir() and not absolute.is_symlink()
    if on_disk or argument.endswith("/") or (relative not in tracked and bool(files_under(relative, tracked))):
        return relative, True
    return relative, False


def _match_json(match: PathMatch) -> dict[str, Any]:
    found: dict[str, Any] = {
        "rule": match.rule,
        "level": match.level,
        "pattern": match.pattern,
        "excluded_by": match.excluded_by,
        "applies": match.applies,
        "reason": match.reason,
    }
    if match.when is not None:
        found["when"] = {
            "type": sorted(match.when.types),
            "kind": sorted(match.when.kinds) if match.when.kinds is not None else None,
            **_conditions(match.when, every=True),
        }
    return found


def _conditions(when: When, every: bool = False) -> dict[str, Any]:
    """What a `when` asks of a finding besides its type and kind (only what it asks, unless `every`)."""
    found = {
        "subject": list(when.subjects) if when.subjects is not None else None,
        "scope": sorted(when.scopes, key=SCOPES.index) if when.scopes is not None else None,
        "ecosystem": sorted(when.ecosystems) if when.ecosystems is not None else None,
        "vendor": when.vendor,
    }
    return found if every else {k: v for k, v in found.items() if v is not None}


def _by_kind(policy: Policy, path_level: str, matches: Sequence[PathMatch]) -> list[dict[str, Any]]:
    """For each finding type and kind: the level such a change at this path needs."""
    rows = []
    for type_ in _CONTENT_TYPES:
        for kind in REGISTRY[type_].KINDS:
            level, rules, conditional = path_level, [], []
            for match in matches:
                when = match.when
                if when is None or not match.applies or type_ not in when.types:
                    continue
                if when.kinds is not None and kind not in when.kinds:
                    continue
                conditions = _conditions(when)
                if conditions:
                    conditional.append({"rule": match.rule, "level": match.level, **conditions})
                    continue
                rules.append(match.rule)
                level = policy.stricter(match.level, level)
            rows.append({"type": type_, "kind": kind, "level": level, "rules": rules, "conditional": conditional})
    return rows


def explain_path(ownership: PathOwnership, tracked: frozenset[str], path: str) -> dict[str, Any]:
    policy = ownership.policy
    level, deciding = ownership.level(path)
    matches = ownership.matches(path)
    if deciding == POLICY_RULE_ID:
        why = POLICY_RULE_REASON
    elif deciding is not None:
        rule = next(r for r in policy.rules if r.id == deciding)
        why = rule.reason or f"rule {deciding!r} gives it level {level!r}"
    else:
        why = f"no path rule matches it, so it has the default level {policy.default_level!r}"
    return {
        "path": path,
        "tracked": path in tracked,
        "level": level,
        "owners": list(policy.level(level).owners),
        "deciding_rule": deciding,
        "reason": why,
        "path_rules": [_match_json(m) for m in matches if m.when is None],
        "change_rules": [_match_json(m) for m in matches if m.when is not None],
        "by_kind": _by_kind(policy, level, matches),
    }


def _rule_line(match: dict[str, Any]) -> str:
    where = f"matches {match['pattern']!r}" if match["pattern"] is not None else "has no paths (any file)"
    if match["excluded_by"] is not None:
        where += f", but excluded by {match['excluded_by']!r}"
    return f"    {match['rule']} ({match['level']}): {where}"


def _kind_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    groups: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for row in rows:
        key = (row["type"], row["level"], tuple(row["rules"]))
        groups.setdefault(key, []).append(row["kind"])
    for (type_, level, rules), kinds in groups.items():
        source = ", ".join(rules) if rules else "no rule; the path's level"
        lines.append(f"    {type_} {', '.join(kinds)}: {level} ({source})")
    for row in rows:
        for cond in row["conditional"]:
            lines.append(f"    {row['type']} {row['kind']} {_condition_words(cond)}: {cond['level']} ({cond['rule']})")
    return lines


def _condition_words(cond: dict[str, Any]) -> str:
    """`of a vendor`, `of stripe*`, `in runtime scope`, `in npm`, as a rule's conditions read."""
    words = []
    if "vendor" in cond:
        words.append("of a vendor" if cond["vendor"] else "of no vendor")
    if "subject" in cond:
        words.append(f"of {', '.join(cond['subject'])}")
    if "scope" in cond:
        words.append(f"in {', '.join(cond['scope'])} scope")
    if "ecosystem" in cond:
        words.append(f"in {', '.join(cond['ecosystem'])}")
    return " ".join(words)


def render_text(policy: Policy, explained: list[dict[str, Any]]) -> str:
    lines = [f"policy: {quote_path(policy.source)}"]
    for item in explained:
        if item.get("directory"):
            lines += ["", *render_directory(policy.default_level, item)]
            continue
        owners = " ".join(item["owners"]) or "no owners"
        tracked = "" if item["tracked"] else "  (not a tracked file)"
        lines += ["", f"{quote_path(item['path'])}: {item['level']} ({owners}){tracked}"]
        decided = item["deciding_rule"] or f"default level ({policy.default_level})"
        lines.append(f"  decided by: {decided}")
        lines.append(f"  why: {item['reason']}")
        lines.append("  path rules:")
        lines += [_rule_line(m) for m in item["path_rules"]] or ["    (none)"]
        lines.append("  rules on what changed here:")
        lines += [_rule_line(m) for m in item["change_rules"]] or ["    (none)"]
        lines.append("  a change of each kind here needs:")
        lines += _kind_lines(item["by_kind"])
    return "\n".join(lines) + "\n"


def explain(*, paths: Sequence[str], policy: str | None = None, format: str = "text") -> int:
    git = Git(find_root())
    try:
        chosen = select_policy(git, git.root, policy, None)
        tracked = frozenset(git.ls_files())
    finally:
        git.close()
    ownership = PathOwnership(Engine(chosen, policy_paths(chosen)))
    explained = []
    failed = 0
    for argument in paths:
        try:
            path, directory = repo_path(git.root, argument, tracked)
        except FatalError as exc:  # one bad path; the others are still explained
            print(f"ownership-gate: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if directory:
            explained.append(explain_directory(ownership, path, files_under(path, tracked)))
        else:
            explained.append(explain_path(ownership, tracked, path))
    if format == "json":
        document = {"schema": SCHEMA, "policy": {"source": chosen.source}, "paths": explained}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(chosen, explained))
    sys.stdout.flush()
    return EXIT_USAGE if failed else EXIT_OK
