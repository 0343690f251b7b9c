"""The name shortcuts that let dependency and schema skip ordinary files answer
exactly as asking every ecosystem and every framework would."""

from __future__ import annotations

import itertools

import pytest

from ownership_gate.classifiers.dependency import classifier as dependency
from ownership_gate.classifiers.dependency.ecosystems import REGISTRY as ECOSYSTEMS
from ownership_gate.classifiers.schema import migrations
from ownership_gate.classifiers.schema.frameworks import sql as schema_sqlfiles
from ownership_gate.classifiers.schema.paths import in_test_dir
from ownership_gate.paths.pattern_index import setting_matches

_NAMES_TEXT = """
Dockerfile dockerfile DOCKERFILE Containerfile Dockerfile.dev dev.Dockerfile web.dockerfile
Dockerfile.md dockerfile.py Dockerfile-prod .dockerignore Dockerfile.yaml DOCKERF\u0130LE
package.json Package.json package-lock.json yarn.lock pnpm-lock.yaml bun.lockb bun.lock
npm-shrinkwrap.json requirements.txt requirements.in requirements-dev.txt base.txt REQUIREMENTS.TXT
requirements.pip pyproject.toml Pipfile Pipfile.lock setup.cfg setup.py poetry.lock uv.lock pdm.lock
pylock.toml pylock.dev.toml Gemfile gems.rb Gemfile.lock gems.locked foo.gemspec rails.gemfile
rails.gemfile.lock Gemfile.local go.mod go.sum go.work go.work.sum Cargo.toml Cargo.lock cargo.toml
composer.json composer.lock pom.xml POM.xml a.csproj A.CSPROJ a.fsproj Directory.Packages.props
packages.config packages.lock.json main.tf MAIN.TF x.tf.json .terraform.lock.hcl Chart.yaml chart.yaml
Chart.lock values.yaml action.yml action.yaml ci.yml docker-compose.yml compose.yaml kustomization.yaml
schema.rb structure.sql foo_schema.rb schema.prisma 0001_initial.py 20240101000000_add.rb
20240101_add.exs 1700000000000-Add.ts add.mjs index.js x.d.ts V1__init.sql U1__undo.sql R__view.sql
001_init.up.sql 001_init.down.sql up.sql a.sql A.SQL x.RB x.Py x.txt x.json README.md Makefile
__init__.py env.py .sql sql file\u00e9.py
"""
NAMES = _NAMES_TEXT.split()

DIRECTORIES = [
    "", "db/migrate/", "db/", "migrations/", "app/migrations/", "alembic/versions/",
    "priv/repo/migrations/", "priv/repo/", "prisma/migrations/1_x/", "node_modules/x/", "vendor/x/",
    ".github/workflows/", "charts/web/", "requirements/", "tests/migrations/", "sql/", "a.sql/",
    "db_migrate/", "src/migration/", "x/versions.d/",
]

PATHS = [d + n for d, n in itertools.product(DIRECTORIES, NAMES)]

SETTINGS = [
    {},
    {"manifests": ["tools/*.requirements", "sql/**", "db/**"], "migrations": ["sql/**", "db/**"]},
]


def _every_ecosystem(path: str, settings: dict[str, list[str]]) -> tuple[str, bool] | None:
    for ecosystem in ECOSYSTEMS.values():
        if ecosystem.is_lockfile(path):
            return ecosystem.NAME, True
        if ecosystem.is_manifest(path):
            return ecosystem.NAME, False
    if setting_matches(settings, "manifests", path):
        inferred = dependency._infer_ecosystem(path)
        return None if inferred is None else (inferred.NAME, False)
    return None


@pytest.mark.parametrize("settings", SETTINGS)
def test_dependency_shortcut_matches_asking_every_ecosystem(settings: dict[str, list[str]]) -> None:
    claimed = 0
    for path in PATHS:
        found = dependency.ecosystem_for(path, settings)
        got = None if found is None else (found[0].NAME, found[1])
        assert got == _every_ecosystem(path, settings), path
        claimed += got is not None
    assert claimed > 100  # the corpus does hold manifests, so the comparison means something


def test_non_ascii_names_are_asked_of_every_ecosystem() -> None:
    # `re` matches U+0130 to `i` without case, where str.lower() makes two characters.
    found = dependency.ecosystem_for("DOCKERF\u0130LE", {})
    assert found is not None and found[0].NAME == "docker"


@pytest.mark.parametrize("settings", SETTINGS)
def test_schema_shortcut_matches_asking_every_framework(settings: dict[str, list[str]]) -> None:
    readers = 0
    for path in PATHS:
        if migrations.declared(path, settings):
            continue  # declared paths never took the shortcut
        expected = [f.NAME for f in migrations.FRAMEWORKS if f.owns(path) or f.sniffs(path)]
        assert [f.NAME for f, _ in migrations.readers(path, settings)] == expected, path
        owned = any(f.owns(path) for f in migrations.FRAMEWORKS)
        assert migrations.is_migration_path(path, settings) == (not migrations.is_dump(path) and (
            owned or (schema_sqlfiles.is_rollback(path) and not in_test_dir(path))
        )), path
        readers += bool(expected)
    assert readers > 50


def test_every_framework_claims_only_its_extensions() -> None:
    for path in PATHS:
        for framework in migrations.FRAMEWORKS:
            if framework.owns(path) or framework.sniffs(path):
                assert path.lower().endswith(framework.EXTENSIONS), (framework.NAME, path)
