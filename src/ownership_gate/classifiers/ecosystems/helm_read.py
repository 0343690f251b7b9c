"""Reading Chart.yaml (which files are manifests: helm.py)."""

from __future__ import annotations

from ownership_gate.classifiers.ecosystems import yamldocs
from ownership_gate.classifiers.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.ecosystems.versions import comparator_lowest

_FROM = " from "


def lowest(constraint: str) -> Release | None:
    return comparator_lowest(constraint.partition(_FROM)[0])


def _repository(value: object) -> str:
    text = str(value or "").strip()
    return text.rstrip("/") if "://" in text else text


def parse(text: str, path: str) -> list[Requirement]:
    documents = yamldocs.load_all(text)
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise ManifestError("Chart.yaml must be one YAML mapping", 1)
    chart = documents[0]
    dependencies = chart.get("dependencies")
    if dependencies is None:
        return []
    if not isinstance(dependencies, list):
        raise ManifestError(
            "dependencies: must be a list", yamldocs.key_line(chart, "dependencies")
        )
    found: list[Requirement] = []
    for index, entry in enumerate(dependencies):
        line = yamldocs.item_line(dependencies, index)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ManifestError(f"dependencies[{index}] needs a name", line)
        repository = _repository(entry.get("repository"))
        if repository.startswith("file://"):
            continue
        version = str(entry.get("version") or "").strip()
        constraint = version + (_FROM + repository if repository else "")
        found.append(
            Requirement(
                entry["name"].strip(), constraint, yamldocs.key_line(entry, "version") or line
            )
        )
    return found
