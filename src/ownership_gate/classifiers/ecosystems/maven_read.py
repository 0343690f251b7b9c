"""Reading pom.xml (which files are manifests: maven.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ownership_gate.classifiers.ecosystems import xmldoc
from ownership_gate.classifiers.ecosystems.base import ManifestError, Release, Requirement
from ownership_gate.classifiers.ecosystems.versions import interval_lowest
from ownership_gate.classifiers.ecosystems.xmldoc import child, children, local, text_of

if TYPE_CHECKING:  # xml.etree loads with the first manifest read (xmldoc.parse)
    import xml.etree.ElementTree as ET

_PROPERTY = re.compile(r"\$\{([^}]+)\}")
_OWN_VERSION = "${project.version}"
# Which elements hold entries, from the project root down; configuration
# blocks are never entered (plugins put arbitrary XML there).
_HOLDS = {
    "project": ("dependencies", "dependencyManagement", "build", "profiles", "reporting"),
    "profiles": ("profile",),
    "profile": ("dependencies", "dependencyManagement", "build", "reporting"),
    "dependencyManagement": ("dependencies",),
    "build": ("plugins", "pluginManagement", "extensions"),
    "pluginManagement": ("plugins",),
    "reporting": ("plugins",),
    "plugin": ("dependencies",),
}
_ENTRIES = {"dependencies": "dependency", "plugins": "plugin", "extensions": "extension"}


def lowest(constraint: str) -> Release | None:
    return interval_lowest(constraint)


class _Pom:
    def __init__(self, document: xmldoc.Document) -> None:
        self.doc = document
        root = document.root
        self.properties: dict[str, tuple[str, int | None]] = {}
        for group in children(root, "properties"):
            for prop in group:
                self.properties[local(prop.tag)] = (text_of(prop), document.line(prop))
        parent = child(root, "parent")
        self.group = text_of(child(root, "groupId")) or text_of(
            child(parent, "groupId") if parent is not None else None
        )
        self.version = text_of(child(root, "version")) or text_of(
            child(parent, "version") if parent is not None else None
        )
        for key in ("project.groupId", "pom.groupId", "project.parent.groupId"):
            self.properties.setdefault(key, (self.group, None))

    def resolve(self, text: str) -> tuple[str, int | None]:
        """The text with known properties substituted, and the line of the property it names."""
        line: int | None = None
        for _ in range(10):  # properties may refer to properties; a cycle stops here
            known = [name for name in _PROPERTY.findall(text) if name in self.properties]
            if not known:
                break
            if line is None:
                line = self.properties[known[0]][1]
            text = _PROPERTY.sub(self._value, text)
        return text, line

    def _value(self, match: re.Match[str]) -> str:
        found = self.properties.get(match.group(1))
        return match.group(0) if found is None else found[0]


def parse(text: str, path: str) -> list[Requirement]:
    document = xmldoc.parse(text)
    root = document.root
    if local(root.tag) != "project":
        raise ManifestError(
            f"not a Maven POM: the root element is <{local(root.tag)}>", document.line(root)
        )
    pom = _Pom(document)
    found: list[Requirement] = []
    parent = child(root, "parent")
    if parent is not None and not _own_parent(parent, root, pom):
        found.append(_entry(parent, "parent", pom))
    stack = [root]
    while stack:
        element = stack.pop()
        name = local(element.tag)
        for holder in (c for c in element if local(c.tag) in _HOLDS.get(name, ())):
            stack.append(holder)
            entry = _ENTRIES.get(local(holder.tag))
            for item in children(holder, entry) if entry else []:
                found.append(_entry(item, entry or "", pom))
                stack.append(item)
    return _drop_unversioned_duplicates(found)


def _own_parent(parent: ET.Element, root: ET.Element, pom: _Pom) -> bool:
    relative = child(parent, "relativePath")
    if relative is not None and not text_of(relative):
        return False  # `<relativePath/>`: looked up from a repository, a real dependency
    own_group = text_of(child(root, "groupId"))
    return not own_group or own_group == text_of(child(parent, "groupId"))


def _entry(element: ET.Element, kind: str, pom: _Pom) -> Requirement:
    line = pom.doc.line(element)
    group = pom.resolve(text_of(child(element, "groupId")))[0]
    artifact = pom.resolve(text_of(child(element, "artifactId")))[0]
    if not group and kind == "plugin":
        group = "org.apache.maven.plugins"
    if not artifact or not group:
        missing = "artifactId" if not artifact else "groupId"
        raise ManifestError(f"<{kind}> without <{missing}>", line)
    version_element = child(element, "version")
    version, property_line = pom.resolve(text_of(version_element))
    if pom.version and version == pom.version and group == pom.group:
        version = _OWN_VERSION  # a sibling module released with the project
    return Requirement(
        f"{group}:{artifact}",
        " ".join(version.split()),
        property_line or pom.doc.line(version_element) or line,
    )


def _drop_unversioned_duplicates(found: list[Requirement]) -> list[Requirement]:
    """A versionless entry managed elsewhere in the same file adds nothing to compare."""
    versioned = {r.name for r in found if r.constraint}
    return [r for r in found if r.constraint or r.name not in versioned]
