"""The pre-commit hook pays only for what the staged files need.

Each test runs `check --staged` in a fresh interpreter and lists the modules
it imported: parsers and readers load with the first file that needs them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.conftest import Repo

POLICY = """\
version: 1
levels:
  - {name: engineer, owners: ["@org/eng"]}
  - {name: cto, owners: ["@cto"]}
rules:
  - {id: vendor, level: cto, when: {type: dependency, kind: [added, removed, major]}}
  - {id: schema, level: cto, when: {type: schema, kind: [destructive, risky, unknown]}}
  - {id: spend, level: cto, when: {type: cost, kind: [increase]}}
  - {id: cloud, level: cto, when: {type: infra, kind: [terraform, kubernetes]}}
  - {id: auth, level: cto, paths: ["src/auth/"]}
"""

# Loaded by parsing a manifest or a migration, never by naming a path.
LAZY = (
    "packaging", "sqlglot", "tree_sitter", "tree_sitter_hcl", "xml.etree.ElementTree", "tomllib", "secrets",
    "publicsuffixlist",  # by a host the staged code would call for the first time
    "ownership_gate.formats.hcl",
    "ownership_gate.classifiers.dependency.ecosystems.pypi_files",
    "ownership_gate.classifiers.dependency.ecosystems.pyproject",
    "ownership_gate.classifiers.dependency.versions.pep440",
    *(f"ownership_gate.classifiers.dependency.ecosystems.{name}_read" for name in (
        "actions", "cargo", "composer", "docker", "gem", "golang", "helm", "maven", "npm", "nuget",
        "terraform", "sbt",
    )),
    "ownership_gate.classifiers.schema.judge",
    "ownership_gate.classifiers.pipeline.azure", "ownership_gate.classifiers.pipeline.azure_steps",
    "ownership_gate.classifiers.schema.ops",
    "ownership_gate.classifiers.schema.frameworks.rails_read",
    "ownership_gate.classifiers.schema.frameworks.rails_walk",
    "tree_sitter", "tree_sitter_ruby", "ownership_gate.formats.ruby",
    "ownership_gate.classifiers.schema.frameworks.alembic_read",
    "ownership_gate.classifiers.schema.frameworks.django_read",
    "ownership_gate.classifiers.schema.frameworks.js_read",
    "ownership_gate.classifiers.schema.frameworks.ecto_read",
    "ownership_gate.classifiers.schema.frameworks.prisma_read",
    "ownership_gate.classifiers.schema.frameworks.laravel_read",
    "ownership_gate.classifiers.schema.frameworks.laravel_walk",
    "ownership_gate.classifiers.schema.frameworks.efcore_read",
    "ownership_gate.formats.javascript", "ownership_gate.formats.elixir", "ownership_gate.formats.php",
    "tree_sitter_javascript", "tree_sitter_typescript", "tree_sitter_elixir", "tree_sitter_php", "tree_sitter_c_sharp",
    "tree_sitter_scala",
    "ownership_gate.classifiers.cost.leaves",
    "ownership_gate.classifiers.cost.read",
    "ownership_gate.classifiers.infra.detect",
    "ownership_gate.classifiers.dependency.read",
    "ownership_gate.classifiers.dependency.locked",
    "dotenv", "ownership_gate.classifiers.security.env_example",
    # A staged change carries no sign-off: trailers and staleness are never read.
    "ownership_gate.signoff.trailer_evidence",
    "ownership_gate.signoff.staleness",
    "ownership_gate.git.trailers",
    # Only the reporter of the format asked for.
    "ownership_gate.output.text", "ownership_gate.output.markdown", "ownership_gate.output.sarif",
    "ownership_gate.output.github", "ownership_gate.output.gitlab_codequality",
)

_RUN = """
import json, sys
from ownership_gate.cli import main
code = main(["check", "--staged", "--format", "json", "--output", "out.json"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _staged_run(repo: Repo, files: dict[str, str | bytes]) -> tuple[set[str], dict[str, Any]]:
    repo.stage(files)
    done = subprocess.run([sys.executable, "-c", _RUN], cwd=repo.root, capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    report: dict[str, Any] = json.loads((repo.root / "out.json").read_text("utf-8"))
    return set(result["modules"]), report


def test_an_ordinary_staged_file_imports_no_parser(repo: Repo) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "src/app/views.py": "x = 1\n"})
    modules, report = _staged_run(repo, {"src/app/views.py": "x = 2\n"})
    assert [c["level"] for c in report["changes"]] == ["engineer"]
    assert [m for m in LAZY if m in modules] == []


def test_a_file_the_security_classifier_does_not_read_loads_none_of_its_patterns(repo: Repo) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "README.md": "# app\n"})
    modules, report = _staged_run(repo, {"README.md": "# app, renamed\n"})
    assert [c["level"] for c in report["changes"]] == ["engineer"]
    assert "ownership_gate.classifiers.security.files" in modules
    assert "ownership_gate.classifiers.security.catalog" not in modules


def test_the_public_suffix_list_loads_only_for_a_host_the_file_never_named(repo: Repo) -> None:
    client = 'export const api = "https://api.vendor-one.io/v1";\n'
    policy = POLICY + "  - {id: hosts, level: cto, when: {type: security, kind: [host]}}\n"
    repo.commit({".ownership-gate.yaml": policy, "server/client.ts": client})
    modules, report = _staged_run(repo, {"server/client.ts": client + 'fetch("https://api.vendor-one.io/v2");\n'})
    assert [c["findings"] for c in report["changes"]] == [[]]
    assert "publicsuffixlist" not in modules
    modules, report = _staged_run(repo, {"server/client.ts": client + 'fetch("https://collect.vendor-two.io/e");\n'})
    assert [f["kind"] for c in report["changes"] for f in c["findings"]] == ["host"]
    assert "publicsuffixlist" in modules


def test_a_staged_manifest_and_migration_load_their_readers(repo: Repo) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "requirements.txt": "django==4.2.1\n"})
    modules, report = _staged_run(repo, {
        "requirements.txt": "django==5.0.1\n",
        "app/migrations/0002_drop.py": (
            "from django.db import migrations\n\n"
            "class Migration(migrations.Migration):\n"
            "    operations = [migrations.RemoveField('post', 'title')]\n"
        ),
    })
    levels = {c["path"]: c["level"] for c in report["changes"]}
    assert levels == {"requirements.txt": "cto", "app/migrations/0002_drop.py": "cto"}
    for needed in ("packaging", "ownership_gate.classifiers.dependency.ecosystems.pypi_files",
                   "ownership_gate.classifiers.schema.frameworks.django_read", "ownership_gate.classifiers.schema.judge"):
        assert needed in modules


def test_a_staged_js_migration_loads_only_its_grammar(repo: Repo) -> None:
    repo.commit({".ownership-gate.yaml": POLICY})
    modules, report = _staged_run(repo, {
        "migrations/20240101_drop.js": "exports.up = (knex) => knex.schema.dropTable('users');\n",
    })
    assert [c["level"] for c in report["changes"]] == ["cto"]
    assert "tree_sitter_javascript" in modules
    assert [m for m in ("tree_sitter_typescript", "tree_sitter_elixir", "ownership_gate.formats.elixir")
            if m in modules] == []



def test_a_staged_efcore_migration_loads_only_its_grammar(repo: Repo) -> None:
    repo.commit({".ownership-gate.yaml": POLICY})
    modules, report = _staged_run(repo, {
        "Data/Migrations/20240101000000_DropUsers.cs": (
            "using Microsoft.EntityFrameworkCore.Migrations;\n\n"
            "public partial class DropUsers : Migration\n{\n"
            "    protected override void Up(MigrationBuilder migrationBuilder)\n"
            '        => migrationBuilder.DropTable(name: "Users");\n}\n'
        ),
    })
    assert [c["level"] for c in report["changes"]] == ["cto"]
    assert "tree_sitter_c_sharp" in modules
    assert [m for m in ("tree_sitter_javascript", "tree_sitter_php", "tree_sitter_go", "sqlglot") if m in modules] == []


def test_a_staged_sbt_build_loads_only_its_grammar(repo: Repo) -> None:
    build = 'scalaVersion := "2.13.13"\nlibraryDependencies += "org.postgresql" % "postgresql" % "{}"\n'
    repo.commit({".ownership-gate.yaml": POLICY, "build.sbt": build.format("42.7.3"),
                 "src/main/scala/App.scala": "object App\n"})
    modules, report = _staged_run(repo, {"build.sbt": build.format("43.0.0"),
                                         "src/main/scala/App.scala": "object App {}\n"})
    assert {c["path"]: c["level"] for c in report["changes"]} == {
        "build.sbt": "cto", "src/main/scala/App.scala": "engineer"}
    assert {"tree_sitter_scala", "ownership_gate.classifiers.dependency.ecosystems.sbt_read"} <= modules
    assert [m for m in ("tree_sitter_kotlin", "ownership_gate.classifiers.dependency.ecosystems.gradle_read")
            if m in modules] == []


_DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: %d}\n"


def test_no_reader_on_the_hooks_paths_imports_dataclasses(repo: Repo) -> None:
    """Records are NamedTuples: `dataclasses` and the `inspect` it imports cost every commit ~7 ms,
    and creating each dataclass ~0.6 ms more (SQL's sqlglot and pypi's packaging import it themselves)."""
    repo.commit({
        ".ownership-gate.yaml": POLICY, "src/app/views.py": "x = 1\n", "package.json": '{"dependencies": {}}\n',
        "k8s/web.yaml": _DEPLOYMENT % 2,
    })
    modules, report = _staged_run(repo, {
        "src/app/views.py": "x = 2\n",
        "terraform/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.large"\n}\n',
        "k8s/web.yaml": _DEPLOYMENT % 4,
        "package.json": '{"dependencies": {"left-pad": "^1.3.0"}}\n',
        "Dockerfile": "FROM python:3.12-slim\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    "      - run: make test\n",
        "db/migrate/20240101000000_drop_users.rb": (
            "class DropUsers < ActiveRecord::Migration[7.1]\n  def change\n    drop_table :users\n  end\nend\n"
        ),
        "migrations/20240101_drop.js": "exports.up = (knex) => knex.schema.dropTable('posts');\n",
        "priv/repo/migrations/20240101000000_drop.exs": (
            "defmodule App.Repo.Migrations.Drop do\n  use Ecto.Migration\n\n"
            "  def change do\n    drop table(:comments)\n  end\nend\n"
        ),
    })
    kinds = {c["path"]: {(f["type"], f["kind"]) for f in c["findings"]} for c in report["changes"]}
    assert kinds["k8s/web.yaml"] >= {("cost", "increase")}
    assert kinds["terraform/main.tf"] >= {("cost", "increase"), ("infra", "terraform")}
    assert kinds["package.json"] == kinds["Dockerfile"] - {("infra", "docker"), ("infra", "platform")} == {
        ("dependency", "added")}
    assert ("infra", "platform") in kinds["Dockerfile"]  # a new production image
    assert kinds[".github/workflows/ci.yml"] == {("infra", "ci")}
    for migration in ("db/migrate/20240101000000_drop_users.rb", "migrations/20240101_drop.js",
                      "priv/repo/migrations/20240101000000_drop.exs"):
        assert kinds[migration] == {("schema", "destructive")}
    for reader in ("ownership_gate.formats.ruby", "ownership_gate.formats.javascript", "ownership_gate.formats.elixir",
                   "ownership_gate.formats.hcl", "ownership_gate.classifiers.cost.leaves",
                   "ownership_gate.classifiers.infra.detect", "ownership_gate.classifiers.cost.ci"):
        assert reader in modules
    assert "dataclasses" not in modules and "inspect" not in modules
