"""What a path alone is owned by: the policy's path rules, without looking at contents.

`codeowners`, `explain` and `validate` share this view. The level itself
always comes from `Engine.rules_for_paths`, so it cannot drift from what
`check` decides; the extra detail here (which pattern matched, which
exclude removed a rule) is only for explaining it.
"""

from __future__ import annotations

from typing import NamedTuple

from ownership_gate.classifiers.dependency.ecosystems.base import SCOPES
from ownership_gate.classifiers.policy import POLICY_RULE_ID, POLICY_RULE_REASON
from ownership_gate.engine.judge import Engine
from ownership_gate.policy.model import Policy, Rule, When, rule_index

# Characters a CODEOWNERS reader does not treat the way git's wildmatch does:
# GitHub has no `[...]` ranges and no backslash escapes, and readers disagree
# on escaped spaces next to wildcards.
_UNPORTABLE = frozenset("[]\\")


class PathMatch(NamedTuple):
    """One rule whose path condition a path meets (or meets but is excluded from)."""

    rule: str
    level: str
    reason: str
    pattern: str | None  # the `paths` pattern that matched; None: the rule has no `paths`
    excluded_by: str | None  # the `exclude` pattern that removes the rule, if any
    when: When | None
    line: int = 0

    @property
    def applies(self) -> bool:
        return self.excluded_by is None


class PathOwnership:
    """The level each path gets from path-only rules (rules without `when`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.policy: Policy = engine.policy
        self._paths, self._exclude = rule_index(engine.policy)

    def level(self, path: str) -> tuple[str, str | None]:
        """The level the path rules give `path`, and the deciding rule id (None: the default)."""
        policy = self.policy
        if path in self.engine.policy_paths:
            return policy.top_level, POLICY_RULE_ID
        best: Rule | None = None
        for number in sorted(self.engine.rules_for_paths([path])):
            rule = policy.rules[number]
            if rule.when is None and (best is None or policy.rank(rule.level) > policy.rank(best.level)):
                best = rule
        if best is None:
            return policy.default_level, None
        return best.level, best.id

    def matches(self, path: str) -> list[PathMatch]:
        """Every rule whose `paths` match `path` (or that has none), excluded ones included."""
        policy = self.policy
        found: list[PathMatch] = []
        if path in self.engine.policy_paths:
            found.append(
                PathMatch(POLICY_RULE_ID, policy.top_level, POLICY_RULE_REASON, path, None, None)
            )
        hits = self._paths.matches(path)
        excluded = self._exclude.matches(path)
        for number, rule in enumerate(policy.rules):
            if rule.paths is None:
                pattern = None
            elif number in hits:
                pattern = hits[number]
            else:
                continue
            found.append(
                PathMatch(
                    rule.id, rule.level, rule.reason, pattern, excluded.get(number), rule.when,
                    rule.line,
                )
            )
        return found


def path_only_rules(policy: Policy) -> list[Rule]:
    return [rule for rule in policy.rules if rule.when is None]


def unportable_reason(pattern: str) -> str | None:
    """Why CODEOWNERS cannot carry `pattern` as it is, or None when it can."""
    if any(c.isspace() for c in pattern):
        return "it contains whitespace, which CODEOWNERS readers escape differently"
    if _UNPORTABLE & set(pattern):
        return "CODEOWNERS has no character ranges ('[...]') or backslash escapes"
    if "//" in pattern:
        return "it contains an empty path segment ('//')"
    return None


def codeowners_pattern(pattern: str) -> str | None:
    """`pattern` written so CODEOWNERS reads it exactly as the policy does, or None.

    git's wildmatch lets `docs/*` match everything below `docs/` (a match on a
    directory covers its contents), while CODEOWNERS reads `docs/*` as
    direct children only; `/docs/` says what the policy means to both.
    """
    if unportable_reason(pattern) is not None:
        return None
    if pattern.endswith("/*") and not pattern[:-2].endswith("**"):
        body = pattern[:-2].lstrip("/")
        return f"/{body}/" if body else "*"
    return pattern


def escape_path(path: str) -> str:
    """A literal, root-anchored CODEOWNERS pattern for exactly one path."""
    out = []
    for char in path:
        if char == " " or char in "*?[]\\":
            out.append("\\")
        out.append(char)
    return "/" + "".join(out)


def describe_when(when: When) -> str:
    types = "/".join(sorted(when.types))
    kinds = ", ".join(sorted(when.kinds)) if when.kinds is not None else "any kind"
    words = [f"{types} {kinds}"]
    if when.vendor is not None:
        words.append("of a vendor" if when.vendor else "of no vendor")
    if when.subjects:
        words.append(f"of {', '.join(when.subjects)}")
    if when.scopes is not None:
        words.append(f"in {', '.join(sorted(when.scopes, key=SCOPES.index))} scope")
    if when.ecosystems is not None:
        words.append(f"in {', '.join(sorted(when.ecosystems))}")
    return " ".join(words)


def describe_rule_scope(rule: Rule) -> str:
    """A one-line summary of where and on what a rule fires, for comments and reports."""
    parts = [describe_when(rule.when)] if rule.when is not None else []
    if rule.paths is not None:
        parts.append("in " + ", ".join(rule.paths))
    if rule.exclude:
        parts.append("except " + ", ".join(rule.exclude))
    return "; ".join(parts)
