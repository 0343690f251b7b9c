"""pyproject.toml lists every package folder, so an installed copy (the action's) has every module."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _setuptools() -> dict[str, Any]:
    settings: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    return settings


def test_every_package_folder_is_listed_and_every_listed_package_exists() -> None:
    folders = {
        ".".join(init.parent.relative_to(SRC).parts)
        for init in SRC.rglob("__init__.py")
        if not any(part.endswith(".egg-info") for part in init.parts)
    }
    settings = _setuptools()
    listed = set(settings["packages"])
    assert folders <= listed, sorted(folders - listed)
    for package in listed:
        folder = ROOT / settings["package-dir"].get(package, Path("src", *package.split(".")))
        assert folder.is_dir(), package


def test_every_data_pattern_matches_a_file() -> None:
    settings = _setuptools()
    for package, patterns in settings["package-data"].items():
        folder = ROOT / settings["package-dir"].get(package, Path("src", *package.split(".")))
        for pattern in patterns:
            assert list(folder.glob(pattern)), (package, pattern)
