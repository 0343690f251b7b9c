"""What the names of a setup.py module hold, from its ast: which calls are `setup()`, which
module-level names are a literal assigned once and never changed, and which statements a piece
of code may depend on. Nothing is run.
"""

from __future__ import annotations

import ast
import builtins
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__"}
# Calls that may bind module names where no statement shows it.
_UNSEEN_BINDERS = frozenset({"exec", "eval", "globals", "vars", "locals", "__import__", "setattr"})
_SETUP_MODULES = frozenset({"setuptools", "distutils.core"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, *_COMPREHENSIONS)

Strings = list[tuple[str, int]]  # (string, line)
_MAX_STRINGS = 10_000


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a name or a chain of attributes of one, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


class Names:
    def __init__(self, tree: ast.Module) -> None:
        self.statements = list(_flattened(tree.body))
        self.parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        self._setup = _setup_paths(tree)
        self._binders: dict[str, list[int]] = defaultdict(list)
        self._mentioning: dict[str, list[int]] = defaultdict(list)
        self._mentions: list[frozenset[str]] = []
        for index, statement in enumerate(self.statements):
            bound = _module_bindings(statement)
            mentions = frozenset(mentioned(statement)) | bound
            self._mentions.append(mentions)
            for name in bound:
                self._binders[name].append(index)
            for name in mentions:
                self._mentioning[name].append(index)
        self._unseen = [i for i, s in enumerate(self.statements) if _binds_unseen(s)]
        self._stores: Counter[str] = Counter(n for node in ast.walk(tree) for n in _bound_here(node))
        self._constants: dict[str, ast.expr | None] = {}
        self._loads: dict[str, list[ast.Name]] = defaultdict(list)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self._loads[node.id].append(node)

    def is_setup(self, function: ast.expr) -> bool:
        return dotted(function) in self._setup

    def strings(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> Strings | None:
        """The strings of a literal string, list or tuple of them, `+` of such, or a name
        assigned once to one; None for anything else."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [(node.value, node.lineno)]
        if isinstance(node, (ast.List, ast.Tuple)):
            items: Strings = []
            for element in node.elts:
                if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                    return None
                items.append((element.value, element.lineno))
            return items
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.strings(node.left, seen), self.strings(node.right, seen)
            if left is None or right is None:
                return None
            if len(left) + len(right) > _MAX_STRINGS:  # `B = A + A`, `C = B + B`, ...: doubles each time
                raise ManifestError(f"requirement lists add up to more than {_MAX_STRINGS} entries", node.lineno)
            return left + right
        if isinstance(node, ast.Name) and node.id not in seen:
            value = self.constant(node.id)
            return None if value is None else self.strings(value, seen | {node.id})
        return None

    def dict(self, node: ast.expr) -> ast.Dict | None:
        """A dict literal, or the one a name is assigned once."""
        if isinstance(node, ast.Name):
            value = self.constant(node.id)
            return value if isinstance(value, ast.Dict) else None
        return node if isinstance(node, ast.Dict) else None

    def constant(self, name: str) -> ast.expr | None:
        """The value of a module-level name bound exactly once, by `name = value`, and only ever read
        where nothing can change the value (setup()'s keywords, `+`, literals holding it)."""
        if name not in self._constants:
            # Asked once per name. A name met again while it is being judged (`A = [B]`, `B = [A]`)
            # is no constant, and every later question about it is told so too.
            self._constants[name] = None
            self._constants[name] = self._constant(name)
        return self._constants[name]

    def _constant(self, name: str) -> ast.expr | None:
        binders = self._binders.get(name, [])
        if len(binders) != 1 or self._stores[name] != 1:
            return None
        statement = self.statements[binders[0]]
        value: ast.expr | None = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            value = statement.value if isinstance(statement.targets[0], ast.Name) else None
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            value = statement.value
        if value is None or not all(self._read_only(use) for use in self._loads.get(name, [])):
            return None
        return value

    def _read_only(self, node: ast.expr) -> bool:
        parent = self.parents.get(node)
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
            return True  # a new list
        if isinstance(parent, (ast.List, ast.Tuple)) or (isinstance(parent, ast.Dict) and node in parent.values):
            return self._read_only(parent)
        if isinstance(parent, ast.keyword):
            call = self.parents.get(parent)
            return isinstance(call, ast.Call) and self.is_setup(call.func)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
            return isinstance(target, ast.Name) and self.constant(target.id) is not None
        return False

    def closure(self, names: Iterable[str], skip: frozenset[int]) -> list[int]:
        """The statements (indexes, in order) that `names` may take their values from, and those
        their own names may, outside `skip`. A name only imports bind leads to its imports; one no
        statement binds and Python does not define leads to the statements that bind names unseen
        (`exec`, `from x import *`)."""
        todo = list(names)
        seen: set[str] = set()
        included: set[int] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            binders = self._binders.get(name, [])
            targets: Iterable[int]
            if not binders:
                targets = () if name in _BUILTINS else self._unseen
            elif all(isinstance(self.statements[i], (ast.Import, ast.ImportFrom)) for i in binders):
                targets = binders
            else:
                targets = self._mentioning[name]
            for index in targets:
                if index not in skip and index not in included:
                    included.add(index)
                    todo.extend(self._mentions[index])
        return sorted(included)


def mentioned(node: ast.AST) -> set[str]:
    """Every name written in `node`: read, bound, defined or imported."""
    found: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(inner.name)
        elif isinstance(inner, ast.Global):
            found.update(inner.names)
        else:
            found.update(_bound_here(inner))
    return found


def _flattened(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The module's statements, those of `if __name__ == "__main__":` as its own."""
    for statement in body:
        if isinstance(statement, ast.If) and not statement.orelse and _main_guard(statement.test):
            yield from _flattened(statement.body)
        else:
            yield statement


def _main_guard(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _setup_paths(tree: ast.Module) -> frozenset[str]:
    """How the module can call setup(): `setup` imported from any module (setuptools, distutils.core or a
    wrapper of theirs, as `from skbuild import setup`), `setuptools.setup`, `distutils.core.setup`."""
    paths: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if alias.name == "setup":
                    paths.add(alias.asname or "setup")
                elif alias.name == "*" and node.module in _SETUP_MODULES:
                    paths.add("setup")
                elif node.module == "distutils" and alias.name == "core":
                    paths.add(f"{alias.asname or 'core'}.setup")
        elif isinstance(node, ast.Import):
            paths.update(f"{a.asname or a.name}.setup" for a in node.names if a.name in _SETUP_MODULES)
    return frozenset(paths)


def _bound_here(node: ast.AST) -> Iterator[str]:
    """The names `node` itself binds (not those of its children)."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        yield node.id
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest


def _module_bindings(statement: ast.stmt) -> frozenset[str]:
    """The module names a statement binds: not its functions' locals, but what they declare global,
    and what `:=` binds in a comprehension."""
    names: set[str] = set()
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Global):
                    names.update(inner.names)
                elif isinstance(inner, ast.NamedExpr) and isinstance(node, _COMPREHENSIONS):
                    names.update(_bound_here(inner.target))
            continue
        names.update(_bound_here(node))
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


def _binds_unseen(statement: ast.stmt) -> bool:
    for node in ast.walk(statement):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _UNSEEN_BINDERS:
            return True
    return False
