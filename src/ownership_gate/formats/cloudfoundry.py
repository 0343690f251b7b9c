"""Cloud Foundry application manifests (`manifest.yml`) and the Jinja templates they are rendered from:
shared by the cost reader (instances, memory, disk) and the cloud reader (service bindings).

A manifest's top level holds an `applications` list, each application a mapping with its `name`. A
template's Jinja statements (`{% if ... %}`, `{%- for ... %}`, a `{% set ... %}` over many lines) are
blanked before the YAML is read, each line kept where it was; its `{{ }}` values are the readers' to
stand in for.
"""

from __future__ import annotations

import re

from ownership_gate.formats.yaml import Node

JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.S)
_JINJA_VALUE = re.compile(r"\{\{(.*?)\}\}")
APPLICATIONS = re.compile(r"^applications\s*:", re.MULTILINE)


def without_statements(text: str) -> str:
    """The text with every Jinja statement blanked, each line where it was."""
    if "{%" not in text:
        return text
    return JINJA_STATEMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def applications(root: Node) -> list[tuple[str, Node]]:
    """Each application of a manifest's root, by its name (its place in the list when it has none); none for
    a YAML file with no `applications` list, which is no manifest."""
    listed = root.get("applications")
    if listed is None or not isinstance(listed.value, list):
        return []
    return [(str(application.scalar("name") or index), application)
            for index, application in enumerate(listed.value) if isinstance(application.value, dict)]


def without_templating(text: str) -> str:
    """The text with its statements blanked and each `{{ value }}` written as a plain word, `((value))`, so
    that `- route: {{ environment }}-api.example.com` reads as YAML and a value stays what it was written as."""
    return _JINJA_VALUE.sub(lambda match: "((" + "".join(match.group(1).split()).replace(":", ";") + "))",
                            without_statements(text))
