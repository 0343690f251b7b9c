"""sbt builds: which files, what is read, in which scope; and the built-in policy's verdicts by the CLI."""

from __future__ import annotations

import json

import pytest

from ownership_gate.classifiers.dependency.ecosystems import sbt
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.conftest import Repo, levels_by_path
from tests.fixtures.dependency_b.helpers import dependency_findings, fixture, summary

BUILD = fixture("sbt/build.sbt")
DEPENDENCIES = fixture("sbt/project/Dependencies.scala")
PLUGINS = fixture("sbt/project/plugins.sbt")
PROPERTIES = fixture("sbt/project/build.properties")


def read(text: str, path: str = "build.sbt") -> set[tuple[str, str, str]]:
    return {(r.name, r.constraint, r.scope) for r in sbt.parse(text, path)}


@pytest.mark.parametrize(
    ("path", "manifest"),
    [("build.sbt", True), ("api/build.sbt", True), ("version.sbt", True), ("project/plugins.sbt", True),
     ("project/Dependencies.scala", True), ("project/build.properties", True), ("api/project/Versions.scala", True),
     ("src/main/scala/App.scala", False), ("src/main/scala/acme/project/Project.scala", False),
     ("build.properties", False), ("src/main/resources/build.properties", False),
     ("src/sbt-test/plugin/simple/build.sbt", False), ("build.gradle.kts", False)],
)
def test_which_files_are_manifests(path: str, manifest: bool) -> None:
    assert sbt.is_manifest(path) is manifest
    assert not sbt.is_lockfile(path)


def test_the_build_is_read_with_its_scopes() -> None:
    assert read(BUILD) == {
        ("scala", "2.13.13", "runtime"),  # ThisBuild / scalaVersion, and one of crossScalaVersions
        ("scala", "2.12.19", "runtime"),  # crossScalaVersions' `scala212`, a val of the file
        ("org.apache.pekko:pekko-http", "1.0.2", "runtime"),  # Versions.pekko
        ("io.circe:circe-core", "0.14.6", "runtime"),
        ("io.circe:circe-generic", "0.14.6", "runtime"),
        ("ch.qos.logback:logback-classic", "1.5.3", "runtime"),  # `exclude (...)` after it
        ("net.logstash.logback:logstash-logback-encoder", "8.1", "runtime"),
        ("org.postgresql:postgresql", "42.7.3", "runtime"),
        ("com.typesafe.slick:slick", "3.5.0", "runtime"),  # `(...).cross(...)`
        ("javax.servlet:javax.servlet-api", "4.0.1", "runtime"),  # Provided, as Maven's `provided`
        # Set in project/Dependencies.scala, another file: compared as written.
        ("io.sentry:sentry-logback", "sentryVersion", "runtime"),
        ("org.scalatest:scalatest", "3.2.18", "test"),  # a val, used as `scalatest % Test`
        ("org.mockito:mockito-scala", "1.17.30", "test"),
        ("com.dimafeng:testcontainers-scala-postgresql", "0.41.3", "test"),  # IntegrationTest
        ("org.wiremock:wiremock", "3.4.2", "test"),  # "it,test", then `classifier "tests"`
        ("org.typelevel:kind-projector", "0.13.3", "build"),  # addCompilerPlugin
        # Not required: excludeDependencies' rule, libraryDependencySchemes' scheme, the project's own module.
    }


def test_project_scala_files_are_read_with_the_scopes_their_uses_give() -> None:
    assert read(DEPENDENCIES, "project/Dependencies.scala") == {
        ("org.typelevel:cats-core", "2.10.0", "runtime"),  # V.cats, inside `object Dependencies`
        ("org.http4s:http4s-ember-server", "0.23.26", "runtime"),
        ("org.http4s:http4s-ember-client", "0.23.26", "runtime"),
        ("org.scalameta:munit", "1.0.0-M11", "test"),  # used in `Seq(munit, ...).map(_ % Test)`
        ("org.typelevel:munit-cats-effect", "2.0.0-M4", "test"),
    }


def test_plugins_and_the_sbt_release_are_build_except_a_framework_s() -> None:
    assert read(PLUGINS, "project/plugins.sbt") == {
        ("com.github.sbt:sbt-native-packager", "1.9.16", "build"),
        ("org.scalameta:sbt-scalafmt", "2.5.2", "build"),
        ("org.playframework:sbt-plugin", "3.0.2", "runtime"),  # the Play version the application runs on
        ("org.postgresql:postgresql", "42.7.3", "build"),  # the build's own classpath
    }
    (release,) = sbt.parse(PROPERTIES, "project/build.properties")
    assert (release.name, release.constraint, release.scope, release.line) == ("sbt", "1.9.9", "build", 2)


@pytest.mark.parametrize(("configuration", "scope"), [
    ("Test", "test"), ('"test"', "test"), ('"it"', "test"), ("IntegrationTest", "test"), ('"it,test"', "test"),
    ('"test->test"', "test"), ("Configurations.Test", "test"), ("Provided", "runtime"), ('"provided"', "runtime"),
    ('"compile"', "runtime"), ("Runtime", "runtime"), ('"compile->compile;test->test"', "runtime"),
    ('"plugin->default(compile)"', "build"),
])
def test_the_configuration_gives_the_scope(configuration: str, scope: str) -> None:
    text = f'libraryDependencies += "org.example" %% "lib" % "1.2.0" % {configuration}\n'
    assert read(text) == {("org.example:lib", "1.2.0", scope)}


def test_versions_are_resolved_by_name_within_the_file() -> None:
    text = """
object Versions {
  val circe = "0.14.1"
  val cats = s"2.$catsMinor.0"
  val doobie = "1.0.0-" + milestone
}
object Legacy { val circe = "0.13.0" }
val catsMinor = "10"
val milestone = "RC5"
import Versions._
libraryDependencies ++= Seq(
  "io.circe" %% "circe-core" % Versions.circe,
  "io.circe" %% "circe-parser" % circe,
  "org.typelevel" %% "cats-core" % cats,
  "org.tpolecat" %% "doobie-core" % doobie,
  "com.github.pureconfig" %% "pureconfig" % Other.pureconfig,
)
"""
    assert read(text) == {
        ("io.circe:circe-core", "0.14.1", "runtime"),
        # Two vals of that name with different strings: which one is meant is not said here.
        ("io.circe:circe-parser", "circe", "runtime"),
        ("org.typelevel:cats-core", "2.10.0", "runtime"),
        ("org.tpolecat:doobie-core", "1.0.0-RC5", "runtime"),
        ("com.github.pureconfig:pureconfig", "Other.pureconfig", "runtime"),
    }
    lines = {r.name: r.line for r in sbt.parse(text, "build.sbt")}
    assert lines["io.circe:circe-core"] == 3  # the val's line, where a bump is written


def test_the_scala_binary_version_is_not_part_of_the_subject() -> None:
    text = ('libraryDependencies ++= Seq("org.typelevel" % "cats-core_2.13" % "2.10.0", '
            '"org.typelevel" %%% "cats-effect" % "3.5.4", "com.lihaoyi" % "ujson_sjs1_3" % "3.1.5")\n')
    assert {r.name for r in sbt.parse(text, "build.sbt")} == {
        "org.typelevel:cats-core", "org.typelevel:cats-effect", "com.lihaoyi:ujson"}


def test_ordinary_scala_requires_nothing() -> None:
    hook = """import play.sbt.PlayRunHook
import sbt._

object NpmRunHook {
  def apply(base: File): PlayRunHook = new PlayRunHook {
    override def beforeStarted(): Unit = Process("npm install", base / "npm").!
  }
}
"""
    assert sbt.parse(hook, "project/NpmRunHook.scala") == []
    assert sbt.parse("ThisBuild / version := \"1.4.2-SNAPSHOT\"\n", "version.sbt") == []


def test_a_file_that_is_not_scala_is_refused_with_its_line() -> None:
    with pytest.raises(ManifestError) as error:
        sbt.parse('scalaVersion := "2.13.13"\nlibraryDependencies ++= Seq(\n  "a" % "b" % "1",\n', "build.sbt")
    assert error.value.line is not None
    with pytest.raises(ManifestError) as error:  # Groovy: Scala has no single-quoted strings
        sbt.parse("dependencies {\n  implementation 'org.postgresql:postgresql:42.7.3'\n}\n", "project/Deps.scala")
    assert error.value.line == 2


def test_a_runtime_library_major_through_a_val_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = BUILD.replace('logstashVersion = "8.1"', 'logstashVersion = "9.0"')
    found = dependency_findings(repo, capsys, {"build.sbt": BUILD}, {"build.sbt": after})
    assert summary(found) == {("major", "net.logstash.logback:logstash-logback-encoder", "8.1", "9.0")}
    assert [(f["scope"], f["ecosystem"], f["level"], f["line"]) for f in found] == [("runtime", "sbt", "cto", 7)]


def test_a_test_library_major_and_a_build_plugin_major_are_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {"build.sbt": BUILD, "project/plugins.sbt": PLUGINS}
    after = {"build.sbt": BUILD.replace('"1.17.30" % "test"', '"2.0.0" % "test"'),
             "project/plugins.sbt": PLUGINS.replace('"sbt-scalafmt" % "2.5.2"', '"sbt-scalafmt" % "3.0.0"')}
    found = dependency_findings(repo, capsys, before, after)
    assert {(f["kind"], f["subject"], f["scope"]) for f in found} == {
        ("major", "org.mockito:mockito-scala", "test"),
        ("major", "org.scalameta:sbt-scalafmt", "build"),
    }
    assert {f["rule"] for f in found} == {None}  # no rule asks anyone: the default level, the engineer's


def test_scala_2_to_3_is_a_runtime_major(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = BUILD.replace('ThisBuild / scalaVersion := "2.13.13"', 'ThisBuild / scalaVersion := "3.3.3"')
    found = dependency_findings(repo, capsys, {"build.sbt": BUILD}, {"build.sbt": after})
    assert [(f["kind"], f["subject"], f["from"], f["to"], f["scope"], f["level"]) for f in found] == [
        ("major", "scala", "2.13.13", "3.3.3", "runtime", "cto")]


@pytest.mark.parametrize(("before", "after", "kind", "level"), [
    # Scala 2 numbers its releases epoch.major.minor: 2.12 to 2.13 breaks binary compatibility.
    ("2.13.13", "2.12.19", "major", "cto"),
    ('2.12.19', "2.13.13", "major", "cto"),
    ("2.13.12", "2.13.13", "patch", None),
    # Scala 3 keeps its minors compatible.
    ("3.3.3", "3.4.1", "minor", None),
])
def test_a_scala_2_release_step_is_a_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str, level: str | None,
) -> None:
    build = 'ThisBuild / scalaVersion := "VERSION"\nlibraryDependencies += "org.typelevel" %% "cats-core" % "2.10.0"\n'
    found = dependency_findings(repo, capsys, {"build.sbt": build.replace("VERSION", before)},
                                {"build.sbt": build.replace("VERSION", after)})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [(kind, "scala", level)]


def test_a_scala_version_kept_in_a_project_scala_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`scalaVersion := Settings.versions.scala` in `build.sbt`, the version in `project/Settings.scala`."""
    settings = 'object Settings {\n  object versions {\n    val scala = "2.11.8"\n    val akka = "2.5.13"\n  }\n}\n'
    found = dependency_findings(repo, capsys, {"project/Settings.scala": settings},
                                {"project/Settings.scala": settings.replace("2.11.8", "2.12.8")})
    assert [(f["kind"], f["subject"], f["scope"], f["level"]) for f in found] == [("major", "scala", "runtime", "cto")]


def test_a_shared_version_bumped_in_project_dependencies(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = DEPENDENCIES.replace('http4s = "0.23.26"', 'http4s = "1.0.0"').replace('"1.0.0-M11"', '"1.0.0"')
    found = dependency_findings(repo, capsys, {"project/Dependencies.scala": DEPENDENCIES},
                                {"project/Dependencies.scala": after})
    assert {(f["kind"], f["subject"], f["scope"], f["level"]) for f in found} == {
        ("major", "org.http4s:http4s-ember-server", "runtime", "cto"),
        ("major", "org.http4s:http4s-ember-client", "runtime", "cto"),
        ("changed", "org.scalameta:munit", "test", None),  # a milestone to its release
    }


def test_a_vendor_sdk_added_to_a_build_is_a_new_vendor(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The packages are Maven's, so the vendor catalogue's Maven entries name them."""
    after = BUILD.replace('      "org.postgresql"', '      "com.stripe" % "stripe-java" % "25.3.0",\n      "org.postgresql"')
    found = dependency_findings(repo, capsys, {"build.sbt": BUILD}, {"build.sbt": after})
    assert [(f["kind"], f["subject"], f["vendor"], f["rule"], f["level"]) for f in found] == [
        ("added", "com.stripe:stripe-java", "payments", "new-vendor", "cto")
    ]


def test_a_changed_reference_set_in_another_file_is_still_a_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    after = BUILD.replace("% sentryVersion", "% sentryNextVersion")
    found = dependency_findings(repo, capsys, {"build.sbt": BUILD}, {"build.sbt": after})
    assert summary(found) == {("changed", "io.sentry:sentry-logback", "sentryVersion", "sentryNextVersion")}


def test_a_broken_build_is_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = BUILD.replace("libraryDependencies ++= Seq(", "libraryDependencies ++= Seq((", 1)
    found = dependency_findings(repo, capsys, {"build.sbt": BUILD}, {"build.sbt": broken})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [("unparsed", "build.sbt", "cto")]


def test_the_hook_reads_a_staged_build(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    from ownership_gate.cli import main

    repo.commit({"build.sbt": BUILD})
    repo.stage({"build.sbt": BUILD.replace('"postgresql" % "42.7.3"', '"postgresql" % "43.0.0"')})
    code = main(["check", "--staged", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert levels_by_path(document) == {"build.sbt": "cto"} and code == 1
