"""Judge a change set against a policy: the strictest matching rule wins."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from itertools import repeat
from operator import add
from typing import Any

from ownership_gate.classifiers import BUILT_IN_RULES, REGISTRY, Classifier, Context, failure
from ownership_gate.classifiers.base import ReadBlobs, Trees
from ownership_gate.model import Change, ChangeVerdict, Finding
from ownership_gate.output.terminal import Progress
from ownership_gate.policy.model import Policy, Rule, When, rule_index

_CLAIMERS = "engine:claimers"  # Context.memo key: id(change) -> classifiers claiming it


def _finding_matches(when: When, finding: Finding) -> bool:
    if finding.type not in when.types:
        return False
    if when.kinds is not None and finding.kind not in when.kinds:
        return False
    if when.scopes is not None and finding.scope not in when.scopes:
        return False
    if when.ecosystems is not None and finding.ecosystem not in when.ecosystems:
        return False
    if when.vendor is not None and (finding.vendor is not None) is not when.vendor:
        return False
    return when.subjects is None or any(fnmatchcase(finding.subject, s) for s in when.subjects)


class Engine:
    """A compiled policy, ready to judge any number of changes."""

    def __init__(self, policy: Policy, policy_paths: frozenset[str] = frozenset()) -> None:
        self.policy = policy
        self.policy_paths = policy_paths
        self._paths, self._exclude = rule_index(policy)
        self._pathless: dict[int, str | None] = {n: None for n, r in enumerate(policy.rules) if r.paths is None}
        self._path_rules = frozenset(n for n, r in enumerate(policy.rules) if r.when is None)
        self._path_findings: dict[tuple[int, str | None], Finding] = {}
        self._excludes = len(self._exclude) > 0
        # pattern numbers matched (and exclude numbers, if any) -> (level, findings)
        self._plain: dict[object, tuple[str, tuple[Finding, ...]]] = {}
        self._needed_types = {t for r in policy.rules if r.when for t in r.when.types}
        self._classifiers = [
            c for t, c in REGISTRY.items() if t in self._needed_types or t in BUILT_IN_RULES
        ]

    def rules_for_paths(self, paths: Sequence[str]) -> dict[int, str | None]:
        """Rules whose path conditions hold, each with the pattern that matched.

        A rule without `paths` matches every path (pattern None); a path
        matching a rule's `exclude` removes the rule whichever path it is.
        """
        if len(paths) == 1:
            hits: dict[int, str | None] = {**self._paths.matches(paths[0])}
        else:
            hits = {}
            for path in paths:
                for number, pattern in self._paths.matches(path).items():
                    hits.setdefault(number, pattern)
        hits.update(self._pathless)  # never matched by a pattern: they have none
        if self._excludes:
            for path in paths:
                for number in self._exclude.matches(path):
                    hits.pop(number, None)
        return hits

    def _path_finding(self, number: int, pattern: str | None) -> Finding:
        """The finding of a rule without `when`: the same for every path it matches, made once."""
        finding = self._path_findings.get((number, pattern))
        if finding is None:
            rule = self.policy.rules[number]
            finding = self._path_findings[(number, pattern)] = Finding(
                type="path",
                kind=None,
                subject=pattern or "*",
                detail=f"path matches {pattern!r}",
                rule=rule.id,
                level=rule.level,
                reason=rule.reason,
            )
        return finding

    def _claimers(self, context: Context) -> dict[int, list[Classifier]]:
        """id(change) -> the classifiers claiming it; each classifier claims its paths
        once for the whole change set, and most changes are claimed by none."""
        claimers: dict[int, list[Classifier]] | None = context.memo.get(_CLAIMERS)
        if claimers is None:
            claimers = context.memo[_CLAIMERS] = {}
            for classifier in self._classifiers:
                for claimed in context.claimed(classifier.TYPE):
                    claimers.setdefault(id(claimed), []).append(classifier)
        return claimers

    def classify(self, change: Change, context: Context) -> list[Finding]:
        findings: list[Finding] = []
        for classifier in self._claimers(context).get(id(change), ()):
            try:
                findings.extend(classifier.classify(change, context))
            except Exception as error:  # a bug: this file fails closed, every other file is still judged
                findings.append(failure.finding(classifier.TYPE, change, error))
        return findings

    def judge(self, change: Change, context: Context) -> ChangeVerdict:
        return self._verdict(change, self.classify(change, context))

    def _verdict(self, change: Change, findings: list[Finding]) -> ChangeVerdict:
        if not findings and change.old_path is None:
            return ChangeVerdict(change, *self._plain_verdict(change.path))
        return ChangeVerdict(change, *self._weigh(self.rules_for_paths(change.paths), findings))

    def _plain_verdict(self, path: str) -> tuple[str, tuple[Finding, ...]]:
        """The verdict of a file nothing was found in. Most files of a large change: only
        path rules judge them, and that depends on nothing but which patterns match,
        so files matching the same patterns share one worked-out verdict."""
        numbers = self._paths.numbers(path)
        key = (numbers, self._exclude.numbers(path)) if self._excludes else numbers
        known = self._plain.get(key)
        if known is None:
            known = self._plain[key] = self._weigh(self.rules_for_paths((path,)), [])
        return known

    def _unclassified(self, changes: Sequence[Change]) -> list[ChangeVerdict]:
        """`_verdict(change, [])` of every change, the way a large change set is cheapest:
        the patterns of all paths matched in one pass, one verdict worked out per set of
        them, and the 20,000 verdict records put together by built-ins."""
        paths = [change.path for change in changes]
        keys: Sequence[object] = self._paths.numbers_many(paths)
        if self._excludes:
            keys = list(zip(keys, self._exclude.numbers_many(paths), strict=True))
        plain = self._plain
        # Files matching the same patterns share a verdict: any one of them stands for the rest.
        for key, path in dict(zip(keys, paths, strict=True)).items():
            if key not in plain:
                plain[key] = self._weigh(self.rules_for_paths((path,)), [])
        # (change,) + (level, findings) for each change, as ChangeVerdicts.
        records = map(add, zip(changes), map(plain.__getitem__, keys))
        verdicts: list[ChangeVerdict] = list(map(tuple.__new__, repeat(ChangeVerdict), records))
        for position, change in enumerate(changes):
            if change.old_path is not None:  # a move: both its paths count
                verdicts[position] = self._verdict(change, [])
        return verdicts

    def _weigh(self, candidates: dict[int, str | None], findings: list[Finding]) -> tuple[str, tuple[Finding, ...]]:
        """The level and the judged findings, given the rules whose paths hold (strictest wins)."""
        policy = self.policy
        judged: list[Finding] = []
        levels: list[str] = []

        for finding in findings:
            best: Rule | None = None
            built_in = BUILT_IN_RULES.get(finding.type)
            if built_in is not None:
                rule_id, reason = built_in
                judged.append(finding._replace(rule=rule_id, level=policy.top_level, reason=reason))
                levels.append(policy.top_level)
                continue
            for number in candidates:
                rule = policy.rules[number]
                matched = rule.when is not None and _finding_matches(rule.when, finding)
                if matched and (best is None or policy.rank(rule.level) > policy.rank(best.level)):
                    best = rule
            if best is None:
                judged.append(finding)
            else:
                judged.append(finding._replace(rule=best.id, level=best.level, reason=best.reason))
                levels.append(best.level)

        for number in sorted(candidates):
            if number in self._path_rules:
                judged.append(self._path_finding(number, candidates[number]))
                levels.append(policy.rules[number].level)

        level = max(levels, key=policy.rank) if levels else policy.default_level
        return level, tuple(judged)

    def context(
        self, changes: Sequence[Change], read_blobs: ReadBlobs, trees: Trees | None = None
    ) -> Context:
        """The classifiers' view of a change set under this policy (`trees`: its two sides,
        for reading files it did not change)."""
        settings = {**self.policy.classify, "policy": {"paths": self.policy_paths}}
        return Context(changes, read_blobs, settings, REGISTRY, self.policy_paths, trees)

    def judge_all(
        self, changes: Sequence[Change], read_blobs: ReadBlobs, trees: Trees | None = None
    ) -> list[ChangeVerdict]:
        """Every change's verdict."""
        return self.start_judging(changes, read_blobs, trees=trees).verdicts()

    def start_judging(
        self, changes: Sequence[Change], read_blobs: ReadBlobs, trees: Trees | None = None
    ) -> Judging:
        """Judge `changes` by path now; the classifiers' findings join in `verdicts()`,
        so the caller may begin its report in between."""
        return Judging(self, self.context(changes, read_blobs, trees), self._unclassified(changes))

    @staticmethod
    def _claimed_at(context: Context, type_: str) -> list[tuple[int, Change]]:
        return list(zip(context.claimed_positions(type_), context.claimed(type_), strict=True))

    def _findings(self, context: Context) -> dict[int, list[Finding]]:
        """Each claimed change's findings, by its position in the change set, in order."""
        at = {position: change for c in self._classifiers for position, change in self._claimed_at(context, c.TYPE)}
        context.prefetch(self._read(context))
        found: dict[int, list[Finding]] = {}
        progress = Progress(len(at), "files classified")
        for done, position in enumerate(sorted(at), start=1):
            findings = self.classify(at[position], context)
            if findings:
                found[position] = findings
            progress.update(done)
        return found


    def _read(self, context: Context) -> Iterator[Change]:
        """The claimed changes whose contents a classifier reads (see Classifier)."""
        for classifier in self._classifiers:
            reads: Callable[[Change, Mapping[str, Any]], bool] | None = getattr(classifier, "reads", None)
            claimed = context.claimed(classifier.TYPE)
            if reads is None:
                yield from claimed
            else:
                settings = context.settings(classifier.TYPE)
                yield from (change for change in claimed if reads(change, settings))


class Judging:
    """A change set judged by path, waiting for the classifiers' findings."""

    def __init__(
        self, engine: Engine, context: Context, unclassified: list[ChangeVerdict]
    ) -> None:
        self._engine = engine
        self._context = context
        self._verdicts = unclassified

    @property
    def unclassified(self) -> list[ChangeVerdict]:
        """The verdicts as they stand before any finding arrives (by path alone)."""
        return self._verdicts

    def verdicts(self) -> list[ChangeVerdict]:
        engine, context = self._engine, self._context
        verdicts = self._verdicts
        changes = context.changes
        for position, findings in engine._findings(context).items():
            verdicts[position] = engine._verdict(changes[position], findings)
        return verdicts


def required_level(policy: Policy, verdicts: Sequence[ChangeVerdict]) -> str:
    if not verdicts:
        return policy.levels[0].name
    return max({v.level for v in verdicts}, key=policy.rank)
