"""gem: Gemfile and gemspec read with tree-sitter-ruby; Gemfile.lock."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import gem
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.classifiers.dependency.test_dependency_core import diff, kinds, rows, run_scenario
from tests.conftest import Repo, run_json


def test_rails_gemfile_every_kind(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_scenario(repo, capsys, "gem", "rails")
    assert rows(doc) == [
        ("Gemfile", "major", "puma", "~> 5.0", "~> 6.4", 10),
        ("Gemfile", "changed", "pundit", "@ git: https://github.com/varvet/pundit.git#v2.3.0",
         "@ git: https://github.com/varvet/pundit.git#v2.3.1", 18),
        ("Gemfile", "removed", "rack-mini-profiler", None, None, None),
        ("Gemfile", "major", "rails", "~> 7.0.8", "~> 7.1.2", 7),  # a Rails minor release
        ("Gemfile", "major", "redis", "~> 4.0", ">= 4.0", 14),  # now admits 5
        ("Gemfile", "minor", "rspec-rails", "~> 6.0.0", "~> 6.1.0", 23),
        ("Gemfile", "patch", "sidekiq", "~> 7.1.2", "~> 7.1.6", 15),
        ("Gemfile", "added", "skylight", None, None, 19),
    ]
    assert code == 1


def test_gemspec_dependencies(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_scenario(repo, capsys, "gem", "gemspec")
    assert rows(doc) == [
        ("acme_client.gemspec", "major", "faraday", "~> 1.10", "~> 2.7", 12),
        ("acme_client.gemspec", "added", "faraday-retry", None, "~> 2.2", 13),
        ("acme_client.gemspec", "minor", "rake", "~> 13.0", "~> 13.1", 15),
    ]


def test_generated_gemspec_forms() -> None:
    text = "\n".join([
        "Gem::Specification.new do |s|",
        '  s.add_runtime_dependency(%q<rails>.freeze, [">= 6.1", "< 8"])',
        "  s.add_development_dependency(%q<rspec>.freeze, [\"~> 3.12\"])",
        "  s.add_dependency 'thor'",
        "end",
    ])
    parsed = [(r.name, r.constraint, r.line) for r in gem.parse(text, "x.gemspec")]
    assert parsed == [("rails", ">= 6.1, < 8", 2), ("rspec", "~> 3.12", 3), ("thor", "", 4)]


def test_continuations_parens_hash_rockets_and_comments() -> None:
    text = "\n".join([
        'gem("paren", "~> 2.0")',
        "gem 'multi',",
        "    '~> 3.0',",
        "    require: false",
        'gem "rocket", :git => "https://tok:secret@example.com/r.git", :branch => "main"',
        'gem "commented" # , "~> 9"',
        '=begin',
        'gem "in-doc"',
        '=end',
        'gemspec',
        'gem "local", path: "vendor/local"',
    ])
    parsed = [(r.name, r.constraint, r.line) for r in gem.parse(text, "Gemfile")]
    assert parsed == [
        ("paren", "~> 2.0", 1),
        ("multi", "~> 3.0", 2),
        ("rocket", "@ git: https://example.com/r.git#main", 5),
        ("commented", "", 6),
    ]


def test_discourse_style_computed_options() -> None:
    # Shapes from discourse/discourse's Gemfile (its `if ENV[...]` block is in the hostile list below).
    text = "\n".join([
        'ruby "~> 3.4"',
        'gem "bootsnap", require: false, platform: :mri',
        'gem "sidekiq", ">= 7.3.10" # ensuring it won\'t get downgraded',
        "group :development do",
        '  gem "bullet", require: !!ENV["BULLET"]',
        '  gem "better_errors", platform: :mri, require: !!ENV["BETTER_ERRORS"]',
        "end",
        "group :development, :test do",
        '  gem "faker", require: false',
        "end",
        'gem "rack-mini-profiler", require: ["enable_rails_patches"]',
        "group :migrations, optional: true do",
        '  gem "migrations-core", path: "migrations/core"',
        "end",
        'gem "sqlite3", "~> 1.3", ">= 1.3.13"',
        'gem "ruby-bbcode-to-md", git: "https://github.com/nlalonde/ruby-bbcode-to-md"',
    ])
    parsed = [(r.name, r.constraint, r.line) for r in gem.parse(text, "Gemfile")]
    assert parsed == [
        ("bootsnap", "", 2), ("sidekiq", ">= 7.3.10", 3), ("bullet", "", 5), ("better_errors", "", 6),
        ("faker", "", 9), ("rack-mini-profiler", "", 11),
        ("sqlite3", "~> 1.3, >= 1.3.13", 15),
        ("ruby-bbcode-to-md", "@ git: https://github.com/nlalonde/ruby-bbcode-to-md", 16),
    ]


def test_path_blocks_nest_with_other_blocks() -> None:
    text = "\n".join([
        'path "components" do',
        "  group :test do",
        '    gem "inner"',
        "  end",
        '  gem "still-inner"',
        "end",
        'gem "outer"',
    ])
    assert [r.name for r in gem.parse(text, "Gemfile")] == ["outer"]


@pytest.mark.parametrize(
    ("constraint", "floor"),
    [("~> 2.2", (2, 2)), ("~> 1.2, >= 1.2.3", (1, 2, 3)), ("= 1.0", (1, 0)), ("1.0", (1, 0)),
     ("> 1.0", (1, 1)), ("< 2", None), ("", None), (">= 7.1.0.beta1", (7, 1, 0)),
     ("@ github: rails/rails#main", None)],
)
def test_lowest(constraint: str, floor: tuple[int, ...] | None) -> None:
    assert gem.lowest(constraint) == floor


def test_order_and_spelling_of_comparators_do_not_matter() -> None:
    assert diff("gem", "Gemfile", 'gem "a", ">= 1.2", "< 2"\ngem "b", "= 1.0"\n',
                'gem "b", "1.0"\ngem "a", "<2", ">=1.2"\n') == []


def test_gemfile_lock_alone_is_lockfile(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"Gemfile": 'gem "rails"\n', "Gemfile.lock": "GEM\n  specs:\n    rails (7.1.1)\n"})
    repo.commit({"Gemfile.lock": "GEM\n  specs:\n    rails (7.1.2)\n"})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("Gemfile.lock", "lockfile", "Gemfile.lock", None, None, None)]
    assert code == 0


def test_gemfile_lock_with_its_gemfile_adds_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"Gemfile": 'gem "rails", "~> 7.1.1"\n', "Gemfile.lock": "v1\n"})
    repo.commit({"Gemfile": 'gem "rails", "~> 7.1.2"\n', "Gemfile.lock": "v2\n"})
    _, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("Gemfile", "patch", "rails", "~> 7.1.1", "~> 7.1.2", 1)]


def test_a_statement_without_a_literal_name_fails_closed() -> None:
    with pytest.raises(ManifestError) as caught:
        gem.parse('gem "ok"\ngem name_from_env\n', "Gemfile")
    assert caught.value.line == 2


_GEMS = ["rails", "pg", "puma", "sidekiq", "redis", "devise", "pundit", "rspec-rails"]
_REQS = [(), ("~> 1.2",), (">= 1.0", "< 2"), ("= 3.1.4",)]


@settings(max_examples=50, deadline=None)
@given(
    entries=st.lists(st.tuples(st.sampled_from(_GEMS), st.sampled_from(_REQS)),
                     unique_by=lambda e: e[0], min_size=1),
    seed=st.integers(0, 2**32),
)
def test_reordering_and_requoting_a_gemfile_finds_nothing(
    entries: list[tuple[str, tuple[str, ...]]], seed: int
) -> None:
    def statement(name: str, reqs: tuple[str, ...], quote: str, parens: bool) -> str:
        args = ", ".join(f"{quote}{a}{quote}" for a in (name, *reqs))
        return f"gem({args})" if parens else f"gem {args}"

    before = "\n".join(statement(n, r, '"', False) for n, r in entries)
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    grouped = ["group :development do"] + [
        "  " + statement(n, tuple(reversed(r)), "'", True) + "  # note" for n, r in shuffled
    ] + ["end"]
    old, new = gem.parse(before, "Gemfile"), gem.parse("\n".join(grouped), "Gemfile")
    assert compare(old, new, gem) == []
    assert kinds(compare(old, new[1:], gem)) == {new[0].name: "removed"}


DYNAMIC_GEMFILE = """\
source "https://rubygems.org"

require File.join(File.dirname(__FILE__), "lib/gemfile_helper.rb")

# Loads gems only when a condition holds, and keeps them in Gemfile.lock otherwise.
def if_true(condition, &block)
  condition ? yield : platform(:ruby_18, &block)
end

gem "rails", "~> 7.1.2"
gem "aws-sdk-s3", ">= 1.228.1"

if_true(ENV["SPRING"]) do
  gem "spring", "~> 4.1"
end
"""

STRICT_POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
default_level: engineer
rules:
  - id: dependencies
    level: cto
    when: {type: dependency, kind: [added, removed, major, unparsed]}
    reason: Vendors and majors.
"""


def test_a_gemfile_judged_around_the_code_it_cannot_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": STRICT_POLICY, "Gemfile": DYNAMIC_GEMFILE,
                        "lib/gemfile_helper.rb": "module GemfileHelper; end\n"})
    # The Gemfile's own method and the helper it requires are the same before and after: whatever they
    # declare did not change, and the plain gem bumped around them is read.
    bumped = repo.commit({"Gemfile": DYNAMIC_GEMFILE.replace(">= 1.228.1", ">= 1.229.0")})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in doc["changes"][0]["findings"]] == [("minor", "aws-sdk-s3")]
    assert code == 0
    # A gem inside the unread block changed: the reader cannot say what it declares now.
    repo.commit({"Gemfile": DYNAMIC_GEMFILE.replace('"~> 4.1"', '"~> 5.0"')})
    code, doc = run_json(capsys, "--base", bumped)
    assert [f["kind"] for f in doc["changes"][0]["findings"]] == ["unparsed"]
    assert code == 1
    # The same bump while the helper the unread code requires changes too.
    repo.commit({"Gemfile": DYNAMIC_GEMFILE.replace(">= 1.228.1", ">= 1.230.0"),
                 "lib/gemfile_helper.rb": "module GemfileHelper; def self.extra = nil; end\n"})
    code, doc = run_json(capsys, "--base", "HEAD~1")
    gemfile = next(c for c in doc["changes"] if c["path"] == "Gemfile")
    assert [f["kind"] for f in gemfile["findings"]] == ["unparsed"]
    assert code == 1
