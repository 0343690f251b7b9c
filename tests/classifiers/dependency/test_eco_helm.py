from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import helm
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Requirement
from tests.conftest import Repo
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

CHART = fixture("helm/before.Chart.yaml")
BITNAMI = "https://charts.bitnami.com/bitnami"
OCI = "oci://registry-1.docker.io/bitnamicharts"


def test_which_files_are_read() -> None:
    assert helm.is_manifest("charts/shop/Chart.yaml")
    assert helm.is_lockfile("charts/shop/Chart.lock")
    assert not helm.is_manifest("charts/shop/values.yaml")
    assert not helm.is_manifest("charts/shop/templates/Chart.yaml.tpl")


def test_parse_reads_dependencies_with_their_repository() -> None:
    found = helm.parse(CHART, "Chart.yaml")
    assert found == [
        Requirement("postgresql", f"~12.1.0 from {BITNAMI}", 9),
        Requirement("redis", "17.x.x from @bitnami", 13),
        Requirement("common", f"2.13.3 from {OCI}", 16),
        # shop-worker comes from file://../shop-worker: the repository's own chart
        Requirement("kube-prometheus-stack",
                    ">=51.0.0 <52.0.0 from https://prometheus-community.github.io/helm-charts", 22),
    ]


@pytest.mark.parametrize(
    ("constraint", "low"),
    [("~12.1.0 from x", (12, 1, 0)), ("^1.2", (1, 2)), ("17.x.x", (17,)), (">=51.0.0 <52.0.0", (51, 0, 0)),
     ("1.2 - 1.4", (1, 2)), ("*", None), (">= 1.2, < 1.4 || ^2", (1, 2)), ("<2", None), ("", None)],
)
def test_lowest_reads_helm_ranges(constraint: str, low: tuple[int, ...] | None) -> None:
    assert helm.lowest(constraint) == low


def test_a_chart_without_dependencies_requires_nothing() -> None:
    assert helm.parse("apiVersion: v2\nname: x\nversion: 1.0.0\n", "Chart.yaml") == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("apiVersion: v2\ndependencies:\n  - version: 1.0.0\n", 3, "needs a name"),
        ("apiVersion: v2\ndependencies: postgresql\n", 2, "must be a list"),
        ("apiVersion: v2\ndependencies:\n  - name: [\n", 4, "invalid YAML"),
        ("- a\n- b\n", 1, "one YAML mapping"),
    ],
)
def test_malformed_charts_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ManifestError) as error:
        helm.parse(text, "Chart.yaml")
    assert error.value.line == line
    assert message in str(error.value)


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"charts/shop/Chart.yaml": CHART},
                                {"charts/shop/Chart.yaml": fixture("helm/after.Chart.yaml")})
    assert summary(found) == {
        ("major", "postgresql", f"~12.1.0 from {BITNAMI}", f"~13.2.0 from {BITNAMI}"),
        ("changed", "redis", "17.x.x from @bitnami", f"17.x.x from {OCI}"),  # another repository
        ("minor", "common", f"2.13.3 from {OCI}", f"2.14.1 from {OCI}"),
        ("removed", "kube-prometheus-stack",
         ">=51.0.0 <52.0.0 from https://prometheus-community.github.io/helm-charts", None),
        ("added", "rabbitmq", None, f"12.5.1 from {BITNAMI}"),
    }
    assert {f["ecosystem"] for f in found} == {"helm"}
    assert by_subject(found)["rabbitmq"]["level"] is None  # a chart is no vendor
    assert by_subject(found)["postgresql"]["level"] == "cto"  # a major of what production runs
    assert by_subject(found)["common"]["line"] == 16


def test_chart_version_and_app_version_bumps_are_no_dependency_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    bumped = CHART.replace("version: 0.4.2", "version: 0.4.3").replace('"1.4.0"', '"1.4.1"')
    assert dependency_findings(repo, capsys, {"Chart.yaml": CHART}, {"Chart.yaml": bumped}) == []


def test_chart_lock_alone_is_one_lockfile_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {"charts/shop/Chart.yaml": CHART,
              "charts/shop/Chart.lock": fixture("helm/before.Chart.lock")}
    after = {"charts/shop/Chart.lock": fixture("helm/after.Chart.lock")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {("lockfile", "charts/shop/Chart.lock", None, None)}


def test_a_broken_chart_is_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"Chart.yaml": CHART},
                                {"Chart.yaml": CHART.replace("  - name: redis", "  - name: [redis")})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [
        ("unparsed", "Chart.yaml", "cto")
    ]
