"""Gradle's Kotlin DSL: which files, what is read, in which scope; and the built-in policy's verdicts by the CLI."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import gradle
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.conftest import Repo, levels_by_path
from tests.fixtures.dependency_b.helpers import dependency_findings, fixture, summary

BUILD = fixture("gradle/build.gradle.kts")


@pytest.mark.parametrize(
    ("path", "manifest"),
    [("build.gradle.kts", True), ("api/build.gradle.kts", True), ("settings.gradle.kts", True),
     ("build.gradle", True), ("settings.gradle", True), ("gradle.properties", False), ("buildSrc/src/main/kotlin/Deps.kt", False)],
)
def test_which_files_are_manifests(path: str, manifest: bool) -> None:
    assert gradle.is_manifest(path) is manifest
    assert not gradle.is_lockfile(path)


def test_the_build_script_is_read_with_its_scopes() -> None:
    found = {(r.name, r.constraint, r.scope) for r in gradle.parse(BUILD, "build.gradle.kts")}
    assert found == {
        # Plugins: the framework's and the language's are what production runs on; the rest build it.
        ("org.springframework.boot", "3.2.5", "runtime"),
        ("io.spring.dependency-management", "1.1.4", "build"),
        ("io.gitlab.arturbosch.detekt", "1.23.4", "build"),
        ("org.jetbrains.kotlin.jvm", "1.9.23", "runtime"),
        ("org.jetbrains.kotlin.plugin.spring", "1.9.23", "runtime"),
        ("org.flywaydb:flyway-database-postgresql", "10.11.0", "build"),  # buildscript's classpath
        ("io.sentry:sentry-bom", "7.8.0", "runtime"),  # platform(...)
        ("org.springframework.boot:spring-boot-starter-web", "", "runtime"),
        ("org.springdoc:springdoc-openapi-starter-webmvc-ui", "2.5.0", "runtime"),
        ("org.jetbrains.kotlin:kotlin-stdlib", "", "runtime"),
        ("com.fasterxml.jackson.module:jackson-module-kotlin", "2.17.0", "runtime"),
        ("org.postgresql:postgresql", "42.7.3", "runtime"),
        ("org.projectlombok:lombok", "1.18.32", "build"),
        ("org.springframework.boot:spring-boot-devtools", "", "dev"),
        ("io.cucumber:cucumber-java8", "7.11.2", "test"),  # $cucumberVersion, a val of the file
        ("org.testcontainers:postgresql", "1.19.7", "test"),
        ("org.wiremock:wiremock-standalone", "3.5.2", "test"),
        # `by project`: set in gradle.properties, not read; compared as written.
        ("io.sentry:sentry-spring-boot-starter-jakarta", "$sentryVersion", "runtime"),
    }


def test_a_script_that_does_not_read_is_refused_with_its_line() -> None:
    with pytest.raises(ManifestError) as error:
        gradle.parse('plugins {\n  id("a") version "1"\n}\ndependencies {\n  implementation("x:y:1"\n', "build.gradle.kts")
    assert error.value.line is not None


def test_a_framework_plugin_major_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"build.gradle.kts": BUILD},
                                {"build.gradle.kts": BUILD.replace('boot") version "3.2.5"', 'boot") version "4.0.0"')})
    assert summary(found) == {("major", "org.springframework.boot", "3.2.5", "4.0.0")}
    assert [(f["scope"], f["ecosystem"], f["level"]) for f in found] == [("runtime", "gradle", "cto")]


def test_a_test_library_major_and_a_runtime_minor_are_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = BUILD.replace('cucumberVersion = "7.11.2"', 'cucumberVersion = "8.0.0"').replace(
        "postgresql:42.7.3", "postgresql:42.8.0").replace('detekt") version "1.23.4"', 'detekt") version "2.0.0"')
    found = dependency_findings(repo, capsys, {"build.gradle.kts": BUILD}, {"build.gradle.kts": after})
    assert {(f["kind"], f["subject"], f["scope"]) for f in found} == {
        ("major", "io.cucumber:cucumber-java8", "test"),
        ("major", "io.gitlab.arturbosch.detekt", "build"),
        ("minor", "org.postgresql:postgresql", "runtime"),
    }
    assert {f["rule"] for f in found} == {None}  # no rule asks anyone: the default level, the engineer's


def test_a_vendor_sdk_added_to_a_build_script_is_a_new_vendor(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The packages are Maven's, so the vendor catalogue's Maven entries name them."""
    after = BUILD.replace('  runtimeOnly(', '  implementation("com.stripe:stripe-java:25.3.0")\n  runtimeOnly(', 1)
    found = dependency_findings(repo, capsys, {"build.gradle.kts": BUILD}, {"build.gradle.kts": after})
    assert [(f["kind"], f["subject"], f["vendor"], f["rule"], f["level"]) for f in found] == [
        ("added", "com.stripe:stripe-java", "payments", "new-vendor", "cto")
    ]


def test_a_broken_build_script_is_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = BUILD.replace("dependencies {\n  implementation(platform", "dependencies {\n  implementation((platform", 1)
    found = dependency_findings(repo, capsys, {"build.gradle.kts": BUILD}, {"build.gradle.kts": broken})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [("unparsed", "build.gradle.kts", "cto")]


def test_the_hook_reads_a_staged_build_script(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    from ownership_gate.cli import main

    repo.commit({"build.gradle.kts": BUILD})
    repo.stage({"build.gradle.kts": BUILD.replace('kotlin("jvm") version "1.9.23"', 'kotlin("jvm") version "2.0.0"')})
    code = main(["check", "--staged", "--format", "json"])
    import json

    document = json.loads(capsys.readouterr().out)
    assert levels_by_path(document) == {"build.gradle.kts": "cto"} and code == 1
