"""npm: package.json sections, workspaces, non-registry specs, lockfiles, reformatting."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import npm
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.versions import semver
from tests.classifiers.dependency.test_dependency_core import diff, kinds, rows, run_scenario, tree
from tests.conftest import Repo, findings, run_json


def test_package_json_every_kind(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_scenario(repo, capsys, "npm", "app")
    assert rows(doc) == [
        ("package.json", "added", "@stripe/stripe-js", None, "^2.2.0", 17),
        ("package.json", "minor", "axios", "^1.5.1", "^1.6.2", 13),
        ("package.json", "changed", "design-system", "github:acme/design-system#v3.1.0",
         "github:acme/design-system#v3.2.0", 16),
        ("package.json", "major", "eslint", ">=8.0.0 <9", ">=8.0.0 <10", 22),  # now admits 9
        ("package.json", "patch", "lodash", "~4.17.20", "~4.17.21", 14),
        ("package.json", "removed", "moment", "^2.29.4", None, None),
        ("package.json", "major", "next", "13.5.6", "14.0.3", 10),
        ("package.json", "changed", "typescript", "~5.2.2", "5.2.2", 20),
    ]
    assert code == 1 and doc["required_level"] == "cto"


def test_workspaces_members_are_manifests_and_internal_packages_are_not_vendors(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = run_scenario(repo, capsys, "npm", "workspaces")
    assert rows(doc) == [
        ("packages/api/package.json", "patch", "zod", "^3.22.2", "^3.22.4", 8),
        ("packages/ui/package.json", "added", "@radix-ui/react-dialog", None, "^1.0.5", 6),
    ]
    assert code == 0  # a new UI library is the engineer's choice


def test_dependabot_style_bump_passes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = {"name": "svc", "version": "1.0.0", "dependencies": {"express": "^4.18.2"}}
    base = repo.commit({"package.json": json.dumps(manifest, indent=2) + "\n",
                        "package-lock.json": '{"lockfileVersion": 3}\n'})
    manifest["dependencies"]["express"] = "^4.19.2"
    manifest["version"] = "1.0.1"
    repo.commit({"package.json": json.dumps(manifest, indent=2) + "\n",
                 "package-lock.json": '{"lockfileVersion": 3, "packages": {}}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [("package.json", "minor", "express", "^4.18.2", "^4.19.2", 5)]
    assert code == 0 and doc["required_level"] == "engineer"


def test_reformatted_and_reordered_package_json_passes_end_to_end(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(tree("npm", "app", "before")["package.json"] or "")
    document["devDependencies"]["msw"] = "^2.2.0"
    base = repo.commit({"package.json": json.dumps(document, indent=2) + "\n"})
    reordered = {k: dict(sorted(v.items(), reverse=True)) if isinstance(v, dict) else v
                 for k, v in reversed(list(document.items()))}
    reordered["version"] = "2.0.0"
    reordered["devDependencies"], reordered["dependencies"]["msw"] = (
        {k: v for k, v in reordered["devDependencies"].items() if k != "msw"}, "^2.2.0")
    repo.commit({"package.json": json.dumps(reordered, indent="\t")})
    code, doc = run_json(capsys, "--base", base)
    # Only the move of msw into `dependencies` counts: production installs it now.
    assert rows(doc) == [("package.json", "added", "msw", None, "^2.2.0", 22)] and code == 0
    [moved] = [f for f in doc["changes"][0]["findings"] if f["subject"] == "msw"]
    assert moved["scope"] == "runtime" and moved["detail"] == (
        "msw moved from dev to runtime dependencies: production now installs it")


@pytest.mark.parametrize("lockfile", ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
                                      "pnpm-lock.yaml", "bun.lockb"])
def test_each_lockfile_alone_is_lockfile(
    repo: Repo, capsys: pytest.CaptureFixture[str], lockfile: str
) -> None:
    base = repo.commit({"package.json": '{"dependencies": {"a": "1"}}', lockfile: "v1\n"})
    repo.commit({lockfile: "v2\n"})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [(lockfile, "lockfile", lockfile, None, None, None)]
    assert code == 0


def test_aliases_depend_on_the_package_they_name() -> None:
    before = '{"dependencies": {"lodash4": "npm:lodash@^4.17.20", "dfns": "npm:date-fns@2.30.0"}}'
    after = '{"dependencies": {"lodash4": "npm:lodash@^4.17.21", "dfns": "npm:@date/fns-fork@2.30.0"}}'
    assert kinds(diff("npm", "package.json", before, after)) == {
        "lodash": "patch", "date-fns": "removed", "@date/fns-fork": "added",
    }


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        ("^1.7.4", (1, 7, 4)), ("~1.2.3", (1, 2, 3)), ("1.2.x", (1, 2)), ("1.x", (1,)),
        (">=1.2.7 <1.3.0", (1, 2, 7)), ("1.2.7 || >=1.2.9 <2.0.0", (1, 2, 7)),
        ("1.2.3 - 2.3.4", (1, 2, 3)), (">1.2.3", (1, 2, 4)), ("=2.0.0", (2, 0, 0)),
        ("v2.1.0", (2, 1, 0)), ("0.1.0-beta.48", (0, 1, 0)), (">= 1.0.0", (1, 0, 0)),
        ("*", None), ("", None), ("latest", None), ("next", None), ("<2.0.0", None),
        ("^1.0.0 || *", None), ("github:a/b#v1.2.3", None), ("file:../x.tgz", None),
        ("https://example.com/x.tgz", None), ("npm:left-pad@^1.3.0", (1, 3, 0)),
    ],
)
def test_lowest(spec: str, floor: tuple[int, ...] | None) -> None:
    assert npm.lowest(spec) == floor


def test_canonical_only_normalises_spelling() -> None:
    assert npm.canonical(">= 1.2.7  < 1.3.0") == npm.canonical("<1.3.0 >=1.2.7")
    assert npm.canonical("^1 || ^2") == npm.canonical("^2 || ^1")
    assert npm.canonical("^1.2.3") != npm.canonical("~1.2.3")
    assert semver.lowest("9" * 5000) is None


def test_local_specs_are_the_projects_own_code_but_tarballs_are_vendored() -> None:
    text = json.dumps({"name": "app", "dependencies": {
        "a": "workspace:^1.0.0", "b": "link:../b", "c": "file:../c", "d": "portal:../d",
        "e": "file:vendor/e-1.0.0.tgz", "app": "^1.0.0"}})
    assert [(r.name, r.constraint) for r in npm.parse(text, "package.json")] == [
        ("e", "file:vendor/e-1.0.0.tgz")]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('["not", "an", "object"]', "should hold an object", None),
        ('{\n  "dependencies": ["react"]\n}', "`dependencies` should be an object", 2),
        ('{\n  "devDependencies": {\n    "jest": 29\n  }\n}', "should be a string", 3),
        ('{\n  "dependencies": {\n    "a": "1"\n  \n}', "invalid JSON", 5),
    ],
)
def test_malformed_package_json(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ManifestError) as caught:
        npm.parse(text, "package.json")
    assert message in str(caught.value) and caught.value.line == line


_PACKAGES = ["react", "@types/node", "lodash", "axios", "zod", "@nestjs/core", "chalk", "uuid"]
_RANGES = ["^1.2.3", "~0.4.1", "2.x", ">=1.0.0 <2.0.0", "*", "npm:left-pad@^1.3.0", "github:a/b"]


@settings(max_examples=60, deadline=None)
@given(
    sections=st.fixed_dictionaries({
        s: st.dictionaries(st.sampled_from(_PACKAGES), st.sampled_from(_RANGES), max_size=6)
        for s in npm.SECTIONS
    }),
    indent=st.sampled_from([None, 0, 1, 2, 4, "\t"]),
    seed=st.integers(0, 2**32),
)
def test_redumping_package_json_finds_nothing(
    sections: dict[str, dict[str, str]], indent: int | str | None, seed: int
) -> None:
    document = {"name": "app", "version": "1.0.0", "scripts": {"test": "jest"}, **sections}
    before = json.dumps(document, indent=2)
    shuffle = random.Random(seed)
    items = list(document.items())
    shuffle.shuffle(items)
    reordered = {k: dict(shuffle.sample(sorted(v.items()), len(v))) if isinstance(v, dict) and
                 k in npm.SECTIONS else v for k, v in items}
    reordered["version"] = "1.0.1"
    after = json.dumps(reordered, indent=indent, separators=(",", ":") if indent is None else None)
    old, new = npm.parse(before, "package.json"), npm.parse(after, "package.json")
    assert compare(old, new, npm) == []


def test_a_package_moved_into_production_at_another_major_is_major(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = '{{"dependencies": {{"react": "^18.2.0"{runtime}}}, "devDependencies": {{"jest": "^29.7.0"{dev}}}}}\n'
    base = repo.commit({"package.json": manifest.format(runtime="", dev=', "tailwindcss": "^1.9.4"')})
    repo.commit({"package.json": manifest.format(runtime=', "tailwindcss": "^2.0.2"', dev="")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert rows(doc) == [("package.json", "major", "tailwindcss", "^1.9.4", "^2.0.2", 1)]
    [moved] = findings(doc, "dependency")
    assert (moved["scope"], moved["rule"], moved["detail"]) == ("runtime", "runtime-major", (
        "tailwindcss moved from dev to runtime dependencies, ^1.9.4 -> ^2.0.2: production now installs it"))
    assert code == 1
    repo.commit({"package.json": manifest.format(runtime=', "tailwindcss": "^1.9.8"', dev="")})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert rows(doc) == [("package.json", "added", "tailwindcss", None, "^1.9.8", 1)] and code == 0
