from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import nuget
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Requirement
from tests.conftest import Repo
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

CSPROJ = fixture("nuget/before.csproj")
PROPS = fixture("nuget/before.Directory.Packages.props")
CONFIG = fixture("nuget/before.packages.config")


@pytest.mark.parametrize(
    ("path", "manifest"),
    [("src/Shop.Api/Shop.Api.csproj", True), ("Lib.fsproj", True), ("Old.vbproj", True),
     ("Directory.Packages.props", True), ("Directory.Build.props", True),
     ("Directory.Build.targets", True), ("web/packages.config", True),
     ("Shop.sln", False), ("app.config", False), ("nuget.config", False)],
)
def test_which_files_are_manifests(path: str, manifest: bool) -> None:
    assert nuget.is_manifest(path) is manifest
    assert not nuget.is_lockfile(path)


def test_packages_lock_json_is_the_lockfile() -> None:
    assert nuget.is_lockfile("src/Shop.Api/packages.lock.json")


def test_parse_reads_attribute_and_child_versions_and_properties() -> None:
    found = {r.name: r for r in nuget.parse(CSPROJ, "Shop.Api.csproj")}
    assert found["newtonsoft.json"] == Requirement("newtonsoft.json", "13.0.1", 10)
    assert found["serilog.aspnetcore"].constraint == "3.0.1"  # $(SerilogVersion)
    assert found["automapper"] == Requirement("automapper", "12.0.1", 14)
    assert found["polly"].constraint == "[7.2,8.0)"
    assert "shop.domain" not in found  # a ProjectReference is the repository's own code


def test_central_package_management() -> None:
    found = {r.name: r.constraint for r in nuget.parse(PROPS, "Directory.Packages.props")}
    assert found == {"xunit": "2.5.3", "fluentassertions": "6.12.0", "moq": "4.20.69",
                     "nerdbank.gitversioning": "3.6.133"}
    project = '<Project><ItemGroup><PackageReference Include="xunit" />' \
              '<PackageReference Include="Moq" VersionOverride="4.18.0" />' \
              '<PackageReference Remove="Legacy" /></ItemGroup></Project>'
    assert {r.name: r.constraint for r in nuget.parse(project, "Tests.csproj")} == {
        "xunit": "", "moq": "4.18.0",
    }


@pytest.mark.parametrize(
    ("constraint", "low"),
    [("1.0", (1, 0)), ("[1.0]", (1, 0)), ("[1.0,2.0)", (1, 0)), ("(4.1.3,)", (4, 1, 3)),
     ("(,1.0]", None), ("6.*", (6,)), ("6.2.*", (6, 2)), ("*", None), ("$(Missing)", None)],
)
def test_lowest_reads_nuget_ranges_and_floating_versions(
    constraint: str, low: tuple[int, ...] | None
) -> None:
    assert nuget.lowest(constraint) == low


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = {"src/Shop.Api/Shop.Api.csproj": CSPROJ, "Directory.Packages.props": PROPS,
              "legacy/packages.config": CONFIG}
    after = {"src/Shop.Api/Shop.Api.csproj": fixture("nuget/after.csproj"),
             "Directory.Packages.props": fixture("nuget/after.Directory.Packages.props"),
             "legacy/packages.config": fixture("nuget/after.packages.config")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {
        ("minor", "serilog.aspnetcore", "3.0.1", "3.1.0"),
        ("patch", "newtonsoft.json", "13.0.1", "13.0.3"),
        ("removed", "dapper", "2.0.151", None),
        ("major", "polly", "[7.2,8.0)", "8.2.0"),
        ("changed", "automapper", "12.0.1", "[12.0.1]"),
        ("major", "microsoft.entityframeworkcore", "7.0.14", "8.0.0"),
        ("added", "stripe.net", None, "43.5.0"),
        ("minor", "xunit", "2.5.3", "2.6.1"),
        ("removed", "moq", "4.20.69", None),
        ("added", "nsubstitute", None, "5.1.0"),
        ("patch", "log4net", "2.0.15", "2.0.17"),
        ("minor", "jquery", "3.6.0", "3.7.1"),
    }
    assert {f["ecosystem"] for f in found} == {"nuget"}
    assert by_subject(found)["stripe.net"]["level"] == "cto"
    assert by_subject(found)["newtonsoft.json"]["level"] is None


def test_lockfile_alone_is_one_finding(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = {"api/Api.csproj": CSPROJ, "api/packages.lock.json":
              fixture("nuget/before.packages.lock.json")}
    after = {"api/packages.lock.json": fixture("nuget/after.packages.lock.json")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {("lockfile", "api/packages.lock.json", None, None)}


def test_reformatting_changes_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    reformatted = CSPROJ.replace(
        '<PackageReference Include="Newtonsoft.Json" Version="13.0.1" />',
        '<PackageReference Include="newtonsoft.json">\n      <Version>13.0.1</Version>\n'
        "    </PackageReference>",
    ).replace("\n  <ItemGroup>\n    <ProjectReference", "\n  <ItemGroup>\n\n    <ProjectReference")
    assert reformatted != CSPROJ
    found = dependency_findings(repo, capsys, {"A.csproj": CSPROJ}, {"A.csproj": reformatted})
    assert found == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("<Project>\n  <ItemGroup>\n    <PackageReference Version=\"1.0\" />\n  </ItemGroup>\n"
         "</Project>\n", 3, "without Include"),
        ("<Project>\n  <ItemGroup>\n</Project>\n", 3, "mismatched tag"),
        ("<packages>\n  <package version=\"1.0\" />\n</packages>\n", 2, "without id"),
        ("<configuration />\n", 1, "not an MSBuild project"),
        ('<!DOCTYPE Project [<!ENTITY a "b">]>\n<Project />\n', 1, "DOCTYPE"),
    ],
)
def test_malformed_projects_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ManifestError) as error:
        nuget.parse(text, "Shop.csproj")
    assert error.value.line == line
    assert message in str(error.value)


def test_a_broken_project_is_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = CSPROJ.replace("</ItemGroup>", "", 1)
    found = dependency_findings(repo, capsys, {"Api.csproj": CSPROJ}, {"Api.csproj": broken})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [
        ("unparsed", "Api.csproj", "cto")
    ]
    assert found[0]["line"] is not None


def test_update_items_in_directory_build_targets() -> None:
    text = '<Project>\n  <ItemGroup>\n    <PackageReference Update="StyleCop.Analyzers" ' \
           'Version="1.2.0-beta.556" PrivateAssets="all" />\n  </ItemGroup>\n</Project>\n'
    assert nuget.parse(text, "Directory.Build.targets") == [
        Requirement("stylecop.analyzers", "1.2.0-beta.556", 3, scope="dev")
    ]


def test_adopting_central_package_management_is_no_new_vendor(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # from CleanArchitecture's "Add central package management": versions move from the
    # project files to Directory.Packages.props, the references stay
    project = '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n' \
              '    <PackageReference Include="Ardalis.GuardClauses"{} />\n' \
              '    <PackageReference Include="MediatR"{} />\n  </ItemGroup>\n</Project>\n'
    central = '<Project>\n  <ItemGroup>\n' \
              '    <PackageVersion Include="Ardalis.GuardClauses" Version="4.0.1" />\n' \
              '    <PackageVersion Include="MediatR" Version="12.1.1" />\n' \
              '  </ItemGroup>\n</Project>\n'
    before = {"src/Domain/Domain.csproj":
              project.format(' Version="4.0.1"', ' Version="12.0.1"')}
    after = {"src/Domain/Domain.csproj": project.format("", ""),
             "Directory.Packages.props": central}
    found = dependency_findings(repo, capsys, before, after)
    assert {(f["kind"], f["subject"], f["from"], f["to"]) for f in found
            if f["kind"] != "changed"} == {("minor", "mediatr", "12.0.1", "12.1.1")}
    assert all(f["level"] != "cto" for f in found)
