"""How a Django migration's forward code becomes ops (which files are one: schema_django)."""

from __future__ import annotations

import ast
import posixpath

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema.frameworks.django_class import migration_class, module_problems
from ownership_gate.classifiers.schema.frameworks.django_code import run_python
from ownership_gate.classifiers.schema.frameworks.django_fields import alter_field
from ownership_gate.classifiers.schema.frameworks.pyast import (
    arg,
    boolean,
    dotted,
    fingerprint,
    last,
    module_constants,
    parse,
    program_names,
    sql_node_ops,
    string,
    strings,
)
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable

_NEUTRAL = frozenset({
    "RemoveIndex", "RemoveIndexConcurrently", "RenameIndex", "RemoveConstraint",
    "AlterModelOptions", "AlterModelManagers", "AlterModelTableComment", "AlterOrderWithRespectTo",
    "ValidateConstraint", "CreateCollation", "RemoveCollation",
})
# Model options under which a model has a table Django creates: `managed=False` maps a table that exists
# already (rows and all), `proxy=True` has none.
_CREATES_TABLE = {"managed": True, "proxy": False}
_EXTENSIONS = frozenset({
    "CreateExtension", "BloomExtension", "BtreeGinExtension", "BtreeGistExtension",
    "CITextExtension", "CryptoExtension", "HStoreExtension", "TrigramExtension", "UnaccentExtension",
})


# Fields Django fills with "" (b"" for BinaryField) on existing rows when they are `blank=True` and have no
# default of their own (its schema editor's effective default: a field that allows empty strings), and
# dates and times it fills with the current time when they are `auto_now` or `auto_now_add`.
_EMPTY_STRINGS = frozenset({
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "FileField", "ImageField",
    "BinaryField",
})
_TIMESTAMPS = frozenset({"DateField", "DateTimeField", "TimeField"})


def _implied_default(field: ast.Call, kind: str) -> str:
    """What Django's schema editor fills existing rows with when a NOT NULL field without a default is
    added: `""` for a blank text field, the current time for an `auto_now(_add)` date; "" for none."""
    if kind in _EMPTY_STRINGS and boolean(arg(field, 99, "blank")) is True:
        return 'b""' if kind == "BinaryField" else '""'
    if kind in _TIMESTAMPS and any(boolean(arg(field, 99, k)) is True for k in ("auto_now", "auto_now_add")):
        return "the current time"
    return ""


def _creates_table(options: ast.expr | None) -> bool:
    """Whether Django creates a table for a `CreateModel` with these options: not for `managed=False`
    or `proxy=True`, nor where the options are not spelled out (built elsewhere, `**` unpacked)."""
    if options is None or (isinstance(options, ast.Constant) and options.value is None):
        return True
    if not isinstance(options, ast.Dict):
        return False
    for key, value in zip(options.keys, options.values, strict=False):
        if key is None or (string(key) in _CREATES_TABLE and boolean(value) is not _CREATES_TABLE[string(key) or ""]):
            return False
    return True


class _Reader:
    def __init__(self, app: str, tree: ast.Module, cls: ast.ClassDef, context: Context) -> None:
        self.app = app
        self.constants = module_constants(tree)
        self.programs = program_names(tree)
        # RunPython code: a function of the module, or of the class body (evaluated there first).
        self.functions = {n.name: n for body in (tree.body, cls.body) for n in body
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.context = context
        self.tables: dict[str, str] = {}  # model -> db_table set in this migration

    def table(self, node: ast.expr | None) -> str:
        model = (string(node, self.constants) or "?").lower()
        return self.tables.get(model, f"{self.app}_{model}")

    def operations(self, node: ast.expr | None) -> list[Op]:
        if isinstance(node, ast.Name) and node.id in self.constants:
            node = self.constants[node.id]
        if not isinstance(node, (ast.List, ast.Tuple)):
            line = getattr(node, "lineno", None)
            return [Op("unknown", line=line, detail="operations are built at run time")]
        ops: list[Op] = []
        for item in node.elts:
            ops.extend(self.operation(item))
        return ops

    def operation(self, node: ast.expr) -> list[Op]:
        line = getattr(node, "lineno", None)
        if not isinstance(node, ast.Call):
            return [Op("unknown", line=line, detail="an operation built at run time")]
        kind = last(dotted(node.func))
        handler = getattr(self, f"op_{kind}", None)
        if handler is not None:
            found: list[Op] = handler(node, node.lineno)
            return found
        if kind in _NEUTRAL:
            return []
        if kind in _EXTENSIONS:
            return [Op("additive", line=line, detail=f"{kind} (a PostgreSQL extension)")]
        return [Op("unknown", line=line, detail=f"unrecognised operation {kind}")]

    def op_CreateModel(self, node: ast.Call, line: int) -> list[Op]:
        model = (string(arg(node, 0, "name"), self.constants) or "?").lower()
        options = arg(node, 2, "options")
        if isinstance(options, ast.Dict):
            for key, value in zip(options.keys, options.values, strict=False):
                if string(key) == "db_table" and string(value, self.constants):
                    self.tables[model] = string(value, self.constants) or ""
        table = self.table(arg(node, 0, "name"))
        if not _creates_table(options):
            # What follows on it is not on a new table: an unmanaged model maps one that exists.
            return [Op("additive", table, line=line, detail=f"create model {model} without creating a table"
                       " (unmanaged or proxy)")]
        return [Op("create_table", table, line=line, detail=f"create model {model} (table {table})")]

    def op_DeleteModel(self, node: ast.Call, line: int) -> list[Op]:
        table = self.table(arg(node, 0, "name"))
        return [Op("drop_table", table, line=line, detail=f"delete model (drop table {table})")]

    def op_RenameModel(self, node: ast.Call, line: int) -> list[Op]:
        old, new = self.table(arg(node, 0, "old_name")), self.table(arg(node, 1, "new_name"))
        return [Op("rename_table", old, to=new, line=line, detail=f"rename model (table {old} to {new})")]

    def op_AlterModelTable(self, node: ast.Call, line: int) -> list[Op]:
        old = self.table(arg(node, 0, "name"))
        new = string(arg(node, 1, "table"), self.constants) or old
        return [Op("rename_table", old, to=new, line=line, detail=f"rename table {old} to {new}")]

    def op_AddField(self, node: ast.Call, line: int) -> list[Op]:
        table = self.table(arg(node, 0, "model_name"))
        column = string(arg(node, 1, "name"), self.constants)
        field = arg(node, 2, "field")
        if not isinstance(field, ast.Call):
            return [Op("unknown", table, column, line=line, detail=f"adds field {column} that cannot be read")]
        kind = last(dotted(field.func))
        if kind == "ManyToManyField":
            return [Op("create_table", f"{table}_{column}", line=line,
                       detail=f"create join table for {table}.{column}")]
        null = boolean(arg(field, 99, "null")) is True
        has_default = arg(field, 99, "default") is not None or arg(field, 99, "db_default") is not None
        rewrites = kind in ("AutoField", "BigAutoField", "SmallAutoField") or (
            kind == "GeneratedField" and boolean(arg(field, 99, "db_persist")) is True
        )
        how = "nullable" if null else "NOT NULL"
        if has_default:
            how += " with a default"
        elif not null and (implied := _implied_default(field, kind)):
            has_default = True
            how += f", existing rows filled with {implied}"
        ops = [Op("add_column", table, column, nullable=null, default=has_default or rewrites,
                  rewrites=rewrites, line=line, detail=f"add field {table}.{column} ({kind}, {how})")]
        unique = boolean(arg(field, 99, "unique")) is True or kind == "OneToOneField"
        indexed = boolean(arg(field, 99, "db_index"))
        if unique or indexed or (indexed is None and kind in ("ForeignKey", "ParentalKey")):
            what = "a unique index" if unique else "an index"
            relation = kind.endswith(("Key", "OneToOneField"))
            indexed_column = f"{column}_id" if relation else str(column)
            ops.append(Op("add_index", table, columns=(indexed_column,), unique=unique, line=line,
                          detail=f"add field {table}.{column} builds {what}"))
        return ops

    def op_RemoveField(self, node: ast.Call, line: int) -> list[Op]:
        table = self.table(arg(node, 0, "model_name"))
        column = string(arg(node, 1, "name"), self.constants)
        return [Op("drop_column", table, column, line=line, detail=f"remove field {table}.{column}")]

    def op_RenameField(self, node: ast.Call, line: int) -> list[Op]:
        table = self.table(arg(node, 0, "model_name"))
        old = string(arg(node, 1, "old_name"), self.constants)
        new = string(arg(node, 2, "new_name"), self.constants)
        return [Op("rename_column", table, old, to=new, line=line, detail=f"rename field {table}.{old} to {new}")]

    def op_AlterField(self, node: ast.Call, line: int) -> list[Op]:
        model = (string(arg(node, 0, "model_name"), self.constants) or "?").lower()
        column = string(arg(node, 1, "name"), self.constants) or "?"
        table = self.table(arg(node, 0, "model_name"))
        return alter_field(model, column, arg(node, 2, "field"), table, line, self.context)

    def _index(self, node: ast.Call, line: int, concurrent: bool) -> list[Op]:
        table = self.table(arg(node, 0, "model_name"))
        index = arg(node, 1, "index")
        fields = strings(arg(index, 99, "fields"), self.constants) if isinstance(index, ast.Call) else ()
        columns = tuple(f.lstrip("-") for f in fields)
        how = " concurrently" if concurrent else ""
        return [Op("add_index", table, columns=columns, concurrent=concurrent, line=line,
                   detail=f"add index on {table}({', '.join(columns)}){how}")]

    def op_AddIndex(self, node: ast.Call, line: int) -> list[Op]:
        return self._index(node, line, concurrent=False)

    def op_AddIndexConcurrently(self, node: ast.Call, line: int) -> list[Op]:
        return self._index(node, line, concurrent=True)

    def _constraint(self, node: ast.Call, line: int, validated: bool) -> list[Op]:
        table = self.table(arg(node, 0, "model_name"))
        constraint = arg(node, 1, "constraint")
        kind = last(dotted(constraint.func)) if isinstance(constraint, ast.Call) else "?"
        if kind == "UniqueConstraint" and isinstance(constraint, ast.Call):
            columns = strings(arg(constraint, 99, "fields"), self.constants)
            return [Op("add_unique", table, columns=columns, line=line,
                       detail=f"add unique constraint on {table}({', '.join(columns)})")]
        return [Op("add_check", table, validated=validated, line=line,
                   detail=f"add {kind} on {table}" + ("" if validated else " NOT VALID"))]

    def op_AddConstraint(self, node: ast.Call, line: int) -> list[Op]:
        return self._constraint(node, line, validated=True)

    def op_AddConstraintNotValid(self, node: ast.Call, line: int) -> list[Op]:
        return self._constraint(node, line, validated=False)

    def _together(self, node: ast.Call, line: int, unique: bool) -> list[Op]:
        table = self.table(arg(node, 0, "name"))
        value = arg(node, 1, "unique_together" if unique else "index_together")
        empty = (isinstance(value, (ast.Set, ast.List, ast.Tuple)) and not value.elts) or (
            isinstance(value, ast.Call) and not value.args and last(dotted(value.func)) in ("set", "list", "tuple")
        ) or (isinstance(value, ast.Constant) and value.value is None)
        what = "unique_together" if unique else "index_together"
        if empty:
            return [Op("additive", table, line=line, detail=f"clear {what} of {table}")]
        action = "add_unique" if unique else "add_index"
        return [Op(action, table, line=line, detail=f"set {what} of {table}: may build an index on existing rows")]

    def op_AlterUniqueTogether(self, node: ast.Call, line: int) -> list[Op]:
        return self._together(node, line, unique=True)

    def op_AlterIndexTogether(self, node: ast.Call, line: int) -> list[Op]:
        return self._together(node, line, unique=False)

    def op_RunPython(self, node: ast.Call, line: int) -> list[Op]:
        code = arg(node, 0, "code")
        name = dotted(code) if code is not None else ""
        if last(name) == "noop":
            return []
        return [Op("data", line=line, detail=f"RunPython {last(name) or 'code'}: rewrites rows"),
                *run_python(code, self.functions, self.constants, self.programs, line)]

    def op_RunSQL(self, node: ast.Call, line: int) -> list[Op]:
        sql = arg(node, 0, "sql")
        if isinstance(sql, ast.Attribute) and sql.attr == "noop":
            return []
        if isinstance(sql, (ast.List, ast.Tuple)):
            ops: list[Op] = []
            for item in sql.elts:
                text = item.elts[0] if isinstance(item, (ast.Tuple, ast.List)) and item.elts else item
                ops.extend(sql_node_ops(text, self.constants, line))
            return ops
        return sql_node_ops(sql, self.constants, line)

    def op_SeparateDatabaseAndState(self, node: ast.Call, line: int) -> list[Op]:
        database = arg(node, 0, "database_operations")
        return [] if database is None else self.operations(database)


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    tree = parse(text, path)
    cls = migration_class(tree)
    if cls is None:
        if declared:
            raise Unreadable("no `class Migration` in a file declared as a migration")
        return None
    operations: ast.expr | None = None
    for node in cls.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "operations" for t in targets):
            operations = getattr(node, "value", None)
    from ownership_gate.classifiers.schema.frameworks import south_read

    if south_read.is_south(cls):  # Django before 1.7: South's `forwards()`, not `operations`
        problems = module_problems(tree, cls, None, south_read.BASES)
        south = south_read.read(tree, cls, module_constants(tree))
        return south._replace(ops=(*problems, *south.ops))
    forward_code = fingerprint(tree.body)  # the whole file runs forward: RunPython code, SQL, operations
    problems = module_problems(tree, cls, operations)
    if operations is None:
        return Migration(tuple(problems), fingerprint=forward_code)
    app_dir = posixpath.dirname(posixpath.dirname(path))
    reader = _Reader(posixpath.basename(app_dir) or "app", tree, cls, context)
    return Migration((*problems, *reader.operations(operations)), fingerprint=forward_code)
