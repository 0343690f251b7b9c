"""XML manifests (pom.xml, *.csproj, packages.config) read safely, with line numbers.

No manifest format here uses a DTD, and a DTD is the only road to entity
expansion (billion laughs, quadratic blowup) and external entities, so any
`<!DOCTYPE` or `<!ENTITY` is refused before the parser sees a byte.
The pull parser is fed one line at a time, which tells each element's line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError

if TYPE_CHECKING:  # imported by `parse`: naming a manifest needs no XML parser
    import xml.etree.ElementTree as ET

_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class Document(NamedTuple):
    root: ET.Element
    lines: dict[int, int]  # id(element) -> 1-based line

    def line(self, element: ET.Element | None) -> int | None:
        return None if element is None else self.lines.get(id(element))


def local(tag: str) -> str:
    """`{http://maven.apache.org/POM/4.0.0}dependency` -> `dependency`."""
    return tag.rpartition("}")[2]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if local(c.tag) == name]


def child(element: ET.Element, name: str) -> ET.Element | None:
    found = children(element, name)
    return found[0] if found else None


def text_of(element: ET.Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def parse(text: str) -> Document:
    """The parsed document; ManifestError (with a line) on bad or unsafe XML."""
    import xml.etree.ElementTree as ET

    dtd = _DTD.search(text)
    if dtd is not None:
        line = text.count("\n", 0, dtd.start()) + 1
        raise ManifestError(f"<!{dtd.group(1)}> declarations are not allowed in a manifest", line)
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start",))
    lines: dict[int, int] = {}
    root: ET.Element | None = None
    number = 0
    try:
        for number, chunk in enumerate(text.splitlines(keepends=True), 1):
            parser.feed(chunk)
            for event in parser.read_events():
                element = event[-1]
                if not isinstance(element, ET.Element):
                    continue
                if root is None:
                    root = element
                lines[id(element)] = number
        parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":", 1)[0]
        raise ManifestError(f"invalid XML: {reason} (column {column + 1})", line) from None
    if root is None:
        raise ManifestError("no XML element found", number or None)
    return Document(root, lines)
