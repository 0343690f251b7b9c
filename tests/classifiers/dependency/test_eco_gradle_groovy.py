"""Gradle's Groovy build scripts: which files, what is read, in which scope, what fails closed; and the built-in
policy's verdicts by the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ownership_gate.classifiers.dependency.ecosystems import gradle
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.formats import treesitter
from tests.conftest import Repo, levels_by_path, run_json
from tests.fixtures.dependency_b.helpers import dependency_findings, summary

BUILD = """\
buildscript {
    ext {
        flywayVersion = '11.20.3'
    }
    dependencies {
        classpath("org.flywaydb:flyway-database-postgresql:${flywayVersion}")
    }
}

plugins {
    id 'java'
    id 'org.springframework.boot' version '3.5.14'
    id "io.spring.dependency-management" version "1.1.7"
    id 'com.github.ben-manes.versions' version '0.53.0' apply false
    alias libs.plugins.sonar
}

def versions = [
    reformLogging: '6.1.9',
]
def cucumberVersion = '7.20.1'
ext.testcontainersVersion = '1.21.3'

task integration(type: Test) {
    description = 'Runs the integration tests.'
    testClassesDirs = sourceSets.integrationTest.output.classesDirs
    classpath = sourceSets.integrationTest.runtimeClasspath
}

dependencies {
    implementation platform('io.sentry:sentry-bom:8.13.2')
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation group: 'org.flywaydb', name: 'flyway-core', version: flywayVersion
    implementation group: 'com.github.hmcts.java-logging', name: 'logging', version: versions.reformLogging
    implementation("org.springdoc:springdoc-openapi-starter-webmvc-ui:2.8.9") {
        exclude group: 'org.yaml', module: 'snakeyaml'
    }
    implementation project(':common')
    implementation libs.commons.lang3,
        files('lib/vendor.jar')
    runtimeOnly 'org.postgresql:postgresql:42.7.7'
    compileOnly 'org.projectlombok:lombok:1.18.38'
    annotationProcessor 'org.projectlombok:lombok:1.18.38'
    developmentOnly 'org.springframework.boot:spring-boot-devtools'
    testImplementation "io.cucumber:cucumber-java:$cucumberVersion"
    testImplementation "org.testcontainers:postgresql:${testcontainersVersion}"
    integrationTestImplementation group: 'org.wiremock', name: 'wiremock-standalone', version: '3.13.1', {
        exclude group: 'org.eclipse.jetty'
    }
}

tasks.withType(Test).configureEach { task ->
    task.useJUnitPlatform()
}
"""


@pytest.mark.parametrize(
    ("path", "manifest"),
    [("build.gradle", True), ("api/build.gradle", True), ("settings.gradle", True), ("build.gradle.kts", True),
     ("gradle.properties", False), ("gradle/libs.versions.toml", False), ("buildSrc/src/main/groovy/x.gradle", False)],
)
def test_which_files_are_manifests(path: str, manifest: bool) -> None:
    assert gradle.is_manifest(path) is manifest
    assert not gradle.is_lockfile(path)


def test_the_build_script_is_read_with_its_scopes() -> None:
    found = {(r.name, r.constraint, r.scope) for r in gradle.parse(BUILD, "build.gradle")}
    assert found == {
        # Plugins: Spring Boot's version is what production runs on; the others build it.
        ("org.springframework.boot", "3.5.14", "runtime"),
        ("io.spring.dependency-management", "1.1.7", "build"),
        ("com.github.ben-manes.versions", "0.53.0", "build"),
        ("org.flywaydb:flyway-database-postgresql", "11.20.3", "build"),  # buildscript's classpath, an ext value
        ("io.sentry:sentry-bom", "8.13.2", "runtime"),  # platform(...)
        ("org.springframework.boot:spring-boot-starter-web", "", "runtime"),
        ("org.flywaydb:flyway-core", "11.20.3", "runtime"),  # map notation, `version: flywayVersion`
        ("com.github.hmcts.java-logging:logging", "6.1.9", "runtime"),  # a map's entry
        ("org.springdoc:springdoc-openapi-starter-webmvc-ui", "2.8.9", "runtime"),
        ("org.postgresql:postgresql", "42.7.7", "runtime"),
        ("org.projectlombok:lombok", "1.18.38", "build"),
        ("org.springframework.boot:spring-boot-devtools", "", "dev"),
        ("io.cucumber:cucumber-java", "7.20.1", "test"),  # `$cucumberVersion`, a def
        ("org.testcontainers:postgresql", "1.21.3", "test"),  # `${testcontainersVersion}`, ext.
        ("org.wiremock:wiremock-standalone", "3.13.1", "test"),
    }


def test_each_declaration_keeps_its_line() -> None:
    lines = BUILD.splitlines()
    for requirement in gradle.parse(BUILD, "build.gradle"):
        name = requirement.name.split(":")[-1]
        assert name in lines[requirement.line - 1], requirement


def test_errors_outside_the_blocks_are_tolerated() -> None:
    """The grammar reads neither `task x(type: Test) {` nor a closure's `->`; neither is where packages are named."""
    assert treesitter.has_errors(treesitter.parse("groovy", BUILD.encode("utf-8")).root_node)
    script = (
        "jar {\n    archiveFileName = layout.buildDirectory.file('app.jar').get()\n        .asFile\n        .name\n}\n"
        "dependencies {\n    api 'com.google.guava:guava:33.4.8-jre'\n}\n"
        "task fortifyScan(type: JavaExec) {\n    mainClass = 'uk.gov.hmcts.fortifyclient.FortifyClientMainApp'\n}\n"
    )
    assert [(r.name, r.constraint, r.line) for r in gradle.parse(script, "build.gradle")] == [
        ("com.google.guava:guava", "33.4.8-jre", 7)
    ]


def test_plugin_forms_and_the_settings_script() -> None:
    settings = (
        "pluginManagement {\n    plugins {\n        id('org.jetbrains.kotlin.jvm').version('2.2.0')\n    }\n}\n"
        'plugins {\n    id("org.gradle.toolchains.foojay-resolver-convention") version "1.0.0"\n}\n'
        "rootProject.name = 'shop'\ninclude 'api', 'common'\n"
    )
    assert {(r.name, r.constraint, r.scope) for r in gradle.parse(settings, "settings.gradle")} == {
        ("org.jetbrains.kotlin.jvm", "2.2.0", "runtime"),
        ("org.gradle.toolchains.foojay-resolver-convention", "1.0.0", "build"),
    }


@pytest.mark.parametrize(
    ("broken", "message", "line"),
    [
        # A closing quote not yet typed.
        (BUILD.replace("'org.postgresql:postgresql:42.7.7'", "'org.postgresql:postgresql:42.7.7"),
         "a string in the dependencies block is not closed", 41),
        # A parenthesis too many.
        (BUILD.replace('implementation("org.springdoc', 'implementation(("org.springdoc'),
         "a declaration in the dependencies block does not read as Groovy", 35),
        # Map notation broken by a closure between its entries: the version after it would be lost.
        (BUILD.replace("version: '3.13.1', {\n        exclude group: 'org.eclipse.jetty'\n    }",
                       "{\n        exclude group: 'org.eclipse.jetty'\n    }, version: '3.13.1'"),
         "a declaration in the dependencies block does not read as Groovy", 47),
        # A declaration under an `if`, which the reader does not follow.
        (BUILD.replace("    runtimeOnly 'org.postgresql:postgresql:42.7.7'\n",
                       "    if (offline) {\n        implementation fileTree(dir: 'libs', include: '*.jar')\n    } else {\n"
                       "        runtimeOnly 'org.postgresql:postgresql:42.7.7'\n    }\n"),
         "the dependencies block does not read as Groovy", 30),
        # A block's closing brace lost: Gradle refuses the script, and so does the reader.
        (BUILD.replace("        exclude group: 'org.eclipse.jetty'\n    }\n", "        exclude group: 'x'\n"),
         "a brace is opened that is never closed", 30),
    ],
)
def test_a_broken_dependencies_block_fails_closed_at_its_line(broken: str, message: str, line: int) -> None:
    with pytest.raises(ManifestError) as error:
        gradle.parse(broken, "build.gradle")
    assert (str(error.value), error.value.line) == (message, line)


def test_an_error_on_a_line_that_names_no_package_is_tolerated() -> None:
    """`alias libs.plugins.sonar` does not read either; a version catalogue's entry is not read anyway."""
    script = "plugins {\n    alias libs.plugins.sonar apply false\n    id 'org.sonarqube' version '6.2.0.5505'\n}\n"
    assert [(r.name, r.constraint) for r in gradle.parse(script, "build.gradle")] == [("org.sonarqube", "6.2.0.5505")]


def test_the_kotlin_dsl_is_still_read_by_its_own_reader() -> None:
    script = 'plugins {\n  id("org.springframework.boot") version "3.5.14"\n}\n'
    assert [(r.name, r.constraint) for r in gradle.parse(script, "build.gradle.kts")] == [
        ("org.springframework.boot", "3.5.14")]
    with pytest.raises(ManifestError):  # Groovy is not Kotlin: the Kotlin reader refuses it
        gradle.parse(BUILD, "build.gradle.kts")


def test_a_spring_boot_plugin_major_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = BUILD.replace("id 'org.springframework.boot' version '3.5.14'", "id 'org.springframework.boot' version '4.0.6'")
    found = dependency_findings(repo, capsys, {"build.gradle": BUILD}, {"build.gradle": after})
    assert summary(found) == {("major", "org.springframework.boot", "3.5.14", "4.0.6")}
    assert [(f["type"], f["scope"], f["ecosystem"], f["rule"], f["level"]) for f in found] == [
        ("dependency", "runtime", "gradle", "runtime-major", "cto")]


def test_a_runtime_library_major_in_map_notation_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = BUILD.replace("flywayVersion = '11.20.3'", "flywayVersion = '12.0.2'")
    found = dependency_findings(repo, capsys, {"build.gradle": BUILD}, {"build.gradle": after})
    assert {(f["kind"], f["subject"], f["scope"], f["rule"], f["level"]) for f in found} == {
        ("major", "org.flywaydb:flyway-core", "runtime", "runtime-major", "cto"),
        # buildscript's classpath is build, but the tool that applies migrations is the CTO's in any scope
        ("major", "org.flywaydb:flyway-database-postgresql", "build", "migration-tool-major", "cto"),
    }


def test_a_test_library_major_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = "plugins {\n    id 'java'\n}\n\ndependencies {\n    testImplementation 'org.junit.jupiter:junit-jupiter:5.10.0'\n}\n"
    repo.commit({"README.md": "shop\n", "build.gradle": before}, message="before")
    base = repo.git("rev-parse", "HEAD")
    repo.commit({"build.gradle": before.replace("5.10.0", "6.0.0")}, message="after")
    code, document = run_json(capsys, "--base", base, "--head", "HEAD")
    assert [(f["kind"], f["subject"], f["scope"], f["rule"]) for c in document["changes"] for f in c["findings"]] == [
        ("major", "org.junit.jupiter:junit-jupiter", "test", None)]
    assert levels_by_path(document) == {"build.gradle": "engineer"} and code == 0


def test_a_broken_build_script_is_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = BUILD.replace("'org.postgresql:postgresql:42.7.7'", "'org.postgresql:postgresql:42.7.7")
    found = dependency_findings(repo, capsys, {"build.gradle": BUILD}, {"build.gradle": broken})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [("unparsed", "build.gradle", "cto")]


_RUN = """
import json, sys
from ownership_gate.cli import main
code = main(["check", "--staged", "--format", "json", "--output", "out.json"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_the_hook_loads_only_the_groovy_grammar_for_a_staged_groovy_script(repo: Repo) -> None:
    repo.commit({"build.gradle": BUILD})
    repo.stage({"build.gradle": BUILD.replace("version '3.5.14'", "version '4.0.6'")})
    done = subprocess.run([sys.executable, "-c", _RUN], cwd=repo.root, capture_output=True, text=True, check=True)
    modules = set(json.loads(done.stdout.splitlines()[-1])["modules"])
    report = json.loads((repo.root / "out.json").read_text("utf-8"))
    assert levels_by_path(report) == {"build.gradle": "cto"}
    assert {"tree_sitter_groovy", "ownership_gate.classifiers.dependency.ecosystems.gradle_groovy_read"} <= modules
    assert "tree_sitter_kotlin" not in modules
