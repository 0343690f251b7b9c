"""Helm charts: `Chart.yaml` `dependencies` (`Chart.lock` is the lockfile).

The subject is the chart's name; the constraint its version range
(Masterminds semver: `~1.2`, `^12.1.0`, `>= 1.2 < 2`, `1.2.x`) followed by
the repository it comes from, so moving a chart to another repository is
seen (`changed` at the same version). A `file://` dependency is a chart of
the same repository, not a vendor, and is skipped.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ownership_gate.classifiers.ecosystems.base import Release, Requirement

NAME = "helm"
NAMES = frozenset({"chart.yaml", "chart.lock"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "Chart.yaml"


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) == "Chart.lock"


def parse(text: str, path: str) -> list[Requirement]:
    # The reader loads with the first manifest read, not when a path is named.
    from ownership_gate.classifiers.ecosystems import helm_read

    return helm_read.parse(text, path)


def lowest(constraint: str) -> Release | None:
    from ownership_gate.classifiers.ecosystems import helm_read

    return helm_read.lowest(constraint)
