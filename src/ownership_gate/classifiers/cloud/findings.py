"""The `cloud` finding type, its constructor and which files it reads: shared by the classifier and its readers."""

from __future__ import annotations

from ownership_gate.model import Finding

TYPE = "cloud"


_CLOUDFORMATION_NAMES = ("template.yaml", "template.yml", "template.json")


def is_terraform(path: str) -> bool:
    return path.endswith(".tf")


def maybe_cloudformation(path: str) -> bool:
    """A YAML or JSON file that may be a CloudFormation template (the content decides)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name in _CLOUDFORMATION_NAMES:
        return True
    parts = path.lower().split("/")
    return name.endswith((".yaml", ".yml", ".json", ".template")) and any(
        p in ("cloudformation", "cfn", "stacks", "templates") for p in parts[:-1]
    )


def finding(kind: str, subject: str, detail: str, line: int | None = None) -> Finding:
    return Finding(type=TYPE, kind=kind, subject=subject, detail=detail, line=line)
