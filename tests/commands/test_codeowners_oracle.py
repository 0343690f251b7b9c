"""The correctness property of `codeowners` (as the README states it), checked file by file.

A random tree (random depths, spaces, unicode, names that recur at several
depths) and a random policy (anchored and unanchored patterns, patterns that
differ only in anchoring, excludes that cut into other rules, patterns
CODEOWNERS cannot express) are generated; the CODEOWNERS file is read back
with an independent reader (the `codeowners` package) and every tracked
file's owners must equal the owners of the level the policy gives it.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from codeowners import CodeOwners

from ownership_gate.cli import main
from ownership_gate.engine.judge import Engine
from ownership_gate.paths.owners import unportable_reason
from ownership_gate.paths.pattern_index import PatternIndex
from ownership_gate.policy.load import parse
from ownership_gate.policy.model import Policy
from ownership_gate.policy.select import policy_paths
from tests.conftest import Repo

LEVELS = {"engineer": ["@acme/eng"], "lead": ["@acme/leads", "lead@acme.example"], "cto": ["@acme-cto"]}
DIRS = ["docs", "src", "app", "auth", "tests", "terraform", "my dir", "café", "日本", "build", "lib", "x"]
FILES = ["main.py", "README.md", "a b.txt", "main.tf", "naïve.md", "index.ts", "Makefile", "x", "conf.yaml"]


def _tree(rng: random.Random, count: int) -> list[str]:
    paths: set[str] = set()
    while len(paths) < count:
        depth = rng.choice([0, 1, 1, 2, 2, 3, 4, 5])
        parts = [rng.choice(DIRS) for _ in range(depth)] + [rng.choice(FILES)]
        path = "/".join(parts)
        # A path cannot be both a file and a directory in one tree.
        if any(p == path or p.startswith(path + "/") or path.startswith(p + "/") for p in paths):
            continue
        paths.add(path)
    return sorted(paths)


def _pattern(rng: random.Random) -> str:
    name = rng.choice([d for d in DIRS if " " not in d])
    other = rng.choice([d for d in DIRS if " " not in d])
    ext = rng.choice(["py", "md", "tf", "txt"])
    return rng.choice([
        f"{name}/", f"/{name}/", name, f"/{name}", f"{name}/{other}/", f"{name}/*",
        f"/{name}/*", f"*.{ext}", f"/{name}/*.{ext}", f"**/{name}/**", f"{name}/**",
        f"{name}/**/*.{ext}", f"**/{name}", "README.md", "/README.md", f"{name}/*/x",
        f"m?in.{ext}", f"[ab]*.{ext}", "my dir/", f"{name}*",
    ])


def _policy_yaml(rng: random.Random, default: str) -> str:
    rules = []
    for i in range(rng.randint(5, 9)):
        level = rng.choice(list(LEVELS))
        paths = [_pattern(rng) for _ in range(rng.randint(1, 3))]
        rule: dict[str, object] = {"id": f"r{i}", "level": level, "paths": paths}
        if rng.random() < 0.5:
            rule["exclude"] = [_pattern(rng) for _ in range(rng.randint(1, 2))]
        rules.append(rule)
    # A pair that differs only in anchoring, at different levels.
    rules.append({"id": "anchored", "level": "cto", "paths": ["/docs/"]})
    rules.append({"id": "anywhere", "level": "lead", "paths": ["docs/"], "exclude": ["**/tests/**"]})
    # A rule on what changed: not expressible, must not affect owners.
    rules.append({"id": "vendors", "level": "cto", "when": {"type": "dependency", "kind": "added"}})
    document = {
        "version": 1,
        "levels": [{"name": n, "owners": o} for n, o in LEVELS.items()],
        "default_level": default,
        "rules": rules,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)  # JSON is YAML


def expected_owners(policy: Policy, paths: list[str]) -> dict[str, tuple[str, ...]]:
    """The policy's own answer: strictest path-only rule, excludes honoured, else the default."""
    engine = Engine(policy, policy_paths(policy))
    answer = {}
    for path in paths:
        levels = [policy.rules[n].level for n in engine.rules_for_paths([path]) if policy.rules[n].when is None]
        if path in engine.policy_paths:
            levels.append(policy.top_level)
        level = max(levels, key=policy.rank) if levels else policy.default_level
        answer[path] = policy.level(level).owners
    return answer


def github_owners(text: str, path: str) -> tuple[str, ...]:
    return tuple(owner for _, owner in CodeOwners(text).of(path))


def gitlab_owners(text: str, path: str) -> tuple[str, ...]:
    """GitLab's reading: sections are read separately and their owners add up."""
    owners: list[str] = []
    sections: list[tuple[list[str], list[str], list[str]]] = []  # (owners, includes, exclusions)
    for line in text.splitlines():
        if line.startswith(("[", "^[")):
            sections.append((line.split("]", 1)[1].split(), [], []))
        elif sections and line and not line.startswith("#"):
            target = sections[-1][2] if line.startswith("!") else sections[-1][1]
            target.append(line.removeprefix("!"))
    for section_owners, includes, exclusions in sections:
        included = CodeOwners("\n".join(includes)).matching_line(path)[1] is not None
        excluded = CodeOwners("\n".join(exclusions)).matching_line(path)[1] is not None
        if included and not excluded:
            owners.extend(section_owners)
    return tuple(owners)


def _build(repo: Repo, seed: int, default: str) -> tuple[Policy, list[str]]:
    rng = random.Random(seed)
    tree = _tree(rng, 300)
    text = _policy_yaml(rng, default)
    for path in tree:
        repo.write(path, "x\n")
    repo.write(".ownership-gate.yaml", text)
    repo.commit(message="tree")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=repo.root, capture_output=True, check=True).stdout
    tracked = [p.decode() for p in out.split(b"\0") if p]
    return parse(text, ".ownership-gate.yaml", ".ownership-gate.yaml"), tracked


@pytest.mark.parametrize(("seed", "default"), [(1, "engineer"), (2, "engineer"), (3, "engineer"), (4, "lead")])
@pytest.mark.parametrize("flavor", ["github", "gitlab"])
def test_every_tracked_file_reads_back_with_the_policys_owners(
    repo: Repo, capsys: pytest.CaptureFixture[str], seed: int, default: str, flavor: str
) -> None:
    policy, tracked = _build(repo, seed, default)
    out = Path(repo.root / "CODEOWNERS.out")
    assert main(["codeowners", "--flavor", flavor, "--output", str(out)]) == 0
    text = out.read_text("utf-8")
    expected = expected_owners(policy, tracked)
    read = github_owners if flavor == "github" else gitlab_owners
    wrong = {p: (read(text, p), want) for p, want in expected.items() if read(text, p) != want}
    assert not wrong, f"{len(wrong)} of {len(tracked)} files read back wrong: {dict(list(wrong.items())[:5])}"
    # The tree is not vacuous: every level owns files, and some need more than plain patterns.
    assert len({owners for owners in expected.values()}) == len(LEVELS)
    assert any(" " in p for p in tracked) and any(not p.isascii() for p in tracked)
    assert "files the patterns above get wrong" in text


def _rank_read(policy: Policy, owners: tuple[str, ...]) -> int:
    """The strictest level whose owners all appear among `owners` (-1: none)."""
    ranks = [policy.rank(lv.name) for lv in policy.levels if lv.owners and set(lv.owners) <= set(owners)]
    return max(ranks, default=-1)


def _new_files(rng: random.Random, tracked: list[str], count: int) -> list[str]:
    """Paths a later commit could add: below tracked directories, clashing with no tracked path."""
    directories = sorted({p.rsplit("/", 1)[0] for p in tracked if "/" in p})
    taken = set(tracked)
    prefixes = {p.rsplit("/", i)[0] for p in tracked for i in range(1, p.count("/") + 1)}
    found: set[str] = set()
    while len(found) < count:
        tail = rng.choice([rng.choice(FILES), f"{rng.choice(DIRS)}/{rng.choice(FILES)}"])
        path = f"{rng.choice(directories)}/new-{tail}" if rng.random() < 0.5 else f"{rng.choice(directories)}/{tail}"
        clash = path in taken or path in prefixes or any(path.startswith(t + "/") for t in taken)
        if not clash:
            found.add(path)
    return sorted(found)


@pytest.mark.parametrize(("seed", "default"), [(1, "engineer"), (2, "engineer"), (3, "engineer"), (4, "lead")])
@pytest.mark.parametrize("flavor", ["github", "gitlab"])
def test_a_file_added_later_never_reads_back_with_laxer_owners(
    repo: Repo, capsys: pytest.CaptureFixture[str], seed: int, default: str, flavor: str
) -> None:
    policy, tracked = _build(repo, seed, default)
    out = Path(repo.root / "CODEOWNERS.out")
    assert main(["codeowners", "--flavor", flavor, "--output", str(out)]) == 0
    text = out.read_text("utf-8")
    # Patterns CODEOWNERS cannot carry are written file by file: a new file they match waits
    # for the next `codeowners` run (the header and a warning say so), so it is left out here.
    unexpressed = PatternIndex((0, p) for rule in policy.rules for p in rule.paths or () if unportable_reason(p))
    new = [p for p in _new_files(random.Random(seed), tracked, 400) if not unexpressed.any_match(p)]
    expected = expected_owners(policy, new)
    read = github_owners if flavor == "github" else gitlab_owners
    laxer = {
        p: (read(text, p), want) for p, want in expected.items()
        if _rank_read(policy, read(text, p)) < _rank_read(policy, want)
    }
    assert len(new) > 200
    assert not laxer, f"{len(laxer)} of {len(new)} new files read back laxer: {dict(list(laxer.items())[:5])}"
