"""The policy cache returns exactly what parsing would, and never trusts a bad entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.policy import cache
from ownership_gate.policy.load import builtin_names, builtin_text, load_text, parse


@pytest.mark.parametrize("name", builtin_names())
def test_a_cached_policy_equals_the_parsed_one(name: str) -> None:
    parsed = parse(builtin_text(name), f"builtin:{name}")
    assert cache.load(cache.dump(parsed)) == parsed


def test_second_load_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = builtin_text("startup")
    first = load_text(text, "p.yaml", "p.yaml")
    entries = list((tmp_path / "ownership-gate" / "policies").glob("*.json"))
    assert len(entries) == 1
    assert load_text(text, "p.yaml", "p.yaml") == first
    # a different source name is a different entry: error messages and sources name it
    load_text(text, "q.yaml", "q.yaml")
    assert len(list((tmp_path / "ownership-gate" / "policies").glob("*.json"))) == 2


def test_a_corrupt_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = builtin_text("startup")
    name = cache.entry_name(cache.key(text, "p.yaml", None))
    directory = tmp_path / "ownership-gate" / "policies"
    directory.mkdir(parents=True)
    (directory / name).write_text('{"levels": "nonsense"}', "utf-8")
    assert load_text(text, "p.yaml", None) == parse(text, "p.yaml")


def test_an_entry_for_another_policy_under_the_same_name_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are found by a checksum: one that collides holds another key, and is not used."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    strict, loose = builtin_text("security"), builtin_text("startup")
    load_text(loose, "p.yaml", None)
    (entry,) = (tmp_path / "ownership-gate" / "policies").glob("*.json")
    entry.rename(entry.with_name(cache.entry_name(cache.key(strict, "p.yaml", None))))
    assert load_text(strict, "p.yaml", None) == parse(strict, "p.yaml") != parse(loose, "p.yaml")


def test_invalid_policies_are_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(Exception, match="invalid policy"):
        load_text("version: 2\nlevels: [{name: a}]\n", "p.yaml", None)
    assert not list(tmp_path.rglob("*.json"))


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("OWNERSHIP_GATE_NO_CACHE", "1")
    load_text(builtin_text("startup"), "p.yaml", None)
    assert not list(tmp_path.rglob("*.json"))
