"""Values, call chains and the `up` function of a JavaScript/TypeScript migration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from ownership_gate.classifiers.schema_jslex import JsGroup, JsNode, JsToken

_CONSTS: dict[str, bool | None] = {"true": True, "false": False, "null": None, "undefined": None}


@dataclass(frozen=True)
class JsStr:
    value: str
    line: int
    dynamic: bool = False


@dataclass
class JsFunc:
    params: list[str]
    body: list[JsNode]
    line: int


@dataclass
class JsNew:
    name: str
    args: list[JsValue]


@dataclass
class Segment:
    name: str
    args: list[JsValue] | None  # None: a property access, not a call
    groups: list[JsGroup] = field(default_factory=list)


@dataclass
class JsChain:
    root: str
    segments: list[Segment]
    line: int
    root_args: list[JsValue] | None = None  # `knex('users')` calls the root itself

    def calls(self) -> list[Segment]:
        return [s for s in self.segments if s.args is not None]

    def names(self) -> list[str]:
        return [s.name for s in self.segments]


@dataclass(frozen=True)
class JsOpaque:
    text: str


JsValue: TypeAlias = (
    JsStr | JsFunc | JsNew | JsChain | JsOpaque | bool | str | list["JsValue"] | dict[str, "JsValue"] | None
)


def _is(node: JsNode | None, kind: str, text: str | None = None) -> bool:
    return isinstance(node, JsToken) and node.kind == kind and (text is None or node.text == text)


def split(items: list[JsNode], separator: str = ",") -> list[list[JsNode]]:
    pieces: list[list[JsNode]] = [[]]
    for node in items:
        if _is(node, "op", separator):
            pieces.append([])
        else:
            pieces[-1].append(node)
    return [p for p in pieces if p]


def params(group: JsGroup | JsToken) -> list[str]:
    """Every name bound by a parameter list, destructured ones included."""
    if isinstance(group, JsToken):
        return [group.text] if group.kind == "name" else []
    names: list[str] = []
    for piece in split(group.items):
        head: list[JsNode] = []
        for node in piece:
            if _is(node, "op", "=") or (_is(node, "op", ":") and not head):
                break
            head.append(node)
        for node in head:
            if isinstance(node, JsGroup):
                names.extend(params(node))
            elif _is(node, "name") and node.text not in ("this", "async"):
                names.append(node.text)
                break
        for node in piece:  # `{ context: queryInterface }`
            if isinstance(node, JsGroup) and node.open == "{":
                for inner in split(node.items):
                    last = inner[-1]
                    if _is(last, "name"):
                        names.append(last.text)  # type: ignore[union-attr]
    return names


def function_at(items: list[JsNode], index: int) -> tuple[JsFunc, int] | None:
    """A function expression starting at `items[index]`, and the index after it."""
    line = items[index].line
    start = index
    while _is(items[index] if index < len(items) else None, "name", "async"):
        index += 1
    node = items[index] if index < len(items) else None
    if _is(node, "name", "function"):
        index += 1
        if _is(items[index] if index < len(items) else None, "name"):
            index += 1
        group = items[index] if index < len(items) else None
        if not isinstance(group, JsGroup) or group.open != "(":
            return None
        index += 1
        while index < len(items) and not (isinstance(items[index], JsGroup) and items[index].open == "{"):  # type: ignore[union-attr]
            index += 1  # a return type annotation
        if index >= len(items):
            return None
        body = items[index]
        assert isinstance(body, JsGroup)
        return JsFunc(params(group), body.items, line), index + 1
    if (isinstance(node, JsGroup) and node.open == "(") or _is(node, "name"):
        head = node
        index += 1
        while index < len(items) and not _is(items[index], "op", "=>"):
            if isinstance(head, JsToken) or not _type_annotation(items[index]):
                return None
            index += 1  # a return type annotation
        if index >= len(items) or head is None:
            return None
        index += 1
        body_node = items[index] if index < len(items) else None
        if isinstance(body_node, JsGroup) and body_node.open == "{":
            return JsFunc(params(head), body_node.items, line), index + 1
        end = index
        while end < len(items) and not _is(items[end], "op", ",") and not _is(items[end], "op", ";"):
            end += 1
        return JsFunc(params(head), items[index:end], line), end
    del start
    return None


def _type_annotation(node: JsNode) -> bool:
    """A piece of a TypeScript return type: `: Promise<void>`."""
    if isinstance(node, JsGroup):
        return node.open != "{"
    return node.kind == "name" or node.text in (":", "<", ">", "|", ".")


def chain_at(items: list[JsNode], index: int) -> tuple[JsChain, int] | None:
    """`a.b(x).c` starting at a name, and the index after it."""
    first = items[index]
    if not _is(first, "name"):
        return None
    assert isinstance(first, JsToken)
    chain = JsChain(first.text, [], first.line)
    index += 1
    if index < len(items) and isinstance(items[index], JsGroup) and items[index].open == "(":  # type: ignore[union-attr]
        group = items[index]
        assert isinstance(group, JsGroup)
        chain.root_args = arguments(group)
        index += 1
    while index < len(items):
        node = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        if (_is(node, "op", ".") or _is(node, "op", "?.")) and _is(following, "name"):
            name = items[index + 1]
            assert isinstance(name, JsToken)
            chain.segments.append(Segment(name.text, None))
            index += 2
        elif isinstance(node, JsGroup) and node.open == "(" and chain.segments and chain.segments[-1].args is None:
            chain.segments[-1].args = arguments(node)
            chain.segments[-1].groups = [node]
            index += 1
        elif isinstance(node, JsGroup) and node.open == "[":
            index += 1
        elif _is(node, "op", "!"):
            index += 1  # TypeScript non-null assertion
        else:
            break
    return chain, index


def arguments(group: JsGroup) -> list[JsValue]:
    return [value(piece) for piece in split(group.items)]


def value(items: list[JsNode]) -> JsValue:
    while items and _is(items[0], "name", "await"):
        items = items[1:]
    while len(items) > 2 and _is(items[-2], "name", "as"):
        items = items[:-2]  # a TypeScript `as` cast
    if not items:
        return None
    node = items[0]
    if len(items) == 1 and isinstance(node, JsToken):
        if node.kind == "string":
            return JsStr(node.text, node.line, node.dynamic)
        if node.kind == "number":
            return node.text
        if node.kind == "name" and node.text in _CONSTS:
            return _CONSTS[node.text]
    if len(items) == 1 and isinstance(node, JsGroup) and node.open == "{":
        return obj(node)
    if len(items) == 1 and isinstance(node, JsGroup) and node.open == "[":
        return [value(p) for p in split(node.items)]
    if len(items) == 1 and isinstance(node, JsGroup) and node.open == "(":
        return value(node.items)
    if _is(node, "name", "new") and len(items) > 1:
        inner = chain_at(items, 1)
        if inner is not None:
            found = inner[0]
            return JsNew(".".join([found.root, *found.names()]), found.root_args or [])
    function = function_at(items, 0)
    if function is not None and function[1] >= len(items):
        return function[0]
    found_chain = chain_at(items, 0)
    if found_chain is not None and found_chain[1] >= len(items):
        return found_chain[0]
    return JsOpaque(" ".join(n.text if isinstance(n, JsToken) else n.open for n in items))


def obj(group: JsGroup) -> dict[str, JsValue]:
    out: dict[str, JsValue] = {}
    for piece in split(group.items):
        key = piece[0]
        if _is(key, "op", "...") or not isinstance(key, JsToken):
            continue
        if len(piece) >= 3 and _is(piece[1], "op", ":"):
            out[key.text] = value(piece[2:])
        elif len(piece) == 1 and key.kind == "name":
            out[key.text] = JsOpaque(key.text)
    return out


def find_up(items: list[JsNode]) -> JsFunc | None:
    """The forward function: `up(...) {}`, `up: (...) => {}`, `exports.up = function`, ..."""
    for index, node in enumerate(items):
        if isinstance(node, JsGroup):
            found = find_up(node.items)
            if found is not None:
                return found
            continue
        if not _is(node, "name", "up"):
            continue
        before = items[index - 1] if index else None
        after = items[index + 1] if index + 1 < len(items) else None
        if isinstance(after, JsGroup) and after.open == "(" and not _is(before, "op", "."):
            method = function_at([JsToken("name", "function", node.line), *items[index + 1 :]], 0)
            if method is not None:
                return method[0]
        if _is(after, "op", "=") or _is(after, "op", ":"):
            for start in range(index + 2, min(index + 12, len(items))):
                found_function = function_at(items, start)
                if found_function is not None:
                    return found_function[0]
                if _is(items[start], "op", ",") or _is(items[start], "op", ";"):
                    break
    return None
