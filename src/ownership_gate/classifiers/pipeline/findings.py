"""The `pipeline` finding type, its constructor and which files it reads: shared by the classifier and its readers."""

from __future__ import annotations

import re

from ownership_gate.classifiers import patterns
from ownership_gate.model import Finding

TYPE = "pipeline"
INHERIT = "(all secrets, via secrets: inherit)"  # the secret a workflow reads when it passes every one on


# Makefiles by the names GNU make looks for, and included makefiles (`*.mk`); not someone else's, vendored.
_MAKEFILE = re.compile(r"(?:^|/)(?:GNUmakefile|makefile|Makefile|[^/]+\.mk)$")
_VENDORED = re.compile(r"(?:^|/)(?:vendor|node_modules|third_party|deps)/")


# Google Cloud Build configs: `cloudbuild.yaml`, `cloudbuild-deploy.yaml`, `int.cloudbuild.yaml`, or any YAML
# file of a `cloudbuild/` folder (`cloudbuild/prod/deploy.yaml`).
_CLOUDBUILD = re.compile(r"(?:^|/)(?:cloudbuild[\w.-]*|[\w.-]+\.cloudbuild\.ya?ml)$|(?:^|/)cloudbuild/")

# Azure Pipelines: `azure-pipelines.yml` and the files named after it (`azure-pipelines.release.yml`,
# `azure-pipelines-ci.yml`) in any folder, and any YAML file of an `azure-pipelines/`, `.azure-pipelines/` or
# `.azuredevops/` folder (the pipelines and templates kept there).
_AZURE = patterns.compile(
    r"(?:^|/)azure-pipelines(?:[-_.][\w.-]*)?\.ya?ml$|(?:^|/)(?:\.?azure-pipelines|\.azuredevops)/"
)


def platform(path: str) -> str | None:
    """`github`, `gitlab`, `circleci`, `woodpecker` (Woodpecker and Drone), `cloudbuild`, `azure` (Azure Pipelines),
    `make` or `jenkins` for a pipeline file's path, else None."""
    if _MAKEFILE.search(path):
        return None if _VENDORED.search(path) else "make"
    if path.rsplit("/", 1)[-1] == "Jenkinsfile":
        return None if _VENDORED.search(path) else "jenkins"
    if not path.endswith((".yml", ".yaml")):
        return None
    if path in (".drone.yml", ".drone.yaml", ".woodpecker.yml", ".woodpecker.yaml") or (
            path.startswith(".woodpecker/") and path.count("/") == 1):
        return "woodpecker"
    if path.startswith(".github/workflows/") and path.count("/") == 2:
        return "github"
    if path.startswith(".circleci/") and path.count("/") == 1:
        return "circleci"
    name = path.rsplit("/", 1)[-1]
    if name in (".gitlab-ci.yml", ".gitlab-ci.yaml") or name.endswith((".gitlab-ci.yml", ".gitlab-ci.yaml")):
        return "gitlab"
    if path.startswith(".gitlab/ci/"):
        return "gitlab"
    if _CLOUDBUILD.search(path):
        return "cloudbuild"
    if _AZURE.search(path):
        return None if _VENDORED.search(path) else "azure"
    return None


def finding(kind: str, subject: str, detail: str) -> Finding:
    return Finding(type=TYPE, kind=kind, subject=subject, detail=detail)
