"""The built-in policies' dependency rules, judged on real repositories by the CLI."""

from __future__ import annotations

import json
import re

import pytest

from ownership_gate.policy.load import builtin_names, builtin_text, parse
from tests.conftest import Repo, findings, levels_by_path, run_json

PACKAGE = {
    "name": "acme-web",
    "dependencies": {"react": "^18.2.0", "express": "^4.18.2"},
    "devDependencies": {"vitest": "^1.6.0", "typescript": "^5.3.0"},
}


def manifest(**sections: dict[str, str]) -> str:
    document = json.loads(json.dumps(PACKAGE))
    for section, entries in sections.items():
        document.setdefault(section, {}).update(entries)
    return json.dumps(document, indent=2) + "\n"


def judge(repo: Repo, capsys: pytest.CaptureFixture[str], after: dict[str, str | bytes | None],
          policy: str = "builtin:startup") -> tuple[int, dict[str, str], list[dict[str, object]]]:
    base = repo.commit({"package.json": manifest(), "src/app.ts": "export {}\n"})
    repo.commit(after)
    code, document = run_json(capsys, "--base", base, "--policy", policy)
    return code, levels_by_path(document), findings(document, "dependency")


@pytest.mark.parametrize("policy", ["builtin:startup", "builtin:monorepo"])
def test_a_dev_dependency_major_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str], policy: str) -> None:
    code, levels, found = judge(repo, capsys, {"package.json": manifest(devDependencies={"vitest": "^2.0.0"})}, policy)
    assert [(f["kind"], f["subject"], f["scope"]) for f in found] == [("major", "vitest", "dev")]
    assert levels == {"package.json": "engineer"} and code == 0


@pytest.mark.parametrize("policy", ["builtin:startup", "builtin:monorepo"])
def test_a_runtime_major_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str], policy: str) -> None:
    code, levels, _ = judge(repo, capsys, {"package.json": manifest(dependencies={"express": "^5.0.0"})}, policy)
    assert levels == {"package.json": "cto"} and code == 1


@pytest.mark.parametrize("policy", ["builtin:startup", "builtin:monorepo"])
def test_a_new_sentry_sdk_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str], policy: str) -> None:
    code, levels, found = judge(repo, capsys, {"package.json": manifest(dependencies={"@sentry/node": "^7.99.0"})},
                                policy)
    (finding,) = found
    assert (finding["kind"], finding["scope"], finding["vendor"], finding["rule"]) == (
        "added", "runtime", "observability", "new-vendor")
    assert levels == {"package.json": "cto"} and code == 1


def test_a_new_colour_helper_does_not(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, levels, found = judge(repo, capsys, {"package.json": manifest(dependencies={"tinycolor2": "^1.6.0"})})
    assert [(f["kind"], f["subject"], f["vendor"], f["rule"]) for f in found] == [
        ("added", "tinycolor2", None, None)]
    assert levels == {"package.json": "engineer"} and code == 0


def test_a_vendor_only_developers_use_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    after = manifest(devDependencies={"@sentry/vite-plugin": "^2.0.0"})
    code, levels, _ = judge(repo, capsys, {"package.json": after})
    assert levels == {"package.json": "engineer"} and code == 0


def test_examples_tests_and_load_tests_are_not_production(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({
        "examples/payments/package.json": '{"dependencies": {}}',
        "loadtest/requirements.txt": "locust==2.20.0\nfaker==19.0.0\n",
    })
    repo.commit({
        "examples/payments/package.json": '{"dependencies": {"stripe": "^14.0.0"}}',
        "loadtest/requirements.txt": "locust==2.20.0\nfaker==22.0.0\n",
    })
    code, document = run_json(capsys, "--base", base)
    assert {(f["kind"], f["subject"]) for f in findings(document, "dependency")} == {
        ("added", "stripe"), ("major", "faker")}
    assert set(levels_by_path(document).values()) == {"engineer"} and code == 0


def test_a_major_the_lockfile_alone_shows_needs_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    plaid ({})\n    rubocop ({})\n\n" \
           "DEPENDENCIES\n  plaid\n  rubocop\n"
    gemfile = 'source "https://rubygems.org"\ngem "plaid"\ngroup :development do\n  gem "rubocop"\nend\n'
    base = repo.commit({"Gemfile": gemfile, "Gemfile.lock": lock.format("39.0.0", "1.50.0")})
    repo.commit({"Gemfile.lock": lock.format("40.0.0", "1.50.0")})
    code, document = run_json(capsys, "--base", base)
    assert [(f["subject"], f["rule"]) for f in findings(document, "dependency") if f["kind"] == "major"] == [
        ("plaid", "runtime-major")]
    assert code == 1
    base = repo.commit({"Gemfile.lock": lock.format("40.0.0", "1.50.0")})
    repo.commit({"Gemfile.lock": lock.format("40.0.0", "2.0.0")})  # a dev tool's major: routine
    code, document = run_json(capsys, "--base", base)
    assert levels_by_path(document) == {"Gemfile.lock": "engineer"} and code == 0


COMMENTED = re.compile(r"^  # (- id: new-runtime-library\n(?:  #   .*\n)+)", re.MULTILINE)


@pytest.mark.parametrize("name", ["startup", "security"])
def test_the_commented_rule_asks_the_cto_for_every_new_runtime_library(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text = builtin_text(name)
    block = COMMENTED.search(text)
    assert block is not None, f"{name}.yaml should offer the new-runtime-library rule, commented out"
    uncommented = text.replace(block.group(0), "  " + block.group(1).replace("  #   ", "    "))
    rule = next(r for r in parse(uncommented, f"{name}.yaml").rules if r.id == "new-runtime-library")
    assert rule.level == "cto" and rule.when is not None and rule.when.scopes == {"runtime"}
    repo.commit({".ownership-gate.yaml": uncommented})
    code, levels, _ = judge(repo, capsys, {"package.json": manifest(dependencies={"tinycolor2": "^1.6.0"})},
                            policy=".ownership-gate.yaml")
    assert levels == {"package.json": "cto"} and code == 1


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_policy_asks_for_vendors_runtime_majors_and_unreadable_manifests(name: str) -> None:
    rules = {r.id: r for r in parse(builtin_text(name), name).rules}
    for rule_id in ("new-vendor", "runtime-major", "unreadable-manifest"):
        assert rules[rule_id].level == "cto", (name, rule_id)
    assert rules["new-vendor"].when is not None and rules["new-vendor"].when.vendor is True
    assert rules["runtime-major"].when is not None and rules["runtime-major"].when.scopes == {"runtime"}
