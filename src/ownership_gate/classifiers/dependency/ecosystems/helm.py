"""Helm charts: `Chart.yaml` `dependencies` (`Chart.lock` is the lockfile).

The subject is the chart's name; the constraint its version range
(Masterminds semver: `~1.2`, `^12.1.0`, `>= 1.2 < 2`, `1.2.x`) followed by
the repository it comes from, so moving a chart to another repository is
seen (`changed` at the same version). A `file://` dependency is a chart of
the same repository, not a vendor, and is skipped.
"""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "helm"
NAMES = frozenset({"chart.yaml", "chart.lock"})  # lower-case (see base.py)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) == "Chart.yaml"


def is_lockfile(path: str) -> bool:
    return posixpath.basename(path) == "Chart.lock"


READER = DeferredReader("helm_read")
parse = READER.parse
parse_yaml = READER.parse_yaml
lowest = READER.lowest
ceiling = READER.ceiling
