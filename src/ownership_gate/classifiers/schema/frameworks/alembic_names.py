"""Which names of an Alembic revision stand for `op`, batch ops, connections and sessions."""

from __future__ import annotations

import ast

from ownership_gate.classifiers.schema.frameworks.pyast import arg, dotted, last, sql_text, string

# What a connection (or a migration context) may do without leaving the reader's sight.
EXECUTE = frozenset({"execute", "exec_driver_sql"})
SCALAR = frozenset({"scalar", "scalars"})
BIND_METHODS = EXECUTE | SCALAR | frozenset({
    "begin", "begin_nested", "begin_twophase", "commit", "rollback", "close", "connect",
    "in_transaction", "in_nested_transaction", "execution_options", "get_execution_options",
    "get_isolation_level", "get_transaction", "get_nested_transaction", "autocommit_block",
    "begin_transaction", "is_offline_mode", "is_transactional_ddl", "get_context", "get_bind",
    "get_x_argument", "get_tag_argument", "get_revision_argument", "get_starting_revision_argument",
    "get_head_revision", "get_head_revisions", "get_current_revision", "get_current_heads",
})
BIND_ATTRIBUTES = frozenset({"dialect", "info", "closed", "invalidated", "name", "driver", "url", "config"})
_BIND_WRAPPERS = frozenset({"connection", "bind", "engine"})  # conn.engine is a connectable too
_BIND_CALLS = frozenset({"connect", "execution_options", "get_bind", "get_context"})


class Names:
    """Which local names are `op`, batch ops, connections and sessions, as a revision binds them."""

    def __init__(self, constants: dict[str, ast.expr], tree: ast.Module) -> None:
        self.constants = constants
        self.op_names = {"op"}
        self.op_modules: set[str] = set()  # `import alembic`: alembic.op.<operation>(...)
        self.op_functions: dict[str, str] = {}  # `from alembic.op import drop_table as drop`
        self.batches: dict[str, str | None] = {}
        self.binds = {"connection", "conn", "bind"}
        self.sessions: set[str] = set()
        self._imports(tree)

    def _imports(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "alembic.op" and alias.asname:
                        self.op_names.add(alias.asname)
                    elif alias.name.split(".")[0] == "alembic":
                        self.op_modules.add(alias.asname or "alembic")
            elif isinstance(node, ast.ImportFrom) and node.module == "alembic":
                for alias in node.names:
                    local = alias.asname or alias.name
                    if alias.name == "op":
                        self.op_names.add(local)
                    elif alias.name == "context":
                        self.binds.add(local)  # it executes SQL and hands out the connection
            elif isinstance(node, ast.ImportFrom) and node.module == "alembic.op":
                self.op_functions.update({alias.asname or alias.name: alias.name for alias in node.names})

    def is_op(self, node: ast.expr) -> bool:
        """`op`, or `alembic.op` when the package is imported."""
        if isinstance(node, ast.Name):
            return node.id in self.op_names
        return isinstance(node, ast.Attribute) and node.attr == "op" and isinstance(node.value, ast.Name) \
            and node.value.id in self.op_modules

    def op_method(self, call: ast.Call) -> str | None:
        """The operation `op.<operation>(...)` calls, None for any other call."""
        if isinstance(call.func, ast.Name):
            return self.op_functions.get(call.func.id)
        if isinstance(call.func, ast.Attribute) and self.is_op(call.func.value):
            return call.func.attr
        return None

    def is_bind(self, node: ast.expr | None) -> bool:
        """A connection: `conn`, `op.get_bind()`, `conn.connect()`, `context.connection`."""
        if isinstance(node, ast.Name):
            return node.id in self.binds and isinstance(node.ctx, ast.Load)
        if isinstance(node, ast.Attribute):
            return node.attr in _BIND_WRAPPERS and self.is_bind(node.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _BIND_CALLS:
            return self.is_bind(node.func.value) or (
                node.func.attr in ("get_bind", "get_context") and self.is_op(node.func.value))
        return False

    def remember(self, targets: list[ast.expr], value: ast.expr) -> None:
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if len(names) == 1 and (sql_text(value, self.constants) is not None or builders(value)):
            self.constants[names[0]] = value  # `query = sa.text("UPDATE ...")`, then execute(query)
        func = dotted(value.func) if isinstance(value, ast.Call) else ""
        if self.is_bind(value) or last(func) in ("get_bind", "connect", "connection") \
                or func.endswith("get_bind().connect"):
            self.binds.update(names)
        elif last(func) in ("Session", "sessionmaker()", "session") or func.endswith("sessionmaker()"):
            self.sessions.update(names)

    def enter_with(self, item: ast.withitem) -> None:
        call = item.context_expr
        if not isinstance(call, ast.Call) or not isinstance(item.optional_vars, ast.Name):
            return
        func = dotted(call.func)
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if last(func) == "batch_alter_table":
            self.batches[item.optional_vars.id] = string(arg(call, 0, "table_name"), self.constants)
        elif self.is_bind(call) or (last(func) == "begin" and self.is_bind(receiver)):
            self.binds.add(item.optional_vars.id)  # `with engine.begin() as conn` yields a connection
        elif last(func) in ("Session", "begin") or "Session" in func:
            self.sessions.add(item.optional_vars.id)
        elif last(func) in ("connect", "get_bind"):
            self.binds.add(item.optional_vars.id)


def builders(node: ast.expr | None) -> set[str]:
    """Method names along a SQLAlchemy statement chain: `t.update().where(...).values(...)`."""
    names: set[str] = set()
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            names.add(last(dotted(node.func)) if dotted(node.func) else "")
            node = node.func
        else:
            names.add(node.attr)
            node = node.value
    return names - {""}
