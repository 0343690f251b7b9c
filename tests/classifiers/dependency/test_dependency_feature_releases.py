"""Django's and Rails' minor releases break, by their own release policies: a minor step is `major`."""

from __future__ import annotations

import pytest
from packaging.utils import canonicalize_name

from ownership_gate.classifiers.dependency.ecosystems import REGISTRY
from ownership_gate.classifiers.dependency.feature_releases import CATALOGUE, breaking_minor
from tests.conftest import Repo, findings, levels_by_path, run_json
from tests.fixtures.dependency_b.helpers import dependency_findings

DJANGO = "a Django feature release, which removes what earlier releases deprecated"
RAILS = "a Rails minor release, which Rails allows to change APIs"


def rows(found: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {(f["kind"], f["subject"], f["from"], f["to"], f["detail"]) for f in found}


def test_the_catalogue_is_keyed_the_way_each_ecosystem_names_packages() -> None:
    assert {ecosystem for ecosystem, _ in CATALOGUE} <= REGISTRY.keys()
    assert all(name == canonicalize_name(name) for ecosystem, name in CATALOGUE if ecosystem == "pypi")
    assert breaking_minor("pypi", "django") == DJANGO
    assert breaking_minor("gem", "activerecord") == RAILS
    assert breaking_minor("npm", "django") is None  # another ecosystem's package of that name
    assert breaking_minor("pypi", "flask") is None


@pytest.mark.parametrize(("old", "new", "kind", "feature_release"), [
    ("Django==4.1.13", "Django==4.2.7", "major", True),
    ("django>=4.1,<5", "django>=4.2,<5", "major", True),
    ("Django==4.2.1", "Django==4.2.7", "patch", False),
    ("Django==3.2.19", "Django==4.2.7", "major", False),  # a major by its version alone
    ("Flask==2.2.5", "Flask==2.3.3", "minor", False),  # an ordinary minor release
])
def test_django_in_requirements_txt(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, kind: str, feature_release: bool
) -> None:
    (found,) = dependency_findings(repo, capsys, {"requirements.txt": old + "\n"}, {"requirements.txt": new + "\n"})
    assert found["kind"] == kind
    assert found["detail"].endswith(f": {DJANGO}") is feature_release


def test_django_in_pyproject(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = '[project]\nname = "shop"\nversion = "1"\ndependencies = ["Django~={}", "django-environ==0.{}"]\n'
    found = dependency_findings(repo, capsys, {"pyproject.toml": pyproject.format("4.1.0", "10.0")},
                                {"pyproject.toml": pyproject.format("4.2.0", "11.0")})
    assert rows(found) == {
        ("major", "django", "~=4.1.0", "~=4.2.0", f"django ~=4.1.0 -> ~=4.2.0: {DJANGO}"),
        ("minor", "django-environ", "==0.10.0", "==0.11.0", "django-environ ==0.10.0 -> ==0.11.0"),
    }


GEMFILE = 'source "https://rubygems.org"\ngem "rails", "{}"\ngem "activerecord", "{}"\ngem "sidekiq", "{}"\n'


def test_rails_in_a_gemfile(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"Gemfile": GEMFILE.format("~> 7.0.4", "~> 7.1.1", "~> 7.1")},
                                {"Gemfile": GEMFILE.format("~> 7.1.0", "~> 7.1.2", "~> 7.2")})
    assert rows(found) == {
        ("major", "rails", "~> 7.0.4", "~> 7.1.0", f"rails ~> 7.0.4 -> ~> 7.1.0: {RAILS}"),
        ("patch", "activerecord", "~> 7.1.1", "~> 7.1.2", "activerecord ~> 7.1.1 -> ~> 7.1.2"),
        ("minor", "sidekiq", "~> 7.1", "~> 7.2", "sidekiq ~> 7.1 -> ~> 7.2"),
    }


def test_the_startup_policy_asks_the_cto_for_a_django_feature_release(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"requirements.txt": "django==4.1.13\n", "requirements-dev.txt": "django==4.1.13\n"})
    repo.commit({"requirements.txt": "django==4.2.7\n"})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    (finding,) = findings(document, "dependency")
    assert (finding["rule"], finding["level"]) == ("runtime-major", "cto")
    assert {k: v for k, v in finding.items() if k not in ("rule", "level", "reason")} == {  # as the README shows it
        "type": "dependency", "kind": "major", "subject": "django", "ecosystem": "pypi", "scope": "runtime",
        "vendor": None, "from": "==4.1.13", "to": "==4.2.7", "line": 1, "detail": f"django ==4.1.13 -> ==4.2.7: {DJANGO}"}
    assert levels_by_path(document) == {"requirements.txt": "cto"} and code == 1
    base = repo.commit({"requirements.txt": "django==4.2.7\n"})
    repo.commit({"requirements.txt": "django==4.2.8\n"})  # a patch release: routine
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert levels_by_path(document) == {"requirements.txt": "engineer"} and code == 0


def test_a_feature_release_only_the_lockfile_shows(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails ({})\n    sidekiq ({})\n\n" \
           "DEPENDENCIES\n  rails\n  sidekiq\n"
    gemfile = 'source "https://rubygems.org"\ngem "rails"\ngem "sidekiq"\n'
    base = repo.commit({"Gemfile": gemfile, "Gemfile.lock": lock.format("7.0.8", "7.1.0")})
    repo.commit({"Gemfile.lock": lock.format("7.1.3", "7.2.0")})
    code, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["detail"]) for f in findings(document, "dependency")] == [
        ("major", "rails", f"locked 7.0.8 -> 7.1.3; the manifest allows any version; {RAILS}"),
        ("lockfile", "Gemfile.lock", "lockfile modified with no manifest entry changed")]
    assert code == 1


@pytest.mark.parametrize(("name", "language"), [
    ("python", "Python"), ("docker.io/library/ruby", "Ruby"), ("cimg/php", "PHP"),
    ("hexpm/elixir", "Elixir"), ("ghcr.io/acme/acme-ruby-base", "Ruby"), ("bitnami/php-fpm", "PHP"),
])
def test_an_image_named_for_a_language_runtime_has_feature_releases(name: str, language: str) -> None:
    assert breaking_minor("docker", name) == f"a {language} feature release, which removes what earlier releases deprecated"


@pytest.mark.parametrize("name", ["node", "golang", "postgres", "acme/pythonic-tools", "ruby-lang.org/nginx/app"])
def test_other_images_have_ordinary_minors(name: str) -> None:
    # Node.js numbers its feature releases as majors; Go promises its 1.x releases stay compatible;
    # a word must be the runtime's whole name, and only the image's own name (its last segment) counts.
    assert breaking_minor("docker", name) is None


@pytest.mark.parametrize(("before", "after", "kind", "detail"), [
    ("python:3.12-slim-bookworm", "python:3.13-slim-bookworm", "major",
     "python 3.12-slim-bookworm -> 3.13-slim-bookworm: a Python feature release, which removes what earlier"
     " releases deprecated"),
    ("ruby:2.7.1-alpine3.11", "ruby:2.6.6-alpine3.11", "major",
     "ruby 2.7.1-alpine3.11 -> 2.6.6-alpine3.11: back to an earlier feature release (a Ruby feature release,"
     " which removes what earlier releases deprecated)"),
    ("python:3.12.1-slim", "python:3.12.4-slim", "patch", "python 3.12.1-slim -> 3.12.4-slim"),
    ("python:3.12.4-slim", "python:3.12.1-slim", "changed", "python 3.12.4-slim -> 3.12.1-slim"),
    ("golang:1.21-alpine", "golang:1.22-alpine", "minor", "golang 1.21-alpine -> 1.22-alpine"),
])
def test_a_language_runtime_image_moved_to_another_feature_release(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str, detail: str
) -> None:
    (found,) = dependency_findings(repo, capsys, {"Dockerfile": f"FROM {before}\nCMD [\"app\"]\n"},
                                   {"Dockerfile": f"FROM {after}\nCMD [\"app\"]\n"})
    assert (found["kind"], found["detail"]) == (kind, detail)


DOCKERFILE = """ARG PYTHON_VERSION={}
FROM python:${{PYTHON_VERSION}} AS python
FROM python AS build
RUN pip wheel -r requirements.txt -w /wheels
FROM python AS run
COPY --from=build /wheels /wheels
CMD ["gunicorn", "app.wsgi"]
"""


def test_the_startup_policy_asks_the_cto_when_the_shipped_stage_changes_python(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The last stage is built on the stage that names the image, so the image ships: runtime scope.
    base = repo.commit({"Dockerfile": DOCKERFILE.format("3.13-slim-bookworm")})
    repo.commit({"Dockerfile": DOCKERFILE.format("3.12-slim-bookworm")})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    (finding,) = findings(document, "dependency")
    assert (finding["kind"], finding["scope"], finding["rule"], finding["level"]) == (
        "major", "runtime", "runtime-major", "cto")
    assert code == 1
