"""YAML trees for the cost readers: libyaml composes, ruamel's own parser backs it up."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from ownership_gate.classifiers.cost_model import ReadError
from ownership_gate.classifiers.cost_yaml import Y, load_yaml
from ownership_gate.classifiers.cost_yaml_compose import _Builder

DOCUMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {tier: front}}
spec:
  replicas: 3
  paused: false
  ratio: 1.50
  mode: 0o17
  owner: ~
  template: &pod
    spec:
      containers:
        - name: web
          resources: {limits: {cpu: "2", memory: 4Gi}}
  copy: *pod
---
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Ref Name, Tags: !GetAtt [Web, Arn]}
"""


def _built(text: str, pure: bool) -> list[Y]:
    builder = _Builder()
    return [builder.document(node) for node in YAML(typ="safe", pure=pure).compose_all(text) if node is not None]


def _plain(node: Y) -> object:
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, v in node.value.items()}, node.line, node.tag
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value], node.line, node.tag
    return node.value, node.line, node.tag


def test_libyaml_and_ruamel_build_the_same_tree() -> None:
    fast, own = _built(DOCUMENT, pure=False), _built(DOCUMENT, pure=True)
    assert [_plain(d) for d in fast] == [_plain(d) for d in own]
    deployment, stack = load_yaml(DOCUMENT)
    spec = deployment.value["spec"]
    assert isinstance(spec.value, dict)
    assert [spec.scalar(k) for k in ("replicas", "paused", "ratio", "mode", "owner")] == [3, False, 1.5, 15, None]
    assert spec.value["copy"] is spec.value["template"]  # an alias is the same node, built once
    bucket = stack.value["Resources"].value["Bucket"].value["Properties"].value["BucketName"]
    assert (bucket.tag, bucket.value, bucket.line) == ("!Ref", "Name", 20)


def test_yaml_only_ruamel_reads_is_still_read() -> None:
    # YAML 1.2 lets a flow sequence hold `x:y`; libyaml (YAML 1.1) stops there.
    text = "spec:\n  replicas: 2\n  args: [--listen:8080]\n"
    (document,) = load_yaml(text)
    spec = document.value["spec"]
    assert spec.scalar("replicas") == 2
    assert [a.value for a in spec.value["args"].value] == ["--listen:8080"]  # type: ignore[union-attr]


def test_yaml_neither_reads_is_a_located_error() -> None:
    with pytest.raises(ReadError, match="YAML does not parse") as caught:
        load_yaml("spec:\n  replicas: 2\n  image: `latest`\n")
    assert caught.value.line == 3
