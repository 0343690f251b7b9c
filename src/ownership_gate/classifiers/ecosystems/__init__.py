"""The dependency ecosystems: one module each, one line each below."""

from __future__ import annotations

from ownership_gate.classifiers.ecosystems import pypi
from ownership_gate.classifiers.ecosystems.base import Ecosystem

REGISTRY: dict[str, Ecosystem] = {
    "pypi": pypi,
}

__all__ = ["REGISTRY", "Ecosystem"]
