"""The one YAML reader: libyaml composes, ruamel's own parser backs it up, trees keep their lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import Node as RawNode

from ownership_gate.classifiers.cost.leaves import read_yaml
from ownership_gate.classifiers.cost.model import ReadError
from ownership_gate.classifiers.dependency.ecosystems import docker
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_yaml
from ownership_gate.engine.judge import Engine
from ownership_gate.formats import yaml
from ownership_gate.formats.yaml import MAX_DEPTH, Cache, Node, TooDeep, YamlError, load
from ownership_gate.git.repo import Git
from ownership_gate.policy.load import parse as parse_policy
from tests.conftest import Repo

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


def _built(text: str, pure: bool) -> list[Node]:
    builder = yaml._Builder()
    return [builder.document(node) for node in YAML(typ="safe", pure=pure).compose_all(text) if node is not None]


def _plain(node: Node) -> object:
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, v in node.value.items()}, node.line, node.tag
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value], node.line, node.tag
    return node.value, node.line, node.tag


def test_libyaml_and_ruamel_build_the_same_tree() -> None:
    fast, own = _built(DOCUMENT, pure=False), _built(DOCUMENT, pure=True)
    assert [_plain(d) for d in fast] == [_plain(d) for d in own]
    deployment, stack = load(DOCUMENT).roots
    spec = deployment.get("spec")
    assert spec is not None and isinstance(spec.value, dict)
    assert [spec.scalar(k) for k in ("replicas", "paused", "ratio", "mode", "owner")] == [3, False, 1.5, 15, None]
    assert spec.value["copy"] is spec.value["template"]  # an alias is the same node, built once
    bucket = stack.mapping("Resources")["Bucket"].mapping("Properties")["BucketName"]
    assert (bucket.tag, bucket.value, bucket.line) == ("!Ref", "Name", 20)


@pytest.mark.parametrize("text", [
    "a: yes\nb: on\nc: 010\nd: 1:20\ne: 0o17\nf: 0x1F\ng: -.5e3\nh: .NaN\ni: ~\nj: 2024-01-01\nk: =\nl: ''\n<<: {m: 1}\n",
    "%YAML 1.1\n---\na: yes\nb: on\nc: 010\nd: 1:20\n",  # libyaml's documents are read as YAML 1.2
    "- [1, true, null, 1.5, x]\n- {TRUE: False, NULL: Null}\n",
])
def test_libyaml_documents_resolve_as_ruamels_own_resolver_has_them(text: str) -> None:
    def tagged(node: RawNode) -> object:
        if isinstance(node.value, list):
            return [tagged(v) if not isinstance(v, tuple) else (tagged(v[0]), tagged(v[1])) for v in node.value]
        return (str(node.tag), node.value)

    assert [tagged(n) for n in yaml.compose(text)] == [tagged(n) for n in YAML(typ="safe").compose_all(text)]


def test_yaml_only_ruamel_reads_is_still_read() -> None:
    # YAML 1.2 lets a flow sequence hold `x:y`; libyaml (YAML 1.1) stops there.
    (document,) = load("spec:\n  replicas: 2\n  args: [--listen:8080]\n").roots
    spec = document.get("spec")
    assert spec is not None and spec.scalar("replicas") == 2
    assert [a.value for a in spec.sequence("args")] == ["--listen:8080"]
    (compose,) = load_yaml("services:\n  web:\n    command: [serve:8080]\n    image: nginx:1.25\n", load)
    assert compose.mapping("services")["web"].text("image") == "nginx:1.25"


def test_yaml_neither_reads_is_a_located_error_in_every_readers_words() -> None:
    text = "spec:\n  replicas: 2\n  image: `latest`\n"
    with pytest.raises(YamlError) as caught:
        load(text)
    assert caught.value.line == 3
    with pytest.raises(ReadError, match="YAML does not parse") as for_cost:
        read_yaml(text, load)
    with pytest.raises(ManifestError, match="invalid YAML") as for_dependencies:
        load_yaml(text, load)
    assert for_cost.value.line == for_dependencies.value.line == 3


def test_merge_keys_apply_and_the_mappings_own_keys_win() -> None:
    (document,) = load(COMPOSE).roots
    services = document.mapping("services")
    cache, worker = services["cache"], services["worker"]
    assert isinstance(cache.value, dict)
    assert {k: v.value for k, v in cache.value.items()} == {"restart": "no", "image": "redis:7.2"}
    assert worker.text("image") == "python:3.12"
    image = worker.get("image")
    assert image is not None and image.line == 10
    merged = cache.get("image")
    assert merged is not None and merged.line == 2  # where the merged value is written
    assert docker.parse(COMPOSE, "compose.yaml") == [
        Requirement("redis", "7.2", 2), Requirement("python", "3.12", 10),
    ]


def test_scalars_are_plain_values_and_tags_build_nothing() -> None:
    (document,) = load(
        "a: 1.10\nb: true\nc: 0o17\nd: 2024-01-01\ne: !Ref Name\nf: ~\ng: '1.10'\nh: 1_000\ni: .inf\nj: 0b101\n"
    ).roots
    # Timestamps and special floats stay text: no manifest value is a date or infinity.
    assert [document.scalar(k) for k in "abcdfghij"] == [1.1, True, 15, "2024-01-01", None, "1.10", 1000, ".inf", 5]
    tagged = document.get("e")
    assert tagged is not None and (tagged.tag, tagged.value) == ("!Ref", "Name")
    assert document.text("e") is None and document.text("g") == "1.10"  # an expression is no string


def test_items_know_their_lines_and_aliases_are_built_once() -> None:
    (document,) = load("list:\n  - &one {k: v}\n  - plain\n  - *one\n").roots
    items = document.sequence("list")
    # An alias is the anchored node itself, so its line is the anchor's.
    assert [item.line for item in items] == [2, 3, 2]
    assert items[0] is items[2]


def test_a_duplicate_key_is_recorded_and_manifests_refuse_it() -> None:
    text = "jobs:\n  a: 1\n  b: 2\n  a: 3\n"
    documents = load(text)
    assert documents.duplicate == ("a", 4)
    assert documents.roots[0].mapping("jobs")["a"].value == 3  # the later value, as cost reads it
    with pytest.raises(ManifestError, match="duplicate key 'a'") as caught:
        load_yaml(text, load)
    assert caught.value.line == 4


def test_a_cache_parses_each_text_once_and_keeps_errors() -> None:
    cache = Cache()
    assert cache.load(COMPOSE) is cache.load(COMPOSE)
    with pytest.raises(YamlError) as first:
        cache.load("a: `b`\n")
    with pytest.raises(YamlError) as second:
        cache.load("a: `b`\n")
    assert first.value is second.value
    full = Cache(room=len(COMPOSE) - 1)  # no room: read, not kept
    assert full.load(COMPOSE) is not full.load(COMPOSE)


def test_a_manifest_read_for_cost_and_images_is_parsed_once(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: {n}\n"
        "  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:{tag}\n"
    )
    base = repo.commit({"k8s/web.yaml": manifest.replace("{n}", "2").replace("{tag}", "1.25")})
    head = repo.commit({"k8s/web.yaml": manifest.replace("{n}", "3").replace("{tag}", "1.27")})
    policy = parse_policy(
        "version: 1\nlevels: [{name: engineer}, {name: cto}]\nrules:\n"
        "  - {id: spend, level: cto, when: {type: cost}}\n  - {id: images, level: cto, when: {type: dependency}}\n",
        "p.yaml",
    )
    parsed: list[str] = []

    def counted(text: str) -> yaml.Documents:
        parsed.append(text)
        return load(text)

    monkeypatch.setattr(yaml, "load", counted)
    git = Git(repo.root)
    try:
        (verdict,) = Engine(policy).judge_all(git.diff(base, head), git.blobs)
    finally:
        git.close()
    assert sorted((f.type, f.kind) for f in verdict.findings) == [("cost", "increase"), ("dependency", "minor")]
    assert len(parsed) == 2  # the old and the new manifest, each once for both classifiers


# -- nesting depth ------------------------------------------------------------

DEEP = 50_000
_DEPTH_CASES = {
    "flow": "a: " + "[" * DEEP + "]" * DEEP + "\n",
    "flow-mappings": "a: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n",
    # Indentation grows with the square of the depth: a thousand levels is half a megabyte.
    "block": "".join(" " * i + "k:\n" for i in range(1000)) + " " * 1000 + "1\n",
    "compact": "- " * DEEP + "x\n",
    "indentless": "k:\n" + "".join(" " * (2 * i) + "- k:\n" for i in range(500)) + " " * 1000 + "- x\n",
    "second-document": "a: 1\n---\nb: " + "[" * DEEP + "]" * DEEP + "\n",
    "commented": "# " + "[" * 500 + "\n" + "a: " + "[" * DEEP + "]" * DEEP + "\n",
    "strings-between": "a: " + '[ "]", ' * DEEP + "1" + "]" * DEEP + "\n",
    "yaml-1.2-only": "a: " + "[" * DEEP + "x:y" + "]" * DEEP + "\n",
    "libyaml-stops-first": "a: [x:y]\nb: " + "[" * DEEP + "]" * DEEP + "\n",  # ruamel's own parser counts
    # libyaml ends lines at CR, NEL and the Unicode separators too, not only at LF.
    **{f"after-{name}": "- a" + sep + "- " * DEEP + "x\n"
       for name, sep in (("cr", "\r"), ("nel", "\x85"), ("ls", "\u2028"), ("ps", "\u2029"))},
    "comment-ended-by-cr": "# x\ra: " + "[" * DEEP + "]" * DEEP + "\n",
    "comment-of-empty-pairs": "# " + "[]" * DEEP + "\na: " + "[" * DEEP + "]" * DEEP + "\n",
    "at-the-limit": "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
    "block-at-the-limit": "".join(" " * i + "k:\n" for i in range(MAX_DEPTH)) + " " * MAX_DEPTH + "1\n",
    "one-too-deep": "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
}
_READ_ALL = """
import json, sys
from ownership_gate.formats.yaml import TooDeep, load
out = {}
for name, text in json.load(sys.stdin).items():
    try:
        load(text)
        out[name] = "read"
    except TooDeep as exc:
        out[name] = f"too deep at line {exc.line}"
print(json.dumps(out))
"""


def test_nesting_deeper_than_the_limit_is_refused_before_anything_recurses() -> None:
    # In a child: a parser that recursed this deep would kill the process, not raise.
    done = subprocess.run([sys.executable, "-c", _READ_ALL], input=json.dumps(_DEPTH_CASES),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert results.pop("at-the-limit") == results.pop("block-at-the-limit") == "read"
    assert results.pop("second-document").startswith("too deep at line 3")
    assert all(r.startswith("too deep at line ") for r in results.values()), results


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("a: " + "[" * 120 + "]" * 120, True),  # many brackets: counted exactly
        ("".join(" " * i + "k:\n" for i in range(60)) + " " * 60 + "1", True),  # deep indentation
        ("\n".join("  # [array] [object] " * 30 for _ in range(10)) + "\na: [1]", False),  # comments hold no flow
        (DOCUMENT + "---\n" + "- {}\n- []\n" * 500, False),  # empty collections nest nothing
    ],
)
def test_only_texts_that_might_be_deep_are_counted_and_all_are_read(text: str, counted: bool) -> None:
    assert yaml._may_be_too_deep(text) is counted
    assert load(text).roots


_PIECES = ["[", "]", "{", "}", "- ", "? ", ": ", "#", "# [", "# []", "\n", "\n  ", "\n    ", "\r", "\x85", "\u2028",
           "a", ", ", '"', "'", "|", "&a ", "!t ", "*a", "\t", "---", "k:", "- k: ", "[]", "{}"]


def _depth(text: str) -> int | None:
    depth = deepest = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return None
    return deepest


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_quick_bound_never_underestimates_the_depth(pieces: list[str]) -> None:
    # What `_may_be_too_deep` relies on: flow openings outside comments, plus twice the
    # longest run of indentation and indicators a line starts with, bound the depth.
    text = "".join(pieces)
    depth = _depth(text)
    assume(depth is not None)
    run = max(len(m.group(1)) for m in re.finditer(r"(?:^|[\n\r\x85\u2028\u2029])([ \t?:-]*)", text))
    flow = yaml._openings(text) - sum(map(yaml._openings, yaml._COMMENT_LINE.findall(text)))
    assert depth is not None and depth <= flow + 1 + 2 * run + 2


def test_json_deeper_than_the_limit_is_refused() -> None:
    assert yaml.load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH).value
    with pytest.raises(TooDeep):
        yaml.load_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(TooDeep):
        yaml.load_json("[" * DEEP + "]" * DEEP)
    assert [item.value for item in yaml.load_json('{"a": [1, "b"]}').sequence("a")] == [1, "b"]
