"""Reading pom.xml (which files are manifests: maven.py).

Scopes: a dependency's `<scope>test</scope>` is test; compile, provided,
runtime, system and import are runtime (they reach the artifact or the
server it runs on); build plugins, extensions and the plugins' own
dependencies are build.

The Java release the project is compiled for is a requirement too, `java`
in runtime scope: the compiler plugin's `<release>` or `<target>`, else the
`maven.compiler.release`, `maven.compiler.target` or `java.version`
property (Spring Boot's), with Java 8 and earlier's `1.8` read as `8`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    RUNTIME,
    TEST,
    ManifestError,
    Release,
    Requirement,
    widest,
)
from ownership_gate.classifiers.dependency.versions.ranges import interval_lowest
from ownership_gate.formats import xmldoc
from ownership_gate.formats.xmldoc import child, children, local, text_of

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
    found: list[tuple[Requirement, str | None]] = []  # with the <scope> it declares, if any
    parent = child(root, "parent")
    if parent is not None and not _own_parent(parent, root, pom):
        found.append(_entry(parent, "parent", pom))
    stack = [(root, False)]  # (element, inside a build plugin)
    while stack:
        element, building = stack.pop()
        name = local(element.tag)
        for holder in (c for c in element if local(c.tag) in _HOLDS.get(name, ())):
            stack.append((holder, building))
            entry = _ENTRIES.get(local(holder.tag))
            for item in children(holder, entry) if entry else []:
                built = building or entry != "dependency"
                found.append(_entry(item, entry or "", pom, BUILD if built else None))
                stack.append((item, built))
    java = _java(root, pom)
    return _drop_unversioned_duplicates(found) + ([java] if java is not None else [])


_COMPILER_SETTINGS = ("release", "target")
_JAVA_PROPERTIES = ("maven.compiler.release", "maven.compiler.target", "java.version")
_OLD_JAVA = re.compile(r"1\.(\d+)")


def _java(root: ET.Element, pom: _Pom) -> Requirement | None:
    """The Java release the project is compiled for (see the module docstring), or None when it names none."""
    for plugin in root.iter():
        if local(plugin.tag) != "plugin" or text_of(child(plugin, "artifactId")) != "maven-compiler-plugin":
            continue
        configuration = child(plugin, "configuration")
        for name in _COMPILER_SETTINGS:
            element = child(configuration, name) if configuration is not None else None
            release, line = pom.resolve(text_of(element))
            if release and "$" not in release:
                return _release(release, line or pom.doc.line(element))
    for name in _JAVA_PROPERTIES:
        if name in pom.properties:
            release, line = pom.properties[name]
            release = pom.resolve(release)[0]
            if release and "$" not in release:
                return _release(release, line)
    return None


def _release(text: str, line: int | None) -> Requirement:
    release = text.strip()
    old = _OLD_JAVA.fullmatch(release)
    return Requirement("java", old.group(1) if old else release, line, scope=RUNTIME)


def _own_parent(parent: ET.Element, root: ET.Element, pom: _Pom) -> bool:
    relative = child(parent, "relativePath")
    if relative is not None and not text_of(relative):
        return False  # `<relativePath/>`: looked up from a repository, a real dependency
    own_group = text_of(child(root, "groupId"))
    return not own_group or own_group == text_of(child(parent, "groupId"))


def _entry(
    element: ET.Element, kind: str, pom: _Pom, scope: str | None = None
) -> tuple[Requirement, str | None]:
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
    declared = pom.resolve(text_of(child(element, "scope")))[0].strip() or None
    requirement = Requirement(
        f"{group}:{artifact}",
        " ".join(version.split()),
        property_line or pom.doc.line(version_element) or line,
        scope=scope or _scope(declared),
    )
    return requirement, declared


def _scope(declared: str | None) -> str:
    return TEST if declared == "test" else RUNTIME


def _drop_unversioned_duplicates(found: list[tuple[Requirement, str | None]]) -> list[Requirement]:
    """A versionless entry managed elsewhere in the same file adds nothing to compare but its
    scope: the managed entry is needed where its uses are (a use without `<scope>` takes the
    managed one's), so `junit` managed at 5.10 and used in test scope is a test dependency."""
    managed = {r.name: declared for r, declared in found if r.constraint}
    uses: dict[str, list[str]] = {}
    for r, declared in found:
        if not r.constraint and r.name in managed and r.scope != BUILD:
            uses.setdefault(r.name, []).append(_scope(declared or managed[r.name]))
    return [
        r._replace(scope=widest(uses[r.name])) if r.name in uses and r.scope != BUILD else r
        for r, _ in found if r.constraint or r.name not in managed
    ]
