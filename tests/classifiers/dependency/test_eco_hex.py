"""hex: Mix projects, `mix.exs` read with tree-sitter-elixir, and `mix.lock`."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ownership_gate.classifiers.dependency.ecosystems import hex
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.conftest import Repo, findings, run_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "hex"
MIX_EXS = (FIXTURES / "mix.exs").read_text("utf-8")
MIX_LOCK = (FIXTURES / "mix.lock").read_text("utf-8")


def test_the_dependencies_of_a_phoenix_project() -> None:
    parsed = [(r.name, r.constraint, r.scope, r.line) for r in hex.parse(MIX_EXS, "mix.exs")]
    assert parsed == [
        ("phoenix", "~> 1.7.10", "runtime", 24),  # the module attribute, written out
        ("phoenix_html", "~> 3.3", "runtime", 25),
        ("phoenix_live_reload", "~> 1.4", "dev", 26),
        ("ecto_sql", "~> 3.10", "runtime", 27),
        ("postgrex", ">= 0.0.0", "runtime", 28),
        ("jason", "~> 1.2", "runtime", 29),
        ("stripity_stripe", "~> 2.17", "runtime", 30),
        ("credo", "~> 1.7", "dev", 31),
        ("esbuild", "~> 0.8", "build", 32),  # started only where a computed `runtime:` says: never in production
        ("heroicons", "@ github: tailwindlabs/heroicons#v2.1.1", "runtime", 33),
        # shop_core (in the umbrella) and shop_ui (a path) are the project's own code.
        ("mox", "~> 1.1", "test", 41),
        ("ex_machina", "~> 2.7", "test", 42),
    ]


def test_what_a_mix_lock_holds() -> None:
    lock = hex.locked(MIX_LOCK, "mix.lock")
    assert lock.held == {"castore", "credo", "heroicons", "jason", "phoenix", "postgrex"}
    assert lock.version("phoenix", "~> 1.7.10") == "1.7.10"
    assert lock.version("heroicons", "") is None  # from git: no Hex version


@pytest.mark.parametrize(("text", "problem"), [
    ("defmodule A.MixProject do\n  defp deps do\n    for app <- ~w(a b)a, do: {app, \"~> 1.0\"}\n  end\nend\n",
     "builds its list with code"),
    ("defmodule A.MixProject do\n  defp deps do\n    [{:plug, System.get_env(\"PLUG\")}]\n  end\nend\n",
     "the version requirement or options of plug are computed"),
    ("defmodule A.MixProject do\n  defp deps do\n    [{:plug, \"~> 1.0\"}\n  end\nend\n", "not valid Elixir"),
])
def test_what_could_hide_dependencies_fails_closed(text: str, problem: str) -> None:
    with pytest.raises(ManifestError, match=problem):
        hex.parse(text, "mix.exs")


def test_the_oldest_lockfiles_are_keyword_lists() -> None:
    lock = hex.locked('[ "cowboy": {:hex, :cowboy, "1.0.0"},\n  "plug": {:hex, :plug, "0.8.1"}]\n', "mix.lock")
    assert lock.held == {"cowboy", "plug"} and lock.version("plug", "~> 0.8") == "0.8.1"


def test_a_lockfile_that_is_not_a_map_of_packages() -> None:
    with pytest.raises(ManifestError, match="one map of its packages"):
        hex.locked('["phoenix"]\n', "mix.lock")


@pytest.mark.parametrize(("constraint", "lowest", "ceiling"), [
    ("~> 2.0", (2, 0), 2),
    ("~> 2.0.1", (2, 0, 1), 2),
    (">= 1.2.0 and < 2.0.0", (1, 2, 0), 1),
    ("~> 1.0 or ~> 2.0", (1, 0), 2),
    (">= 0.0.0", (0, 0, 0), math.inf),
    ("== 1.4.1", (1, 4, 1), 1),
    ("@ github: acme/x#v1", None, None),
])
def test_elixir_version_requirements(constraint: str, lowest: tuple[int, ...] | None, ceiling: float | None) -> None:
    assert hex.lowest(constraint) == lowest
    assert hex.ceiling(constraint) == ceiling


def test_the_startup_policy_on_a_mix_project(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"mix.exs": MIX_EXS, "mix.lock": MIX_LOCK})
    mix = (MIX_EXS.replace('{:phoenix_html, "~> 3.3"}', '{:phoenix_html, "~> 4.0"}')
           .replace('{:credo, "~> 1.7"', '{:credo, "~> 2.0"')
           .replace('{:jason, "~> 1.2"},', '{:jason, "~> 1.4"},\n      {:sentry, "~> 10.1"},'))
    repo.commit({"mix.exs": mix})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    found = {(f["kind"], f["subject"], f["scope"], f["vendor"], f["level"]) for f in findings(document, "dependency")}
    assert found == {
        ("major", "phoenix_html", "runtime", None, "cto"),
        ("major", "credo", "dev", None, None),  # a linter: the engineer's
        ("minor", "jason", "runtime", None, None),
        ("added", "sentry", "runtime", "observability", "cto"),
    }
    assert all(f["ecosystem"] == "hex" for f in findings(document, "dependency"))
    assert code == 1


def test_a_major_only_the_lockfile_shows(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # `>= 0.0.0` admits any version: the lockfile decides which one production runs.
    base = repo.commit({"mix.exs": MIX_EXS, "mix.lock": MIX_LOCK})
    repo.commit({"mix.lock": MIX_LOCK.replace(':postgrex, "0.17.4"', ':postgrex, "1.0.0"')})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    majors = [(f["subject"], f["from"], f["to"], f["level"]) for f in findings(document, "dependency")
              if f["kind"] == "major"]
    assert majors == [("postgrex", "0.17.4", "1.0.0", "cto")]
    assert code == 1


def test_a_hostile_mix_exs_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Nested past what a reader can follow: the manifest cannot be read, so it asks, with a reason, and no traceback.
    deep = 5000
    text = "defmodule A.MixProject do\n  defp deps do\n    [" + "{:a, " * deep + '"1"' + "}" * deep + "]\n  end\nend\n"
    base = repo.commit({"mix.exs": MIX_EXS})
    repo.commit({"mix.exs": text})
    code, document = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    (finding,) = findings(document, "dependency")
    assert (finding["kind"], finding["level"]) == ("unparsed", "cto")
    assert "nested too deeply" in finding["detail"]
    assert code == 1
