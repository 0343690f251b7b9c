"""The dependency ecosystems: one module each, one line each below."""

from __future__ import annotations

from ownership_gate.classifiers.dependency.ecosystems import (
    actions,
    cargo,
    composer,
    docker,
    gem,
    golang,
    gradle,
    helm,
    hex,
    maven,
    npm,
    nuget,
    pypi,
    runtime,
    sbt,
    terraform,
)
from ownership_gate.classifiers.dependency.ecosystems.base import Ecosystem

REGISTRY: dict[str, Ecosystem] = {
    "pypi": pypi,
    "npm": npm,
    "gem": gem,
    "cargo": cargo,
    "composer": composer,
    "golang": golang,
    "maven": maven,
    "gradle": gradle,
    "sbt": sbt,
    "nuget": nuget,
    "terraform": terraform,
    "github-actions": actions,
    "helm": helm,
    "hex": hex,
    "runtime": runtime,
    "docker": docker,  # last: it reads any YAML file no other ecosystem claims
}

__all__ = ["REGISTRY", "Ecosystem"]
