"""gem: Ruby that could declare gems out of the reader's sight makes the manifest `unparsed`."""

from __future__ import annotations

import json

import pytest

from ownership_gate.classifiers.dependency.ecosystems import gem
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.cli import main
from tests.conftest import Repo, findings, levels_by_path, run_json

GEMFILE = """\
source "https://rubygems.org"
git_source(:github) { |repo| "https://github.com/#{repo}.git" }

ruby "3.3.0"

gem "rails", "~> 7.1.2"
gem "pg", "~> 1.1"
"""

GEMSPEC = """\
# frozen_string_literal: true

require_relative "lib/acme_client/version"

Gem::Specification.new do |spec|
  spec.name = "acme_client"
  spec.version = File.read(File.expand_path("VERSION", __dir__)).strip
  spec.summary = "Client for the Acme API"
  spec.files = Dir.chdir(__dir__) do
    `git ls-files -z`.split("\\x0").reject { |f| f.start_with?("spec/") }
  end
  spec.metadata["changelog_uri"] = "https://example.com/#{spec.name}/CHANGELOG.md"
  spec.description = <<~TEXT
    A client.
  TEXT

  spec.add_dependency "faraday", "~> 2.7"
{extra}
end
"""

HOSTILE_GEMFILES = {
    "condition that calls a method": 'if File.exist?("Gemfile.local")\n  gem "local-tools"\nend',
    "condition that runs a command": 'if system("which vips")\n  gem "ruby-vips"\nend',
    "each over a word array": "%w[stripe aws-sdk-s3].each { |g| gem g }",
    "eval_gemfile": 'eval_gemfile "Gemfile.extra"',
    "eval of a file": 'eval File.read("Gemfile.extra")',
    "each with do block": '["stripe", "datadog"].each do |g|\n  gem(g)\nend',
    "send": 'send(:gem, "datadog")',
    "__send__": '__send__(:gem, "datadog")',
    "public_send": 'public_send(:gem, "datadog")',
    "Kernel.send": 'Kernel.send(:gem, "datadog")',
    "non-literal name": 'name = "datadog"\ngem name',
    "constant name": "gem DATADOG",
    "constant version set twice": 'DD = "~> 1.0"\nDD = "~> 2.0"\ngem "datadog", DD',
    "constant version computed": 'DD = ENV.fetch("DD")\ngem "datadog", DD',
    "constant version set after its use": 'gem "datadog", DD\nDD = "~> 1.0"',
    "constant version set in a block": 'group :production do\n  DD = "~> 1.0"\n  gem "datadog", DD\nend',
    "constant version interpolated": 'DD = "~> #{ENV["DD"]}"\ngem "datadog", DD',
    "instance_eval": 'instance_eval(File.read("Gemfile.extra"))',
    "instance_eval block": 'instance_eval { gem "datadog" }',
    "load": 'load "Gemfile.extra"',
    "require_relative": 'require_relative "gems/extra"',
    "require": 'require "./gems/extra"',
    "binding.eval": 'binding.eval("gem %q(datadog)")',
    "interpolated name": 'gem "aws-sdk-#{ENV["SERVICE"]}"',
    "interpolated version": 'gem "datadog", "~> #{ENV["DD"]}"',
    "method": 'def extra\n  gem "datadog"\nend\nextra',
    "lambda": 'extra = -> { gem "datadog" }\nextra.call',
    "proc": 'proc { gem "datadog" }.call',
    "gem inside a group's lambda option": 'group :x, if: -> { gem "datadog"; true } do\nend',
    "gem in an option": 'gem "puma", require: (gem("datadog"); false)',
    "computed git source": 'gem "datadog", git: ENV["DD_GIT"]',
    "splatted versions": 'gem "datadog", *DD_VERSIONS',
    "splatted options": 'gem "datadog", **DD_OPTIONS',
    "env block": 'env "DD" do\n  gem "datadog"\nend',
    "install_if with a gem in its condition": 'install_if -> { gem "datadog"; true } do\n  gem "x"\nend',
    "group with a non-literal name": "group ENV.fetch(\"G\").to_sym do\n  gem \"datadog\"\nend",
    "gem with a block": 'gem "datadog" do\n  gem "other"\nend',
    "case": 'case ENV["X"]\nwhen "1" then gem "a"\nend',
    "begin": 'begin\n  gem "a"\nrescue LoadError\nend',
    "backticks": '`bundle add datadog`',
    "heredoc of code": 'instance_eval <<~RUBY\n  gem "datadog"\nRUBY',
    "not valid Ruby": 'gem "a", (',
}


@pytest.mark.parametrize("statement", list(HOSTILE_GEMFILES.values()), ids=list(HOSTILE_GEMFILES))
def test_hostile_gemfiles_are_unparsed(statement: str) -> None:
    text = GEMFILE + statement + "\n"
    with pytest.raises(ManifestError) as caught:
        gem.parse(text, "Gemfile")
    assert caught.value.line is not None and caught.value.line >= 8


ACCOUNTED = [
    ('group(:production) { gem "newrelic_rpm" }', [("newrelic_rpm", "")]),
    ('group :development, :test, optional: true do\n  gem "debug", platforms: %i[mri windows]\nend',
     [("debug", "")]),
    ('platforms :jruby do\n  gem "jdbc-postgres", "~> 42.0"\nend', [("jdbc-postgres", "~> 42.0")]),
    ('install_if -> { RUBY_PLATFORM =~ /darwin/ } do\n  gem "rb-fsevent"\nend', [("rb-fsevent", "")]),
    ('git "https://github.com/rails/rails.git", branch: "main" do\n  gem "activesupport"\nend',
     [("activesupport", "@ git: https://github.com/rails/rails.git#main")]),
    ('source "https://gems.example.com" do\n  gem "private-gem", "~> 1.0"\nend', [("private-gem", "~> 1.0")]),
    ('gem "bullet", require: !!ENV["BULLET"], platform: :mri', [("bullet", "")]),
    ('gem "tzinfo-data", platforms: %i[windows jruby], require: ENV.fetch("TZ", "x") == "y"',
     [("tzinfo-data", "")]),
    ('gemspec path: "."\nplugin "bundler-inject"\nruby file: ".ruby-version"', []),
    ('RAILS_VERSION = "~> 7.1.3".freeze\ngem "actionpack", RAILS_VERSION\ngroup :production do\n'
     '  gem "activejob", RAILS_VERSION, ">= 7.1.3.2"\nend', [("actionpack", "~> 7.1.3"), ("activejob", "~> 7.1.3, >= 7.1.3.2")]),
    ('git_source(:gh) do |repo_name|\n  repo_name = "#{repo_name}/#{repo_name}" unless repo_name.include?("/")\n'
     '  "https://github.com/#{repo_name}.git"\nend', []),
]


@pytest.mark.parametrize(("statement", "expected"), ACCOUNTED)
def test_statements_the_reader_accounts_for(statement: str, expected: list[tuple[str, str]]) -> None:
    parsed = [(r.name, r.constraint) for r in gem.parse(GEMFILE + statement + "\n", "Gemfile")]
    assert parsed == [("rails", "~> 7.1.2"), ("pg", "~> 1.1"), *expected]


HOSTILE_GEMSPECS = {
    "loop over dependencies": '  %w[stripe datadog].each { |d| spec.add_dependency d }',
    "conditional dependency": '  spec.add_dependency "datadog" if ENV["DD"]',
    "if block": '  if RUBY_VERSION >= "3"\n    spec.add_dependency "datadog"\n  end',
    "send": '  spec.send(:add_dependency, "datadog")',
    "public_send": '  spec.public_send(:add_runtime_dependency, "datadog")',
    "computed version": '  spec.add_dependency "datadog", DD_VERSION',
    "computed name": '  spec.add_dependency ENV["GEM"]',
    "eval": '  eval File.read("deps.rb")',
    "instance_eval": '  spec.instance_eval(File.read("deps.rb"))',
    "load": '  load "deps.rb"',
    "dependencies list": '  spec.dependencies << Gem::Dependency.new("datadog")',
    "in a nested block": '  spec.tap { |s| s.add_dependency "datadog" }',
    "on another object": '  Gem::Specification.new.add_dependency "datadog"',
}


@pytest.mark.parametrize("extra", list(HOSTILE_GEMSPECS.values()), ids=list(HOSTILE_GEMSPECS))
def test_hostile_gemspecs_are_unparsed(extra: str) -> None:
    with pytest.raises(ManifestError):
        gem.parse(GEMSPEC.replace("{extra}", extra), "acme_client.gemspec")


def test_gemspec_metadata_computed_in_ruby_is_harmless() -> None:
    text = GEMSPEC.replace("{extra}", '  spec.add_development_dependency "rake", "~> 13.1"')
    parsed = [(r.name, r.constraint, r.line) for r in gem.parse(text, "acme_client.gemspec")]
    assert parsed == [("faraday", "~> 2.7", 17), ("rake", "~> 13.1", 18)]


def test_a_hostile_gemfile_asks_for_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"Gemfile": GEMFILE})
    repo.commit({"Gemfile": GEMFILE + '%w[stripe aws-sdk-s3].each { |g| gem g }\n'})
    code = main(["check", "--base", base, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    [finding] = findings(doc, "dependency")
    assert (finding["kind"], finding["subject"], finding["line"], finding["level"]) == (
        "unparsed", "Gemfile", 8, "cto")
    assert "%w[stripe aws-sdk-s3].each" in finding["detail"]
    assert levels_by_path(doc) == {"Gemfile": "cto"}
    assert code == 1


def test_a_gemfile_reading_another_file_asks_for_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.extra": 'gem "stripe"\n'})
    repo.commit({"Gemfile": GEMFILE + 'eval_gemfile "Gemfile.extra"\n'})
    code, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "dependency")
    assert (finding["kind"], finding["level"]) == ("unparsed", "cto")
    assert code == 1


@pytest.mark.parametrize(("statement", "declared"), [
    ('if ENV["X"] then gem "sidekiq-pro" end', [("sidekiq-pro", "runtime")]),
    ('gem "sidekiq-pro" if ENV["X"]', [("sidekiq-pro", "runtime")]),
    ('unless ENV["CI"]\n  gem "pry"\nend', [("pry", "runtime")]),
    ('group :test do\n  gem "a" if ENV["A"]\nend', [("a", "test")]),
    ('if %w(mingw mswin).include?(RUBY_PLATFORM)\n  gem "tzinfo-data"\nelsif ENV["JRUBY"]\n  gem "jruby-openssl"\n'
     'else\n  gem "bootsnap"\nend', [("tzinfo-data", "runtime"), ("jruby-openssl", "runtime"), ("bootsnap", "runtime")]),
])
def test_gems_under_a_condition_on_values_are_all_declared(statement: str, declared: list[tuple[str, str]]) -> None:
    found = gem.parse(GEMFILE + statement + "\n", "Gemfile")
    assert [(r.name, r.scope) for r in found][-len(declared):] == declared
