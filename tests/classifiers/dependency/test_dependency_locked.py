"""Lockfiles: what each format holds, majors under open constraints, packages already installed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ownership_gate.classifiers.dependency.ecosystems import REGISTRY
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock, admits_any
from ownership_gate.classifiers.dependency.locked import ALREADY_HELD
from ownership_gate.cli import main
from tests.conftest import Repo, findings, levels_by_path, run_json

LOCKS = Path(__file__).parents[2] / "fixtures" / "lockfiles"


def lock(ecosystem: str, fixture: str, path: str) -> Lock:
    return REGISTRY[ecosystem].locked((LOCKS / fixture).read_text("utf-8"), path)  # type: ignore[attr-defined]


def dependency_rows(document: dict[str, Any]) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    return sorted(
        (change["path"], f["kind"], f["subject"], f["scope"], f["from"], f["to"])
        for change in document["changes"] for f in change["findings"] if f["type"] == "dependency"
    )


# --- what each lockfile format holds -------------------------------------------------------------

def test_gemfile_lock() -> None:
    found = lock("gem", "Gemfile.lock", "Gemfile.lock")
    assert found.version("stripe", "") == "13.3.1"
    assert found.version("nokogiri", "") == "1.15.5"  # one version for every platform
    assert found.version("pundit", "") == "2.3.1"  # a git gem
    assert {"concurrent-ruby", "racc", "billing", "ruby2_keywords"} <= found.held
    assert "faraday-multipart" not in found.held  # named as a dependency only, never resolved here


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("GEM\n  remote: https://rubygems.org/\n  specs:\n<<<<<<< HEAD\n    stripe (13.3.1)\n", "unknown section '<<<<<<< HEAD'"),
        ("GEM\n  specs:\n    stripe\n", "unexpected line in the GEM section: 'stripe'"),
        ("GEM\n  specs:\n\tstripe (13.3.1)\n", "unknown section '\\\\tstripe"),
        ("GEMS\n  specs:\n", "unknown section 'GEMS'"),
        ("  stripe (13.3.1)\n", "starts with a section"),
        ("", "not a Gemfile.lock"),
    ],
)
def test_gemfile_lock_is_read_strictly(text: str, problem: str) -> None:
    with pytest.raises(ManifestError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        REGISTRY["gem"].locked(text, "Gemfile.lock")  # type: ignore[attr-defined]


def test_package_lock_v3() -> None:
    found = lock("npm", "package-lock.json", "package-lock.json")
    assert found.versions == {"foo": "13.3.1", "jest": "29.7.0", "js-tokens": "4.0.0", "loose-envify": "1.4.0",
                              "react": "18.2.0"}  # top-level only; a workspace link has no version
    assert {"minimist", "@acme/ui", "loose-envify"} <= found.held


def test_package_lock_v1() -> None:
    text = json.dumps({"lockfileVersion": 1, "dependencies": {
        "foo": {"version": "13.3.1", "dependencies": {"minimist": {"version": "1.2.6"}}},
        "react": {"version": "18.2.0"},
    }})
    found = REGISTRY["npm"].locked(text, "npm-shrinkwrap.json")  # type: ignore[attr-defined]
    assert found.versions == {"foo": "13.3.1", "react": "18.2.0"}
    assert found.held == {"foo", "minimist", "react"}


def test_yarn_v1() -> None:
    found = lock("npm", "yarn-v1.lock", "yarn.lock")
    assert found.version("foo", "*") == "13.3.1"  # the entry for the range the manifest asks
    assert found.version("foo", "^12.0.0") == "12.4.0"
    assert found.version("lodash", "^4.17.21") == "4.17.21"
    assert found.version("@babel/code-frame", "^7.99") == "7.23.5"  # one version held: that one
    assert found.held == {"@babel/code-frame", "foo", "lodash"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('foo@*:\n  version "1.0.0"\n<<<<<<< HEAD\n', "expected an entry"),
        ('foo@*:\n  resolved "https://x"\n', "has no version"),
        ('foo@*:\n\tversion "1.0.0"\n', "has no version"),
        ('foo@*:\n   version "1.0.0"\n', "unexpected line"),
        ('foo:\n  version "1.0.0"\n', "should read name@range"),
    ],
)
def test_yarn_v1_is_read_strictly(text: str, problem: str) -> None:
    with pytest.raises(ManifestError, match=problem):
        REGISTRY["npm"].locked("# yarn lockfile v1\n\n" + text, "yarn.lock")  # type: ignore[attr-defined]


def test_yarn_berry() -> None:
    found = lock("npm", "yarn-berry.lock", "yarn.lock")
    assert found.version("foo", "*") == "13.3.1"
    assert found.version("@babel/code-frame", "^7.22.13") == "7.23.5"
    assert found.held == {"@babel/code-frame", "foo", "acme-web"}  # workspace packages are installed too


def test_bun_text_lockfile() -> None:
    found = lock("npm", "bun.lock", "bun.lock")
    assert found.version("foo", "*") == "13.3.1"
    assert found.version("scheduler", "*") == "0.23.0"  # the top-level install, not react-dom's nested 0.22.0
    assert {"foo", "@types/node", "react-dom", "scheduler", "undici-types"} <= found.held
    with pytest.raises(ManifestError):
        REGISTRY["npm"].locked('{"packages": {"foo": "foo@1.0.0"}}', "bun.lock")  # type: ignore[attr-defined]


@pytest.mark.parametrize("fixture", ["pnpm-lock-v9.yaml", "pnpm-lock-v6.yaml", "pnpm-lock-v5.yaml"])
def test_pnpm(fixture: str) -> None:
    found = lock("npm", fixture, "pnpm-lock.yaml")
    assert found.version("foo", "*") == "13.3.1"
    assert found.version("react-dom", "^18.2.0") == "18.2.0"  # the peer suffix dropped
    assert {"foo", "@types/node", "react-dom"} <= found.held
    assert ("@acme/ui" in found.held) is (fixture == "pnpm-lock-v9.yaml")  # a workspace member's sibling link


def test_pnpm_yaml_that_libyaml_refuses_is_read() -> None:
    # `{tarball: https://...}`: a plain scalar with `:` in a flow mapping, YAML 1.2 only.
    assert "sql-formatter" in lock("npm", "pnpm-lock-v9.yaml", "pnpm-lock.yaml").held
    with pytest.raises(ManifestError, match="invalid YAML"):
        REGISTRY["npm"].locked("importers: {.: [\n", "pnpm-lock.yaml")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("fixture", "path"), [("poetry.lock", "poetry.lock"), ("uv.lock", "uv.lock")])
def test_poetry_and_uv(fixture: str, path: str) -> None:
    found = lock("pypi", fixture, path)
    assert found.version("stripe", "") == "7.6.0"
    assert "django" in found.held or "requests" in found.held  # names PEP 503-normalised


def test_pipfile_lock() -> None:
    found = lock("pypi", "Pipfile.lock", "Pipfile.lock")
    assert found.versions == {"django": "4.2.7", "sqlparse": "0.4.4", "pytest": "8.0.0"}


def test_cargo_lock_knows_nothing_of_a_crate_locked_twice() -> None:
    found = lock("cargo", "Cargo.lock", "Cargo.lock")
    assert found.version("serde", "*") == "1.0.193"
    assert found.version("syn", "*") is None  # 1.x and 2.x both: which one is direct is not said
    assert "syn" in found.held


def test_composer_lock() -> None:
    found = lock("composer", "composer.lock", "composer.lock")
    assert found.versions == {"stripe/stripe-php": "v13.3.0", "laravel/framework": "v11.0.3",
                              "phpunit/phpunit": "10.5.3"}


@pytest.mark.parametrize(
    ("constraint", "open_"),
    [
        ("", True), ("*", True), ("x", True), ("latest", True), (">= 0", True), (">=1.2", True),
        (">= 1.2, != 1.5", True), ("[s3]>=1.28", True), ("^1 || *", True), ("> 2", True),
        ("^13.0.0", False), ("~> 13.0", False), (">=1.2,<2", False), (">= 1.2 < 2", False), ("13.3.1", False),
        ("==4.2.7", False), ("@ git+https://github.com/x/y", False), ("github:acme/x#v1", False),
        ("workspace:*", False), ("npm:lodash@*", False), ("<2", False),
    ],
)
def test_which_constraints_leave_the_version_to_the_lockfile(constraint: str, open_: bool) -> None:
    assert admits_any(constraint) is open_


# --- majors under open constraints, judged from the lockfile -------------------------------------

GEMFILE = 'source "https://rubygems.org"\n\ngem "rails", "~> 7.1.2"\ngem "stripe"\ngem "plaid"\n'


def _gemfile_lock(stripe: str, plaid: str = "39.0.0", rails: str = "7.1.2") -> str:
    return (
        "GEM\n  remote: https://rubygems.org/\n  specs:\n"
        f"    plaid ({plaid})\n      faraday (>= 1.0.1, < 3.0)\n    rails ({rails})\n    stripe ({stripe})\n\n"
        "PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  plaid\n  rails (~> 7.1.2)\n  stripe\n\n"
        "BUNDLED WITH\n   2.5.3\n"
    )


def test_a_major_only_the_gemfile_lock_shows(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile.lock": _gemfile_lock("14.0.0", plaid="39.2.0")})
    code, document = run_json(capsys, "--base", base)
    majors = [f for f in findings(document, "dependency") if f["kind"] == "major"]
    assert [(f["subject"], f["from"], f["to"], f["scope"], f["ecosystem"], f["detail"]) for f in majors] == [
        ("stripe", "13.3.1", "14.0.0", "runtime", "gem", "locked 13.3.1 -> 14.0.0; the manifest allows any version")
    ]
    assert levels_by_path(document) == {"Gemfile.lock": "cto"}
    assert code == 1


def test_a_major_only_the_lockfile_shows_under_a_gemfile_with_a_version_constant(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Rails apps often name their Rails version once; the rest of the Gemfile is still read.
    gemfile = GEMFILE.replace('gem "rails", "~> 7.1.2"', 'RAILS_VERSION = "~> 7.1.2".freeze\ngem "rails", RAILS_VERSION')
    base = repo.commit({"Gemfile": gemfile, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile.lock": _gemfile_lock("14.0.0", rails="7.1.5")})
    code, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["from"], f["to"]) for f in findings(document, "dependency")] == [
        ("major", "stripe", "13.3.1", "14.0.0"), ("lockfile", "Gemfile.lock", None, None)]
    assert code == 1


def test_a_major_only_the_lockfile_shows_around_gemfile_code_the_reader_cannot_follow(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    gemfile = GEMFILE + 'eval_gemfile "Gemfile.local" if File.exist?("Gemfile.local")\n'
    base = repo.commit({"Gemfile": gemfile, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile.lock": _gemfile_lock("14.0.0")})
    code, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [
        ("major", "stripe"), ("lockfile", "Gemfile.lock")]
    assert code == 1


def test_a_bounded_constraint_is_judged_by_the_manifest_not_the_lockfile(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile.lock": _gemfile_lock("13.3.1", rails="8.0.0")})  # a lockfile out of step with ~> 7.1.2
    code, document = run_json(capsys, "--base", base)
    assert [f["kind"] for f in findings(document, "dependency")] == ["lockfile"]
    assert code == 0


def test_a_manifest_change_that_says_it_is_not_said_twice(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile": GEMFILE.replace('gem "stripe"', 'gem "stripe", ">= 14"'),
                 "Gemfile.lock": _gemfile_lock("14.0.0", plaid="40.0.0")})
    _, document = run_json(capsys, "--base", base)
    assert dependency_rows(document) == [
        ("Gemfile", "changed", "stripe", "runtime", None, ">= 14"),  # >= 14 has a floor the old had not
        ("Gemfile.lock", "major", "plaid", "runtime", "39.0.0", "40.0.0"),  # plaid: only the lockfile says it
    ]


def test_the_staged_lockfile_is_read_against_the_staged_gemfile(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.stage({"Gemfile.lock": _gemfile_lock("14.0.0")})
    code = main(["check", "--staged", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [
        ("major", "stripe"), ("lockfile", "Gemfile.lock")]
    assert code == 1


def test_a_broken_lockfile_fails_closed_only_when_it_decides_something(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicted = _gemfile_lock("13.3.1").replace("    stripe (13.3.1)\n", "<<<<<<< HEAD\n    stripe (13.3.1)\n")
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile.lock": conflicted})
    code, document = run_json(capsys, "--base", base)
    (unparsed,) = [f for f in findings(document, "dependency") if f["kind"] == "unparsed"]
    assert unparsed["subject"] == "Gemfile.lock" and "unknown section '<<<<<<< HEAD'" in unparsed["detail"]
    assert code == 1
    # Every constraint pinned: the lockfile decides nothing the manifest does not say.
    pinned = GEMFILE.replace('gem "stripe"', 'gem "stripe", "~> 13.3"').replace('gem "plaid"', 'gem "plaid", "39.0.0"')
    base = repo.commit({"Gemfile": pinned, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile.lock": conflicted})
    code, document = run_json(capsys, "--base", base)
    assert [f["kind"] for f in findings(document, "dependency")] == ["lockfile"]


def test_npm_star_with_package_lock(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lockfile = (LOCKS / "package-lock.json").read_text("utf-8")
    manifest = json.dumps({"name": "acme-web", "dependencies": {"foo": "*", "react": "^18.2.0"},
                           "devDependencies": {"jest": ">=29"}})
    base = repo.commit({"package.json": manifest, "package-lock.json": lockfile})
    repo.commit({"package-lock.json": lockfile.replace('"version": "13.3.1"', '"version": "14.0.0"')
                                              .replace('"version": "29.7.0"', '"version": "30.0.1"')})
    _, document = run_json(capsys, "--base", base)
    assert dependency_rows(document) == [
        ("package-lock.json", "lockfile", "package-lock.json", None, None, None),
        ("package-lock.json", "major", "foo", "runtime", "13.3.1", "14.0.0"),
        ("package-lock.json", "major", "jest", "dev", "29.7.0", "30.0.1"),
    ]


@pytest.mark.parametrize(("fixture", "name"), [("yarn-v1.lock", "yarn.lock"), ("yarn-berry.lock", "yarn.lock"),
                                                ("pnpm-lock-v9.yaml", "pnpm-lock.yaml"), ("bun.lock", "bun.lock")])
def test_npm_star_with_yarn_and_pnpm(
    repo: Repo, capsys: pytest.CaptureFixture[str], fixture: str, name: str
) -> None:
    lockfile = (LOCKS / fixture).read_text("utf-8")
    base = repo.commit({"package.json": '{"dependencies": {"foo": "*"}}', name: lockfile})
    repo.commit({name: lockfile.replace("13.3.1", "14.0.0")})
    _, document = run_json(capsys, "--base", base)
    assert ("major", "foo", "13.3.1", "14.0.0") in [
        (f["kind"], f["subject"], f["from"], f["to"]) for f in findings(document, "dependency")]


def test_pypi_floor_only_with_uv_lock(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lockfile = (LOCKS / "uv.lock").read_text("utf-8")
    manifest = '[project]\nname = "acme-api"\nversion = "0.1.0"\ndependencies = ["stripe>=7", "requests"]\n'
    base = repo.commit({"pyproject.toml": manifest, "uv.lock": lockfile})
    repo.commit({"uv.lock": lockfile.replace('version = "7.6.0"', 'version = "8.0.0"')
                                    .replace('version = "2.31.0"', 'version = "2.32.0"')})
    _, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [
        ("major", "stripe"), ("lockfile", "uv.lock")]  # requests only moved a minor


def test_zero_major_counts_under_open_constraints_too(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = "version: 1\nlevels: [{name: engineer}, {name: cto}]\nclassify:\n  dependency: {zero_major: true}\n" \
             "rules:\n  - {id: m, level: cto, when: {type: dependency, kind: major}}\n"
    lockfile = (LOCKS / "Cargo.lock").read_text("utf-8")
    base = repo.commit({".ownership-gate.yaml": policy, "Cargo.toml": '[dependencies]\nserde = "*"\n',
                        "Cargo.lock": lockfile.replace('"1.0.193"', '"0.9.0"')})
    repo.commit({"Cargo.lock": lockfile.replace('"1.0.193"', '"0.10.0"')})
    _, document = run_json(capsys, "--base", base)
    assert ("major", "serde") in [(f["kind"], f["subject"]) for f in findings(document, "dependency")]


# --- a package the lockfile already held ---------------------------------------------------------

def test_requiring_a_package_the_lockfile_held_is_no_new_package(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    lockfile = (LOCKS / "package-lock.json").read_text("utf-8")
    manifest = {"name": "acme-web", "dependencies": {"foo": "*", "react": "^18.2.0"}}
    base = repo.commit({"package.json": json.dumps(manifest), "package-lock.json": lockfile})
    # A direct pin of a transitive patch: minimist came with foo; left-pad is new.
    manifest["dependencies"] |= {"minimist": "^1.2.8", "left-pad": "^1.3.0"}
    repo.commit({"package.json": json.dumps(manifest)})
    _, document = run_json(capsys, "--base", base)
    found = {f["subject"]: f for f in findings(document, "dependency")}
    assert (found["minimist"]["kind"], found["minimist"]["detail"]) == ("changed", ALREADY_HELD)
    assert found["left-pad"]["kind"] == "added"

    # The next major of one react brought in (loose-envify 1.4.0) is installed beside it: a package of its
    # own, as npm installs it, not an upgrade of the one react keeps.
    manifest["dependencies"] |= {"loose-envify": "^2.0.0"}
    repo.commit({"package.json": json.dumps(manifest)})
    _, document = run_json(capsys, "--base", base)
    found = {f["subject"]: f for f in findings(document, "dependency")}
    assert (found["loose-envify"]["kind"], found["loose-envify"]["from"]) == ("added", None)


def test_a_workspace_member_is_held_by_the_root_lockfile(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lockfile = (LOCKS / "package-lock.json").read_text("utf-8")
    base = repo.commit({"package.json": '{"workspaces": ["packages/*"]}', "package-lock.json": lockfile,
                        "packages/ui/package.json": '{"name": "@acme/ui", "dependencies": {}}'})
    repo.commit({"packages/ui/package.json": '{"name": "@acme/ui", "dependencies": {"loose-envify": "^1.4.0"}}'})
    _, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [("changed", "loose-envify")]


def test_the_gemfile_lock_holds_a_gem_before_the_gemfile_asks(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": _gemfile_lock("13.3.1")})
    repo.commit({"Gemfile": GEMFILE + 'gem "faraday", "~> 2.7"\ngem "rack"\n'})
    _, document = run_json(capsys, "--base", base)
    # faraday is only named as plaid's dependency in this lockfile, never resolved: it is new.
    assert sorted((f["kind"], f["subject"]) for f in findings(document, "dependency")) == [
        ("added", "faraday"), ("added", "rack")]
    base = repo.commit({"Gemfile": GEMFILE, "Gemfile.lock": (LOCKS / "Gemfile.lock").read_text("utf-8")})
    repo.commit({"Gemfile": GEMFILE + 'gem "faraday", "~> 2.7"\n'})
    _, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [("changed", "faraday")]


def test_a_sibling_workspace_package_the_lockfile_links_is_no_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    lockfile = (LOCKS / "package-lock.json").read_text("utf-8")
    base = repo.commit({"package.json": '{"workspaces": ["packages/*"]}', "package-lock.json": lockfile,
                        "packages/api/package.json": '{"name": "@acme/api"}'})
    repo.commit({"packages/api/package.json": '{"name": "@acme/api", "dependencies": {"@acme/ui": "^0.1.0"}}'})
    _, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [("changed", "@acme/ui")]


# --- go.sum ----------------------------------------------------------------------------------------

GO_SUM = """\
github.com/jinzhu/gorm v1.9.11 h1:gaHGvE+UnWGlbWG4Y3FUwY1EcZ5n6S9WtqBA/uySMLE=
github.com/jinzhu/gorm v1.9.11/go.mod h1:bu/pK8szGZ2puuErfU0RwyeNdsf3e6nCX/noXaVxkfw=
github.com/mattn/go-sqlite3 v1.10.0/go.mod h1:FPy6KqzDD04eiIsT53CuJW3U88zkxoIYsOqkbpncsNc=
github.com/mattn/go-sqlite3 v1.11.0 h1:LDdKkqtYlom37fkvqs8rMPFKAMe8+SgjbwZ6ex1/A/Q=
github.com/mattn/go-sqlite3 v1.11.0/go.mod h1:FPy6KqzDD04eiIsT53CuJW3U88zkxoIYsOqkbpncsNc=
github.com/jackc/pgx/v4 v4.18.1 h1:YP7G1KABtKpB5IHrO9vYwSrCOhs7p3uqhvhhQBptya0=
github.com/jackc/pgx/v4 v4.18.1/go.mod h1:FydWkUyadDmdNH/mHnGob881GawxeEm7TcMCzkb+qQE=
golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi7IjUYbEs/qRXBQ=
"""

GO_MOD = """\
module github.com/acme/server

go 1.21

require (
\tgithub.com/jinzhu/gorm v1.9.11
)
"""


def test_go_sum_holds_what_was_built() -> None:
    found = REGISTRY["golang"].locked(GO_SUM, "go.sum")  # type: ignore[attr-defined]
    assert found.held == {"github.com/jinzhu/gorm", "github.com/mattn/go-sqlite3", "github.com/jackc/pgx"}
    assert found.version("github.com/mattn/go-sqlite3", "") == "v1.11.0"  # the highest with its content listed
    assert "golang.org/x/text" not in found.held  # only its go.mod was read


@pytest.mark.parametrize("line", [
    "<<<<<<< HEAD",
    "github.com/mattn/go-sqlite3 v1.11.0",
    "github.com/mattn/go-sqlite3 1.11.0 h1:LDdKkqtYlom37fkvqs8rMPFKAMe8+SgjbwZ6ex1/A/Q=",
])
def test_go_sum_is_read_strictly(line: str) -> None:
    with pytest.raises(ManifestError, match=r"not a go\.sum line"):
        REGISTRY["golang"].locked(GO_SUM + line + "\n", "go.sum")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("entry", "kind", "from_"), [
    # `go get` pins a transitive module to its next major: the build now runs v2.
    ("\tgithub.com/mattn/go-sqlite3 v2.0.3+incompatible // indirect\n", "major", "v1.11.0"),
    ("\tgithub.com/mattn/go-sqlite3 v2.0.3+incompatible\n", "major", "v1.11.0"),
    # The same major, now required directly: nothing new is built.
    ("\tgithub.com/mattn/go-sqlite3 v1.14.0\n", "changed", None),
    ("\tgithub.com/jackc/pgx/v5 v5.5.0\n", "major", "v4.18.1"),
])
def test_a_module_go_sum_held_at_an_earlier_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], entry: str, kind: str, from_: str | None
) -> None:
    base = repo.commit({"go.mod": GO_MOD, "go.sum": GO_SUM})
    repo.commit({"go.mod": GO_MOD.replace(")\n", entry + ")\n")})
    code, document = run_json(capsys, "--base", base)
    [found] = findings(document, "dependency")
    assert (found["kind"], found["from"]) == (kind, from_)
    assert code == (1 if kind == "major" else 0)  # a runtime major asks the CTO under the built-in policy
