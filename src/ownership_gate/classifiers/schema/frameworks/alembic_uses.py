"""Uses of Alembic's `op`, batch ops and connections that the reader cannot follow.

The reader understands `op.<operation>(...)`, `with op.batch_alter_table(...) as batch_op`
with `batch_op.<operation>(...)`, and a connection's `execute`. Anything that reaches them
another way could run any operation unseen, so it is `unknown`: `getattr(op, "drop_table")`,
`o = op`, `op` or a batch op passed to a function, a helper of the file used as a value,
`exec`, `eval`, `globals()`, `importlib`, a connection handed to code that is not known to
only read with it.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator

from ownership_gate.classifiers.schema.frameworks.alembic_names import BIND_ATTRIBUTES, BIND_METHODS, Names
from ownership_gate.classifiers.schema.frameworks.pyast import dotted, dynamic, last
from ownership_gate.classifiers.schema.ops import Op

# Callables a connection may be handed to: they read the schema or open a session on it.
_BIND_CONSUMERS = frozenset({
    "inspect", "from_engine", "Session", "sessionmaker", "scoped_session", "Table", "MetaData",
    "reflect", "has_table", "has_index", "has_sequence", "create", "drop",
})
_SHOWN = 60


def _shown(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _postorder(root: ast.AST) -> Iterator[ast.AST]:
    """Every node under `root`, children before their parent, left to right."""
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            yield node
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(ast.iter_child_nodes(node))))


def calls(root: ast.AST) -> list[ast.Call]:
    """The calls in an expression, each after the calls in its arguments (evaluation order)."""
    return [node for node in _postorder(root) if isinstance(node, ast.Call)]


class _Audit:
    def __init__(self, reader: Names, functions: Collection[str], role: str, root: ast.expr) -> None:
        self.reader = reader
        self.functions = functions
        self.role = role  # "discarded", "assigned", "with" or "value": how the root is used
        self.root = root
        self.parents = {child: parent for parent in ast.walk(root) for child in ast.iter_child_nodes(parent)}

    def parent(self, node: ast.AST) -> ast.AST | None:
        found = self.parents.get(node)
        return self.parents.get(found) if isinstance(found, ast.keyword) else found

    def called(self, node: ast.AST) -> bool:
        """`node(...)`."""
        parent = self.parents.get(node)
        return isinstance(parent, ast.Call) and parent.func is node

    def method_called(self, node: ast.AST) -> ast.Attribute | None:
        """The attribute of `node.method(...)`."""
        parent = self.parents.get(node)
        if isinstance(parent, ast.Attribute) and self.called(parent):
            return parent
        return None

    def problem(self, node: ast.AST) -> str | None:
        reader = self.reader
        computed = dynamic(node)
        if computed is not None:
            return f"uses {computed}, which reaches code by a name computed at run time"
        if isinstance(node, ast.Name):
            if node.id in reader.op_modules:
                parent = self.parents.get(node)
                return None if isinstance(parent, ast.Attribute) and parent.attr == "op" else self.indirect(
                    "the alembic package", node)
            if node.id in reader.op_functions or node.id in self.functions:
                return None if self.called(node) else self.indirect(f"{node.id}()", node)
            if node.id in reader.batches and isinstance(node.ctx, ast.Load) and not self.method_called(node):
                return self.indirect("the batch op", node)
        if isinstance(node, ast.expr) and reader.is_op(node) and not self.method_called(node):
            return self.indirect("op", node)
        if isinstance(node, ast.Call) and reader.op_method(node) == "batch_alter_table" and not (
                node is self.root and self.role == "with"):
            return "uses op.batch_alter_table() other than in a `with` statement"
        if isinstance(node, ast.expr) and reader.is_bind(node) and not self.wrapped(node):
            return self.bind_use(node)
        return None

    def wrapped(self, node: ast.expr) -> bool:
        """`conn.connection`, `conn.connect()`: the wrapping expression is the one to check."""
        parent = self.parents.get(node)
        grand = self.parents.get(parent) if parent is not None else None
        return isinstance(parent, ast.Attribute) and (
            self.reader.is_bind(parent) or (isinstance(grand, ast.Call) and self.reader.is_bind(grand)))

    def indirect(self, what: str, node: ast.AST) -> str:
        shown = self.parent(node)
        if isinstance(shown, ast.Attribute) and self.parent(shown) is not None:
            shown = self.parent(shown)
        return f"uses {what} other than in a direct call" + (f": {_shown(shown)}" if shown is not None else "")

    def bind_use(self, node: ast.expr) -> str | None:
        parent = self.parent(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr in BIND_ATTRIBUTES or (parent.attr in BIND_METHODS and self.called(parent)):
                return None
            return f"uses the connection in a way that cannot be followed: {_shown(parent)}"
        if isinstance(parent, ast.Call) and parent.func is not node:
            callee = dotted(parent.func)
            if last(callee) in _BIND_CONSUMERS or callee in self.functions:
                return None
            return f"passes the connection to {callee or 'a computed callable'}(), which cannot be followed"
        if parent is None and self.role in ("discarded", "assigned", "with"):
            return None
        return f"uses the connection in a way that cannot be followed: {_shown(parent or node)}"


def indirect_uses(root: ast.expr, reader: Names, functions: Collection[str], role: str) -> list[Op]:
    """One `unknown` op for each use in `root` that reaches an operation other than directly."""
    audit = _Audit(reader, functions, role, root)
    ops: list[Op] = []
    for node in ast.walk(root):
        problem = audit.problem(node)
        if problem is not None:
            ops.append(Op("unknown", line=getattr(node, "lineno", None), detail=problem))
    return ops


def class_uses(node: ast.ClassDef, reader: Names) -> list[Op]:
    """A class whose code names `op` or a batch op: its methods run where they cannot be followed."""
    for inner in ast.walk(node):
        if (isinstance(inner, ast.Name) and (inner.id in reader.op_functions or inner.id in reader.op_modules
                                              or inner.id in reader.batches)) or (
                isinstance(inner, ast.expr) and reader.is_op(inner)):
            return [Op("unknown", line=node.lineno,
                       detail=f"class {node.name} uses op in methods that cannot be followed")]
    return []
