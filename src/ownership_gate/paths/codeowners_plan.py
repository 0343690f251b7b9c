"""Compile the policy's path rules into CODEOWNERS lines that read back exactly.

The policy says "strictest rule wins, minus excludes"; CODEOWNERS says
"last matching line wins" and has no negation. Emitting each level's
patterns in rank order gets "strictest wins" for free. What the patterns
alone get wrong (excluded files, patterns CODEOWNERS cannot carry) is found
by reading the emitted lines back over every tracked file, and fixed with
explicit lines placed last: a whole directory when the policy excludes it
and every file in it, and every file that could be added there later, is at
the default level (no rule at another level can reach into it), else the
single file. A directory line never gives a new file other owners than the
policy would. Paths with whitespace are always pinned file by file, because
readers disagree on how an escaped space meets a wildcard.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

from ownership_gate.classifiers.ownership import FOLDERS, is_codeowners
from ownership_gate.engine.judge import Engine
from ownership_gate.paths.owners import (
    PathOwnership,
    codeowners_pattern,
    escape_path,
    path_only_rules,
    unportable_reason,
)
from ownership_gate.paths.pattern_index import PatternIndex
from ownership_gate.paths.patterns import is_literal
from ownership_gate.policy.model import Policy

V = TypeVar("V", bound=Hashable)

# A path CODEOWNERS cannot name at all: one entry per line, split at whitespace.
_UNWRITABLE = frozenset("\n\r\t")


class Block(NamedTuple):
    """Lines under one comment; `level` gives every line its owners (None: as written)."""

    comment: str
    lines: tuple[str, ...]


class RuleBlock(NamedTuple):
    level: str
    rule: str
    has_exclude: bool
    patterns: tuple[str, ...]
    comment: str


class Section(NamedTuple):
    """A run of blocks: for GitLab one `[level]` section, for GitHub the whole file."""

    level: str | None
    blocks: tuple[Block, ...]


class Plan:
    """A CODEOWNERS file's sections, and what the policy says that it cannot; filled in as it is planned."""

    __slots__ = ("sections", "unexpressed", "unwritable")

    def __init__(self, unwritable: list[str]) -> None:
        self.sections: list[Section] = []
        self.unexpressed: list[tuple[str, str, str]] = []  # rule, pattern, why
        self.unwritable = unwritable


def pinned(path: str) -> bool:
    return any(c.isspace() for c in path)


def _safe_dir(directory: str) -> bool:
    return not pinned(directory) and not (set(directory) & set("*?[]\\!#"))


def may_reach(pattern: str, directory: str) -> bool:
    """Whether `pattern` could match some file below `directory`; True whenever unsure.

    A pattern with no slash before its end matches at any depth; an anchored
    one only below its leading literal segments, up to its first wildcard.
    """
    if "/" not in pattern.rstrip("/"):
        return True
    for segment, below in zip(pattern.strip("/").split("/"), directory.split("/"), strict=False):
        if not is_literal(segment):
            return True
        if segment != below:
            return False
    return True


class Planner:
    def __init__(self, engine: Engine, files: Iterable[str]) -> None:
        self.policy: Policy = engine.policy
        ownership = PathOwnership(engine)
        every = set(files)
        self.unwritable = sorted(f for f in every if _UNWRITABLE & set(f))
        self.files = sorted(f for f in every if not _UNWRITABLE & set(f))
        # The file being written owns itself, at the top level (see `rule_blocks`).
        self.desired = {f: self.policy.top_level if is_codeowners(f) else ownership.level(f)[0] for f in self.files}
        self._excluded = PatternIndex(
            (n, p) for n, rule in enumerate(self.policy.rules) for p in rule.exclude
        )
        # A --policy file outside the repository has no CODEOWNERS line to get.
        self._policy_files = sorted(
            p for p in engine.policy_paths if _safe_dir(p) and not p.startswith(("/", "../"))
        )

    def owners(self, level: str | None) -> tuple[str, ...]:
        return self.policy.level(level).owners if level is not None else ()

    # -- the patterns the policy itself gives ------------------------------
    def rule_blocks(self, plan: Plan) -> list[RuleBlock]:
        """A block for every path-only rule, in rank then policy order; the policy file last."""
        policy = self.policy
        blocks: list[RuleBlock] = []
        for level in policy.level_names:
            for rule in path_only_rules(policy):
                if rule.level != level:
                    continue
                emitted: list[str] = []
                for pattern in rule.paths or ():
                    written = codeowners_pattern(pattern)
                    if written is None:
                        plan.unexpressed.append((rule.id, pattern, unportable_reason(pattern) or ""))
                    elif written not in emitted:
                        emitted.append(written)
                reason = f": {rule.reason}" if rule.reason else ""
                comment = f"{rule.id} ({level}){reason}"
                blocks.append(RuleBlock(level, rule.id, bool(rule.exclude), tuple(emitted), comment))
        top = policy.top_level
        if self._policy_files:
            patterns = tuple("/" + p for p in self._policy_files)
            blocks.append(RuleBlock(top, "policy-file", False, patterns, f"policy-file ({top}): the policy itself"))
        # The file being written routes every review: it belongs to whoever owns the policy it is made from,
        # wherever a host reads one (the check judges it by its rules: `ownership/changed`).
        codeowners = tuple(f"/{folder}/CODEOWNERS" if folder else "/CODEOWNERS" for folder in sorted(FOLDERS))
        blocks.append(RuleBlock(top, "codeowners-file", False, codeowners,
                                f"codeowners-file ({top}): who reviews what, this file itself"))
        return blocks

    # -- fixing what the patterns get wrong -------------------------------
    def _excluded_dir(self, directory: str) -> bool:
        return self._excluded.any_match(directory + "/")

    def _settled(self, directory: str, levels: set[str]) -> bool:
        """Whether a file added below `directory` later gets the level its files have now.

        Only when they are all at the default level (what a new file no rule
        matches gets) and no path rule at another level could reach a new file
        there, unless it excludes the whole directory: then every file added
        there, whatever its name, is at the default level too.
        """
        default = self.policy.default_level
        if levels != {default}:
            return False
        excluding = self._excluded.matches(directory + "/")
        reaching = [
            rule.paths or () for n, rule in enumerate(self.policy.rules)
            if rule.when is None and rule.level != default and n not in excluding
        ]
        if default != self.policy.top_level:
            reaching.append(tuple("/" + p for p in self._policy_files))
        return not any(may_reach(p, directory) for patterns in reaching for p in patterns)

    def group(self, fix: Iterable[str], value: Mapping[str, V]) -> tuple[list[tuple[str, V]], list[str]]:
        """Cover `fix` with directories whose every file has the same value, where safe.

        Returns the directories with that value, and the files left to name one by one.
        """
        under: dict[str, set[Hashable]] = {}
        levels: dict[str, set[str]] = {}
        for path in self.files:
            parts = path.split("/")
            for i in range(1, len(parts)):
                under.setdefault("/".join(parts[:i]), set()).add(value[path])
                levels.setdefault("/".join(parts[:i]), set()).add(self.desired[path])
        chosen: dict[str, V] = {}
        single: list[str] = []
        for path in sorted(fix):
            if pinned(path):
                single.append(path)
                continue
            parts = path.split("/")
            for i in range(1, len(parts)):
                directory = "/".join(parts[:i])
                if directory in chosen:
                    break
                if (under[directory] == {value[path]} and _safe_dir(directory) and self._excluded_dir(directory)
                        and self._settled(directory, levels[directory])):
                    chosen[directory] = value[path]
                    break
            else:
                single.append(path)
        return sorted(chosen.items()), single


def _read_back(entries: Sequence[str]) -> Callable[[str], int | None]:
    """The index of the last entry matching a path (CODEOWNERS' last match wins)."""
    index = PatternIndex((i, pattern) for i, pattern in enumerate(entries))

    def last(path: str) -> int | None:
        hits = index.matches(path)
        return max(hits) if hits else None

    return last


FIX_COMMENT = "files the patterns above get wrong (excludes, inexpressible patterns), from git ls-files"


def _owned(pattern: str, owners: Sequence[str]) -> str:
    return f"{pattern} {' '.join(owners)}" if owners else pattern


def github_plan(engine: Engine, files: Iterable[str]) -> Plan:
    planner = Planner(engine, files)
    policy = planner.policy
    plan = Plan(unwritable=planner.unwritable)
    rule_blocks = planner.rule_blocks(plan)
    if planner.owners(policy.default_level):
        default = policy.default_level
        rule_blocks.insert(0, RuleBlock(default, "", False, ("*",), f"default level ({default})"))
    entries = [p for block in rule_blocks for p in block.patterns]
    entry_levels = [block.level for block in rule_blocks for _ in block.patterns]
    last = _read_back(entries)

    value = {f: planner.owners(planner.desired[f]) for f in planner.files}
    fix = []
    for path in planner.files:
        hit = last(path)
        got = planner.owners(entry_levels[hit]) if hit is not None else ()
        if got != value[path] or pinned(path):
            fix.append(path)
    directories, single = planner.group(fix, value)
    fixes = [_owned(escape_path(d) + "/", owners) for d, owners in directories]
    fixes += [_owned(escape_path(path), value[path]) for path in single]

    blocks = [
        Block(b.comment, tuple(_owned(p, planner.owners(b.level)) for p in b.patterns))
        for b in rule_blocks
    ]
    if fixes:
        blocks.append(Block(FIX_COMMENT, tuple(fixes)))
    plan.sections.append(Section(None, tuple(blocks)))
    return plan


def gitlab_plan(engine: Engine, files: Iterable[str]) -> Plan:
    """One section per level with owners; each matches exactly that level's files.

    GitLab unions the owners of every section a file matches, so a file must
    match only its own level's section: patterns of stricter rules without
    excludes become exclusions (`!pattern`, final within a section); the
    rest is fixed file by file as for GitHub. Lines take the owners from
    their section heading.
    """
    planner = Planner(engine, files)
    policy = planner.policy
    plan = Plan(unwritable=planner.unwritable)
    rule_blocks = planner.rule_blocks(plan)
    for rank, level in enumerate(policy.level_names):
        if not planner.owners(level):
            continue
        blocks = [Block(b.comment, b.patterns) for b in rule_blocks if b.level == level]
        if level == policy.default_level:
            blocks.insert(0, Block(f"default level ({level})", ("*",)))
        outranked = tuple(dict.fromkeys(
            p for b in rule_blocks if policy.rank(b.level) > rank and not b.has_exclude
            for p in b.patterns
        ))
        if outranked:
            blocks.append(Block("always owned by a stricter level", tuple("!" + p for p in outranked)))
        include = PatternIndex((0, p) for b in blocks for p in b.lines if not p.startswith("!"))
        exclude = PatternIndex((0, p) for p in outranked)
        want = {f: planner.desired[f] == level for f in planner.files}
        missing, extra = [], []
        for path in planner.files:
            matched = include.any_match(path) and not exclude.any_match(path)
            if want[path] and (not matched or pinned(path)):
                missing.append(path)
            elif not want[path] and (matched or pinned(path)):
                extra.append(path)
        dirs_in, files_in = planner.group(missing, want)
        dirs_out, files_out = planner.group(extra, want)
        fixes = [escape_path(d) + "/" for d, _ in dirs_in] + [escape_path(p) for p in files_in]
        fixes += ["!" + escape_path(d) + "/" for d, _ in dirs_out] + ["!" + escape_path(p) for p in files_out]
        if fixes:
            blocks.append(Block(FIX_COMMENT, tuple(fixes)))
        plan.sections.append(Section(level, tuple(blocks)))
    return plan
