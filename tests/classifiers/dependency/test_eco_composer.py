"""composer: composer.json require and require-dev; platform packages; composer.lock."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import composer
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.classifiers.dependency.test_dependency_core import diff, kinds, rows, run_scenario
from tests.conftest import Repo, run_json


def test_laravel_app_every_kind(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_scenario(repo, capsys, "composer", "laravel")
    assert rows(doc) == [
        ("composer.json", "changed", "acme/internal-tools", "dev-main", "dev-release", 16),
        ("composer.json", "minor", "guzzlehttp/guzzle", "^7.2", "^7.8", 10),
        ("composer.json", "major", "laravel/framework", "^10.10", "^11.0", 11),
        ("composer.json", "minor", "mockery/mockery", "^1.4.4", "^1.6.7", 21),
        ("composer.json", "major", "monolog/monolog", "^2.9 || ^3.0", "^3.0", 14),
        ("composer.json", "minor", "phpunit/phpunit", "^10.1", "~10.5", 22),
        ("composer.json", "added", "stripe/stripe-php", None, "^13.0", 15),
    ]
    assert code == 1


def test_composer_lock_alone_is_lockfile(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"composer.json": '{"require": {"monolog/monolog": "^3.0"}}',
                        "composer.lock": '{"content-hash": "a"}'})
    repo.commit({"composer.lock": '{"content-hash": "b"}'})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("composer.lock", "lockfile", "composer.lock", None, None, None)]
    assert code == 0


def test_platform_packages_and_the_project_itself_are_not_dependencies() -> None:
    text = json.dumps({"name": "Acme/Shop", "require": {
        "php": ">=8.1", "php-64bit": "*", "ext-intl": "*", "lib-curl": "*", "composer-plugin-api": "^2",
        "acme/shop": "*", "Symfony/Console": "^6.4"}, "require-dev": []})
    assert [(r.name, r.constraint) for r in composer.parse(text, "composer.json")] == [
        ("symfony/console", "^6.4")]


@pytest.mark.parametrize(
    ("constraint", "floor"),
    [("^7.4", (7, 4)), ("~1.2", (1, 2)), ("1.2.*", (1, 2)), (">=1.0 <2.0", (1, 0)),
     (">=1.0,<2.0", (1, 0)), ("^1.0 || ^2.0", (1, 0)), ("^1|^2", (1,)), ("1.0 - 2.0", (1, 0)),
     ("^1.0@beta", (1, 0)), ("v2.1.0", (2, 1, 0)), ("dev-main", None),
     ("dev-master as 1.0.x-dev", (1, 0)), ("2.0.x-dev", (2, 0)), ("*", None), ("self.version", None)],
)
def test_lowest(constraint: str, floor: tuple[int, ...] | None) -> None:
    assert composer.lowest(constraint) == floor


def test_stability_flag_change_is_changed_and_separators_do_not_matter() -> None:
    before = '{"require": {"a/b": "^1.0", "c/d": ">=1.0 <2.0"}}'
    after = '{"require": {"a/b": "^1.0@beta", "c/d": ">=1.0, <2.0"}}'
    assert kinds(diff("composer", "composer.json", before, after)) == {"a/b": "changed"}


def test_vendor_copies_are_not_manifests() -> None:
    assert not composer.is_manifest("vendor/laravel/framework/composer.json")
    assert composer.is_manifest("packages/billing/composer.json")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{\n  "require": {\n    "a/b": ["^1"]\n  }\n}', 3),
        ('{\n  "require": "a/b"\n}', 2),
        ('{\n  "require": {\n    "a/b": "^1",\n  }\n}', 4),
        ("[]", None),
    ],
)
def test_malformed_composer_json(text: str, line: int | None) -> None:
    with pytest.raises(ManifestError) as caught:
        composer.parse(text, "composer.json")
    assert caught.value.line == line


_PACKAGES = ["laravel/framework", "monolog/monolog", "guzzlehttp/guzzle", "symfony/console", "php",
             "ext-json", "phpunit/phpunit"]
_CONSTRAINTS = ["^1.0", "~2.3", ">=1.0 <2.0", "^1.0 || ^2.0", "dev-main", "*", "1.2.*"]


@settings(max_examples=50, deadline=None)
@given(
    require=st.dictionaries(st.sampled_from(_PACKAGES), st.sampled_from(_CONSTRAINTS), max_size=6),
    indent=st.sampled_from([None, 2, 4]),
    seed=st.integers(0, 2**32),
)
def test_redumping_composer_json_finds_nothing(require: dict[str, str], indent: int | None, seed: int) -> None:
    before = json.dumps({"name": "a/b", "require": require}, indent=4)
    items = sorted(require.items())
    random.Random(seed).shuffle(items)
    respelled = {k: v.replace(" || ", "||").replace(" <", ", <") for k, v in items}
    after = json.dumps({"require": respelled, "name": "a/b", "version": "2.0.0"}, indent=indent)
    assert compare(composer.parse(before, "composer.json"), composer.parse(after, "composer.json"),
                   composer) == []
