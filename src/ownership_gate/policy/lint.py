"""Warnings about a policy that parses but may not do what its author thinks.

Errors (a policy that cannot work) come from the parser; these are the
quieter mistakes: rules that never fire on this repository, rules always
outranked by a stricter one, levels nobody owns or can sign off, levels
whose every sign-off the change's author can give alone, and patterns
CODEOWNERS cannot carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from ownership_gate.engine.judge import Engine
from ownership_gate.paths.owners import path_only_rules, unportable_reason
from ownership_gate.paths.patterns import PatternError, compile_pattern
from ownership_gate.policy.model import SIGNED_ALLOWED_SIGNERS, Policy, Rule, When, rule_index

# Probe names unlikely to be a literal in anyone's pattern.
_STARS = (("q7z", "q7z/k3w"), ("k3w.j", ""))
_ANY_PATHS = ("q7z.txt", "p9x/q7z/k3w.py", ".q7z", "p9x/k3w.j")
MAX_TRACKED_PROBES = 2000


class Warning(NamedTuple):
    line: int
    where: str
    message: str

    def format(self, source: str) -> str:
        line = f":{self.line}" if self.line else ""
        return f"{source}{line}: warning: {self.where}: {self.message}"


def _rule_where(number: int, rule: Rule) -> str:
    return f"rules[{number}] ({rule.id})"


def files_by_rule(policy: Policy, tracked: Sequence[str]) -> dict[int, list[str]]:
    """The tracked files each rule's `paths` match (excludes not applied), in one pass."""
    paths_index, _ = rule_index(policy)
    found: dict[int, list[str]] = {}
    for path in tracked:
        for number in paths_index.matches(path):
            found.setdefault(number, []).append(path)
    return found


def unmatched(policy: Policy, engine: Engine, by_rule: dict[int, list[str]]) -> Iterator[Warning]:
    for number, rule in enumerate(policy.rules):
        if rule.paths is None:
            continue
        files = by_rule.get(number, [])
        if not files:
            message = "its paths match no tracked file (a typo, or a folder that moved?)"
            yield Warning(rule.line, _rule_where(number, rule), message)
        elif not any(number in engine.rules_for_paths([path]) for path in files):
            message = "every tracked file its paths match is excluded by its `exclude`"
            yield Warning(rule.line, _rule_where(number, rule), message)


def _covers(high: When | None, low: When | None) -> bool:
    """Does a rule with `high` fire on every change a rule with `low` fires on (same path)?"""
    if high is None:
        return True
    if low is None or not low.types <= high.types:
        return False
    for wide, narrow in ((high.kinds, low.kinds), (high.scopes, low.scopes), (high.ecosystems, low.ecosystems)):
        if wide is not None and (narrow is None or not narrow <= wide):
            return False
    if high.vendor is not None and high.vendor != low.vendor:
        return False
    return high.subjects is None or (low.subjects is not None and set(low.subjects) <= set(high.subjects))


def probes(pattern: str) -> list[str]:
    """Concrete paths `pattern` matches, with wildcards filled by unlikely names."""
    try:
        regex = compile_pattern(pattern)
    except PatternError:
        return []
    body = re.sub(r"\[!?\^?(.)[^\]]*\]", r"\1", pattern.lstrip("/")).replace("\\", "")
    found: list[str] = []
    for star, double in _STARS:
        text = body.replace("**", "\0").replace("*", star).replace("?", "q").replace("\0", double)
        text = re.sub("/+", "/", text).strip("/")
        for candidate in (text, f"{text}/f5.txt", f"p9x/{text}", f"p9x/{text}/f5.txt"):
            if candidate.strip("/") and regex.match(candidate) and candidate not in found:
                found.append(candidate)
    return found


def outranked(
    policy: Policy, engine: Engine, tracked: Sequence[str], by_rule: dict[int, list[str]]
) -> Iterator[Warning]:
    lowest_default = policy.default_level == policy.levels[0].name
    for number, rule in enumerate(policy.rules):
        where = _rule_where(number, rule)
        if lowest_default and policy.rank(rule.level) == 0:
            message = (
                f"its level {rule.level!r} is the lowest and also the default:"
                " it can never change what a change needs"
            )
            yield Warning(rule.line, where, message)
            continue
        candidates = [p for pattern in rule.paths or () for p in probes(pattern)]
        if rule.paths is None:
            candidates += _ANY_PATHS
            candidates += list(tracked[:MAX_TRACKED_PROBES])
        else:
            candidates += by_rule.get(number, [])[:MAX_TRACKED_PROBES]
        reachable = [p for p in dict.fromkeys(candidates) if number in engine.rules_for_paths([p])]
        if not reachable:
            continue
        stronger: set[str] = set()
        for path in reachable:
            over = [
                other for n in engine.rules_for_paths([path])
                if (other := policy.rules[n]) is not rule
                and policy.rank(other.level) > policy.rank(rule.level)
                and _covers(other.when, rule.when)
            ]
            if not over:
                break
            stronger.update(o.id for o in over)
        else:
            message = (
                f"it can never decide anything: wherever it matches, {', '.join(sorted(stronger))}"
                " already requires a stricter level"
            )
            yield Warning(rule.line, where, message)


def levels(policy: Policy, root: Path | None) -> Iterator[Warning]:
    for rank, level in enumerate(policy.levels):
        where = f"levels[{rank}] ({level.name})"
        if not level.owners:
            yield Warning(level.line, where, "no owners: CODEOWNERS will name no reviewer for its files")
        if rank == 0:
            continue
        # Sign-offs that count for this level: its own and those of the levels above.
        counted = [lv.signoff for lv in policy.levels[rank:] if lv.signoff is not None and lv.signoff.sources]
        if not counted:
            message = (
                "no one can sign off this level, so every change that needs it fails `check`;"
                " add a `signoff` with a trailer and signers, github_reviewers, gitlab_approvers or labels"
            )
            yield Warning(level.line, where, message)
        elif not any(signoff.unforgeable for signoff in counted):
            message = (
                "every sign-off it accepts can be given by the change's own author: a plain trailer (anyone can"
                " commit as any email) or a label (anyone with triage access); add `require_signed_commit`,"
                " github_reviewers or gitlab_approvers"
            )
            yield Warning(level.line, where, message)
        signoff = level.signoff
        if (
            root is not None and signoff is not None and signoff.signature == SIGNED_ALLOWED_SIGNERS
            and signoff.allowed_signers and not (root / signoff.allowed_signers).is_file()
        ):
            message = (
                f"allowed_signers file {signoff.allowed_signers!r} does not exist,"
                " so no signed commit can verify"
            )
            yield Warning(signoff.line, f"{where}.signoff", message)


def inexpressible(policy: Policy) -> Iterator[Warning]:
    for number, rule in enumerate(policy.rules):
        if rule not in path_only_rules(policy):
            continue
        for i, pattern in enumerate(rule.paths or ()):
            why = unportable_reason(pattern)
            if why is not None:
                message = (
                    f"{pattern!r} cannot be written in CODEOWNERS ({why}); `codeowners` lists"
                    " the files it matches one by one, so new files are missed until it runs again"
                )
                yield Warning(rule.line, f"{_rule_where(number, rule)}.paths[{i}]", message)


def lint(policy: Policy, engine: Engine, tracked: Sequence[str] | None, root: Path | None) -> list[Warning]:
    """Every warning; `tracked` None skips the ones about this repository's files."""
    found = list(levels(policy, root))
    by_rule = files_by_rule(policy, tracked or [])
    if tracked is not None:
        found += unmatched(policy, engine, by_rule)
    found += outranked(policy, engine, tracked or [], by_rule)
    found += inexpressible(policy)
    return sorted(found, key=lambda w: (w.line, w.where))
