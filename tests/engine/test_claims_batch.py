"""Claims are asked once per change set and decided per file name first.

The per-name shortcuts must never drop a path that the full, per-path
test would claim: these properties hold the two together on generated
paths built from the names, endings and folders the classifiers know.
"""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers import REGISTRY
from ownership_gate.classifiers.base import ChangedPaths, Context
from ownership_gate.classifiers.cost import classifier as cost
from ownership_gate.classifiers.cost import files as cost_files
from ownership_gate.classifiers.dependency import classifier as dependency
from ownership_gate.classifiers.fixture_dirs import in_test_dir
from ownership_gate.classifiers.infra import classifier as infra
from ownership_gate.classifiers.infra.names import (
    cloud_foundry_manifest,
    kind_by_path,
    may_name_a_kind,
    may_sniff,
    may_start_an_image,
    named_kind,
)
from ownership_gate.classifiers.schema import classifier as schema
from ownership_gate.classifiers.schema import migrations
from ownership_gate.model import Change
from ownership_gate.paths.pattern_index import setting_matches

FOLDERS = [
    "", ".github", "workflows", "actions", ".circleci", ".buildkite", ".gitlab", "ci", "charts", "chart", "helm",
    "web-chart", "templates", "roles", "web", "tasks", "handlers", "group_vars", "host_vars", "playbooks",
    "inventory", "inventories", "migrations", "migration", "migrate", "db", "priv", "repo", "versions", "alembic",
    "test", "tests", "src", "deploy", "k8s", "terraform", "infra", "services", "app", "İx", "vars", "prod",
    "staging",
]
NAMES = [
    "main.tf", "vars.tfvars", "x.tf.json", "a.tftest.hcl", ".terraform.lock.hcl", "terragrunt.hcl", "Dockerfile",
    "Dockerfile.prod", "Containerfile", "Procfile", "Procfile.dev", "fly.toml", "app.json", "render.yaml", "api.dockerfile", "docker-bake.hcl", "docker-bake.json", "compose.yaml",
    "docker-compose.override.yml", "ci.yml", "action.yml", ".gitlab-ci.yml", "x.gitlab-ci.yml", "Jenkinsfile",
    "Jenkinsfile.release", "build.jenkinsfile", "azure-pipelines.yml", "Chart.yaml", "Chart.lock", ".helmignore",
    "values.schema.json", "_helpers.tpl", "NOTES.txt", "deployment.yaml", "values.yaml", "values-prod.yml",
    "kustomization.yaml", "Kustomization", "Pulumi.yaml", "Pulumi.dev.yaml", "serverless.yml", "serverless.ts",
    "ansible.cfg", "playbook.yml", "site.yml", "hosts", "inventory", "inventory.ini", "prod.ini", "package.json",
    "package-lock.json", "requirements.txt", "requirements-dev.in", "pyproject.toml", "poetry.lock", "Gemfile",
    "Gemfile.lock", "go.mod", "go.sum", "Cargo.toml", "pom.xml", "app.csproj", "Directory.Packages.props",
    "composer.json", "0001_initial.py", "__init__.py", "abc123_add.py", "20240101_add.rb", "V1__init.sql",
    "001.up.sql", "up.sql", "schema.rb", "structure.sql", "schema.prisma", "20240101_add.exs", "1_add.ts",
    "index.ts", "README.md", "file000.py", "x.json", "tsconfig.json", "app.js", "Makefile", "ÉTÉ.yaml",
    "entrypoint.sh", "init", "healthcheck.py", "start-server.js", "prod.sh", ".env.production", "live.env",
    "manifest.yml.j2", "manifest-api.yml",
]
name_part = st.text(alphabet="abcXYZ.-_01", min_size=0, max_size=6)
names = st.one_of(
    st.sampled_from(NAMES),
    st.builds(lambda a, n, b: a + n + b, name_part, st.sampled_from(NAMES), name_part),
    name_part.filter(bool),
)
paths = st.builds(
    lambda folders, name: posixpath.join(*[f for f in folders if f], name),
    st.lists(st.sampled_from(FOLDERS), max_size=5),
    names,
)


@settings(max_examples=3000, deadline=None)
@given(paths)
def test_the_name_reject_never_drops_a_kind(path: str) -> None:
    base = posixpath.basename(path)
    if named_kind(path, base) is not None:
        assert may_name_a_kind(base), path


def _changed(all_paths: list[str]) -> ChangedPaths:
    changes = [Change("modified", p) for p in all_paths[1:]]
    if all_paths:
        changes.append(Change("renamed", all_paths[0] + ".new", old_path=all_paths[0]))
    return ChangedPaths(changes)


SETTINGS = [{}, {"files": ["deploy/**"], "manifests": ["**/deps.txt"], "migrations": ["db/**/*.sql"]}]


@settings(max_examples=300, deadline=None)
@given(st.lists(paths, max_size=40), st.sampled_from(SETTINGS))
def test_claims_per_name_equal_claims_per_path(all_paths: list[str], options: dict[str, list[str]]) -> None:
    changed = _changed(all_paths)
    every = changed.all
    assert infra.claims(changed, options) == {
        p for p in every if kind_by_path(p) is not None or may_sniff(p) or may_start_an_image(posixpath.basename(p))
    }
    assert cost.claims(changed, options) == {
        p for p in every
        if ((kind_by_path(p) in cost_files.COSTED_KINDS or may_sniff(p)) and not in_test_dir(p))
        or cost_files.values_file(p) or cloud_foundry_manifest(p) or setting_matches(options, "files", p)
    }
    assert dependency.claims(changed, options) == {
        p for p in every if dependency.ecosystem_for(p, options) is not None
    }
    assert schema.claims(changed, options) == {
        p for p in every if migrations.is_dump(p) or migrations.readers(p, options)
    }


def test_changed_paths_group_by_name_and_map_back_to_every_change() -> None:
    changes = [
        Change("modified", "a/package.json"),
        Change("renamed", "b/package.json", old_path="a/x.txt"),
        Change("added", "a/x.txt"),  # the rename's old path, written again
        Change("modified", "with space/ünï.py"),
    ]
    changed = ChangedPaths(changes)
    assert changed.by_name == {
        "package.json": ["a/package.json", "b/package.json"], "x.txt": ["a/x.txt"], "ünï.py": ["with space/ünï.py"],
    }
    assert changed.positions_touching({"a/x.txt"}) == [1, 2]
    assert changed.positions_touching(set()) == []
    assert changed.all == {"a/package.json", "b/package.json", "a/x.txt", "with space/ünï.py"}


def test_positions_touching_finds_every_move_from_a_path_and_survives_a_path_listed_twice() -> None:
    copies = [
        Change("copied", "b/one.py", old_path="a/src.py"),
        Change("modified", "a/src.py"),
        Change("copied", "c/two.py", old_path="a/src.py"),
    ]
    assert ChangedPaths(copies).positions_touching({"a/src.py"}) == [0, 1, 2]
    assert ChangedPaths(copies).positions_touching({"c/two.py", "nowhere"}) == [2]
    twice = [Change("modified", "x.py"), Change("modified", "y.py"), Change("type-changed", "x.py")]
    assert ChangedPaths(twice).positions_touching({"x.py"}) == [0, 2]


def test_a_change_is_claimed_by_its_old_path_too() -> None:
    moved = Change("renamed", "docs/notes.txt", old_path="deploy/ansible.cfg")
    context = Context([Change("modified", "src/app.py"), moved], lambda oids: [None] * len(oids), {}, REGISTRY)
    assert context.claimed("infra") == [moved]
    assert context.claimed("dependency") == []
