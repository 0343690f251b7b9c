"""Valid file contents at realistic sizes, and realistic edits of them, for the benchmark.

Every generator takes a `random.Random` (so a repository rebuilds byte for
byte) and returns text the real tools accept: Terraform modules laid out as
`terraform fmt` writes them, Kubernetes objects, Helm values, migrations of
each framework the gate reads, and the manifests of every ecosystem.
`KINDS` maps a kind to (path for the n-th file, content, edit); an edit is
what a pull request typically does to such a file (a version bump, a bigger
machine, one more replica, a new column).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable

Rng = random.Random

_AWS_TYPES = ("t3.micro", "t3.small", "t3.medium", "t3.large", "m5.large", "m5.xlarge", "c5.2xlarge")
_DB_CLASSES = ("db.t3.micro", "db.t3.medium", "db.r5.large", "db.r5.xlarge")
_GCP_TYPES = ("e2-medium", "e2-standard-4", "n2-standard-4", "n2-standard-8")
_AZ_SIZES = ("Standard_D2s_v3", "Standard_D4s_v3", "Standard_F4s_v2")
_WORDS = ("orders", "billing", "search", "users", "catalog", "payments", "ledger", "inventory", "reports")


def _align(pairs: list[tuple[str, str]], indent: str) -> str:
    """Attributes with their `=` aligned, as `terraform fmt` writes them."""
    width = max(len(k) for k, _ in pairs)
    return "".join(f"{indent}{k.ljust(width)} = {v}\n" for k, v in pairs)


def _tags(rng: Rng, name: str, indent: str) -> str:
    pairs = [("Name", f'"{name}"'), ("Team", f'"{rng.choice(_WORDS)}"'), ("Environment", "var.environment")]
    return f"{indent}tags = {{\n{_align(pairs, indent + '  ')}{indent}}}\n"


def _q(text: str) -> str:
    return f'"{text}"'


def _aws_instance(rng: Rng, name: str) -> str:
    head = _align([("ami", "data.aws_ami.ubuntu.id"), ("instance_type", _q(rng.choice(_AWS_TYPES))),
                   ("subnet_id", "var.subnet_ids[0]"), ("monitoring", "true")], "  ")
    disk = _align([("volume_size", str(rng.choice((20, 50, 100)))), ("volume_type", _q("gp3")),
                   ("encrypted", "true")], "    ")
    return (f'resource "aws_instance" "{name}" {{\n{head}\n  root_block_device {{\n{disk}  }}\n\n'
            f"{_tags(rng, name, '  ')}}}\n")


def _aws_db(rng: Rng, name: str) -> str:
    pairs = [("identifier", _q(f"{name}-db")), ("engine", _q("postgres")), ("engine_version", _q("15.4")),
             ("instance_class", _q(rng.choice(_DB_CLASSES))), ("allocated_storage", str(rng.choice((20, 100, 500)))),
             ("multi_az", rng.choice(("true", "false"))), ("username", "var.db_username"),
             ("password", "var.db_password"), ("skip_final_snapshot", "false"),
             ("backup_retention_period", "7")]
    return f'resource "aws_db_instance" "{name}" {{\n{_align(pairs, "  ")}\n{_tags(rng, name, "  ")}}}\n'


def _gke(rng: Rng, name: str) -> str:
    cluster = _align([("name", _q(name)), ("location", "var.region"), ("initial_node_count", "1"),
                      ("remove_default_node_pool", "true")], "  ")
    pool = _align([("name", _q(f"{name}-nodes")), ("cluster", f"google_container_cluster.{name}.id"),
                   ("node_count", str(rng.randint(1, 6)))], "  ")
    config = _align([("preemptible", "false"), ("machine_type", _q(rng.choice(_GCP_TYPES))),
                     ("disk_size_gb", "100")], "    ")
    return (
        f'resource "google_container_cluster" "{name}" {{\n{cluster}'
        '\n  release_channel {\n    channel = "REGULAR"\n  }\n}\n\n'
        f'resource "google_container_node_pool" "{name}_nodes" {{\n{pool}\n  node_config {{\n{config}'
        '    oauth_scopes = [\n      "https://www.googleapis.com/auth/cloud-platform",\n    ]\n  }\n}\n'
    )


def _aks(rng: Rng, name: str) -> str:
    cluster = _align([("name", _q(name)), ("location", "azurerm_resource_group.main.location"),
                      ("resource_group_name", "azurerm_resource_group.main.name"), ("dns_prefix", _q(name))], "  ")
    pool = _align([("name", _q("default")), ("node_count", str(rng.randint(1, 5))),
                   ("vm_size", _q(rng.choice(_AZ_SIZES)))], "    ")
    return (f'resource "azurerm_kubernetes_cluster" "{name}" {{\n{cluster}\n  default_node_pool {{\n{pool}  }}\n\n'
            '  identity {\n    type = "SystemAssigned"\n  }\n}\n')


def _bucket(rng: Rng, name: str) -> str:
    return (f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{name}-${{var.environment}}"\n\n'
            f"{_tags(rng, name, '  ')}}}\n\n"
            f'resource "aws_s3_bucket_versioning" "{name}" {{\n  bucket = aws_s3_bucket.{name}.id\n'
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n')


def _module_call(rng: Rng, name: str) -> str:
    pairs = [("source", _q("terraform-aws-modules/vpc/aws")),
             ("version", _q(f"~> {rng.choice((4, 5))}.{rng.randint(0, 9)}")),
             ("name", _q(name)), ("cidr", _q("10.0.0.0/16")), ("enable_nat_gateway", "true"),
             ("single_nat_gateway", "true")]
    return (f'module "{name}_vpc" {{\n{_align(pairs, "  ")}\n'
            '  azs             = ["eu-west-1a", "eu-west-1b"]\n'
            '  private_subnets = ["10.0.1.0/24", "10.0.2.0/24"]\n}\n')


_RESOURCES = (_aws_instance, _aws_db, _gke, _aks, _bucket, _module_call)


def terraform_main(rng: Rng, n: int) -> str:
    """A module's main.tf: 30 to 150 lines of resources."""
    parts = ['data "aws_ami" "ubuntu" {\n  most_recent = true\n  owners      = ["099720109477"]\n}\n']
    count = rng.randint(2, 7)
    for i in range(count):
        parts.append(rng.choice(_RESOURCES)(rng, f"{rng.choice(_WORDS)}_{n}_{i}"))
    return "\n".join(parts)


def terraform_variables(rng: Rng, n: int) -> str:
    blocks = []
    for name, kind, default in (("environment", "string", '"production"'), ("region", "string", '"eu-west-1"'),
                                ("instance_type", "string", f'"{rng.choice(_AWS_TYPES)}"'),
                                ("node_count", "number", str(rng.randint(1, 9))),
                                ("subnet_ids", "list(string)", "[]")):
        blocks.append(f'variable "{name}" {{\n  description = "The {name.replace("_", " ")} of service {n}"\n'
                      f"  type        = {kind}\n  default     = {default}\n}}\n")
    return "\n".join(blocks)


def terraform_versions(rng: Rng, n: int) -> str:
    return (
        'terraform {\n  required_version = ">= 1.5"\n\n  required_providers {\n'
        f'    aws = {{\n      source  = "hashicorp/aws"\n      version = "~> 5.{rng.randint(10, 60)}"\n    }}\n'
        f'    google = {{\n      source  = "hashicorp/google"\n      version = ">= 5.{rng.randint(0, 9)}"\n    }}\n'
        '  }\n}\n\nprovider "aws" {\n  region = var.region\n}\n'
    )


def tfvars(rng: Rng, n: int) -> str:
    return _align([("environment", '"production"'), ("instance_type", f'"{rng.choice(_AWS_TYPES)}"'),
                   ("node_count", str(rng.randint(1, 9))), ("web_desired_count", str(rng.randint(2, 6)))], "")


def deployment(rng: Rng, n: int) -> str:
    name = f"{rng.choice(_WORDS)}-{n}"
    replicas = rng.randint(1, 6)
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
    team: {rng.choice(_WORDS)}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.{rng.randint(0, 40)}.{rng.randint(0, 9)}
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {name}-db
                  key: url
          resources:
            requests:
              cpu: {rng.choice(("100m", "250m", "500m"))}
              memory: {rng.choice(("128Mi", "256Mi", "512Mi"))}
            limits:
              cpu: "1"
              memory: {rng.choice(("512Mi", "1Gi"))}
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
            initialDelaySeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: ClusterIP
  selector:
    app: {name}
  ports:
    - port: 80
      targetPort: 8080
"""


def hpa(rng: Rng, n: int) -> str:
    name = f"{rng.choice(_WORDS)}-{n}"
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: {rng.randint(1, 3)}
  maxReplicas: {rng.randint(4, 20)}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"""


def helm_values(rng: Rng, n: int) -> str:
    return f"""replicaCount: {rng.randint(1, 5)}

image:
  repository: ghcr.io/acme/{rng.choice(_WORDS)}
  pullPolicy: IfNotPresent
  tag: "1.{rng.randint(0, 30)}.0"

serviceAccount:
  create: true
  name: ""

service:
  type: ClusterIP
  port: 80

ingress:
  enabled: false

resources:
  limits:
    cpu: 500m
    memory: {rng.choice(("256Mi", "512Mi", "1Gi"))}
  requests:
    cpu: 100m
    memory: 128Mi

autoscaling:
  enabled: true
  minReplicas: 1
  maxReplicas: {rng.randint(3, 12)}
  targetCPUUtilizationPercentage: 80

nodeSelector: {{}}
tolerations: []
affinity: {{}}
"""


def chart_yaml(rng: Rng, n: int) -> str:
    return (f"apiVersion: v2\nname: svc{n}\ndescription: Service {n}\ntype: application\n"
            f"version: 0.{rng.randint(1, 9)}.0\nappVersion: \"1.{rng.randint(0, 9)}.0\"\n"
            f"dependencies:\n  - name: postgresql\n    version: {rng.randint(11, 13)}.{rng.randint(0, 9)}.0\n"
            "    repository: https://charts.bitnami.com/bitnami\n")


def _column(rng: Rng) -> str:
    return f"{rng.choice(('note', 'status', 'label', 'source', 'region'))}_{rng.randint(1, 999)}"


def sql_migration(rng: Rng, n: int) -> str:
    table = rng.choice(_WORDS)
    return (f"-- {n}: {table}\nCREATE TABLE {table}_{n} (\n  id bigserial PRIMARY KEY,\n  name text NOT NULL,\n"
            "  created_at timestamptz NOT NULL DEFAULT now()\n);\n"
            f"ALTER TABLE {table} ADD COLUMN {_column(rng)} text;\n"
            f"CREATE INDEX idx_{table}_{n} ON {table}_{n} (name);\n")


def rails_migration(rng: Rng, n: int) -> str:
    return (f"class AddFieldsToOrders{n} < ActiveRecord::Migration[7.1]\n  def change\n"
            f"    add_column :orders, :{_column(rng)}, :string\n    add_index :orders, :created_at\n  end\nend\n")


def django_migration(rng: Rng, n: int) -> str:
    return ("from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
            f"    dependencies = [(\"shop\", \"{n:04}_previous\")]\n\n    operations = [\n"
            f"        migrations.AddField(\n            model_name=\"order\",\n            name=\"{_column(rng)}\",\n"
            "            field=models.CharField(max_length=64, null=True),\n        ),\n    ]\n")


def alembic_migration(rng: Rng, n: int) -> str:
    column = _column(rng)
    return (f'"""add {column}\n\nRevision ID: {n:012x}\n"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            f'revision = "{n:012x}"\ndown_revision = "{n - 1:012x}"\n\n\ndef upgrade():\n'
            f'    op.add_column("users", sa.Column("{column}", sa.String(64), nullable=True))\n\n\n'
            f'def downgrade():\n    op.drop_column("users", "{column}")\n')


def knex_migration(rng: Rng, n: int) -> str:
    column = _column(rng)
    return ("exports.up = function (knex) {\n  return knex.schema.alterTable('users', function (table) {\n"
            f"    table.string('{column}');\n  }});\n}};\n\nexports.down = function (knex) {{\n"
            f"  return knex.schema.alterTable('users', function (table) {{\n    table.dropColumn('{column}');\n"
            "  });\n};\n")


def ecto_migration(rng: Rng, n: int) -> str:
    return (f"defmodule Shop.Repo.Migrations.AddField{n} do\n  use Ecto.Migration\n\n  def change do\n"
            f"    alter table(:orders) do\n      add :{_column(rng)}, :string\n    end\n  end\nend\n")


def package_json(rng: Rng, n: int) -> str:
    return json.dumps({
        "name": f"@acme/svc{n}", "version": f"1.{rng.randint(0, 9)}.0", "private": True,
        "scripts": {"build": "tsc -p .", "test": "jest"},
        "dependencies": {"express": f"^4.18.{rng.randint(0, 3)}", "lodash": "^4.17.21",
                         "pg": f"^8.{rng.randint(7, 11)}.0", "zod": "^3.22.4"},
        "devDependencies": {"typescript": "^5.4.0", "jest": "^29.7.0"},
    }, indent=2) + "\n"


def requirements_txt(rng: Rng, n: int) -> str:
    return (f"django==4.2.{rng.randint(1, 9)}\nrequests>=2.31\npsycopg[binary]==3.1.{rng.randint(10, 18)}\n"
            "celery~=5.3\ngunicorn==21.2.0\n")


def pyproject_toml(rng: Rng, n: int) -> str:
    return (f'[project]\nname = "svc{n}"\nversion = "0.{rng.randint(1, 9)}.0"\nrequires-python = ">=3.10"\n'
            f'dependencies = [\n    "fastapi>=0.110",\n    "pydantic>=2.{rng.randint(4, 7)}",\n'
            '    "sqlalchemy>=2.0",\n]\n\n'
            '[project.optional-dependencies]\ntest = ["pytest>=8"]\n')


def gemfile(rng: Rng, n: int) -> str:
    return (f'source "https://rubygems.org"\n\nruby "3.2.2"\n\ngem "rails", "~> 7.{rng.randint(0, 1)}.0"\n'
            'gem "pg", "~> 1.5"\ngem "puma", ">= 5.0"\n\ngroup :test do\n  gem "rspec-rails"\nend\n')


def cargo_toml(rng: Rng, n: int) -> str:
    return (f'[package]\nname = "svc{n}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
            f'serde = {{ version = "1.0", features = ["derive"] }}\ntokio = {{ version = "1.{rng.randint(30, 37)}", '
            'features = ["full"] }\nanyhow = "1"\n')


def go_mod(rng: Rng, n: int) -> str:
    return (f"module github.com/acme/svc{n}\n\ngo 1.22\n\n"
            f"require (\n\tgithub.com/gin-gonic/gin v1.9.{rng.randint(0, 1)}\n"
            "\tgithub.com/jackc/pgx/v5 v5.5.0\n\tgolang.org/x/sync v0.6.0 // indirect\n)\n")


def pom_xml(rng: Rng, n: int) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
            f"  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>svc{n}</artifactId>\n"
            "  <version>1.0.0</version>\n  <dependencies>\n    <dependency>\n"
            "      <groupId>org.springframework.boot</groupId>\n"
            "      <artifactId>spring-boot-starter-web</artifactId>\n"
            f"      <version>3.2.{rng.randint(0, 4)}</version>\n    </dependency>\n  </dependencies>\n</project>\n")


def gradle_kts(rng: Rng, n: int) -> str:
    return ('plugins {\n    id("org.springframework.boot") version "3.2.5"\n    kotlin("jvm") version "1.9.23"\n}\n\n'
            'val cucumberVersion = "7.11.2"\n\ndependencies {\n'
            f'    implementation("org.postgresql:postgresql:42.7.{rng.randint(0, 3)}")\n'
            '    implementation("org.springframework.boot:spring-boot-starter-web")\n'
            '    testImplementation("io.cucumber:cucumber-java8:$cucumberVersion")\n}\n')


def build_sbt(rng: Rng, n: int) -> str:
    return ('ThisBuild / scalaVersion := "2.13.14"\n\nval circeVersion = "0.14.9"\n\n'
            'lazy val root = (project in file("."))\n  .settings(\n    name := "svc",\n'
            '    libraryDependencies ++= Seq(\n'
            f'      "net.logstash.logback" % "logstash-logback-encoder" % "7.{rng.randint(0, 4)}",\n'
            '      "io.circe" %% "circe-core" % circeVersion,\n'
            '      "org.scalatest" %% "scalatest" % "3.2.19" % Test\n    )\n  )\n')


def csproj(rng: Rng, n: int) -> str:
    return ('<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n'
            "  </PropertyGroup>\n  <ItemGroup>\n"
            f'    <PackageReference Include="Serilog" Version="3.1.{rng.randint(0, 1)}" />\n'
            '    <PackageReference Include="Npgsql" Version="8.0.2" />\n  </ItemGroup>\n</Project>\n')


def composer_json(rng: Rng, n: int) -> str:
    requires = {"php": "^8.2", "laravel/framework": f"^10.{rng.randint(0, 9)}", "guzzlehttp/guzzle": "^7.8"}
    return json.dumps({"name": f"acme/svc{n}", "require": requires}, indent=4) + "\n"


def dockerfile(rng: Rng, n: int) -> str:
    return (f"FROM python:3.{rng.randint(10, 12)}-slim AS build\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n\nFROM python:3.12-slim\n"
            'COPY --from=build /app /app\nCMD ["gunicorn", "app:app"]\n')


def workflow(rng: Rng, n: int) -> str:
    return (f"name: ci-{n}\non:\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: actions/checkout@v{rng.randint(3, 4)}\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: '3.12'\n      - run: make test\n")


def source_file(rng: Rng, n: int) -> str:
    return (f'"""Module {n}."""\n\nfrom __future__ import annotations\n\nLIMIT = {rng.randint(1, 99)}\n\n\n'
            f"def handle_{n}(value: int) -> int:\n    return min(value * 2, LIMIT)\n")


# -- edits: what a pull request does to each kind ----------------------------


def _bump_last_number(text: str, pattern: str) -> str:
    """Add one to the last number of the first match of `pattern`."""
    match = re.search(pattern, text)
    if match is None:
        return text + "\n"
    head = match.group(0)
    digits = re.search(r"(\d+)(?!.*\d)", head)
    assert digits is not None
    bumped = head[: digits.start()] + str(int(digits.group(1)) + 1) + head[digits.end():]
    return text[: match.start()] + bumped + text[match.end():]


def edit_terraform(text: str) -> str:
    for old, new in (('"t3.micro"', '"t3.small"'), ('"t3.medium"', '"t3.large"'), ('"db.t3.micro"', '"db.t3.medium"'),
                     ('"e2-medium"', '"e2-standard-4"'), ('"Standard_D2s_v3"', '"Standard_D4s_v3"')):
        if old in text:
            return text.replace(old, new, 1)
    return _bump_last_number(text, r"(?:node_count|volume_size|allocated_storage|web_desired_count) +=? *\d+")


Generator = Callable[[Rng, int], str]
Edit = Callable[[str], str]


def _bumper(pattern: str) -> Edit:
    return lambda text: _bump_last_number(text, pattern)


# kind -> (path of the n-th file, content, edit; None for files a change adds, as migrations are)
KINDS: dict[str, tuple[Callable[[int], str], Generator, Edit | None]] = {
    "terraform": (lambda n: f"infra/modules/m{n:04}/main.tf", terraform_main, edit_terraform),
    "terraform-variables": (lambda n: f"infra/modules/m{n:04}/variables.tf", terraform_variables, edit_terraform),
    "terraform-versions": (lambda n: f"infra/modules/m{n:04}/versions.tf", terraform_versions,
                           _bumper(r'version = "~> 5\.\d+"')),
    "tfvars": (lambda n: f"infra/envs/e{n:04}/terraform.tfvars", tfvars, edit_terraform),
    "kubernetes": (lambda n: f"deploy/k8s/svc{n:04}/deployment.yaml", deployment, _bumper(r"replicas: \d+")),
    "hpa": (lambda n: f"deploy/k8s/svc{n:04}/hpa.yaml", hpa, _bumper(r"maxReplicas: \d+")),
    "helm-values": (lambda n: f"charts/svc{n:04}/values.yaml", helm_values, _bumper(r"replicaCount: \d+")),
    "chart": (lambda n: f"charts/svc{n:04}/Chart.yaml", chart_yaml, _bumper(r"postgresql\n    version: \d+\.\d+")),
    "sql": (lambda n: f"db/migrations/{n:05}_change.sql", sql_migration, None),
    "rails": (lambda n: f"apps/store/db/migrate/2024010100{n:04}_add_fields.rb", rails_migration, None),
    "django": (lambda n: f"apps/shop/migrations/{n:04}_add_field.py", django_migration, None),
    "alembic": (lambda n: f"apps/api/alembic/versions/{n:012x}_add_column.py", alembic_migration, None),
    "knex": (lambda n: f"apps/web/migrations/2024010100{n:04}_add_column.js", knex_migration, None),
    "ecto": (lambda n: f"apps/ex/priv/repo/migrations/2024010100{n:04}_add_field.exs", ecto_migration, None),
    "package.json": (lambda n: f"services/svc{n:04}/package.json", package_json, _bumper(r'"express": "\^4\.18\.\d+')),
    "requirements.txt": (lambda n: f"services/svc{n:04}/requirements.txt", requirements_txt,
                         _bumper(r"django==4\.2\.\d+")),
    "pyproject.toml": (lambda n: f"services/svc{n:04}/pyproject.toml", pyproject_toml, _bumper(r"pydantic>=2\.\d+")),
    "Gemfile": (lambda n: f"services/svc{n:04}/Gemfile", gemfile, _bumper(r'"rails", "~> 7\.\d+\.\d+')),
    "Cargo.toml": (lambda n: f"services/svc{n:04}/Cargo.toml", cargo_toml, _bumper(r'tokio = \{ version = "1\.\d+')),
    "go.mod": (lambda n: f"services/svc{n:04}/go.mod", go_mod, _bumper(r"gin v1\.9\.\d+")),
    "pom.xml": (lambda n: f"services/svc{n:04}/pom.xml", pom_xml, _bumper(r"3\.2\.\d+")),
    "build.gradle.kts": (lambda n: f"services/svc{n:04}/build.gradle.kts", gradle_kts,
                         _bumper(r"postgresql:42\.7\.\d+")),
    "build.sbt": (lambda n: f"services/svc{n:04}/build.sbt", build_sbt, _bumper(r'logback-encoder" % "7\.\d+')),
    "csproj": (lambda n: f"services/svc{n:04}/Service.csproj", csproj, _bumper(r'Serilog" Version="3\.1\.\d+')),
    "composer.json": (lambda n: f"services/svc{n:04}/composer.json", composer_json,
                      _bumper(r'laravel/framework": "\^10\.\d+')),
    "Dockerfile": (lambda n: f"services/svc{n:04}/Dockerfile", dockerfile, _bumper(r"FROM python:3\.\d+")),
    "workflow": (lambda n: f".github/workflows/ci-{n:04}.yml", workflow, _bumper(r"actions/checkout@v\d+")),
    "source": (lambda n: f"services/svc{n // 100:04}/src/module_{n:05}.py", source_file, _bumper(r"LIMIT = \d+")),
}

MIGRATIONS = ("sql", "rails", "django", "alembic", "knex", "ecto")
MANIFESTS = ("package.json", "requirements.txt", "pyproject.toml", "Gemfile", "Cargo.toml", "go.mod", "pom.xml",
             "csproj", "composer.json", "Dockerfile", "chart", "workflow")
INFRA = ("terraform", "terraform-variables", "terraform-versions", "tfvars", "kubernetes", "hpa", "helm-values")
