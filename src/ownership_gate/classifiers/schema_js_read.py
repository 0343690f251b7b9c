"""How a JS/TS migration's forward code becomes ops (which files are one: schema_js)."""

from __future__ import annotations

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema_js_ops import TableCalls, method_ops
from ownership_gate.classifiers.schema_jslex import JsGroup, JsNode, JsToken, parse
from ownership_gate.classifiers.schema_jsread import JsChain, JsFunc, JsStr, chain_at, find_up
from ownership_gate.classifiers.schema_ops import Migration, Op, Unreadable

_DECLARATIONS = frozenset({"const", "let", "var"})


class _Walker:
    def __init__(self, roots: set[str]) -> None:
        self.roots = roots | {"this"}
        self.tables: dict[str, str | None] = {}
        self.variables: dict[str, JsStr] = {}
        self.depth = 0

    def body(self, items: list[JsNode]) -> list[Op]:
        self.depth += 1
        if self.depth > 100:
            raise Unreadable("callbacks nested too deeply")
        ops: list[Op] = []
        index = 0
        while index < len(items):
            node = items[index]
            if isinstance(node, JsGroup):
                ops.extend(self.body(node.items))
                index += 1
                continue
            if isinstance(node, JsToken) and node.kind == "name" and node.text in _DECLARATIONS:
                index = self.declaration(items, index + 1)
                continue
            if isinstance(node, JsToken) and node.kind == "name" and not _after_dot(items, index) and (
                    index + 2 < len(items) and isinstance(items[index + 1], JsToken)
                    and items[index + 1].text == "="):  # type: ignore[union-attr]
                index = max(self.declaration(items, index), index + 1)  # `tableName = "documents"`
                continue
            if isinstance(node, JsToken) and node.kind == "name" and not _after_dot(items, index):
                found = chain_at(items, index)
                if found is not None and (found[0].segments or found[0].root_args is not None):
                    ops.extend(self.chain(found[0]))
                    index = found[1]
                    continue
            index += 1
        self.depth -= 1
        return ops

    def declaration(self, items: list[JsNode], index: int) -> int:
        name = items[index] if index < len(items) else None
        if isinstance(name, JsToken) and index + 2 < len(items):
            equals, value = items[index + 1], items[index + 2]
            if not (isinstance(equals, JsToken) and equals.text == "=" and isinstance(value, JsToken)):
                return index
            if value.kind == "string":
                self.variables[name.text] = JsStr(value.text, value.line, value.dynamic)
                return index + 3
            if value.text in self.roots:
                self.roots.add(name.text)  # `const qi = queryInterface`
        return index

    def chain(self, chain: JsChain) -> list[Op]:
        if chain.root in self.tables:
            return TableCalls(self.tables[chain.root], chain).ops()
        if chain.root in self.roots:
            found = method_ops(chain, self.variables)
            if found is not None:
                return found + self.callbacks(chain)
            return self.arguments(chain)
        return self.arguments(chain)

    def callbacks(self, chain: JsChain) -> list[Op]:
        """`alterTable('t', (t) => ...)`: the callback's calls change table `t`."""
        for segment in chain.calls():
            if segment.name not in ("alterTable", "table") or not segment.args:
                continue
            table = segment.args[0]
            callback = segment.args[1] if len(segment.args) > 1 else None
            if isinstance(callback, JsFunc) and callback.params:
                self.tables[callback.params[0]] = table.value if isinstance(table, JsStr) else None
                try:
                    return self.body(callback.body)
                finally:
                    self.tables.pop(callback.params[0], None)
        return []

    def arguments(self, chain: JsChain) -> list[Op]:
        ops: list[Op] = []
        for segment in chain.segments:
            for group in segment.groups:
                ops.extend(self.body(group.items))
        return ops


def _after_dot(items: list[JsNode], index: int) -> bool:
    before = items[index - 1] if index else None
    return isinstance(before, JsToken) and before.text in (".", "?.")


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    tree = parse(text)
    up = find_up(tree)
    if up is None:
        if declared:
            raise Unreadable("no up() function")
        return None
    walker = _Walker(set(up.params))
    walker.variables.update(_constants(tree))
    ops = tuple(walker.body(up.body))
    return Migration(ops, fingerprint=_fingerprint(up.body) + "|" + repr(sorted(walker.variables.items())))


def _fingerprint(items: list[JsNode]) -> str:
    """The tokens of `items` without layout, comments, quote style, semicolons or trailing commas."""
    parts: list[str] = []
    for index, node in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if (isinstance(node, JsGroup) and node.open == "(" and len(node.items) == 1
                and isinstance(following, JsToken) and following.text == "=>"):
            parts.append(_fingerprint(node.items))  # `(t) => ...` is `t => ...`
        elif isinstance(node, JsGroup):
            parts.extend((node.open, _fingerprint(node.items), "/" + node.open))
        elif node.text == ";" or (node.text == "," and index == len(items) - 1):
            continue
        else:
            parts.append(f"{node.kind}:{node.text}")
    return "\x1f".join(parts)


def _constants(items: list[JsNode]) -> dict[str, JsStr]:
    """`const name = "text"` anywhere in the file: table names and SQL kept in constants."""
    found: dict[str, JsStr] = {}
    for index, node in enumerate(items):
        if isinstance(node, JsGroup):
            found.update(_constants(node.items))
        elif isinstance(node, JsToken) and node.text in _DECLARATIONS and index + 3 < len(items):
            name, equals, value = items[index + 1 : index + 4]
            if (isinstance(name, JsToken) and isinstance(equals, JsToken) and equals.text == "="
                    and isinstance(value, JsToken) and value.kind == "string" and not value.dynamic):
                found[name.text] = JsStr(value.text, value.line)
    return found

