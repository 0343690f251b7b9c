"""The dependency comparison core: steps, spellings, moves, lockfiles, hostile manifests.

Also the helpers the per-ecosystem tests share: fixtures are before/after
trees under tests/fixtures/dependency/<ecosystem>/<scenario>/, committed
into a real repository and judged by `main(["check", ...])`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare, ecosystem_for, step
from ownership_gate.classifiers.dependency.ecosystems import REGISTRY, npm, pypi
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Requirement
from ownership_gate.model import Finding
from tests.conftest import Repo, findings, levels_by_path, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dependency"

Row = tuple[str, str, str, "str | None", "str | None", "int | None"]


def tree(ecosystem: str, scenario: str, side: str) -> dict[str, str | bytes | None]:
    root = FIXTURES / ecosystem / scenario / side
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in root.rglob("*") if p.is_file()}


def run_scenario(
    repo: Repo, capsys: pytest.CaptureFixture[str], ecosystem: str, scenario: str,
    setup: dict[str, str | bytes | None] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Commit the scenario's before/ tree, then its after/ tree (deleting what it lacks); check."""
    before = {**(setup or {}), **tree(ecosystem, scenario, "before")}
    base = repo.commit(before, "before")
    after: dict[str, str | bytes | None] = dict(tree(ecosystem, scenario, "after"))
    for path in before:
        if path not in after and not (setup and path in setup):
            after[path] = None
    repo.commit(after, "after")
    return run_json(capsys, "--base", base)


def rows(document: dict[str, Any]) -> list[Row]:
    """Every dependency finding as (path, kind, subject, from, to, line), sorted."""
    result = []
    for change in document["changes"]:
        for f in change["findings"]:
            if f["type"] == "dependency":
                result.append((change["path"], f["kind"], f["subject"], f["from"], f["to"], f["line"]))
    return sorted(result, key=lambda r: (r[0], r[2], r[1]))


def diff(ecosystem: str, path: str, before: str, after: str, zero_major: bool = False) -> list[Finding]:
    eco = REGISTRY[ecosystem]
    return compare(eco.parse(before, path), eco.parse(after, path), eco, zero_major)


def kinds(found: list[Finding]) -> dict[str, str]:
    return {f.subject: str(f.kind) for f in found}


# --- steps -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "zero_major", "kind"),
    [
        ((1, 7, 4), (2, 0, 0), False, "major"),
        ((0, 15, 5), (1, 7, 2), False, "major"),
        ((6, 50, 0), (7, 10, 0), False, "major"),
        ((0, 69, 0), (0, 70, 0), False, "minor"),
        ((0, 69, 0), (0, 70, 0), True, "major"),
        ((0, 0, 3), (0, 0, 4), False, "patch"),
        ((0, 0, 3), (0, 0, 4), True, "major"),
        ((0, 1, 3), (0, 1, 4), True, "patch"),
        ((1, 2), (1, 3), False, "minor"),
        ((1, 2), (1, 2, 1), False, "patch"),
        ((1, 2, 3), (1, 2, 3), False, "changed"),  # same floor, other constraint: a pin or loosen
        ((2, 0), (1, 9), False, "changed"),  # a rollback
        (None, (1, 0), False, "changed"),
        ((1, 0), None, False, "changed"),
    ],
)
def test_step(old: tuple[int, ...] | None, new: tuple[int, ...] | None, zero_major: bool,
              kind: str) -> None:
    assert step(old, new, zero_major) == kind


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("^11.0.1", "10.2.2", "major"),  # held back to an older major
    ("^2.0.0", "~1.9.0", "major"),
    ("^2.0.0", ">=1.0", "major"),  # a loosening that still admits 2.x, but 3 and later too
    ("^2.1.0", ">=2.0.0 <3", "changed"),  # a loosening within the major
    ("^2.1.0", "2.0.5", "changed"),  # a rollback within the major
])
def test_a_downgrade_across_majors_is_major(old: str, new: str, kind: str) -> None:
    found = compare([Requirement("next", old, 1)], [Requirement("next", new, 1)], npm)
    assert [(f.kind, f.from_, f.to) for f in found] == [(kind, old, new)]


def test_compare_reports_every_kind_with_new_lines() -> None:
    old = [Requirement("a", "^1.0.0", 1), Requirement("b", "^1.0.0", 2), Requirement("c", "^1.0.0", 3),
           Requirement("d", "^1.0.0", 4), Requirement("e", "^1.0.0", 5), Requirement("gone", "1", 6)]
    new = [Requirement("a", "^2.0.0", 11), Requirement("b", "^1.1.0", 12), Requirement("c", "^1.0.1", 13),
           Requirement("d", "1.0.0", 14), Requirement("e", "^1.0.0", 15), Requirement("new", "", 16)]
    found = {f.subject: (f.kind, f.from_, f.to, f.line) for f in compare(old, new, npm)}
    assert found == {
        "a": ("major", "^1.0.0", "^2.0.0", 11),
        "b": ("minor", "^1.0.0", "^1.1.0", 12),
        "c": ("patch", "^1.0.0", "^1.0.1", 13),
        "d": ("changed", "^1.0.0", "1.0.0", 14),
        "gone": ("removed", "1", None, None),
        "new": ("added", None, None, 16),
    }


def test_indirect_entries_are_lockfile_findings() -> None:
    old = [Requirement("x", "==1.0", 1, indirect=True)]
    new = [Requirement("x", "==2.0", 1, indirect=True), Requirement("y", "==1.0", 2, indirect=True)]
    assert kinds(compare(old, new, pypi)) == {"x": "lockfile", "y": "lockfile"}


def test_spellings_of_one_constraint_compare_equal() -> None:
    old = [Requirement("django", "^4.2", 1)]
    new = [Requirement("django", ">=4.2.0,<5", 1)]
    assert compare(old, new, pypi) == []
    assert compare([Requirement("a", ">= 1.2 < 2", 1)], [Requirement("a", "<2 >=1.2", 1)], npm) == []


# --- which files --------------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("requirements.txt", ("pypi", False)),
        ("requirements/dev.in", ("pypi", False)),
        ("services/api/requirements-test.txt", ("pypi", False)),
        ("MANIFEST.in", None),
        ("config.h.in", None),
        ("docs/notes.txt", None),
        ("poetry.lock", ("pypi", True)),
        ("uv.lock", ("pypi", True)),
        ("Pipfile.lock", ("pypi", True)),
        ("pylock.toml", ("pypi", True)),
        ("web/package.json", ("npm", False)),
        ("node_modules/left-pad/package.json", None),
        ("pnpm-lock.yaml", ("npm", True)),
        ("bun.lockb", ("npm", True)),
        ("Gemfile", ("gem", False)),
        ("gemfiles/rails_7.gemfile", ("gem", False)),
        ("acme.gemspec", ("gem", False)),
        ("Gemfile.lock", ("gem", True)),
        ("crates/core/Cargo.toml", ("cargo", False)),
        ("Cargo.lock", ("cargo", True)),
        ("composer.json", ("composer", False)),
        ("vendor/monolog/monolog/composer.json", None),
        ("composer.lock", ("composer", True)),
    ],
)
def test_ecosystem_for(path: str, expected: tuple[str, bool] | None) -> None:
    found = ecosystem_for(path, {})
    assert (None if found is None else (found[0].NAME, found[1])) == expected


# --- end to end -----------------------------------------------------------------

def test_moving_requirements_into_pyproject_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({
        "requirements.txt": "django>=4.2\nstripe==7.1.0\nrequests\n",
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\ndependencies = []\n',
    })
    repo.commit({
        "requirements.txt": None,
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1.1"\n'
                          'dependencies = ["requests", "Django>=4.2", "stripe==7.2.0"]\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("pyproject.toml", "minor", "stripe", "==7.1.0", "==7.2.0", 4)]
    assert code == 0


def test_lifting_a_member_dependency_to_the_workspace_root_is_a_move(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # fastapi/full-stack-fastapi-template 54de756: "Move prek to top level dependencies".
    member = '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["fastapi>=0.114"]\n\n' \
             '[dependency-groups]\ndev = [{extra}"pytest>=7.4.3,<8.0.0"]\n'
    root = '[project]\nname = "ws"\nversion = "0.1.0"\ndependencies = [{extra}]\n'
    base = repo.commit({"backend/pyproject.toml": member.format(extra='"prek>=0.2.24,<1.0.0", '),
                        "pyproject.toml": root.format(extra="")})
    repo.commit({"backend/pyproject.toml": member.format(extra=""),
                 "pyproject.toml": root.format(extra='"prek>=0.2.24,<1.0.0"')})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == []
    assert code == 0


@pytest.mark.parametrize(("old", "new", "content", "added"), [
    # Vendors (the built-in policy asks the CTO for a new one), so a pass would be a real miss.
    ("deps.json", "package.json", '{"dependencies": {"stripe": "^14.0.0"}}\n', ("stripe", "^14.0.0")),
    ("notes.txt", "requirements.txt", "boto3==1.34.0\n", ("boto3", "==1.34.0")),
    ("Gemfile.example", "Gemfile", 'source "https://rubygems.org"\ngem "stripe", "10.0.0"\n', ("stripe", "10.0.0")),
    ("docs/Cargo.toml.txt", "Cargo.toml", '[package]\nname = "x"\nversion = "0.1.0"\n\n'
     '[dependencies]\naws-sdk-s3 = "1.0"\n', ("aws-sdk-s3", "1.0")),
])
def test_a_file_renamed_onto_a_manifest_name_is_all_new(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, content: str, added: tuple[str, str]
) -> None:
    """Its old content was never a manifest: every entry is a new vendor."""
    base = repo.commit({old: content})
    repo.git("mv", old, new)
    repo.commit()
    code, doc = run_json(capsys, "--base", base)
    assert [c["status"] for c in doc["changes"]] == ["renamed"]
    assert [r[1:5] for r in rows(doc)] == [("added", added[0], None, added[1])]
    assert code == 1


def test_a_file_copied_onto_a_manifest_name_is_all_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = '{"name": "deps", "version": "1.0.0", "description": "pinned for the docs",\n' \
              ' "dependencies": {"left-pad": "^1.3.0", "stripe": "^14.0.0"}}\n'
    base = repo.commit({"docs/deps.json": content})
    repo.commit({"docs/deps.json": content.replace("1.0.0", "1.0.1"), "package.json": content})
    code, doc = run_json(capsys, "--base", base)
    assert ("package.json", "copied") in [(c["path"], c["status"]) for c in doc["changes"]]
    assert [r[1:3] for r in rows(doc)] == [("added", "left-pad"), ("added", "stripe")]
    assert code == 1


def test_renames_between_manifests_of_one_kind_compare_their_contents(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"requirements-dev.txt": "requests==2.31.0\nfaker==22.0.0\n",
                        "package.json": '{"dependencies": {"stripe": "^14.0.0"}}\n'})
    repo.git("mv", "requirements-dev.txt", "requirements.txt")
    repo.git("mv", "package.json", "package.json.bak")
    repo.commit()
    code, doc = run_json(capsys, "--base", base)
    # the requirements file is compared under its new name: what only development installed, production now
    # installs; package.json is gone
    assert [r[:3] for r in rows(doc)] == [("package.json.bak", "removed", "stripe"),
                                          ("requirements.txt", "added", "faker"),
                                          ("requirements.txt", "added", "requests")]
    assert code == 1  # a dropped vendor needs the CTO under the startup policy


def test_lockfile_alone_is_a_lockfile_finding_and_passes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"package.json": '{"dependencies": {"left-pad": "^1.3.0"}}\n',
                        "package-lock.json": '{"lockfileVersion": 3}\n'})
    repo.commit({"package-lock.json": '{"lockfileVersion": 3, "packages": {}}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("package-lock.json", "lockfile", "package-lock.json", None, None, None)]
    assert code == 0 and doc["required_level"] == "engineer"


def test_workspace_lockfile_is_explained_by_a_member_manifest(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"package.json": '{"workspaces": ["packages/*"]}\n',
                        "packages/web/package.json": '{"dependencies": {"react": "^18.2.0"}}\n',
                        "yarn.lock": "# yarn lockfile v1\n"})
    repo.commit({"packages/web/package.json": '{"dependencies": {"react": "^18.3.1"}}\n',
                 "yarn.lock": "# yarn lockfile v1\n\nreact@^18.3.1:\n  version \"18.3.1\"\n"})
    _, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("packages/web/package.json", "minor", "react", "^18.2.0", "^18.3.1", 1)]


def test_zero_major_setting_makes_0x_minor_steps_major(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = (FIXTURES / "policy-zero-major.yaml").read_text()
    base = repo.commit({".ownership-gate.yaml": policy,
                        "Cargo.toml": '[dependencies]\ntokio = "0.2"\nserde = "1.0.100"\n'})
    repo.commit({"Cargo.toml": '[dependencies]\ntokio = "0.3"\nserde = "1.1"\n'})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("Cargo.toml", "minor", "serde", "1.0.100", "1.1", 3),
                         ("Cargo.toml", "major", "tokio", "0.2", "0.3", 2)]
    assert code == 1


def test_extra_manifests_from_the_policy(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = (FIXTURES / "policy-zero-major.yaml").read_text()
    base = repo.commit({".ownership-gate.yaml": policy, "tools/lint.requirements": "ruff==0.1.0\n"})
    repo.commit({"tools/lint.requirements": "ruff==0.1.0\nbandit==1.7.5\n"})
    _, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("tools/lint.requirements", "added", "bandit", None, "==1.7.5", 2)]


def test_extra_manifests_read_in_their_own_format() -> None:
    toml = '[project]\nname = "lint"\ndependencies = ["ruff==0.1.0"]\n'
    assert [(r.name, r.constraint) for r in pypi.parse(toml, "tools/pyproject-lint.toml")] == [
        ("ruff", "==0.1.0")]
    assert [r.name for r in pypi.parse('[packages]\nblack = "*"\n', "ci.Pipfile")] == ["black"]
    assert [r.name for r in npm.parse('{"devDependencies": {"eslint": "^8"}}', "package.tools.json")] \
        == ["eslint"]


# --- hostile and broken manifests --------------------------------------------

@pytest.mark.parametrize(
    ("path", "content", "message"),
    [
        ("package.json", b'{"dependencies": {"a": "1"}\xff\xfe}', "not UTF-8"),
        ("package.json", b'{"dependencies": \x00\x01}', "binary"),
        ("package.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("package.json", b'{"dependencies": {"a": "1",}}', "invalid JSON"),
        ("Cargo.toml", b"[dependencies]\nserde = \n", "invalid TOML"),
        ("requirements.txt", b"django>=\n", "invalid requirement"),
        ("requirements.txt", b"x==1\n" * 1_200_000, "larger than"),
        ("Gemfile", b'gem ENV["NAME"]\n', "gem's name"),
        ("composer.json", b'{"require": ["monolog/monolog"]}', "should be an object"),
    ],
)
def test_broken_manifests_fail_closed(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, content: bytes, message: str
) -> None:
    base = repo.commit({"README.md": "x\n"})
    repo.commit({path: content})
    code, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "dependency")
    assert (finding["kind"], finding["subject"], finding["level"]) == ("unparsed", path, "cto")
    assert message in finding["detail"]
    assert code == 1 and levels_by_path(doc)[path] == "cto"


def test_unparsed_points_at_the_parser_line(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"pyproject.toml": '[project]\nname = "a"\ndependencies = ["x"]\n'})
    repo.commit({"pyproject.toml": '[project]\nname = "a"\ndependencies = ["x",\n  "y" "z"]\n'})
    _, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "dependency")
    assert finding["kind"] == "unparsed" and finding["line"] == 4


def test_a_manifest_broken_before_is_judged_on_its_own(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"package.json": "{ not json"})
    repo.commit({"package.json": '{"dependencies": {"stripe": "^14.0.0"}}'})
    _, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("package.json", "added", "stripe", None, "^14.0.0", 1)]


# `>=0.1.*` is a line today's pip refuses; older pips installed it, so real files still carry one.
_STALE_LINE = "django-fakeredis>=0.1.*\n"


def test_a_requirements_line_that_never_read_is_left_aside_while_it_stays_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"requirements.txt": "django==3.2.23\n" + _STALE_LINE + "requests==2.31.0\n"})
    repo.commit({"requirements.txt": "django==3.2.24\n" + _STALE_LINE + "requests==2.31.0\nstripe==14.0.0\n"})
    code, doc = run_json(capsys, "--base", base)
    assert sorted((f["kind"], f["subject"]) for f in findings(doc, "dependency")) == [
        ("added", "stripe"), ("patch", "django")]
    assert code == 1  # the new vendor, read past the line that does not read


def test_a_requirements_line_that_never_read_taken_out_leaves_the_rest_judged_as_before(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"requirements.txt": "django==3.2.23\n" + _STALE_LINE + "requests==2.31.0\n"})
    repo.commit({"requirements.txt": "django==3.2.24\nrequests==2.31.0\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "dependency")] == [("patch", "django")]
    assert code == 0


POETRY_PROJECT = """\
[tool.poetry]
name = "trade-remedies-api"

[tool.poetry.dependencies]
python = "^3.12"
django = "~=4.2.18"

[build-system]
requires = ["poetry-core^1.0.0"]
build-backend = "poetry.core.masonry.api"
"""


def test_a_pyproject_requirement_that_never_read_is_left_aside_while_it_stays_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # `poetry-core^1.0.0` is no PEP 508 requirement: no installer reads it either, so it was always there unread.
    base = repo.commit({"pyproject.toml": POETRY_PROJECT})
    repo.commit({"pyproject.toml": POETRY_PROJECT.replace("~=4.2.18", "~=4.2.20")})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "dependency")] == [("patch", "django")]
    assert code == 0
    repo.commit({"pyproject.toml": POETRY_PROJECT.replace("poetry-core^1.0.0", "poetry-core^2.0.0")})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "dependency")] == [("unparsed", "pyproject.toml")]
    assert code == 1


MAVEN_JSON = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>uk.gov.example</groupId>
  <artifactId>accounts</artifactId>
  <version>1.0.0</version>
  <dependencies>
    <dependency>
      <groupId>org.json</groupId>
      <artifactId>json</artifactId>
      <version>{}</version>
    </dependency>
  </dependencies>
</project>
"""


@pytest.mark.parametrize(("ecosystem", "path", "old", "new", "kind"), [
    # A calendar version's year moves on the calendar: `tzdata`, `pytz`, `certifi`, `fsspec`.
    ("pypi", "requirements.txt", "tzdata==2024.2\n", "tzdata==2025.1\n", "minor"),
    ("pypi", "requirements.txt", "fsspec==2024.12.0\n", "fsspec==2025.2.0\n", "minor"),
    ("pypi", "requirements.txt", "django==4.2.18\n", "django==5.0.1\n", "major"),
    # Elsewhere a year can be a product's major release: an application server's yearly line, an image's.
    ("composer", "composer.json", '{"require": {"spiral/roadrunner": "^2024.3"}}\n',
     '{"require": {"spiral/roadrunner": "^2025.1"}}\n', "major"),
    ("docker", "Dockerfile", "FROM mcr.microsoft.com/mssql/server:2019-latest\n",
     "FROM mcr.microsoft.com/mssql/server:2022-latest\n", "major"),
    # A version that is a whole date says when it was released, in any registry: `org.json:json`.
    ("maven", "pom.xml", MAVEN_JSON.format("20211205"), MAVEN_JSON.format("20230227"), "minor"),
    ("npm", "package.json", '{"dependencies": {"tzdata-js": "20240101.0.0"}}\n',
     '{"dependencies": {"tzdata-js": "20250301.0.0"}}\n', "minor"),
])
def test_a_calendar_versions_new_year_is_no_major_in_a_package_registry(
    repo: Repo, capsys: pytest.CaptureFixture[str], ecosystem: str, path: str, old: str, new: str, kind: str
) -> None:
    base = repo.commit({path: old})
    repo.commit({path: new})
    code, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "dependency")
    assert (finding["ecosystem"], finding["kind"]) == (ecosystem, kind)
    assert code == (1 if kind == "major" else 0)


@pytest.mark.parametrize("new_line", ["django-fakeredis>=0.2.*\n", "", "other>=1.*\n"])
def test_a_requirements_line_that_does_not_read_fails_closed_once_it_changes(
    repo: Repo, capsys: pytest.CaptureFixture[str], new_line: str
) -> None:
    base = repo.commit({"requirements.txt": "django==3.2.23\n" + _STALE_LINE})
    repo.commit({"requirements.txt": "django==3.2.24\n" + new_line + ("x>=1.*\n" if not new_line else "")})
    code, doc = run_json(capsys, "--base", base)
    [finding] = findings(doc, "dependency")
    assert (finding["kind"], finding["level"]) == ("unparsed", "cto") and code == 1



# --- hostile text: linear time, and no error but ManifestError ---------------

_HOSTILE = [
    ("requirements.txt", "https://x/" + "a-1-" * 75_000),
    ("requirements.txt", "-e git+https://x#" + "&" * 100_000 + "egg=x"),
    ("requirements.txt", "x==1 " + "\\\n" * 100_000),
    ("pyproject.toml", '[tool.poetry.dependencies]\na = "' + "^1 " * 100_000 + '"\n'),
    ("pyproject.toml", '[project]\ndependencies = ["' + "a" * 300_000 + '>=1"]\n'),
    ("package.json", '{"dependencies": {"a": "' + ">=" * 150_000 + '"}}'),
    ("package.json", '{"dependencies": {"' + "k" * 300_000 + '": "1 - 2"}}'),
    ("Gemfile", 'gem "a", ' + ", " * 100_000),
    ("Gemfile", 'gem "a",\n' * 20_000),
    ("Gemfile", "gem(" * 100_000),
    ("Cargo.toml", '[dependencies]\na = "' + "1." * 150_000 + '1"\n'),
    ("composer.json", '{"require": {"a/b": "' + "^1|" * 100_000 + '"}}'),
]


@pytest.mark.parametrize(("path", "text"), _HOSTILE, ids=[f"{p}-{n}" for n, (p, _) in enumerate(_HOSTILE)])
def test_hostile_manifests_parse_in_linear_time(path: str, text: str) -> None:
    found = ecosystem_for(path, {})
    assert found is not None
    ecosystem = found[0]
    started = time.monotonic()
    try:
        for requirement in ecosystem.parse(text, path):
            ecosystem.lowest(requirement.constraint)
            getattr(ecosystem, "canonical", str)(requirement.constraint)
    except ManifestError as exc:
        assert str(exc)
    assert time.monotonic() - started < 10


@settings(max_examples=40, deadline=None)
@given(path=st.sampled_from(["requirements.txt", "pyproject.toml", "Pipfile", "setup.cfg", "setup.py",
                             "package.json", "Gemfile", "x.gemspec", "Cargo.toml", "composer.json"]),
       text=st.text(alphabet=st.sampled_from(list('gem"\'[]{}()=,:.-^~<>|*@#\\\n 0123abc')), max_size=200))
def test_garbage_is_a_manifest_error_or_requirements(path: str, text: str) -> None:
    found = ecosystem_for(path, {})
    assert found is not None
    ecosystem = found[0]
    try:
        parsed = ecosystem.parse(text, path)
    except ManifestError:
        return
    for requirement in parsed:
        ecosystem.lowest(requirement.constraint)
        getattr(ecosystem, "canonical", str)(requirement.constraint)


def test_every_deferred_reader_names_a_module_with_the_functions_bound_from_it() -> None:
    """A front module binds `parse = READER.parse`; a wrong module or a missing
    function would only fail at the first manifest read, so check them all here."""
    import importlib

    from ownership_gate.classifiers.dependency.ecosystems import REGISTRY as ECOSYSTEMS
    from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

    checked = 0
    for ecosystem in ECOSYSTEMS.values():
        reader = getattr(ecosystem, "READER", None)
        if not isinstance(reader, DeferredReader):
            continue
        module = importlib.import_module(reader.module)
        for name in ("parse", "lowest", "canonical", "unpinned"):
            if getattr(ecosystem, name, None) is not None:
                assert callable(getattr(module, name, None)), f"{module.__name__} has no {name}()"
                checked += 1
    assert checked >= 25
