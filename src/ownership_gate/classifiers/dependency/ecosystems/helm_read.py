"""Reading Chart.yaml (which files are manifests: helm.py)."""

from __future__ import annotations

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import load_yaml
from ownership_gate.classifiers.dependency.versions.ranges import comparator_ceiling, comparator_lowest
from ownership_gate.formats.yaml import Loader, Node, load, render

_FROM = " from "


def lowest(constraint: str) -> Release | None:
    return comparator_lowest(constraint.partition(_FROM)[0])


def ceiling(constraint: str) -> float | None:
    return comparator_ceiling(constraint.partition(_FROM)[0])


def _text(entry: Node, key: str) -> str:
    """A value as text, "" when absent, null or empty."""
    child = entry.get(key)
    if child is None or not child.value:
        return ""
    return (render(child) if isinstance(child.value, (dict, list)) else str(child.value)).strip()


def _repository(entry: Node) -> str:
    text = _text(entry, "repository")
    return text.rstrip("/") if "://" in text else text


def parse(text: str, path: str, load: Loader = load) -> list[Requirement]:
    documents = load_yaml(text, load)
    if len(documents) != 1 or not isinstance(documents[0].value, dict):
        raise ManifestError("Chart.yaml must be one YAML mapping", 1)
    chart = documents[0]
    dependencies = chart.get("dependencies")
    if dependencies is None or dependencies.value is None:
        return []
    if not isinstance(dependencies.value, list):
        raise ManifestError("dependencies: must be a list", dependencies.line)
    found: list[Requirement] = []
    for index, entry in enumerate(dependencies.value):
        name = entry.text("name")
        if not isinstance(entry.value, dict) or name is None:
            raise ManifestError(f"dependencies[{index}] needs a name", entry.line)
        repository = _repository(entry)
        if repository.startswith("file://"):
            continue
        constraint = _text(entry, "version") + (_FROM + repository if repository else "")
        version = entry.get("version")
        found.append(Requirement(name.strip(), constraint, version.line if version is not None else entry.line))
    return found
