"""`ownership-gate report`: the decisions a branch took, for the weekly check-in.

Walks the first-parent line of the branch (what actually landed; a merge
commit is its pull request, judged against its first parent) and judges
each commit with the policy as it was at that parent, exactly as the pull
request check saw it. Sign-off is read from the history itself (commit
trailers via the PR gate's `signoff.evaluate`); pull-request reviews and
labels are not in git and are not seen here.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import datetime, timezone

from ownership_gate.classifiers.base import Trees
from ownership_gate.engine.judge import Engine, required_level
from ownership_gate.errors import EXIT_OK, PolicyError
from ownership_gate.git.log import Commit, count_missing, epoch, first_parent_commits
from ownership_gate.git.repo import Git, find_root
from ownership_gate.model import SignoffResult
from ownership_gate.output import report as report_render
from ownership_gate.output.report import Decision, Report
from ownership_gate.output.reporters import write_output
from ownership_gate.policy.load import BUILTIN_PREFIX, DEFAULT_TEMPLATE, POLICY_FILES, load_builtin
from ownership_gate.policy.model import Policy
from ownership_gate.policy.select import policy_paths, select_policy
from ownership_gate.signoff import evidence as signoff

PROGRESS_EVERY = 50


_BARE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def whole_days(since: str, until: str | None) -> tuple[str, str | None]:
    """Bare dates as whole days: git alone reads `2024-05-02` as that day at the current time."""
    if _BARE_DATE.fullmatch(since.strip()):
        since = f"{since.strip()} 00:00:00"
    if until is not None and _BARE_DATE.fullmatch(until.strip()):
        until = f"{until.strip()} 23:59:59"
    return since, until


def _day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d")


class _Policies:
    """The policy at each parent, parsed once per distinct file content.

    With an explicit `--policy`, that one policy judges every commit: the
    way to ask what a new policy would have flagged in past weeks.
    """

    def __init__(self, git: Git, explicit: str | None) -> None:
        self.git = git
        self._cache: dict[tuple[str, str], Engine | PolicyError] = {}
        self.fixed: Engine | None = None
        if explicit is not None:
            chosen = select_policy(git, git.root, explicit, None)
            self.fixed = Engine(chosen, policy_paths(chosen))
        self.last_good: Policy = self.fixed.policy if self.fixed else load_builtin(DEFAULT_TEMPLATE)

    def at(self, rev: str) -> Engine | PolicyError:
        if self.fixed is not None:
            return self.fixed
        found = self.git.blob_ids(rev, POLICY_FILES)
        name = next((n for n in POLICY_FILES if n in found), None)
        key = (name, found[name]) if name else ("", "")
        if key not in self._cache:
            try:
                chosen = select_policy(self.git, self.git.root, None, rev)
                self._cache[key] = Engine(chosen, policy_paths(chosen))
            except PolicyError as exc:
                self._cache[key] = exc
        judged = self._cache[key]
        if isinstance(judged, Engine):
            self.last_good = judged.policy
        return judged


def _judge(git: Git, policies: _Policies, commit: Commit) -> Decision:
    parent = commit.parents[0] if commit.parents else None
    rev = parent or commit.sha
    judged = policies.at(rev)
    if isinstance(judged, PolicyError):
        top = policies.last_good.top_level
        note = f"the policy at {rev[:12]} is invalid, so the commit counts at the top level: {judged.problems[0]}"
        owners = policies.last_good.level(top).owners
        return Decision(commit, top, True, "invalid", ("invalid-policy",), (), SignoffResult(False), owners, note)
    engine = judged
    before = parent or git.empty_tree()
    trees = Trees.of(git, before, commit.sha)
    verdicts = engine.judge_all(git.diff(before, commit.sha), git.blobs, trees)
    level = required_level(engine.policy, verdicts)
    fired = tuple((v.change.path, f) for v in verdicts for f in v.findings if f.rule is not None)
    rules = tuple(dict.fromkeys(f.rule for _, f in fired if f.rule is not None))
    source = engine.policy.source
    if not source.startswith(BUILTIN_PREFIX) and policies.fixed is None:
        source = f"{engine.policy.path}@{rev}"
    needs = engine.policy.rank(level) > 0
    result = SignoffResult(True)
    if needs:
        result = signoff.evaluate(
            git=git, engine=engine, verdicts=verdicts, required_level=level,
            base=parent or git.empty_tree(), head=commit.sha, policy_rev=rev, ci=None,
        )
    owners = engine.policy.level(level).owners
    return Decision(commit, level, needs, source, rules, fired, result, owners)


def _branch(git: Git, branch: str | None) -> tuple[str, str]:
    """The branch to read and why: --branch, the remote default branch, else the current branch."""
    if branch:
        return branch, "--branch"
    default = git.remote_default_branch()
    if default is not None:
        return default, "the remote default branch; --branch picks another"
    return git.current_branch() or "HEAD", "no remote default branch, so the current branch; --branch picks another"


def _say_what_is_read(git: Git, name: str, head: str, why: str, explicit: bool) -> None:
    """Which branch the report reads, on stderr, and the local commits it leaves out."""
    print(f"ownership-gate: report: reading {name} at {head[:12]} ({why})", file=sys.stderr)
    current = git.head()
    if explicit or current is None:
        return
    missing = count_missing(git, current, head)
    if missing:
        here = git.current_branch() or "HEAD"
        print(
            f"ownership-gate: report: {missing} commit(s) on {here} are not on {name} and are left out;"
            f" pass --branch {here} to include them",
            file=sys.stderr,
        )


def build(git: Git, *, since: str, until: str | None, branch: str | None, policy: str | None) -> Report:
    name, why = _branch(git, branch)
    head = git.resolve(name)
    _say_what_is_read(git, name, head, why, branch is not None)
    since, until = whole_days(since, until)
    start = epoch(git, "since", since)
    end = epoch(git, "until", until) if until else int(datetime.now(timezone.utc).timestamp())
    commits = first_parent_commits(git, head, since, until)  # oldest first: a broken policy falls back to the last good
    policies = _Policies(git, policy)
    decisions: list[Decision] = []
    by_level: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    rule_levels: dict[str, str] = {}
    for number, commit in enumerate(commits, start=1):
        decision = _judge(git, policies, commit)
        by_level[decision.level] += 1
        by_rule.update(decision.rules)
        for _, finding in decision.findings:
            if finding.rule is not None and finding.level is not None:
                rule_levels[finding.rule] = finding.level
        if decision.needs_signoff:
            decisions.append(decision)
        if len(commits) >= PROGRESS_EVERY and (number % PROGRESS_EVERY == 0 or number == len(commits)):
            print(f"ownership-gate: report: judged {number}/{len(commits)} commits", file=sys.stderr)
    current = policies.last_good
    levels = [lv for lv in current.level_names if lv in by_level]
    levels += sorted(lv for lv in by_level if lv not in levels)
    return Report(
        branch=name, head=head, since=since, until=until, period=(_day(start), _day(end)),
        commits=len(commits), lowest=current.levels[0].name, decisions=decisions,
        by_level={lv: by_level[lv] for lv in levels},
        by_rule=dict(sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))),
        rule_levels={**rule_levels, "invalid-policy": current.top_level},
    )


def report(
    *,
    since: str = "1 week ago",
    until: str | None = None,
    branch: str | None = None,
    policy: str | None = None,
    format: str = "markdown",
    output: str | None = None,
) -> int:
    git = Git(find_root())
    try:
        built = build(git, since=since, until=until, branch=branch, policy=policy)
    finally:
        git.close()
    from ownership_gate.output import report_html

    renderers = {"json": report_render.json_document, "markdown": report_render.markdown, "html": report_html.document}
    render = renderers[format]
    write_output(render(built), output)
    return EXIT_OK
