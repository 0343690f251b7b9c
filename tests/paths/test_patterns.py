"""Pattern semantics: table-driven, plus a differential test against git itself."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from ownership_gate.paths.pattern_index import PatternIndex
from ownership_gate.paths.patterns import PatternError, compile_pattern, index_key

TABLE = [
    # pattern, path, matches
    ("*.tf", "main.tf", True),
    ("*.tf", "infra/prod/main.tf", True),
    ("*.tf", "main.tfvars", False),
    ("terraform/", "terraform/main.tf", True),
    ("terraform/", "modules/terraform/x.tf", True),
    ("terraform/", "terraform", False),  # a trailing slash means a directory
    ("/terraform/", "modules/terraform/x.tf", False),
    ("/docs", "docs/readme.md", True),
    ("/docs", "src/docs/readme.md", False),
    ("docs/*.md", "docs/a.md", True),
    ("docs/*.md", "docs/sub/a.md", False),
    ("docs/**/*.md", "docs/sub/deeper/a.md", True),
    ("docs/**/*.md", "docs/a.md", True),
    ("**/migrations/*.sql", "db/migrations/001.sql", True),
    ("**/migrations/*.sql", "migrations/001.sql", True),
    ("**/migrations/*.sql", "db/migrations/old/001.sql", False),
    ("apps/**", "apps/web/index.ts", True),
    ("apps/**", "apps", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("Makefile", "sub/dir/Makefile", True),
    ("Makefile", "Makefile.am", False),
    ("src/*/auth*", "src/api/auth.py", True),
    ("src/*/auth*", "src/api/v1/auth.py", False),
    ("file?.txt", "file1.txt", True),
    ("file?.txt", "file10.txt", False),
    ("[ab].py", "a.py", True),
    ("[ab].py", "c.py", False),
    ("with space/", "with space/file", True),
    ("ünïcode/", "ünïcode/ça.py", True),
    ("*.PY", "x.py", False),  # case-sensitive
    ("\\#notes", "#notes", True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), TABLE)
def test_pattern_table(pattern: str, path: str, expected: bool) -> None:
    assert bool(compile_pattern(pattern).match(path)) is expected
    index = PatternIndex([("rule", pattern)])
    assert ("rule" in index.matches(path)) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty pattern"),
        ("!vendor/", "negated patterns"),
        ("#comment", "cannot start with '#'"),
        ("src/[a", "not a valid pattern"),
    ],
)
def test_pattern_errors(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        ("/docs/", ("prefix", "docs")),
        ("docs/api/", ("prefix", "docs/api")),
        ("services/api/**/x", ("prefix", "services/api")),
        ("terraform/", ("segment", "terraform")),
        ("**/migrations/*.sql", ("segment", "migrations")),
        ("*.tf", ("ext", ".tf")),
        ("*", None),
        ("src/*/auth*", ("prefix", "src")),
        ("*/auth/", None),
    ],
)
def test_index_keys(pattern: str, key: tuple[str, str] | None) -> None:
    assert index_key(pattern) == key


def test_index_returns_every_matching_key_with_its_first_pattern() -> None:
    index = PatternIndex([(1, "*.tf"), (2, "infra/"), (1, "infra/"), (3, "/docs/"), (4, "*")])
    assert index.matches("infra/main.tf") == {1: "*.tf", 2: "infra/", 4: "*"}
    assert index.matches("docs/x.md") == {3: "/docs/", 4: "*"}


# -- differential test against git's own matcher -------------------------

SEGMENTS = ["a", "b", "src", "docs", "x.tf", "main.py", "test", "a b", "é", "-dash", ".hidden"]
PATTERN_PARTS = ["a", "b", "src", "docs", "*", "**", "*.tf", "*.py", "t?st", "[ab]", "x.tf", ".hidden"]


def _random_pattern(rng: random.Random) -> str:
    parts = [rng.choice(PATTERN_PARTS) for _ in range(rng.randint(1, 3))]
    pattern = "/".join(parts)
    if rng.random() < 0.3:
        pattern = "/" + pattern
    if rng.random() < 0.25:
        pattern += "/"
    return pattern


def _random_path(rng: random.Random) -> str:
    return "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(1, 4)))


def _git_matches(tmp: Path, pattern: str, paths: list[str]) -> set[str]:
    (tmp / ".gitignore").write_text(pattern + "\n", "utf-8")
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin", "-z", "-v", "-n"],
        cwd=tmp, input="\0".join(paths).encode() + b"\0", capture_output=True, check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    fields = proc.stdout.split(b"\0")
    matched = set()
    # -v -n -z prints: source NUL linenum NUL pattern NUL path NUL
    for i in range(0, len(fields) - 3, 4):
        if fields[i]:
            matched.add(fields[i + 3].decode())
    return matched


def test_patterns_agree_with_git_check_ignore(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    rng = random.Random(20261130)
    paths = sorted({_random_path(rng) for _ in range(150)})
    disagreements = []
    for _ in range(300):
        pattern = _random_pattern(rng)
        try:
            regex = compile_pattern(pattern)
        except PatternError:
            continue
        ours = {p for p in paths if regex.match(p)}
        theirs = _git_matches(tmp_path, pattern, paths)
        if ours != theirs:
            disagreements.append((pattern, sorted(ours ^ theirs)[:3]))
    assert not disagreements


def test_the_index_agrees_with_trying_every_pattern() -> None:
    """The index's shortcuts (buckets, directory-only verdicts shared by a folder's
    files) give exactly what matching each pattern in turn gives."""
    rng = random.Random(7)
    for _ in range(200):
        entries = []
        for _ in range(rng.randint(1, 12)):
            pattern = _random_pattern(rng)
            try:
                compile_pattern(pattern)
            except PatternError:
                continue
            entries.append((rng.randint(0, 5), pattern))
        index = PatternIndex(entries)
        paths = [_random_path(rng) for _ in range(40)]
        paths += [p.rsplit("/", 1)[0] + "/" for p in paths if "/" in p]  # directories, as codeowners asks
        for path in paths:
            expected: dict[int, str] = {}
            for key, pattern in entries:
                if key not in expected and compile_pattern(pattern).match(path):
                    expected[key] = pattern
            assert index.matches(path) == expected, (entries, path)
            assert index.any_match(path) is bool(expected)
