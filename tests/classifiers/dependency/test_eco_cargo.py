"""cargo: Cargo.toml sections, workspaces, renames, targets, patches; Cargo.lock."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import cargo
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.classifiers.dependency.test_dependency_core import diff, kinds, rows, run_scenario
from tests.conftest import Repo, run_json

SERVER = "crates/server/Cargo.toml"


def test_workspace_every_kind(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_scenario(repo, capsys, "cargo", "workspace")
    assert rows(doc) == [
        ("Cargo.toml", "patch", "serde", "1.0.188", "1.0.193", 10),
        ("Cargo.toml", "added", "thiserror", None, "1.0.50", 14),
        ("Cargo.toml", "minor", "tokio", "1.32", "1.35", 11),
        ("Cargo.toml", "patch", "tracing", "0.1.37", "0.1.40", 12),
        (SERVER, "minor", "axum", "0.6.20", "0.7.2", 11),
        (SERVER, "major", "hyper", "0.14", "1", 12),
        (SERVER, "minor", "nix", "0.26 (default features)", "0.27 (features: signal)", 24),
        (SERVER, "minor", "prost-build", "0.11", "0.12", 21),
        (SERVER, "changed", "rand", "0.8", "=0.8.0", 13),
        (SERVER, "patch", "reqwest", "0.11.20", "0.11.22", 14),
        (SERVER, "added", "sentry", None, "0.32", 15),
        (SERVER, "removed", "windows-sys", "0.48", None, None),
    ]
    assert "Cargo.lock" not in {c["path"] for c in doc["changes"] if c["findings"]}
    assert code == 1


def test_cargo_lock_alone_is_lockfile(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"Cargo.toml": '[package]\nname = "a"\nversion = "0.1.0"\n', "Cargo.lock": "version = 3\n"})
    repo.commit({"Cargo.toml": '[package]\nname = "a"\nversion = "0.2.0"\n', "Cargo.lock": "version = 4\n"})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("Cargo.lock", "lockfile", "Cargo.lock", None, None, None)]
    assert code == 0


def test_a_change_of_features_is_changed_and_explains_the_lockfile(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = '[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\nserde = {{ version = "1.0", {features} }}\n'
    base = repo.commit({"Cargo.toml": manifest.format(features='features = ["derive"]'), "Cargo.lock": "version = 3\n"})
    repo.commit({"Cargo.toml": manifest.format(features='features = ["derive", "rc"]'),
                 "Cargo.lock": "version = 3\n\n[[package]]\nname = \"serde\"\n"})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("Cargo.toml", "changed", "serde", "1.0 (features: derive)", "1.0 (features: derive, rc)", 6)]
    assert code == 0


@pytest.mark.parametrize(("before", "after", "expected"), [
    ('{ version = "1", features = ["a", "b"] }', '{ version = "1", features = ["b", "a"] }', []),
    ('"1"', '{ version = "1", features = [] }', []),
    ('"1"', '{ version = "1", default-features = false }',
     [("changed", "serde", "1 (default features)", "1 (no default features)")]),
    ('{ version = "1", features = ["a"] }', '{ version = "1.1", features = ["a"] }', [("minor", "serde", "1", "1.1")]),
    ('{ version = "1", features = ["a"] }', '{ version = "2", features = ["a", "b"] }',
     [("major", "serde", "1 (features: a)", "2 (features: a, b)")]),
])
def test_features_are_compared_and_shown_when_they_change(
    before: str, after: str, expected: list[tuple[str, str, str, str]]
) -> None:
    found = diff("cargo", "Cargo.toml", f"[dependencies]\nserde = {before}\n", f"[dependencies]\nserde = {after}\n")
    assert [(f.kind, f.subject, f.from_, f.to) for f in found] == expected


def test_dependency_tables_and_git_sources() -> None:
    text = "\n".join([
        "[dependencies.serde_json]",
        'version = "1.0.108"',
        "",
        "[dependencies]",
        'tonic = { git = "https://user:pw@github.com/hyperium/tonic", tag = "v0.10.2" }',
        'local = { path = "../local", version = "0.1" }',
        "",
        "[patch.crates-io]",
        'ring = { git = "https://github.com/briansmith/ring", branch = "main" }',
    ])
    parsed = [(r.name, r.constraint, r.line, r.indirect) for r in cargo.parse(text, "Cargo.toml")]
    assert parsed == [
        ("serde_json", "1.0.108", 1, False),
        ("tonic", "@ git+https://github.com/hyperium/tonic#v0.10.2", 5, False),
        ("ring", "@ git+https://github.com/briansmith/ring#main", 9, True),
    ]


def test_lines_point_at_the_entry_in_its_own_section() -> None:
    # BurntSushi/ripgrep 020687a and 53279db: dotted tables after a blank line were reported one
    # line early, and a crate in two sections took the first section's line.
    text = "\n".join([
        "[features]",                                                           # 1
        'regex = ["dep:regex"]',                                                # 2
        "",                                                                     # 3
        "[dependencies]",                                                       # 4
        'regex = "1.9"',                                                        # 5
        "",                                                                     # 6
        "[dependencies.regex-automata]",                                        # 7
        'version = "0.4.18"',                                                   # 8
        "",                                                                     # 9
        "[target.'cfg(all(target_env = \"musl\"))'.dependencies.tikv-jemallocator]",  # 10
        'version = "0.6.0"',                                                    # 11
        "",                                                                     # 12
        "[dev-dependencies]",                                                   # 13
        'regex = "1.10"',                                                       # 14
    ])
    parsed = [(r.name, r.constraint, r.line) for r in cargo.parse(text, "Cargo.toml")]
    assert parsed == [("regex", "1.9", 5), ("regex-automata", "0.4.18", 7), ("regex", "1.10", 14),
                      ("tikv-jemallocator", "0.6.0", 10)]


def test_patching_a_transitive_crate_is_lockfile_and_patching_a_direct_one_is_changed() -> None:
    base = '[dependencies]\nserde = "1"\n'
    patched = base + '\n[patch.crates-io]\nserde = { git = "https://github.com/serde-rs/serde" }\n' \
        'ring = { git = "https://github.com/briansmith/ring" }\n'
    assert kinds(diff("cargo", "Cargo.toml", base, patched)) == {"serde": "changed", "ring": "lockfile"}


@pytest.mark.parametrize(
    ("constraint", "floor"),
    [("1.2", (1, 2)), ("^1.2.3", (1, 2, 3)), ("~1.2", (1, 2)), ("=1.2.3", (1, 2, 3)),
     (">=1.2, <1.5", (1, 2)), ("1.*", (1,)), ("*", None), ("< 2", None), ("@ git+https://x", None)],
)
def test_lowest(constraint: str, floor: tuple[int, ...] | None) -> None:
    assert cargo.lowest(constraint) == floor


def test_a_bare_version_is_a_caret_requirement() -> None:
    assert diff("cargo", "Cargo.toml", '[dependencies]\na = "1.2"\nb = ">= 1, < 2"\n',
                '[dependencies]\na = "^1.2"\nb = "<2,>=1"\n') == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[dependencies]\nserde = 1\n', 2),
        ('[dependencies]\nserde = { version = "1", package = 3 }\n', 2),
        ("[target]\nunix = 1\n", None),
        ('[dependencies]\nserde = "1"\nserde = "2"\n', 3),
        ('[dependencies]\nserde = { version = "1", features = "derive" }\n', 2),
    ],
)
def test_malformed_cargo_toml(text: str, line: int | None) -> None:
    with pytest.raises(ManifestError) as caught:
        cargo.parse(text, "Cargo.toml")
    assert caught.value.line == line


_CRATES = ["serde", "tokio", "anyhow", "clap", "regex", "rand", "tracing", "uuid"]
_VERSIONS = ["1", "0.4.1", "^1.2", "~0.3", ">=1, <2"]


@settings(max_examples=50, deadline=None)
@given(
    entries=st.lists(st.tuples(st.sampled_from(_CRATES), st.sampled_from(_VERSIONS)),
                     unique_by=lambda e: e[0], min_size=1),
    seed=st.integers(0, 2**32),
)
def test_moving_crates_between_inline_and_table_forms_finds_nothing(
    entries: list[tuple[str, str]], seed: int
) -> None:
    before = "[dependencies]\n" + "".join(f'{n} = "{v}"\n' for n, v in entries)
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    inline = [f'{n} = {{ version = "{v}" }}\n' for n, v in shuffled[::2]]
    tables = [f'\n[dependencies.{n}]\nversion = "{v}"\n' for n, v in shuffled[1::2]]
    after = '[package]\nname = "x"\nversion = "9.9.9"\n\n[dependencies]\n' + "".join(inline) + "".join(tables)
    assert compare(cargo.parse(before, "Cargo.toml"), cargo.parse(after, "Cargo.toml"), cargo) == []
