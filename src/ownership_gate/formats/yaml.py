"""YAML read with ruamel.yaml into trees that remember their lines: the one YAML reader.

`compose` gives ruamel's own nodes (the policy validator wants their
columns and styles); `load` builds them into `Node` trees for the manifest
readers. Documents are composed in safe mode and never constructed:
nothing in a file can build a Python object, and a tag of its own
(CloudFormation's `!Ref x`) is kept as an expression, not refused.

libyaml (through ruamel.yaml.clib) composes six times faster than
ruamel's own parser, and both resolve tags alike. libyaml knows YAML 1.1
syntax only, so ruamel's own parser reads the documents libyaml rejects
(`[a:b]`) and has the last word on errors. (They differ in one more way:
libyaml puts an empty value on its key's line, ruamel on the next token's.)

Nesting is limited to MAX_DEPTH before anything recurses: libyaml's
composer recurses in C and kills the process on a file nested tens of
thousands of levels deep. A cheap look at the text bounds the depth; only
a file that might be too deep has its parser events counted (libyaml's
parser is iterative) before it is composed.

ruamel.yaml loads with the first YAML file read, not with this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, NamedTuple, Union

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import Node as RawNode

MAX_DEPTH = 200
CORE_TAG = "tag:yaml.org,2002:"

Scalar = Union[str, int, float, bool, None]  # noqa: UP007 (a runtime alias on Python 3.10)


class YamlError(ValueError):
    """A stream that does not read: `problem` (and libyaml's `context`) at a 1-based line and column."""

    def __init__(
        self, problem: str, line: int | None = None, column: int | None = None, context: str | None = None
    ) -> None:
        super().__init__(problem)
        self.problem, self.line, self.column, self.context = problem, line, column, context


class TooDeep(YamlError):
    """Collections nested deeper than MAX_DEPTH (or JSON deeper than Python reads)."""

    def __init__(self, line: int | None = None, column: int | None = None) -> None:
        super().__init__(f"nested more than {MAX_DEPTH} levels deep", line, column)


class Node:
    """A node: `value` is a dict[str, Node], a list[Node] or a scalar; `line` is 1-based.

    Mutable: an alias can refer to the collection that holds it, so a node is
    made before its value is.
    """

    __slots__ = ("line", "tag", "value")

    def __init__(self, value: object, line: int | None, tag: str | None = None) -> None:
        self.value = value
        self.line = line
        self.tag = tag  # a tag of its own (`!Ref`): the value is an expression

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def scalar(self, key: str) -> Scalar:
        """The plain value under `key` (tagged or not), None when absent or a collection."""
        child = self.get(key)
        value = child.value if child is not None else None
        return value if isinstance(value, (str, int, float, bool)) else None

    def string(self) -> str | None:
        """This node's string; None for anything else, an expression (`!Ref x`) included."""
        return self.value if isinstance(self.value, str) and self.tag is None else None

    def text(self, key: str) -> str | None:
        """The string under `key` (see `string`)."""
        child = self.get(key)
        return child.string() if child is not None else None

    def mapping(self, key: str) -> dict[str, Node]:
        """The mapping under `key`, or an empty one."""
        child = self.get(key)
        return child.value if child is not None and isinstance(child.value, dict) else {}

    def sequence(self, key: str) -> list[Node]:
        """The sequence under `key`, or an empty one."""
        child = self.get(key)
        return child.value if child is not None and isinstance(child.value, list) else []


class Documents(NamedTuple):
    """Every document of a stream, and the first key a mapping gives twice (the later value wins)."""

    roots: list[Node]
    duplicate: tuple[str, int] | None = None  # (key, 1-based line of its second appearance)


Loader = Callable[[str], Documents]


# -- the depth bound ------------------------------------------------------

# Every character that ends a line for libyaml or ruamel, not only LF.
_BREAKS = "\n\r\x85\u2028\u2029"
# Block collections nest by indentation and compact `- `, `? `, `: ` indicators:
# a line opening a collection at depth d starts with at least d/2 such characters.
_DEEP_LINE = re.compile(rf"(?:^|[{_BREAKS}])[ \t?:-]{{{MAX_DEPTH // 4}}}")
# A comment line holds no flow collection (in a block scalar it is text, not flow either).
_COMMENT_LINE = re.compile(rf"(?:^|[{_BREAKS}])[ \t]*#[^{_BREAKS}]*")


def _openings(text: str) -> int:
    return text.count("[") + text.count("{") - text.count("[]") - text.count("{}")


def _flow_openings(text: str) -> int:
    """At most how many non-empty flow collections (`[a]`, `{a: b}`) the text opens."""
    found = _openings(text)
    if found > MAX_DEPTH // 2:
        found -= sum(map(_openings, _COMMENT_LINE.findall(text)))
    return found


def _may_be_too_deep(text: str) -> bool:
    """False when the text cannot nest deeper than MAX_DEPTH; cheap, and never wrongly False."""
    return _flow_openings(text) > MAX_DEPTH // 2 or _DEEP_LINE.search(text) is not None


def _check_depth(text: str) -> None:
    """Count the depth in the parser's events, which no parser makes by recursing."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    def events(pure: bool) -> None:
        depth = 0
        for event in YAML(typ="safe", pure=pure).parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise TooDeep(mark.line + 1, mark.column + 1) if mark is not None else TooDeep()
            elif isinstance(event, CollectionEndEvent):
                depth -= 1

    try:
        events(pure=False)
        return
    except YAMLError:
        pass
    try:
        events(pure=True)
    except YAMLError as exc:
        raise _error(exc) from None


# -- composing ------------------------------------------------------------


def _error(exc: YAMLError) -> YamlError:
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = exc.problem or exc.context or "not valid YAML"
        return YamlError(problem, line, column, exc.context if exc.problem else None)
    return YamlError(str(exc).splitlines()[0] if str(exc) else "not valid YAML")


@cache
def _resolver_for_libyaml() -> type:
    """ruamel's resolver, told the version libyaml's documents are read as.

    ruamel resolves what libyaml composes as YAML 1.2 whatever a document's
    `%YAML` line says (libyaml does not hand ruamel the directive); its
    resolver still asks which version applies for every scalar, and finds out
    through two caught exceptions each time, a tenth of a large change's time.

    The same short scalar (a key such as `name` or `image`, `true`, `80`)
    resolves to the same tag wherever it is, so each is resolved once and
    its tag shared: one tag object also spells its name once, not once a node.
    """
    from ruamel.yaml.resolver import VersionedResolver

    resolved: dict[tuple[object, object, object], object] = {}

    class Yaml12Resolver(VersionedResolver):
        processing_version = (1, 2)

        def resolve(self, kind: object, value: object, implicit: object) -> object:
            if isinstance(value, str) and len(value) > _SHORT:
                return super().resolve(kind, value, implicit)
            key = (kind, value, implicit)
            found = resolved.get(key)
            if found is None:
                found = resolved[key] = super().resolve(kind, value, implicit)
            return found

    return Yaml12Resolver


# Scalars up to this long have their tags remembered (see `_resolver_for_libyaml`): the ones that repeat.
_SHORT = 64


@cache
def _libyaml() -> YAML:
    """The loader every stream is composed with first: made once, since ruamel looks for its plug-ins on
    disk each time one is made."""
    from ruamel.yaml import YAML
    from ruamel.yaml.parser import Parser as PurePython

    loader = YAML(typ="safe")
    if loader.Parser is not PurePython:  # ruamel.yaml.clib is installed
        loader.Resolver = _resolver_for_libyaml()
    return loader


def compose(text: str) -> list[RawNode]:
    """The root node of every document, nested at most MAX_DEPTH deep; YamlError otherwise."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if _may_be_too_deep(text):
        _check_depth(text)
    try:
        return [node for node in _libyaml().compose_all(text) if node is not None]
    except YAMLError:
        pass
    try:
        return [node for node in YAML(typ="safe", pure=True).compose_all(text) if node is not None]
    except YAMLError as exc:
        raise _error(exc) from None
    except RecursionError:  # ruamel's own composer recurses; MAX_DEPTH keeps it far from the limit
        raise TooDeep() from None


# -- building trees -------------------------------------------------------

_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


def _int(text: str) -> int | str:
    digits = text.replace("_", "")
    sign, digits = (-1, digits[1:]) if digits.startswith("-") else (1, digits.lstrip("+"))
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower())
    try:
        return sign * (int(digits[2:], base) if base else int(digits))
    except ValueError:
        return text


def _float(text: str) -> float | str:
    try:
        number = float(text.replace("_", ""))
    except ValueError:
        return text  # `.inf` and `.nan` stay text: no manifest means infinity, and NaN equals nothing
    return number


def _scalar(tag: str, text: str) -> Scalar:
    """A core scalar as a plain value; timestamps and the rest stay text."""
    kind = tag[len(CORE_TAG) :]
    if kind == "int":
        return _int(text)
    if kind == "float":
        return _float(text)
    if kind == "bool":
        return _BOOLEANS.get(text.lower(), text)
    if kind == "null":
        return None
    return text


class _Builder:
    """Composed nodes to `Node` trees. Aliases share nodes, and each is built once, so
    an alias bomb (`&a [*b, *b, ...]`) costs its size in the file, not its expansion."""

    def __init__(self) -> None:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        self._mapping, self._sequence = MappingNode, SequenceNode
        # Remembering each node keeps it alive, so its id cannot be reused.
        self._built: dict[int, tuple[RawNode, Node]] = {}
        self.duplicate: tuple[str, int] | None = None

    def document(self, root: RawNode) -> Node:
        self._built = {}  # aliases never cross documents
        return self.build(root)

    def build(self, raw: RawNode) -> Node:
        known = self._built.get(id(raw))
        if known is not None:
            return known[1]
        tag = str(raw.tag) if raw.tag is not None else None
        own_tag = tag if tag is not None and not tag.startswith(CORE_TAG) else None
        node = Node(None, raw.start_mark.line + 1 if raw.start_mark is not None else None, own_tag)
        self._built[id(raw)] = (raw, node)
        if isinstance(raw, self._mapping):
            node.value = self._pairs(raw.value)
        elif isinstance(raw, self._sequence):
            node.value = [self.build(item) for item in raw.value]
        elif own_tag is not None or tag is None:
            node.value = str(raw.value)
        else:
            node.value = _scalar(tag, str(raw.value))
        return node

    def _pairs(self, pairs: list[tuple[RawNode, RawNode]]) -> dict[str, Node]:
        """A mapping's entries; merge keys (`<<: *defaults`) fill in what the mapping does not set."""
        mapping: dict[str, Node] = {}
        own: set[str] = set()
        for key_raw, value_raw in pairs:
            value = self.build(value_raw)
            if str(key_raw.tag) == CORE_TAG + "merge":
                sources = value.value if isinstance(value.value, list) else [value]
                for source in sources:
                    if isinstance(source.value, dict):
                        for key, merged in source.value.items():
                            mapping.setdefault(key, merged)
                continue
            if isinstance(key_raw.value, (list, tuple)):
                continue  # a collection as a key names nothing a manifest asks for
            key = str(key_raw.value)
            if key in own and self.duplicate is None:
                self.duplicate = (key, key_raw.start_mark.line + 1)
            own.add(key)
            mapping[key] = value
        return mapping


def load(text: str) -> Documents:
    """Every document of a YAML stream (JSON included) as a tree; YamlError when it does not read."""
    builder = _Builder()
    roots = [builder.document(root) for root in compose(text)]
    return Documents(roots, builder.duplicate)


def plain(node: Node) -> object:
    """The tree as plain dicts, lists and scalars, for readers that compare whole values;
    a value with a tag of its own (`!Ref Image`) becomes its tag and text (`!Ref Image`)."""
    value = node.value
    if isinstance(value, dict):
        return {key: plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [plain(child) for child in value]
    return f"{node.tag} {value}" if node.tag is not None else value


def load_json(text: str) -> Node:
    """A JSON document (a subset of YAML, read faster by the json module) as a tree without lines."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise YamlError(f"JSON does not parse: {exc}", getattr(exc, "lineno", None)) from None
    except RecursionError:
        raise TooDeep() from None
    return _from_plain(data, 0)


def _from_plain(data: object, depth: int) -> Node:
    """A tree of `data`, whose collections sit `depth` collections deep."""
    if depth >= MAX_DEPTH and isinstance(data, (dict, list)):
        raise TooDeep()
    if isinstance(data, dict):
        return Node({str(k): _from_plain(v, depth + 1) for k, v in data.items()}, None)
    if isinstance(data, list):
        return Node([_from_plain(v, depth + 1) for v in data], None)
    return Node(data, None)


class Cache:
    """The streams one change set has read, by their text: two classifiers reading the
    same file (a Kubernetes manifest for its cost and for its images) parse it once.

    The text is the blob's contents (which its id names) or a view of them
    (a manifest with its CRDs blanked out); keying by the text itself means
    two views of one blob are never confused. Trees are kept for the whole
    change set, up to `room` characters of text, then read without keeping.
    """

    def __init__(self, room: int = 4 * 1024 * 1024) -> None:
        self._read: dict[str, Documents | YamlError] = {}
        self._room = room

    def load(self, text: str) -> Documents:
        found = self._read.get(text)
        if found is None:
            try:
                found = load(text)
            except YamlError as exc:
                found = exc
            if len(text) <= self._room:
                self._room -= len(text)
                self._read[text] = found
        if isinstance(found, YamlError):
            raise found.with_traceback(None)
        return found


# -- reading trees --------------------------------------------------------


def render(node: Node) -> str:
    """A value as written, for messages (`t3.large`, `[a, b]`, `!Ref Size`)."""
    value = node.value
    if isinstance(value, dict):
        body = "{" + ", ".join(f"{k}: {render(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        body = "[" + ", ".join(render(v) for v in value) + "]"
    elif isinstance(value, bool):
        body = "true" if value else "false"
    elif value is None:
        body = "null"
    else:
        body = str(value)
    return f"{node.tag} {body}" if node.tag else body


def mappings(root: Node, skip: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every mapping in a tree, each once, depth-first; `skip` names keys not entered."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node.value, dict):
            yield node
            stack.extend(reversed([v for k, v in node.value.items() if k not in skip]))
        elif isinstance(node.value, list):
            stack.extend(reversed(node.value))
