"""How a Liquibase changelog in XML, YAML or JSON becomes ops (which files are one: schema_liquibase).

XML is parsed by the standard library's parser through formats.xmldoc (no
DTD, each element's line kept), YAML by formats.yaml, and JSON as YAML
(for its lines) or, where YAML does not read it, by the json module. Each
becomes the same tree of elements, so one mapping of change types serves
all three (liquibase_ops.py). A changelog parameter (`${schema}`) is a
value filled in when Liquibase runs: before a `.` it is the schema
prefix a subject leaves out anyway, anywhere else a placeholder.

Liquibase records each changeset it ran by `id` and `author`, and runs
every changeset it has not run, wherever it sits in the file. So a
changelog that existed at the base is judged by its changesets that are
new or whose forward side changed (`<rollback>` and `<comment>` are no
forward side). A changeset that is gone, or changed without running
again (only `runOnChange` and `runAlways` ones do), makes the file an
edited migration; a changeset under a new id or author with the changes
of one that is gone runs them a second time where that one ran, and is
`unknown`.
"""

from __future__ import annotations

import posixpath
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.schema.frameworks.liquibase_ops import Element, SqlFile, changes_ops
from ownership_gate.classifiers.schema.ops import PLACEHOLDER, Migration, Op, Unreadable
from ownership_gate.formats import xmldoc, yaml

if TYPE_CHECKING:  # xml.etree loads with the first XML changelog read (xmldoc.parse)
    import xml.etree.ElementTree as ET

_ROOT = "databaseChangeLog"
_DTD = patterns.compile(r"(?i)<!\s*(DOCTYPE|ENTITY)")
# A changelog parameter: before a `.` a schema (dropped with the `.`), anywhere else a value.
_PARAMETER = patterns.compile(r"\$\{[^}\s]*\}(\.)?")
# A YAML block scalar's indicator ending its key's line (`sql: |`): the text starts on the next line.
_BLOCK = patterns.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")
# What an XML changeSet holds besides its changes (a YAML one lists its changes under `changes:`).
_NOT_CHANGES = frozenset({"comment", "preConditions", "rollback", "validCheckSum", "modifySql"})
# What never runs forward, left out when comparing two versions of a changeset.
_UNSEEN = frozenset({"comment", "rollback", "validCheckSum", "id", "author"})
# YAML lists whose items are the elements the XML form nests directly (`columns:`).
_FLAT = frozenset({"columns"})


class ChangeSet(NamedTuple):
    key: tuple[str, str, int]  # id, author, and which of the file's changesets so named
    changes: tuple[Element, ...]
    again: bool  # `runOnChange` or `runAlways`: runs again when it changes
    body: str  # what it runs, written out without layout, comments or the rollback side
    line: int | None


def read(text: str, path: str, context: Context, declared: bool = False) -> Migration | None:
    entries = _changelog(text, path, context)
    if entries is None:
        if declared:  # the policy says everything here runs as a migration
            return Migration((Op("unknown", line=1, detail="holds no Liquibase changelog"),))
        return None
    after = _changesets(entries)
    if not after:
        return Migration(()) if declared else None  # only includes, properties or preconditions
    before_text = text_of(context.old_file(path))
    old_side = before_text == text
    runs: Sequence[ChangeSet | Op] = after
    repeatable = False
    if before_text is not None and not old_side:
        try:
            before = _changelog(before_text, path, context)
        except Unreadable:
            before = None  # the edit is judged as one to a migration that could not be read
        if before is not None:
            runs, edited = _since(_changesets(before), after)
            repeatable = not edited  # what runs anew is judged, with nothing run before changed
    fingerprint = "\n".join(f"{c.key[0]}:{c.key[1]}:{c.body}" for c in after)
    return Migration(tuple(_ops(runs, _sql_files(path, context, old_side))), repeatable=repeatable,
                     fingerprint=fingerprint)


def _since(before: list[ChangeSet], after: list[ChangeSet]) -> tuple[list[ChangeSet | Op], bool]:
    """The changesets of `after` to judge where `before` ran, and whether any changeset of `before` is gone
    or changed without running again.

    The new changesets come first, in order; then those changed, whose tables and columns exist where
    they ran before, so nothing they create is new to a new changeset (a column an edited changeset adds
    and a new one drops is a dropped column).
    """
    old = {c.key: c for c in before}
    keys = {c.key for c in after}
    gone = {c.body: c for c in before if c.key not in keys}
    fresh: list[ChangeSet | Op] = []
    changed: list[ChangeSet | Op] = []
    edited = bool(gone)
    for changeset in after:
        was = old.get(changeset.key)
        if was is None and changeset.body in gone:
            first = gone[changeset.body].key
            fresh.append(Op("unknown", line=changeset.line, detail=(
                f"changeset {changeset.key[0]} by {changeset.key[1]} is changeset {first[0]} by {first[1]} under"
                " another name: databases that ran that one run its changes again")))
        elif was is None:
            fresh.append(changeset)
        elif was.body != changeset.body:
            changed.append(changeset)
            edited = edited or not changeset.again
    return fresh + changed, edited


def _ops(runs: Sequence[ChangeSet | Op], sql_file: SqlFile) -> list[Op]:
    changes = [change for run in runs if isinstance(run, ChangeSet) for change in run.changes]
    read = iter(changes_ops(changes, sql_file))
    ops: list[Op] = []
    for run in runs:
        if isinstance(run, Op):
            ops.append(run)
            continue
        for _ in run.changes:
            ops.extend(next(read))
    return ops


def _on(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "true"


def _changesets(entries: Sequence[Element]) -> list[ChangeSet]:
    found: list[ChangeSet] = []
    named: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        if entry.name != "changeSet" or _on(entry.attrs.get("ignore")):
            continue
        ident = (entry.attrs.get("id", ""), entry.attrs.get("author", ""))
        named[ident] += 1
        listed = entry.child("changes")
        changes = listed.children if listed is not None else tuple(
            c for c in entry.children if c.name not in _NOT_CHANGES)
        again = _on(entry.attrs.get("runOnChange")) or _on(entry.attrs.get("runAlways"))
        found.append(ChangeSet((*ident, named[ident]), changes, again, _written(entry), entry.line))
    return found


def _written(element: Element) -> str:
    """An element as it runs: names, attributes, children and text, without layout or what never runs."""
    attrs = ",".join(f"{k}={v}" for k, v in sorted(element.attrs.items()) if k not in _UNSEEN)
    inner = ";".join(_written(c) for c in element.children if c.name not in _UNSEEN)
    return f"{element.name}({attrs})[{inner}]{{{' '.join(element.text.split())}}}"


def _parameters(value: str) -> str:
    if "${" not in value:
        return value
    return _PARAMETER.sub(lambda m: "" if m[1] else PLACEHOLDER, value)


def _changelog(text: str, path: str, context: Context) -> list[Element] | None:
    """The entries of the changelog in `text` (changesets, includes, ...); None when it is no changelog."""
    if _ROOT not in text:
        return None
    lower = path.lower()
    if lower.endswith(".xml"):
        return _xml(text)
    return _yaml(text, context, lower.endswith(".json"))


def _xml(text: str) -> list[Element] | None:
    dtd = _DTD.search(text)
    if dtd is not None:
        raise Unreadable(f"<!{dtd[1]}> declarations are not read", text.count("\n", 0, dtd.start()) + 1)
    try:
        document = xmldoc.parse(text)
    except ManifestError as exc:
        raise Unreadable(str(exc), exc.line) from None
    if xmldoc.local(document.root.tag) != _ROOT:
        return None
    return [_xml_element(child, document) for child in document.root]


def _xml_element(node: ET.Element, document: xmldoc.Document) -> Element:
    line = document.line(node)
    return Element(
        xmldoc.local(node.tag), {xmldoc.local(k): _parameters(v) for k, v in node.attrib.items()},
        tuple(_xml_element(child, document) for child in node), _parameters(_xml_text(node)), line, line,
    )


def _xml_text(node: ET.Element) -> str:
    """The text of an element; a child's text (a `<comment>` in a `<sql>`) is left out, its lines kept."""
    parts = [node.text or ""]
    for child in node:
        parts.append("\n" * "".join(child.itertext()).count("\n"))
        parts.append(child.tail or "")
    return "".join(parts)


def _yaml(text: str, context: Context, is_json: bool) -> list[Element] | None:
    try:
        with warnings.catch_warnings():
            # An anchor defined again (`&soft_delete_column` in every table that has one): the later one holds.
            warnings.simplefilter("ignore")
            roots = context.load_yaml(text).roots
    except yaml.YamlError as exc:
        if not is_json:
            column = f" (column {exc.column})" if exc.column else ""
            raise Unreadable(f"invalid YAML: {exc.problem}{column}", exc.line) from None
        try:
            roots = [yaml.load_json(text)]  # JSON that YAML does not read (a tab where YAML wants spaces)
        except yaml.YamlError as error:
            raise Unreadable(error.problem, error.line) from None
    root = roots[0] if roots else None
    if root is None or not isinstance(root.value, dict) or _ROOT not in root.value:
        return None
    lines = text.splitlines()
    return [_item(entry, lines) for entry in root.sequence(_ROOT)]


def _item(node: yaml.Node, lines: list[str]) -> Element:
    """A list item: `- createTable: {...}` is the element `createTable`, on the item's line. An item with
    several keys (`- sql:` with its properties indented as its siblings) is named for all of them."""
    if isinstance(node.value, dict) and len(node.value) == 1:
        ((name, value),) = node.value.items()
        return _yaml_element(name, value, lines)._replace(line=node.line)
    if isinstance(node.value, dict):
        return _yaml_element("{" + ", ".join(node.value) + "}", node, lines)
    return _yaml_element("" if isinstance(node.value, list) else _scalar(node), node, lines)


def _yaml_element(name: str, node: yaml.Node, lines: list[str]) -> Element:
    value = node.value
    if isinstance(value, list):
        return Element(name, {}, tuple(_item(item, lines) for item in value), line=node.line)
    if not isinstance(value, dict):
        return Element(name, {}, text=_scalar(node), line=node.line, text_line=_text_line(node, lines))
    attrs: dict[str, str] = {}
    children: list[Element] = []
    text, text_line = "", None
    for key, child in value.items():
        if isinstance(child.value, dict):
            children.append(_yaml_element(key, child, lines))
        elif isinstance(child.value, list):
            items = tuple(_item(item, lines) for item in child.value)
            if key in _FLAT:
                children.extend(items)
            else:
                children.append(Element(key, {}, items, line=child.line))
        elif name == "sql" and key == "sql":
            text, text_line = _scalar(child), _text_line(child, lines)
        else:
            attrs[key] = _scalar(child)
    return Element(name, attrs, tuple(children), text, node.line, text_line)


def _scalar(node: yaml.Node) -> str:
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else _parameters(str(value))


def _text_line(node: yaml.Node, lines: list[str]) -> int | None:
    """Where a scalar's text starts: the line after its key's for a block scalar (`sql: |`)."""
    if node.line is None:
        return None
    here = lines[node.line - 1] if 0 < node.line <= len(lines) else ""
    return node.line + 1 if _BLOCK.search(here) else node.line


# A `sqlFile` path is found next to the changelog (`relativeToChangelogFile`) or on Liquibase's search path:
# a folder above the changelog (`src/main/resources/`), the repository's top, or, for a search path set
# elsewhere, the one file of the change set at that path under some folder.
_CLASSPATH = ("classpath*:", "classpath:")


def _sql_files(path: str, context: Context, old_side: bool) -> SqlFile:
    """Reads a `sqlFile`'s SQL on the side of the change set the changelog is read on."""
    read = context.old_file if old_side else context.new_file
    folder = posixpath.dirname(path)

    def sql_file(given: str, relative: bool) -> tuple[str, str | None]:
        wanted = given.strip()
        for prefix in _CLASSPATH:
            wanted = wanted.removeprefix(prefix)
        wanted = wanted.lstrip("/")
        if relative:
            candidates = [posixpath.join(folder, wanted)]
        else:
            parts = folder.split("/") if folder else []
            candidates = [posixpath.join(*parts[:n], wanted) for n in range(len(parts), -1, -1)]
            changed = [p for p in context.paths.by_name.get(posixpath.basename(wanted), ()) if p.endswith("/" + wanted)]
            candidates += changed if len(changed) == 1 else []
        for candidate in (posixpath.normpath(c) for c in candidates):
            if candidate.startswith("../"):
                continue
            found = text_of(read(candidate))
            if found is not None:
                return candidate, found
        return wanted, None

    return sql_file
