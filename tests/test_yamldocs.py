"""The YAML the dependency ecosystems read: plain values with their lines, nothing built from tags."""

from __future__ import annotations

import datetime

import pytest

from ownership_gate.classifiers.ecosystems import docker, yamldocs
from ownership_gate.classifiers.ecosystems.base import ManifestError, Requirement

COMPOSE = """\
x-defaults: &defaults
  image: redis:7.2
  restart: always
services:
  cache:
    <<: *defaults
    restart: "no"
  worker:
    <<: [*defaults]
    image: python:3.12
"""


def test_merge_keys_apply_and_the_mappings_own_keys_win() -> None:
    (document,) = yamldocs.load_all(COMPOSE)
    cache, worker = document["services"]["cache"], document["services"]["worker"]
    assert dict(cache) == {"restart": "no", "image": "redis:7.2"}
    assert worker["image"] == "python:3.12"
    assert yamldocs.key_line(worker, "image") == 10
    assert yamldocs.key_line(cache, "image") == 2  # where the merged value is written
    assert docker.parse(COMPOSE, "compose.yaml") == [
        Requirement("redis", "7.2", 2), Requirement("python", "3.12", 10),
    ]


def test_scalars_are_plain_values_and_tags_build_nothing() -> None:
    (document,) = yamldocs.load_all(
        "a: 1.10\nb: true\nc: 0o17\nd: 2024-01-01\ne: !Ref Name\nf: ~\ng: '1.10'\nh: 1_000\n"
    )
    assert [document[k] for k in "abcdfgh"] == [1.1, True, 15, datetime.date(2024, 1, 1), None, "1.10", 1000]
    tagged = document["e"]
    assert isinstance(tagged, yamldocs.Tagged) and not isinstance(tagged, str)
    assert (tagged.tag, str(tagged)) == ("!Ref", "Name")


def test_items_and_keys_know_their_lines_and_aliases_are_built_once() -> None:
    (document,) = yamldocs.load_all("list:\n  - &one {k: v}\n  - plain\n  - *one\n")
    items = document["list"]
    # An alias is the anchored node itself, so its line is the anchor's.
    assert [yamldocs.item_line(items, i) for i in range(3)] == [2, 3, 2]
    assert yamldocs.item_line(items, 3) is None
    assert items[0] is items[2]


def test_duplicate_keys_are_an_error_at_their_line() -> None:
    with pytest.raises(ManifestError, match="duplicate key 'a'") as caught:
        yamldocs.load_all("jobs:\n  a: 1\n  b: 2\n  a: 3\n")
    assert caught.value.line == 4


def test_yaml_only_ruamel_reads_and_yaml_nobody_reads() -> None:
    (document,) = yamldocs.load_all("services:\n  web:\n    command: [serve:8080]\n    image: nginx:1.25\n")
    assert document["services"]["web"]["command"] == ["serve:8080"]
    with pytest.raises(ManifestError, match="invalid YAML") as caught:
        yamldocs.load_all("services:\n  web:\n    image: `nginx`\n")
    assert caught.value.line == 3
