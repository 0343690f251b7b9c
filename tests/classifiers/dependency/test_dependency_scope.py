"""Each requirement's scope, as its manifest declares it, on real-format manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.dependency.ecosystems import REGISTRY, tools
from ownership_gate.classifiers.dependency.ecosystems.base import widest
from ownership_gate.classifiers.dependency.ecosystems.pypi import file_scope
from tests.conftest import Repo, findings, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures"


def scopes(ecosystem: str, text: str, path: str) -> dict[str, str]:
    """name -> scope (the widest, for a name declared in several places)."""
    found: dict[str, list[str]] = {}
    for requirement in REGISTRY[ecosystem].parse(text, path):
        found.setdefault(requirement.name, []).append(requirement.scope)
    return {name: widest(declared) for name, declared in found.items()}


def fixture(relative: str) -> str:
    return (FIXTURES / relative).read_text("utf-8")


def test_npm_sections() -> None:
    found = scopes("npm", fixture("dependency/npm/app/after/package.json"), "package.json")
    assert found["next"] == found["@stripe/stripe-js"] == found["react"] == "runtime"
    assert found["typescript"] == found["jest"] == found["eslint"] == "dev"
    text = '{"peerDependencies": {"react": ">=17"}, "optionalDependencies": {"fsevents": "^2"}}'
    assert scopes("npm", text, "package.json") == {"react": "peer", "fsevents": "optional"}


def test_npm_package_in_two_sections_keeps_both_entries() -> None:
    found = REGISTRY["npm"].parse(fixture("dependency/npm/app/after/package.json"), "package.json")
    assert {r.scope for r in found if r.name == "react"} == {"runtime", "peer"}


def test_gemfile_groups() -> None:
    found = scopes("gem", fixture("dependency/gem/rails/after/Gemfile"), "Gemfile")
    assert found["rails"] == found["skylight"] == found["pundit"] == "runtime"
    assert found["debug"] == found["rspec-rails"] == "dev"  # development and test
    assert found["web-console"] == "dev"


@pytest.mark.parametrize(
    ("gemfile", "scope"),
    [
        ('group :test do\n  gem "capybara"\nend\n', "test"),
        ('group :development do\n  gem "capybara"\nend\n', "dev"),
        ('group :development, :test do\n  gem "capybara"\nend\n', "dev"),
        ('group :production do\n  gem "capybara"\nend\n', "runtime"),
        ('group :default, :test do\n  gem "capybara"\nend\n', "runtime"),
        ('gem "capybara", group: :test\n', "test"),
        ('gem "capybara", groups: [:development, :test]\n', "dev"),
        ('group "test" do\n  gem "capybara"\nend\n', "test"),
        ('group :test do\n  group :development do\n    gem "capybara"\n  end\nend\n', "dev"),
        ('group :test do\n  gem "capybara", group: :staging\nend\n', "runtime"),
        ('gem "capybara", group: ENV.fetch("GROUP", "test").to_sym\n', "runtime"),  # computed: not dev
    ],
)
def test_gem_group_forms(gemfile: str, scope: str) -> None:
    assert scopes("gem", gemfile, "Gemfile") == {"capybara": scope}


def test_gemspec_development_dependencies() -> None:
    found = scopes("gem", fixture("dependency/gem/gemspec/after/acme_client.gemspec"), "acme_client.gemspec")
    assert found == {"faraday": "runtime", "faraday-retry": "runtime", "multi_json": "runtime",
                     "rake": "dev", "webmock": "dev"}


def test_pyproject_sections() -> None:
    found = scopes("pypi", fixture("dependency/pypi/pyproject/after/pyproject.toml"), "pyproject.toml")
    assert found["flask"] == found["boto3"] == found["openai"] == "runtime"
    assert found["psycopg"] == "optional"
    assert found["setuptools"] == found["wheel"] == "build"
    assert found["pytest"] == found["coverage"] == "test"  # the dependency group named test
    assert found["pre-commit"] == "dev"


def test_pyproject_groups_and_extras_named_for_development() -> None:
    text = """\
[project]
name = "acme"
dependencies = ["httpx"]
[project.optional-dependencies]
dev = ["ruff"]
tests = ["pytest"]
s3 = ["boto3"]
[dependency-groups]
lint = ["mypy"]
testing = ["hypothesis"]
[tool.poetry.dependencies]
python = "^3.11"
django = "^5.0"
[tool.poetry.group.dev.dependencies]
black = "*"
[tool.poetry.group.test.dependencies]
factory-boy = "*"
[tool.poetry.group.docs.dependencies]
mkdocs = "*"
[tool.poetry.group.main.dependencies]
celery = "^5"
[tool.poetry.dev-dependencies]
ipython = "*"
"""
    assert scopes("pypi", text, "pyproject.toml") == {
        "httpx": "runtime", "ruff": "dev", "pytest": "test", "boto3": "optional", "mypy": "dev",
        "hypothesis": "test", "django": "runtime", "black": "dev", "factory-boy": "test", "mkdocs": "dev",
        "celery": "runtime", "ipython": "dev",
    }


def test_pipfile_categories() -> None:
    found = scopes("pypi", fixture("dependency/pypi/pipfile/after/Pipfile"), "Pipfile")
    assert found["django"] == found["twilio"] == found["requests"] == "runtime"
    assert found["pytest"] == found["black"] == "dev"


def test_setup_cfg_sections() -> None:
    text = fixture("dependency/pypi/setup-cfg/after/setup.cfg").replace(
        "[options.extras_require]",
        "setup_requires =\n    setuptools-scm>=8\n\n[options.extras_require]\nredis =\n    redis>=5\n",
    )
    found = scopes("pypi", text, "setup.cfg")
    assert found["click"] == found["kafka-python"] == "runtime"
    assert found["setuptools-scm"] == "build"
    assert found["redis"] == "optional"
    assert found["pytest"] == "test"  # the extra named test


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("requirements.txt", "runtime"),
        ("requirements-dev.txt", "dev"),
        ("dev-requirements.txt", "dev"),
        ("requirements_dev.txt", "dev"),
        ("requirements-test.txt", "test"),
        ("test-requirements.txt", "test"),
        ("requirements/test.txt", "test"),
        ("requirements/tests.in", "test"),
        ("requirements/dev.txt", "dev"),
        ("requirements/docs.txt", "dev"),
        ("requirements/lint.in", "dev"),
        ("requirements/base.txt", "runtime"),
        ("requirements/prod.txt", "runtime"),
        ("requirements-latest.txt", "runtime"),  # "test" inside a word is no test
        ("src/loadgenerator/requirements.txt", "runtime"),  # its folder does not change its scope
    ],
)
def test_requirements_file_scope_by_name(path: str, scope: str) -> None:
    assert file_scope(path) == scope
    assert scopes("pypi", "django==4.2\n", path) == {"django": scope}


def test_cargo_tables() -> None:
    text = fixture("dependency/cargo/workspace/after/crates/server/Cargo.toml")
    found = scopes("cargo", text, "crates/server/Cargo.toml")
    assert found["axum"] == found["reqwest"] == found["sentry"] == found["nix"] == "runtime"
    assert found["tower"] == "dev"
    assert found["prost-build"] == "build"


def test_composer_require_dev() -> None:
    found = scopes("composer", fixture("dependency/composer/laravel/after/composer.json"), "composer.json")
    assert found["laravel/framework"] == found["stripe/stripe-php"] == "runtime"
    assert found["phpunit/phpunit"] == found["fakerphp/faker"] == "dev"


def test_go_indirect_keeps_its_meaning_and_is_runtime() -> None:
    found = REGISTRY["golang"].parse(fixture("dependency_b/golang/after.go.mod"), "go.mod")
    assert {r.scope for r in found} == {"runtime"}
    assert any(r.indirect for r in found)


def test_maven_scopes() -> None:
    found = scopes("maven", fixture("dependency_b/maven/after.pom.xml"), "pom.xml")
    assert found["com.stripe:stripe-java"] == found["com.google.guava:guava"] == "runtime"
    assert found["org.springframework.boot:spring-boot-starter-parent"] == "runtime"
    assert found["software.amazon.awssdk:bom"] == "runtime"  # an imported BOM
    assert found["org.junit.jupiter:junit-jupiter"] == "test"
    assert found["org.apache.maven.plugins:maven-surefire-plugin"] == "build"
    assert found["org.graalvm.buildtools:native-maven-plugin"] == "build"


@pytest.mark.parametrize(("declared", "scope"), [("test", "test"), ("provided", "runtime"),
                                                 ("runtime", "runtime"), ("system", "runtime")])
def test_maven_declared_scope(declared: str, scope: str) -> None:
    pom = f"""<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId>
<version>1.0</version><scope>{declared}</scope></dependency></dependencies></project>"""
    assert scopes("maven", pom, "pom.xml") == {"g:a": scope}


def test_maven_managed_version_takes_the_scope_of_its_uses() -> None:
    pom = """<project>
  <dependencyManagement><dependencies>
    <dependency><groupId>org.junit</groupId><artifactId>junit-bom</artifactId><version>5.10.0</version></dependency>
    <dependency><groupId>org.mockito</groupId><artifactId>mockito-core</artifactId><version>5.0.0</version>
      <scope>test</scope></dependency>
    <dependency><groupId>io.grpc</groupId><artifactId>grpc-core</artifactId><version>1.60.0</version></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.junit</groupId><artifactId>junit-bom</artifactId><scope>test</scope></dependency>
    <dependency><groupId>org.mockito</groupId><artifactId>mockito-core</artifactId></dependency>
    <dependency><groupId>io.grpc</groupId><artifactId>grpc-core</artifactId></dependency>
  </dependencies>
</project>"""
    assert scopes("maven", pom, "pom.xml") == {
        "org.junit:junit-bom": "test", "org.mockito:mockito-core": "test", "io.grpc:grpc-core": "runtime",
    }


def test_nuget_private_assets_and_development_dependencies() -> None:
    found = scopes("nuget", fixture("dependency_b/nuget/after.csproj"), "Api.csproj")
    assert found["stripe.net"] == found["newtonsoft.json"] == "runtime"
    assert found["microsoft.visualstudio.azure.containers.tools.targets"] == "dev"
    text = """<Project><ItemGroup>
  <PackageReference Include="StyleCop.Analyzers" Version="1.1.118"><PrivateAssets>All</PrivateAssets></PackageReference>
  <PackageReference Include="Nerdbank.GitVersioning" Version="3.6" DevelopmentDependency="true" />
  <PackageReference Include="Serilog" Version="3.1.0" PrivateAssets="compile" />
</ItemGroup></Project>"""
    assert scopes("nuget", text, "Api.csproj") == {
        "stylecop.analyzers": "dev", "nerdbank.gitversioning": "dev", "serilog": "runtime"}
    config = '<packages><package id="Fody" version="6.8.0" developmentDependency="true" /></packages>'
    assert scopes("nuget", config, "packages.config") == {"fody": "dev"}


def test_actions_are_build() -> None:
    found = scopes("github-actions", fixture("dependency_b/actions/after.ci.yml"), ".github/workflows/ci.yml")
    assert found and set(found.values()) == {"build"}


def test_dockerfile_final_stage_is_runtime_and_earlier_stages_build() -> None:
    found = scopes("docker", fixture("dependency_b/docker/after.Dockerfile"), "Dockerfile")
    assert found == {
        "node": "build",  # the deps stage's base
        "golang": "build",  # a tools stage
        "gcr.io/distroless/nodejs18-debian12": "runtime",  # the last stage's base
        "datadog/serverless-init": "runtime",  # copied into the image that ships
        "busybox": "runtime",
        "ghcr.io/astral-sh/uv": "runtime",
        "alpine": "build",  # mounted while building
    }


def test_compose_and_kubernetes_images_are_runtime_but_test_doubles() -> None:
    compose = scopes("docker", fixture("dependency_b/docker/after.compose.yaml"), "compose.yaml")
    kube = scopes("docker", fixture("dependency_b/docker/after.k8s.yaml"), "k8s/deploy.yaml")
    assert compose.pop("axllent/mailpit") == "test"  # a mail catcher: developers' machines only
    assert compose and kube and set(compose.values()) | set(kube.values()) == {"runtime"}


@pytest.mark.parametrize(
    ("ecosystem", "relative", "path"),
    [
        ("terraform", "dependency_b/terraform/after.versions.tf", "versions.tf"),
        ("terraform", "dependency_b/terraform/after.main.tf", "main.tf"),
        ("helm", "dependency_b/helm/after.Chart.yaml", "Chart.yaml"),
    ],
)
def test_terraform_and_helm_are_runtime(ecosystem: str, relative: str, path: str) -> None:
    found = scopes(ecosystem, fixture(relative), path)
    assert found and set(found.values()) == {"runtime"}


def test_findings_carry_the_scope(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"package.json": '{"dependencies": {"react": "^18.0.0"}, "devDependencies": {"vitest": "^1.0.0"}}'})
    repo.commit({"package.json": '{"dependencies": {"react": "^18.0.0"}, "devDependencies": {"vitest": "^2.0.0"}}'})
    _, document = run_json(capsys, "--base", base)
    (finding,) = findings(document, "dependency")
    assert (finding["kind"], finding["subject"], finding["scope"]) == ("major", "vitest", "dev")


def test_type_definitions_are_build_scope_wherever_listed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"package.json": '{"dependencies": {"@types/node": "18.11.9", "next": "13.1.6"}}\n'})
    repo.commit({"package.json": '{"dependencies": {"@types/node": "20.4.4", "next": "14.0.0"}}\n'})
    code, doc = run_json(capsys, "--base", base)  # the built-in policy: a runtime major asks the CTO
    assert [(f["subject"], f["kind"], f["scope"], f["level"]) for f in findings(doc, "dependency")] == [
        ("@types/node", "major", "build", None), ("next", "major", "runtime", "cto")]
    assert code == 1



PYPROJECT_STUBS = """[project]
name = "tools"
version = "0.1.0"
dependencies = [
    "aiobotocore>=2.4.1,<3",
    "types-aiobotocore[s3]>=2.4.1,<3",
    "boto3-stubs[s3]>=1.34,<2",
]
"""


def test_python_type_stubs_are_build_scope_wherever_listed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"pyproject.toml": PYPROJECT_STUBS})
    repo.commit({"pyproject.toml": PYPROJECT_STUBS.replace('types-aiobotocore[s3]>=2.4.1,<3', 'types-aiobotocore[s3]>=3.9,<4')
                 .replace('boto3-stubs[s3]>=1.34,<2', 'boto3-stubs[s3]>=2.0,<3')
                 .replace('"aiobotocore>=2.4.1,<3"', '"aiobotocore>=3.0,<4"')})
    code, doc = run_json(capsys, "--base", base)  # the stubs never run; the client they describe does
    assert sorted((f["subject"], f["kind"], f["scope"], f["level"]) for f in findings(doc, "dependency")) == [
        ("aiobotocore", "major", "runtime", "cto"), ("boto3-stubs", "major", "build", None),
        ("types-aiobotocore", "major", "build", None)]
    assert code == 1

@pytest.mark.parametrize(("path", "before", "after", "tool", "runtime"), [
    ("requirements.txt", "fastapi==0.109.2\nblack==23.3.0\nsetuptools==65.5.1\n",
     "fastapi==1.0.0\nblack==24.3.0\nsetuptools==70.0.0\n", ["black", "setuptools"], "fastapi"),
    ("package.json", '{"dependencies": {"typescript": "^4.9.5", "webpack": "^4.46.0", "css-loader": "^5.2.0",'
     ' "react": "^17.0.2"}}\n', '{"dependencies": {"typescript": "^5.0.2", "webpack": "^5.76.3", "css-loader":'
     ' "^6.7.0", "react": "^18.2.0"}}\n', ["css-loader", "typescript", "webpack"], "react"),
    ("Gemfile", 'source "https://rubygems.org"\ngem "rails", "~> 6.1"\ngem "rubocop-govuk", "~> 4.0"\n',
     'source "https://rubygems.org"\ngem "rails", "~> 7.0"\ngem "rubocop-govuk", "~> 5.0"\n', ["rubocop-govuk"],
     "rails"),
])
def test_tools_that_check_and_build_the_code_are_build_scope_wherever_listed(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, tool: list[str], runtime: str
) -> None:
    base = repo.commit({path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)  # the built-in policy: a runtime major asks the CTO
    assert sorted((f["subject"], f["kind"], f["scope"], f["level"]) for f in findings(doc, "dependency")) == sorted(
        [(name, "major", "build", None) for name in tool] + [(runtime, "major", "runtime", "cto")])
    assert code == 1


def test_what_a_build_tool_ships_into_the_code_is_no_tool() -> None:
    assert tools.works_on_code("npm", "@babel/preset-env") and tools.works_on_code("pypi", "pytest_cov")
    assert not any(tools.works_on_code("npm", name) for name in ("@babel/runtime", "core-js", "tslib", "jsdom"))
    assert tools.scope("npm", "eslint", "dev") == "dev" and tools.scope("npm", "eslint", "runtime") == "build"


BUNDLED = """{
  "name": "quicksight-add-users",
  "scripts": {"build": "esbuild src/handler.ts --bundle --platform=node --outfile=dist/index.js"},
  "devDependencies": {"esbuild": "^0.20.0", "googleapis": "^135.0.0", "eslint": "^8.57.0"}
}
"""


def test_a_bundled_projects_hosted_service_clients_ship(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # No `dependencies` and a bundler: the Lambda is built from the development dependencies. The Google
    # client is in what ships; the linter is not.
    base = repo.commit({"package.json": BUNDLED})
    repo.commit({"package.json": BUNDLED.replace("^135.0.0", "^136.0.0").replace("^8.57.0", "^9.0.0")})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["subject"], f["kind"], f["scope"], f["level"]) for f in findings(doc, "dependency")] == [
        ("eslint", "major", "dev", None), ("googleapis", "major", "runtime", "cto")]
    assert code == 1
    # With a `dependencies` section the project says itself what ships.
    declared = BUNDLED.replace('"devDependencies"', '"dependencies": {"zod": "^3.22.0"},\n  "devDependencies"')
    base = repo.commit({"package.json": declared})
    repo.commit({"package.json": declared.replace("^135.0.0", "^136.0.0")})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["subject"], f["scope"], f["level"]) for f in findings(doc, "dependency")] == [
        ("googleapis", "dev", None)]
    assert code == 0

def test_a_dockerfile_builder_bump_is_build_and_a_runtime_bump_runtime(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = "FROM node:18 AS build\nRUN npm ci\nFROM node:18-slim\nCOPY --from=build /app /app\n"
    base = repo.commit({"Dockerfile": before})
    repo.commit({"Dockerfile": before.replace("node:18 AS", "node:20 AS")})
    _, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["scope"]) for f in findings(document, "dependency")] == [("major", "build")]
    base = repo.commit({"Dockerfile": before})
    repo.commit({"Dockerfile": before.replace("node:18-slim", "node:20-slim")})
    _, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["scope"]) for f in findings(document, "dependency")] == [("major", "runtime")]


def test_a_vendor_moved_into_production_needs_the_cto_and_one_moved_out_does_not(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"package.json": '{"dependencies": {"react": "^18.0.0"},'
                                        ' "devDependencies": {"@sentry/node": "^7.0.0"}}\n'})
    repo.commit({"package.json": '{"dependencies": {"@sentry/node": "^7.0.0"},'
                                 ' "devDependencies": {"react": "^18.0.0"}}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"], f["scope"]) for f in findings(doc, "dependency")] == [
        ("added", "@sentry/node", "runtime")]
    assert code == 1  # a vendor production now runs with


@pytest.mark.parametrize(("before", "after", "level"), [
    ("^4.16.2", "^5.1.0", "cto"),  # the migration engine's major, though only developers install its CLI
    ("^4.16.2", "^4.17.0", "engineer"),
])
def test_a_migration_tool_major_in_dev_scope_with_the_built_in_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, level: str
) -> None:
    manifest = '{{"name": "app", "dependencies": {{"next": "13.4.12"}}, "devDependencies": {{"prisma": "{0}"}}}}\n'
    base = repo.commit({"package.json": manifest.format(before)})
    repo.commit({"package.json": manifest.format(after)})
    code, doc = run_json(capsys, "--base", base)
    found = [(f["kind"], f["subject"], f["scope"], f["rule"]) for c in doc["changes"] for f in c["findings"]
             if f["type"] == "dependency"]
    assert found == [("major" if level == "cto" else "minor", "prisma", "dev",
                      "migration-tool-major" if level == "cto" else None)]
    assert doc["required_level"] == level
    assert code == (1 if level == "cto" else 0)


def test_a_deploy_tool_major_in_the_development_group_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    gemfile = 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\n\ngroup :development do\n  gem "heroku_san", "{0}"\nend\n'
    base = repo.commit({"Gemfile": gemfile.format("~> 1.3")})
    repo.commit({"Gemfile": gemfile.format("~> 2.1")})
    code, doc = run_json(capsys, "--base", base)
    found = [(f["kind"], f["subject"], f["scope"], f["rule"]) for c in doc["changes"] for f in c["findings"]
             if f["type"] == "dependency"]
    assert found == [("major", "heroku_san", "dev", "deploy-tool-major")]
    assert code == 1
