"""Quantities, machine sizes and CI runners compare the way their owners price them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ownership_gate.classifiers.cost.compare import leaf_step
from ownership_gate.classifiers.cost.model import Leaf
from ownership_gate.classifiers.cost.sizes import compare_sizes, parse_runner
from ownership_gate.classifiers.cost.units import quantity


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("500m", Decimal("0.5")),
        ("1", Decimal(1)),
        (1, Decimal(1)),
        (0.25, Decimal("0.25")),
        ("64Mi", Decimal(64 * 2**20)),
        ("1Gi", Decimal(2**30)),
        ("1G", Decimal(10**9)),
        ("1e3", Decimal(1000)),
        ("2k", Decimal(2000)),
        ("512MB", Decimal(512 * 10**6)),
        ("2GiB", Decimal(2 * 2**30)),
        ("1 vCPU", Decimal(1)),
        ("lots", None),
        (True, None),
        (None, None),
        ("1e999", None),
    ],
)
def test_kubernetes_quantities(text: object, amount: Decimal | None) -> None:
    assert quantity(text) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [("50M", 50 * 2**20), ("512m", 512 * 2**20), ("1gb", 2**30), ("2048k", 2048 * 2**10), ("100", 100)],
)
def test_compose_byte_values_are_binary_and_case_insensitive(text: str, amount: int) -> None:
    assert quantity(text, "bytes") == Decimal(amount)


@pytest.mark.parametrize(
    ("old", "new", "order"),
    [
        ("t3.medium", "t3.large", 1),
        ("t3.large", "t3.xlarge", 1),
        ("t3.xlarge", "t3.2xlarge", 1),
        ("t3.2xlarge", "t3.medium", -1),
        ("m5.24xlarge", "m5.metal", 1),
        ("db.r5.large", "db.r5.2xlarge", 1),
        ("cache.t3.micro", "cache.t3.small", 1),
        ("r5.large.elasticsearch", "r5.xlarge.elasticsearch", 1),
        ("n2-standard-4", "n2-standard-8", 1),
        ("e2-small", "e2-medium", 1),
        ("custom-4-16384", "custom-8-32768", 1),
        ("db-custom-2-7680", "db-custom-4-15360", 1),
        ("a2-highgpu-2g", "a2-highgpu-1g", -1),
        ("Standard_D2s_v3", "Standard_D4s_v3", 1),
        ("Standard_E8ds_v5", "Standard_E4ds_v5", -1),
        ("GP_Gen5_2", "GP_Gen5_4", 1),
        ("B_Standard_B1ms", "B_Standard_B2ms", 1),
        ("Basic", "Standard", 1),
        ("Premium", "Standard", -1),
        ("medium", "medium+", 1),
        ("large", "2xlarge+", 1),
        ("saas-linux-small-amd64", "saas-linux-large-amd64", 1),
        ("1x", "4x", 1),
        ("t3.large", "t3.large", 0),
        # A change of family, generation or shape is not a size step.
        ("t3.large", "m5.large", None),
        ("t2.micro", "t3.micro", None),
        ("db.r5.large", "db.m5.large", None),
        ("n1-standard-4", "n2-standard-4", None),
        ("n2-standard-4", "n2d-standard-4", None),
        ("e2-medium", "e2-standard-2", None),
        ("Standard_D2s_v3", "Standard_D2s_v4", None),
        ("Standard_D4s_v3", "Standard_E4s_v3", None),
        ("GP_Gen4_2", "GP_Gen5_2", None),
        ("custom-4-16384", "custom-8-8192", None),
    ],
)
def test_sizes_order_within_a_family(old: str, new: str, order: int | None) -> None:
    assert compare_sizes(old, new) == order


@pytest.mark.parametrize(
    ("labels", "rate", "larger"),
    [
        (["ubuntu-latest"], 0.8, False),
        (["ubuntu-22.04"], 0.8, False),
        (["windows-latest"], 1.6, False),
        (["macos-latest"], 8.0, False),
        (["ubuntu-latest-16-cores"], 6.4, True),
        (["ubuntu-20.04-16core"], 6.4, True),
        (["windows-latest-8-cores"], 6.4, True),
        (["macos-14-xlarge"], 16.0, True),
        (["macos-latest-large"], 12.0, True),
        (["ubuntu-24.04-arm"], 0.5, False),
        (["gpu-t4-4-core"], 7.0, True),
    ],
)
def test_github_runners_are_priced(labels: list[str], rate: float, larger: bool) -> None:
    runner = parse_runner(labels)
    assert runner is not None
    assert (runner.rate, runner.larger) == (rate, larger)


@pytest.mark.parametrize("labels", [["self-hosted", "linux"], ["${{ matrix.os }}"], [], ["my-runner"]])
def test_unpriceable_runners(labels: list[str]) -> None:
    assert parse_runner(labels) is None


def _leaf(value: object, role: str = "amount", **kw: object) -> Leaf:
    return Leaf(path="x", role=role, value=value, text=str(value), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (_leaf("500m"), _leaf("1"), "increase"),
        (_leaf("1"), _leaf("1000m"), None),
        (_leaf("1Gi"), _leaf("1024Mi"), None),
        (_leaf("64Mi"), _leaf("1Gi"), "increase"),
        (_leaf("1Gi"), _leaf("1G"), "decrease"),
        (_leaf("2"), _leaf("lots"), "change"),
        (None, _leaf("250m"), "increase"),
        (_leaf("250m"), None, "decrease"),
        (None, _leaf(0), None),
        (None, _leaf("128Mi", "limit"), "change"),
        (_leaf("128Mi", "limit"), None, "change"),
        (None, _leaf(1, "count", default=1), None),
        (None, _leaf(3, "count", default=1), "increase"),
        (_leaf(3, "count", default=1), None, "decrease"),
        (_leaf("t3.large", "size"), _leaf("t3.xlarge", "size"), "increase"),
        (_leaf("t3.large", "size"), _leaf("m5.large", "size"), "change"),
        (None, _leaf("t3.large", "size"), "change"),
        (_leaf(False, "flag"), _leaf(True, "flag"), "increase"),
        (None, _leaf(False, "flag"), None),
        (_leaf("ClusterIP", "lb"), _leaf("LoadBalancer", "lb"), "increase"),
        (_leaf("ClusterIP", "lb"), _leaf("NodePort", "lb"), None),
        (None, _leaf("LoadBalancer", "lb"), "increase"),
        (_leaf("gp2", "choice"), _leaf("gp3", "choice"), "change"),
        (_leaf("var.size", "size", expression=True), _leaf("var.size", "size", expression=True), None),
        (_leaf("var.size", "size", expression=True), _leaf("var.big", "size", expression=True), "change"),
        (_leaf(("ubuntu-latest",), "runner"), _leaf(("ubuntu-latest-16-cores",), "runner"), "increase"),
        (_leaf(("ubuntu-latest",), "runner"), _leaf(("self-hosted",), "runner"), None),
        (_leaf(("self-hosted",), "runner"), _leaf(("linux-8-core",), "runner"), "change"),
    ],
)
def test_leaf_steps(old: Leaf | None, new: Leaf | None, kind: str | None) -> None:
    assert leaf_step(old, new) == kind
