from __future__ import annotations

import time

import pytest

from ownership_gate.classifiers.dependency.ecosystems import maven
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.conftest import Repo
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

BEFORE = fixture("maven/before.pom.xml")
AFTER = fixture("maven/after.pom.xml")
CHILD = fixture("maven/child.pom.xml")


def test_parse_reads_parent_dependencies_management_plugins_and_profiles() -> None:
    found = {r.name: r for r in maven.parse(BEFORE, "pom.xml")}
    assert found["org.springframework.boot:spring-boot-starter-parent"].constraint == "3.1.5"
    assert found["software.amazon.awssdk:bom"].constraint == "2.20.0"
    # `${guava.version}` resolves, and the line is the property's, where a bump happens
    assert found["com.google.guava:guava"].constraint == "32.1.2-jre"
    assert found["com.google.guava:guava"].line == 20
    assert found["org.apache.maven.plugins:maven-surefire-plugin"].constraint == "3.1.2"
    assert found["org.graalvm.buildtools:native-maven-plugin"].constraint == "0.9.27"
    assert found["org.springframework.boot:spring-boot-starter-web"].constraint == ""
    assert found["com.example:shop-model"].constraint == "${project.version}"
    assert found["com.example:shop-client"].constraint == "${project.version}"
    # exclusions and plugin configuration are not dependencies
    assert "org.opentest4j:opentest4j" not in found and "not.a:dependency" not in found


def test_pom_without_namespace_parses_the_same() -> None:
    plain = BEFORE.replace(' xmlns="http://maven.apache.org/POM/4.0.0"', "")
    assert maven.parse(plain, "pom.xml") == maven.parse(BEFORE, "pom.xml")


@pytest.mark.parametrize(
    ("constraint", "low"),
    [("1.0", (1, 0)), ("[1.0]", (1, 0)), ("[1.0,2.0)", (1, 0)), ("(1.5,)", (1, 5)),
     ("(,1.0]", None), ("[1.2,1.3),[1.5,)", (1, 2)), ("3.2.0.RELEASE", (3, 2, 0)),
     ("${missing.version}", None), ("31.1-jre", (31, 1))],
)
def test_lowest_reads_maven_version_ranges(constraint: str, low: tuple[int, ...] | None) -> None:
    assert maven.lowest(constraint) == low


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"pom.xml": BEFORE}, {"pom.xml": AFTER})
    assert summary(found) == {
        ("minor", "org.springframework.boot:spring-boot-starter-parent", "3.1.5", "3.2.0"),
        ("patch", "com.google.guava:guava", "32.1.2-jre", "32.1.3-jre"),
        ("major", "org.flywaydb:flyway-core", "9.22.3", "10.0.0"),
        ("minor", "software.amazon.awssdk:bom", "2.20.0", "2.21.0"),
        ("removed", "org.apache.commons:commons-lang3", "3.13.0", None),
        ("added", "com.stripe:stripe-java", None, "24.0.0"),
        ("changed", "io.micrometer:micrometer-core", "[1.10,2.0)", "[1.10]"),  # a pin
        ("changed", "com.squareup.okhttp3:okhttp", "4.12.0", "4.11.0"),  # a rollback
        ("minor", "org.apache.maven.plugins:maven-surefire-plugin", "3.1.2", "3.2.2"),
        ("patch", "org.graalvm.buildtools:native-maven-plugin", "0.9.27", "0.9.28"),
    }
    assert by_subject(found)["org.flywaydb:flyway-core"]["line"] == 21
    assert by_subject(found)["com.stripe:stripe-java"]["level"] == "cto"
    assert by_subject(found)["com.google.guava:guava"]["level"] is None


JAVA_POM = """<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>content</artifactId>
  <version>1.0</version>
  <properties>
    <java.version>{java}</java.version>
  </properties>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.11.0</version>
        <configuration>
          <source>${{java.version}}</source>
          <target>${{java.version}}</target>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
"""


@pytest.mark.parametrize(("before", "after", "expected"), [
    # Java 8 and earlier are written `1.8`: 7 to 8 is a major, as 17 to 21 is.
    ("1.7", "1.8", {("major", "java", "7", "8")}),
    ("17", "21", {("major", "java", "17", "21")}),
    ("21", "21", set()),
])
def test_the_java_release_a_project_is_compiled_for_is_its_runtime(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, expected: set[tuple[str, ...]]
) -> None:
    found = dependency_findings(repo, capsys, {"pom.xml": JAVA_POM.format(java=before)},
                                {"pom.xml": JAVA_POM.format(java=after)})
    assert {f for f in summary(found) if f[1] == "java"} == expected
    if expected:
        assert by_subject(found)["java"]["scope"] == "runtime" and by_subject(found)["java"]["level"] == "cto"


def test_the_compilers_release_comes_before_the_properties() -> None:
    pom = JAVA_POM.format(java="17").replace("<target>${java.version}</target>", "<release>21</release>")
    found = {r.name: r for r in maven.parse(pom, "pom.xml")}
    assert found["java"].constraint == "21" and found["java"].scope == "runtime"
    bare = JAVA_POM.format(java="17").replace("<java.version>17</java.version>", "<maven.compiler.release>11"
                                              "</maven.compiler.release>").split("<build>")[0] + "</project>\n"
    assert {r.name: r.constraint for r in maven.parse(bare, "pom.xml")} == {"java": "11"}


def test_a_release_of_a_multi_module_project_is_no_dependency_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    released = CHILD.replace("1.4.0", "1.5.0").replace("6.2.6.RELEASE", "6.2.7.RELEASE")
    found = dependency_findings(repo, capsys, {"worker/pom.xml": CHILD},
                                {"worker/pom.xml": released})
    assert summary(found) == {
        ("patch", "io.lettuce:lettuce-core", "6.2.6.RELEASE", "6.2.7.RELEASE"),
    }


def test_reordering_sections_changes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    start = BEFORE.index("\n  <dependencyManagement>")
    end = BEFORE.index("\n  <dependencies>")
    management = BEFORE[start:end]
    moved = BEFORE.replace(management, "").replace("\n  <build>", management + "\n  <build>")
    assert moved != BEFORE
    assert dependency_findings(repo, capsys, {"pom.xml": BEFORE}, {"pom.xml": moved}) == []


def test_property_cycles_stop_and_stay_unresolved() -> None:
    text = (
        "<project><properties><a>${b}</a><b>${a}</b></properties><dependencies>"
        "<dependency><groupId>g</groupId><artifactId>x</artifactId><version>${a}</version>"
        "</dependency></dependencies></project>"
    )
    (found,) = maven.parse(text, "pom.xml")
    assert "$" in found.constraint and maven.lowest(found.constraint) is None


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<project><properties><v>&lol9;</v></properties></project>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><name>&xxe;</name></project>
"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_dtds_are_refused_before_parsing(hostile: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError) as error:
        maven.parse(hostile, "pom.xml")
    assert time.monotonic() - started < 1
    assert error.value.line == 2 and "DOCTYPE" in str(error.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n", 4,
         "mismatched tag"),
        ("<project>\n<dependencies><dependency><groupId>g</groupId></dependency>"
         "</dependencies></project>", 2, "without <artifactId>"),
        ("<settings/>\n", 1, "not a Maven POM"),
        ("", 1, "no element found"),
    ],
)
def test_malformed_pom_names_the_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(ManifestError) as error:
        maven.parse(text, "pom.xml")
    assert error.value.line == line
    assert message in str(error.value)


def test_broken_and_deeply_nested_poms_are_unparsed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "<project>" + "<a>" * 100_000 + "</a>" * 100_000 + "</project>"
    after = {"pom.xml": AFTER.replace("</project>", ""), "lib/pom.xml": deep,
             "lol/pom.xml": BILLION_LAUGHS}
    found = dependency_findings(repo, capsys, {"pom.xml": BEFORE}, after)
    kinds = {f["subject"]: (f["kind"], f["line"]) for f in found}
    assert kinds["pom.xml"][0] == "unparsed" and kinds["pom.xml"][1] is not None
    assert kinds["lol/pom.xml"] == ("unparsed", 2)
    # a deep but well-formed document is fine: it just requires nothing
    assert "lib/pom.xml" not in kinds


def test_moving_a_version_into_the_parents_dependency_management_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    dependency = "<dependency><groupId>com.stripe</groupId><artifactId>stripe-java</artifactId>{}" \
                 "</dependency>"
    child = "<project><artifactId>api</artifactId><dependencies>{}</dependencies></project>\n"
    parent = "<project><groupId>com.example</groupId><artifactId>parent</artifactId>" \
             "<dependencyManagement><dependencies>{}</dependencies></dependencyManagement>" \
             "</project>\n"
    before = {"api/pom.xml": child.format(dependency.format("<version>24.0.0</version>")),
              "pom.xml": parent.format("")}
    after = {"api/pom.xml": child.format(dependency.format("")),
             "pom.xml": parent.format(dependency.format("<version>24.0.0</version>"))}
    found = dependency_findings(repo, capsys, before, after)
    # the child now takes the managed version (`changed`); the parent adds no vendor
    assert [(f["kind"], f["subject"]) for f in found] == [("changed", "com.stripe:stripe-java")]
