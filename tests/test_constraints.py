"""constraints.txt pins every runtime dependency, and the action installs with it and caches the result."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # the oldest supported Python
    import tomli as tomllib
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
ACTION = YAML(typ="safe", pure=True).load((ROOT / "action.yml").read_text("utf-8"))
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}


def _environment(python: str) -> dict[str, str]:
    return {**default_environment(), "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def _pins(python: str, constraints: Path = ROOT / "constraints.txt") -> dict[str, str]:
    """The exact versions a constraints file gives on `python`."""
    pins = {}
    for line in constraints.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"not an exact pin: {line}"
        if requirement.marker is None or requirement.marker.evaluate(_environment(python)):
            name = canonicalize_name(requirement.name)
            assert name not in pins, f"{name} pinned twice for Python {python}"
            pins[name] = spec.version
    return pins


@pytest.mark.parametrize("python", PYTHONS)
def test_every_runtime_dependency_is_pinned_within_its_range(python: str) -> None:
    pins = _pins(python)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["requires-python"] == ">=3.10" and python >= "3.10"
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(_environment(python)):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned for Python {python}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (line, pins[name])


def test_every_package_installed_for_ownership_gate_here_is_pinned() -> None:
    # The whole tree this interpreter installed, not only the direct dependencies.
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    pins = _pins(python)
    seen: set[str] = set()
    todo = ["ownership-gate"]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    missing = sorted(seen - {"ownership-gate"} - set(pins))
    assert not missing, f"installed but not pinned in constraints.txt: {missing}"
    assert len(seen) > 10


def test_the_action_installs_with_the_constraints_and_caches_the_environment() -> None:
    install = STEPS["Install ownership-gate from the action's own files"]
    assert '-m pip install --quiet -c "$ACTION_PATH/constraints.txt" "$ACTION_PATH"' in install["run"]
    restore = STEPS["Restore the action's virtual environment"]
    save = STEPS["Save the action's virtual environment"]
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == "${{ runner.temp }}/ownership-gate-venv"
    key = restore["with"]["key"]
    for part in ("${{ github.action_ref }}", "steps.venv-key.outputs.constraints", "steps.venv-key.outputs.sources",
                 "${{ runner.os }}", "${{ runner.arch }}"):
        assert part in key, part
    assert save["with"]["key"] == "${{ steps.venv-cache.outputs.cache-primary-key }}"
    # Installed only on a miss, and saved before the check can fail the job.
    assert install["if"] == save["if"] == "steps.venv-cache.outputs.cache-hit != 'true'"
    names = list(STEPS)
    assert names.index(restore["name"]) < names.index(install["name"]) < names.index(save["name"]) \
        < names.index("Check sign-off")


def _key(action: Path, tmp_path: Path) -> dict[str, str]:
    step = STEPS["Key the action's virtual environment"]
    outputs = tmp_path / "output.txt"
    outputs.write_text("", "utf-8")
    env = {**os.environ, "ACTION_PATH": str(action), "OG_PYTHON": sys.executable, "PYTHONSAFEPATH": "1",
           "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(outputs)}
    subprocess.run(["bash", "-e", "-c", step["run"]], env=env, check=True, cwd=tmp_path)
    return dict(line.split("=", 1) for line in outputs.read_text("utf-8").splitlines())


def test_the_cache_key_changes_with_the_pins_and_the_sources(tmp_path: Path) -> None:
    action = tmp_path / "action"
    for name in ("pyproject.toml", "constraints.txt"):
        (action / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, action / name)
    shutil.copytree(ROOT / "src", action / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "policies", action / "policies", ignore=shutil.ignore_patterns("__pycache__"))
    first = _key(action, tmp_path)
    assert first["constraints"] == hashlib.sha256((ROOT / "constraints.txt").read_bytes()).hexdigest()[:16]
    assert _key(action, tmp_path) == first  # stable
    engine = action / "src" / "ownership_gate" / "engine" / "judge.py"
    engine.write_text(engine.read_text("utf-8") + "\n# changed\n", "utf-8")
    second = _key(action, tmp_path)
    assert second["sources"] != first["sources"] and second["constraints"] == first["constraints"]
    (action / "constraints.txt").write_text("packaging==24.0\n", "utf-8")
    assert _key(action, tmp_path)["constraints"] != first["constraints"]


def _freeze(python: Path) -> dict[str, str]:
    out = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                         check=True).stdout
    listed: list[dict[str, Any]] = json.loads(out)
    return {canonicalize_name(item["name"]): item["version"] for item in listed}


def test_the_install_step_installs_exactly_the_pinned_versions(tmp_path: Path) -> None:
    # Runs the step's script for real (it needs a package index, as the action does).
    install = STEPS["Install ownership-gate from the action's own files"]
    env = {**os.environ, "ACTION_PATH": str(ROOT), "OG_PYTHON": sys.executable, "PYTHONSAFEPATH": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "RUNNER_TEMP": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(["bash", "-e", "-c", install["run"]], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    installed = _freeze(tmp_path / "ownership-gate-venv" / "bin" / "python")
    pins = _pins(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert {name: installed[name] for name in pins if name in installed} == {
        name: version for name, version in pins.items() if name in installed
    }
    assert set(installed) - {"pip", "setuptools", "ownership-gate"} <= set(pins)
    assert installed["ownership-gate"]


def test_the_script_regenerates_a_file_of_the_same_shape(tmp_path: Path) -> None:
    # Resolves from the configured package index, like the action's install.
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "update-constraints", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    proc = subprocess.run([sys.executable, str(tmp_path / "scripts" / "update-constraints")], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / "constraints.txt"
    assert written.read_text("utf-8").startswith("# Exact versions of ownership-gate's runtime dependencies")
    for python in PYTHONS:
        assert set(_pins(python, written)) == set(_pins(python)), python
    check = subprocess.run([sys.executable, str(tmp_path / "scripts" / "update-constraints"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    written.write_text("# stale\n", "utf-8")
    stale = subprocess.run([sys.executable, str(tmp_path / "scripts" / "update-constraints"), "--check"],
                           capture_output=True, text=True, check=False)
    assert stale.returncode == 1 and "constraints.txt is out of date" in stale.stderr
