"""Reading NuGet project files (which files are manifests: nuget.py).

A reference with `PrivateAssets="all"` (analyzers, source generators, build
tools: nothing of it flows to the package's users) or marked as a
`DevelopmentDependency` is dev; every other reference is runtime.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ownership_gate.classifiers.dependency.ecosystems.base import DEV, RUNTIME, ManifestError, Release, Requirement
from ownership_gate.classifiers.dependency.versions.ranges import interval_lowest
from ownership_gate.formats import xmldoc
from ownership_gate.formats.xmldoc import child, local, text_of

if TYPE_CHECKING:  # xml.etree loads with the first manifest read (xmldoc.parse)
    import xml.etree.ElementTree as ET

_ITEMS = ("PackageReference", "PackageVersion", "GlobalPackageReference")
_PROPERTY = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def lowest(constraint: str) -> Release | None:
    return interval_lowest(constraint)


def parse(text: str, path: str) -> list[Requirement]:
    document = xmldoc.parse(text)
    root = document.root
    kind = local(root.tag)
    if kind == "packages":
        return _packages_config(document)
    if kind != "Project":
        raise ManifestError(
            f"not an MSBuild project: the root element is <{kind}>", document.line(root)
        )
    properties = _properties(root)
    found: list[Requirement] = []
    for element in root.iter():
        if local(element.tag) not in _ITEMS:
            continue
        ids = element.get("Include") or element.get("Update") or ""
        if not ids.strip():
            if element.get("Remove") is not None:
                continue  # removes an item another file added: nothing required here
            raise ManifestError(f"<{local(element.tag)}> without Include", document.line(element))
        version = _version(element)
        resolved = _resolve(version, properties)
        scope = _scope(element, properties)
        for package in (p.strip() for p in _resolve(ids, properties).split(";")):
            if package:
                found.append(Requirement(package.lower(), resolved, document.line(element), scope=scope))
    versioned = {r.name for r in found if r.constraint}
    return [r for r in found if r.constraint or r.name not in versioned]


def _version(element: ET.Element) -> str:
    for name in ("VersionOverride", "Version"):
        value = element.get(name)
        if value is None:
            value = text_of(child(element, name)) or None
        if value is not None:
            return "".join(value.split())
    return ""


def _metadata(element: ET.Element, name: str) -> str:
    """An item's metadata, written as an attribute or as a child element."""
    value = element.get(name)
    return value if value is not None else text_of(child(element, name))


def _scope(element: ET.Element, properties: dict[str, str]) -> str:
    private = _resolve(_metadata(element, "PrivateAssets"), properties).strip().lower()
    development = _resolve(_metadata(element, "DevelopmentDependency"), properties).strip().lower()
    return DEV if private == "all" or development == "true" else RUNTIME


def _properties(root: ET.Element) -> dict[str, str]:
    properties: dict[str, str] = {}
    for group in root.iter():
        if local(group.tag) == "PropertyGroup":
            for prop in group:
                properties[local(prop.tag)] = text_of(prop)
    return properties


def _resolve(text: str, properties: dict[str, str]) -> str:
    for _ in range(10):  # properties may refer to properties; a cycle stops here
        if not any(name in properties for name in _PROPERTY.findall(text)):
            break
        text = _PROPERTY.sub(lambda m: properties.get(m.group(1), m.group(0)), text)
    return text


def _packages_config(document: xmldoc.Document) -> list[Requirement]:
    found: list[Requirement] = []
    for element in document.root:
        if local(element.tag) != "package":
            continue
        package = (element.get("id") or "").strip()
        if not package:
            raise ManifestError("<package> without id", document.line(element))
        version = "".join((element.get("version") or "").split())
        development = (element.get("developmentDependency") or "").strip().lower() == "true"
        found.append(Requirement(package.lower(), version, document.line(element),
                                 scope=DEV if development else RUNTIME))
    return found
