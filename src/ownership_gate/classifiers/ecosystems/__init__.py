"""The dependency ecosystems: one module each, one line each below."""

from __future__ import annotations

from ownership_gate.classifiers.ecosystems import cargo, composer, gem, npm, pypi
from ownership_gate.classifiers.ecosystems.base import Ecosystem

REGISTRY: dict[str, Ecosystem] = {
    "pypi": pypi,
    "npm": npm,
    "gem": gem,
    "cargo": cargo,
    "composer": composer,
}

__all__ = ["REGISTRY", "Ecosystem"]
