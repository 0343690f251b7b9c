"""What a Django `RunPython` function does besides rewriting rows.

`RunPython` code gets the schema editor, which can drop a table as well as
any migration operation can. Its function (and the functions of the same
file it calls) is read: SQL it executes is judged like `RunSQL`; any other
use of the schema editor, a schema editor it opens itself, another program
it runs and code from another module are `unknown`.
"""

from __future__ import annotations

import ast

from ownership_gate.classifiers.schema.frameworks.pyast import arg, dotted, last, runs_program, sql_node_ops
from ownership_gate.classifiers.schema.ops import Op

_FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
# `schema_editor.connection.<these>` only describe the database.
_DESCRIBE = frozenset({"alias", "vendor", "ops", "features", "settings_dict", "display_name"})
_SHOWN = 60


def _shown(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _parameters(function: _FUNCTION) -> list[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def _entries(function: _FUNCTION) -> set[str]:
    """The schema editor's name in RunPython code: the second parameter."""
    parameters = _parameters(function)
    return {parameters[1]} if len(parameters) > 1 else set()


class _Code:
    def __init__(self, functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
                 constants: dict[str, ast.expr], programs: dict[str, str]) -> None:
        self.functions = functions
        self.constants = constants
        self.programs = programs
        self.seen: set[tuple[str, frozenset[str]]] = set()

    def function(self, function: _FUNCTION, editors: set[str], factory: bool = False) -> list[Op]:
        """Ops of a function whose parameters `editors` hold the schema editor.

        `factory`: it builds the RunPython code, so the functions it defines are that code.
        """
        body: list[ast.AST] = [function.body] if isinstance(function, ast.Lambda) else list(function.body)
        if factory:
            editors = editors | {name for root in body for inner in ast.walk(root)
                                 if isinstance(inner, _FUNCTION) for name in _entries(inner)}
        parents = {child: parent for root in body for parent in ast.walk(root)
                   for child in ast.iter_child_nodes(parent)}
        ops: list[Op] = []
        for root in body:
            for node in ast.walk(root):
                ops.extend(self.node(node, parents, editors))
        return ops

    def called(self, call: ast.Call, editors: set[str]) -> list[Op]:
        """A function of the file, read with the parameters that receive the schema editor."""
        name = dotted(call.func)
        function = self.functions[name]
        given = list(zip(_parameters(function), call.args, strict=False))
        given += [(k.arg, k.value) for k in call.keywords if k.arg is not None]
        receiving = frozenset(p for p, value in given if isinstance(value, ast.Name) and value.id in editors)
        if (name, receiving) in self.seen:
            return []
        self.seen.add((name, receiving))
        return self.function(function, set(receiving))

    def node(self, node: ast.AST, parents: dict[ast.AST, ast.AST], editors: set[str]) -> list[Op]:
        if isinstance(node, ast.Name) and node.id in editors:
            return self.editor_use(node, parents)
        if not isinstance(node, ast.Call):
            return []
        name = dotted(node.func)
        method = last(name)
        line = node.lineno
        if method in ("execute", "executemany") and isinstance(node.func, ast.Attribute) and not (
                isinstance(node.func.value, ast.Name) and node.func.value.id in editors):
            return sql_node_ops(arg(node, 0, "sql"), self.constants, line)
        if method == "schema_editor":
            return [Op("unknown", line=line, detail=f"RunPython code opens a schema editor: {_shown(node)}")]
        if name in self.functions:
            return self.called(node, editors)
        return runs_program(name, self.programs, line)

    def editor_use(self, node: ast.Name, parents: dict[ast.AST, ast.AST]) -> list[Op]:
        parent = parents.get(node)
        if isinstance(parent, ast.keyword):
            parent = parents.get(parent)
        grand = parents.get(parent) if parent is not None else None
        if isinstance(parent, ast.Attribute) and parent.attr == "connection" and isinstance(grand, ast.Attribute) \
                and grand.attr in _DESCRIBE:
            return []
        if isinstance(parent, ast.Attribute) and isinstance(grand, ast.Call) and grand.func is parent:
            if parent.attr == "execute":
                return sql_node_ops(arg(grand, 0, "sql"), self.constants, grand.lineno)
            if parent.attr == "quote_name":
                return []
        if isinstance(parent, ast.Call) and parent.func is not node and dotted(parent.func) in self.functions:
            return []  # read in the function, under its parameter's name
        shown = grand if isinstance(grand, ast.Call) else parent or node
        return [Op("unknown", line=node.lineno, detail=f"RunPython code uses the schema editor: {_shown(shown)}")]


def run_python(code: ast.expr | None, functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
               constants: dict[str, ast.expr], programs: dict[str, str], line: int) -> list[Op]:
    """The ops of `RunPython(code)` beyond rewriting rows (`programs`: the file's names for `os` and
    `subprocess` and their functions)."""
    reader = _Code(functions, constants, programs)
    if isinstance(code, ast.Lambda):
        return reader.function(code, _entries(code))
    if isinstance(code, ast.Name) and code.id in functions:
        reader.seen.add((code.id, frozenset()))
        return reader.function(functions[code.id], _entries(functions[code.id]))
    if isinstance(code, ast.Call) and dotted(code.func) in functions:
        return reader.function(functions[dotted(code.func)], set(), factory=True)
    shown = _shown(code) if code is not None else "code"
    return [Op("unknown", line=line, detail=f"RunPython runs {shown}, which is not a function of this file")]
