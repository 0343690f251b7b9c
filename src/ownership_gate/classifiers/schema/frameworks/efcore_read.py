"""How an Entity Framework Core migration's `Up` becomes ops (which files are one: schema_efcore).

The migration is a class with `Up(MigrationBuilder migrationBuilder)`
(deriving from `Migration`). Every call on that parameter, whatever it is
named, is one operation; its arguments are read by name (`table: "Orders"`)
or by position in the order `MigrationBuilder` declares them, and the
`.Annotation(...)` calls chained on it are read with it. `Sql("...")` is
read as SQL (a literal, a verbatim `@"..."` or raw `\"\"\"...\"\"\"` string, or a
`+` of them); SQL built at run time is `unknown`. A method of the class
that `Up` hands the builder to is read where it is called. Anything else
`Up` calls, and a use of the builder this reader cannot follow (kept in a
variable, handed to other code, `Operations.Add`), is `unknown`.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable, table_named
from ownership_gate.classifiers.schema.sql.api import sql_ops
from ownership_gate.formats import treesitter

# Each call's parameters in the order MigrationBuilder declares them, for positional arguments (of
# overloads, the names read here stand at the same places: `column` or `columns`).
_PARAMETERS: dict[str, tuple[str, ...]] = {
    "AddColumn": ("name", "table", "type", "unicode", "maxLength", "rowVersion", "schema", "nullable",
                  "defaultValue", "defaultValueSql", "computedColumnSql", "fixedLength", "comment", "collation",
                  "precision", "scale", "stored"),
    "AlterColumn": ("name", "table", "type", "unicode", "maxLength", "rowVersion", "schema", "nullable",
                    "defaultValue", "defaultValueSql", "computedColumnSql", "oldClrType", "oldType", "oldUnicode",
                    "oldMaxLength", "oldRowVersion", "oldNullable", "oldDefaultValue", "oldDefaultValueSql",
                    "oldComputedColumnSql", "fixedLength", "oldFixedLength", "comment", "oldComment", "collation",
                    "oldCollation", "precision", "oldPrecision", "scale", "oldScale", "stored", "oldStored"),
    "AddForeignKey": ("name", "table", "column", "principalTable"),
    "AddPrimaryKey": ("name", "table", "column"),
    "AddUniqueConstraint": ("name", "table", "column"),
    "AddCheckConstraint": ("name", "table", "sql"),
    "CreateCheckConstraint": ("name", "table", "sql"),
    "CreateIndex": ("name", "table", "column", "schema", "unique", "filter"),
    "CreateTable": ("name", "columns", "schema", "constraints"),
    "DropColumn": ("name", "table"),
    "DropTable": ("name",),
    "RenameColumn": ("name", "table", "newName"),
    "RenameTable": ("name", "schema", "newName", "newSchema"),
    "RenameIndex": ("name", "newName", "table"),
    "DropIndex": ("name", "table"),
    "DropForeignKey": ("name", "table"),
    "DropPrimaryKey": ("name", "table"),
    "DropUniqueConstraint": ("name", "table"),
    "DropCheckConstraint": ("name", "table"),
    "Sql": ("sql", "suppressTransaction"),
    "InsertData": ("table",),
    "UpdateData": ("table",),
    "DeleteData": ("table",),
    "AlterDatabase": ("collation", "oldCollation"),
    "DropSchema": ("name",),
    "DropSequence": ("name",),
}
# Objects that hold no rows: dropping or renaming them loses no data.
_HOLDS_NO_DATA = {"DropIndex": "index", "DropForeignKey": "foreign key", "DropPrimaryKey": "primary key",
                  "DropUniqueConstraint": "unique constraint", "DropCheckConstraint": "check constraint",
                  "RenameIndex": "index"}
_CREATES = frozenset({"EnsureSchema", "CreateSequence", "RestartSequence"})
# Questions about the provider (`if (migrationBuilder.IsSqlServer())`): they change nothing.
_QUESTIONS = frozenset({"IsSqlServer", "IsNpgsql", "IsSqlite", "IsMySql", "IsOracle", "IsCosmos", "IsInMemory"})
_PROPERTIES = frozenset({"ActiveProvider"})
_ANNOTATIONS = frozenset({"Annotation", "OldAnnotation"})
# Annotations that make a new column an identity: every existing row is numbered, the table rewritten.
_IDENTITY = ("SqlServer:Identity", "Npgsql:ValueGenerationStrategy", "MySql:ValueGenerationStrategy",
             "Sqlite:Autoincrement", "Oracle:Identity")
# Annotations that build an index without blocking writes.
_ONLINE = ("SqlServer:Online", "Npgsql:CreatedConcurrently")
# What shapes a column's values, each beside its previous value in AlterColumn: a difference redefines it.
_SHAPE = ("type", "unicode", "maxLength", "rowVersion", "computedColumnSql", "fixedLength", "collation", "precision",
          "scale", "stored")
# C# keywords for the CLR types a migration names (`typeof(System.Int32)` is `int`).
_ALIASES = {"string": "string", "int32": "int", "int64": "long", "int16": "short", "boolean": "bool",
            "decimal": "decimal", "double": "double", "single": "float", "byte": "byte", "char": "char",
            "object": "object", "uint32": "uint", "uint64": "ulong", "uint16": "ushort", "sbyte": "sbyte"}
_STRINGS = ("string_literal", "verbatim_string_literal", "raw_string_literal", "interpolated_string_expression")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "e": "\x1b"}
_MAX_DEPTH = 8

Arguments = dict[str, Node]


def read(text: str, declared: bool = False) -> Migration | None:
    root = treesitter.parse("csharp", text.encode("utf-8")).root_node
    if treesitter.has_errors(root):
        raise Unreadable("the C# file does not parse", treesitter.error_line(root))
    found: list[tuple[Node, str, dict[str, Node]]] = []  # (Up, its builder's name, the class's methods)
    kept: list[Node] = []  # what runs forward: the migration classes' members but `Down`
    for cls in treesitter.walk(root):
        if cls.type != "class_declaration":
            continue
        body = cls.child_by_field_name("body")
        members = body.named_children if body is not None else []
        methods = {treesitter.text(name): m for m in members if m.type == "method_declaration"
                   and (name := m.child_by_field_name("name")) is not None}
        up = methods.get("Up")
        builder = _builder_parameter(up) if up is not None else None
        if up is None or builder is None:
            continue
        found.append((up, builder, methods))
        kept.extend(m for m in members if not (m.type == "method_declaration" and methods.get("Down") is m))
    if not found:
        if declared:  # the policy says everything here runs as a migration
            return Migration((Op("unknown", line=1, detail="holds no EF Core migration (a class with "
                                                             "Up(MigrationBuilder))"),))
        return None
    ops: list[Op] = []
    for up, builder, methods in found:
        ops += _Reader(methods).method(up, builder)
    # EF Core knows a migration by its id (the Designer file's `[Migration]`): the class's members are what runs.
    return Migration(tuple(ops), fingerprint=treesitter.tokens(kept))


def _builder_parameter(method: Node, position: int | None = None) -> str | None:
    """The name of the method's `MigrationBuilder` parameter (or of the one at `position`)."""
    parameters = method.child_by_field_name("parameters")
    listed = [p for p in parameters.named_children if p.type == "parameter"] if parameters is not None else []
    for index, parameter in enumerate(listed):
        kind, name = parameter.child_by_field_name("type"), parameter.child_by_field_name("name")
        if kind is None or name is None or (position is not None and index != position):
            continue
        if treesitter.text(kind).rsplit(".", 1)[-1] == "MigrationBuilder":
            return treesitter.text(name)
    return None


class _Reader:
    """The builder calls of `Up` and of the methods of the class it hands the builder to, in source order."""

    def __init__(self, methods: dict[str, Node]) -> None:
        self.methods = methods
        self.depth = 0

    def method(self, method: Node, builder: str) -> list[Op]:
        body = method.child_by_field_name("body")
        ops: list[Op] = []
        if body is not None:
            self.visit(body, builder, ops)
        return ops

    def visit(self, node: Node, builder: str, ops: list[Op]) -> None:
        if node.type == "invocation_expression":
            self.invocation(node, builder, ops)
            return
        if node.type == "member_access_expression" and _is(node.child_by_field_name("expression"), builder):
            name = _source(node.child_by_field_name("name"))
            if name not in _PROPERTIES:
                ops.append(Op("unknown", line=treesitter.line(node),
                              detail=f"uses {builder}.{name}, which this reader cannot follow"))
            return
        if _is(node, builder):  # kept in a variable, returned, captured: what is done with it is not known here
            ops.append(Op("unknown", line=treesitter.line(node),
                          detail=f"uses {builder} in a way this reader cannot follow"))
            return
        if node.type == "member_access_expression":  # `x.Name`: only `x` can be the builder
            children = [c for c in (node.child_by_field_name("expression"),) if c is not None]
        elif node.type == "argument":  # `name: value`: only the value
            children = node.named_children[-1:]
        else:
            children = node.named_children
        for child in children:
            self.visit(child, builder, ops)

    def invocation(self, call: Node, builder: str, ops: list[Op]) -> None:
        inner, annotations = _unchained(call)
        function = inner.child_by_field_name("function")
        if function is not None and function.type == "member_access_expression" and _is(
                function.child_by_field_name("expression"), builder):
            ops.extend(table_named(op) for op in _operation(inner, annotations, builder))
            return
        function = call.child_by_field_name("function")
        arguments = _argument_nodes(call)
        called = _called(function)
        if called == "nameof":
            return
        handed = [i for i, a in enumerate(arguments) if _is(a, builder)]
        method = self.methods.get(called.removeprefix("this."))
        if handed and method is not None:
            parameter = _builder_parameter(method, handed[0])
            if parameter is not None:
                ops.extend(self.helper(method, parameter, called, treesitter.line(call)))
                return
        if handed:
            ops.append(Op("unknown", line=treesitter.line(call),
                          detail=f"hands {builder} to {called}, which this reader cannot follow"))
        else:
            ops.append(Op("unknown", line=treesitter.line(call),
                          detail=f"calls {called}, which is no MigrationBuilder operation"))
        receiver = function.child_by_field_name("expression") if function is not None else None
        inside = [receiver] if receiver is not None and receiver.type == "invocation_expression" else []
        for node in [*inside, *arguments]:  # builder calls in a chain or a lambda are read as well
            if not _is(node, builder):
                self.visit(node, builder, ops)

    def helper(self, method: Node, builder: str, called: str, line: int) -> list[Op]:
        if self.depth >= _MAX_DEPTH:
            return [Op("unknown", line=line, detail=f"calls {called} nested too deeply to read")]
        self.depth += 1
        try:
            return self.method(method, builder)
        finally:
            self.depth -= 1


def _unchained(call: Node) -> tuple[Node, list[Node]]:
    """The call under `.Annotation(...)` and `.OldAnnotation(...)` chained on it, and those calls."""
    annotations: list[Node] = []
    while True:
        function = call.child_by_field_name("function")
        if function is None or function.type != "member_access_expression":
            return call, annotations
        target = function.child_by_field_name("expression")
        if _source(function.child_by_field_name("name")) not in _ANNOTATIONS or target is None or (
                target.type != "invocation_expression"):
            return call, annotations
        annotations.append(call)
        call = target


def _called(function: Node | None) -> str:
    """What a call calls, as a dotted name: `SeedHelpers.Seed`, `migrationBuilder.CreateTable(...).Ignore`."""
    if function is None:
        return "<dynamic>"
    if function.type == "member_access_expression":
        receiver = function.child_by_field_name("expression")
        if receiver is not None and receiver.type == "invocation_expression":
            prefix = _called(receiver.child_by_field_name("function")) + "(...)"
        else:
            prefix = _called(receiver)
        return f"{prefix}.{_source(function.child_by_field_name('name'))}"
    if function.type in ("identifier", "generic_name", "qualified_name", "this", "base",
                         "predefined_type"):
        return _source(function)
    return "<dynamic>"


def _source(node: Node | None) -> str:
    return treesitter.text(node) if node is not None else ""


def _is(node: Node | None, name: str) -> bool:
    return node is not None and node.type == "identifier" and treesitter.text(node) == name


def _argument_nodes(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    found: list[Node] = []
    for argument in arguments.named_children if arguments is not None else []:
        if argument.type == "argument" and argument.named_children:
            found.append(argument.named_children[-1])
    return found


def _arguments(call: Node, parameters: tuple[str, ...]) -> Arguments:
    """The call's arguments by parameter name: named (`table: "Orders"`), or by position."""
    arguments = call.child_by_field_name("arguments")
    found: Arguments = {}
    position = 0
    for argument in arguments.named_children if arguments is not None else []:
        if argument.type != "argument" or not argument.named_children:
            continue
        name, value = argument.child_by_field_name("name"), argument.named_children[-1]
        if name is not None:
            found[treesitter.text(name)] = value
        elif position < len(parameters):
            found[parameters[position]] = value
            position += 1
    return found


def _generic(call: Node) -> str | None:
    """`string` of `AddColumn<string>`; None without a type argument."""
    function = call.child_by_field_name("function")
    name = function.child_by_field_name("name") if function is not None else None
    if name is None or name.type != "generic_name":
        return None
    listed = next((c for c in name.named_children if c.type == "type_argument_list"), None)
    return _clr(treesitter.text(listed)[1:-1]) if listed is not None else None


def _clr(written: str) -> str:
    """A CLR type as one spelling: `System.Int32?` and `int` alike."""
    bare = "".join(written.split()).removeprefix("global::").removesuffix("?").removeprefix("System.")
    return _ALIASES.get(bare.lower(), bare)


def _operation(call: Node, annotations: list[Node], builder: str) -> list[Op]:
    function = call.child_by_field_name("function")
    name_node = function.child_by_field_name("name") if function is not None else None
    if name_node is not None and name_node.type == "generic_name":
        name_node = name_node.named_children[0] if name_node.named_children else None
    method = treesitter.text(name_node) if name_node is not None else "<dynamic>"
    args = _arguments(call, _PARAMETERS.get(method, ()))
    line = treesitter.line(call)
    handler = _HANDLERS.get(method)
    if handler is not None:
        return handler(method, call, args, annotations, line)
    if method in _HOLDS_NO_DATA:
        table = _text(args.get("table"))
        where = f" on {table}" if table else ""
        what = "rename" if method.startswith("Rename") else "drop"
        return [Op("additive", table, line=line, detail=f"{what} {_HOLDS_NO_DATA[method]} "
                   f"{_text(args.get('name')) or '<dynamic>'}{where} (holds no data)")]
    if method in _CREATES:
        first = args.get("name")  # the schema or sequence: `name:`, or the first argument
        named = _names(first if first is not None else next(iter(_argument_nodes(call)), None))
        return [Op("additive", line=line, detail=" ".join((method, *named)))]
    if method in _QUESTIONS:
        return []
    return [Op("unknown", line=line, detail=f"calls {builder}.{method}, which this reader does not know")]


Handler = Callable[[str, Node, Arguments, list[Node], int], list[Op]]


def _add_column(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    table, column = _text(args.get("table")), _text(args.get("name"))
    nullable = _flag(args.get("nullable")) is True  # MigrationBuilder's `nullable` defaults to false
    computed = _given(args.get("computedColumnSql"))
    default = computed or _given(args.get("defaultValue")) or _given(args.get("defaultValueSql")) or (
        _flag(args.get("rowVersion")) is True)
    identity = any(_annotation(a)[0].startswith(_IDENTITY) for a in annotations)
    rewrites = identity or (computed and _flag(args.get("stored")) is True)
    how = ("nullable" if nullable else "NOT NULL") + (" with a default" if default else "")
    how += ", identity" if identity else ""
    return [Op("add_column", table, column, nullable=nullable, default=default, rewrites=rewrites, line=line,
               detail=f"add column {table}.{column} ({how})")]


def _alter_column(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    """Redefined when anything that shapes its values differs from what it was (`type:` against `oldType:`,
    the CLR type against `oldClrType:`, `maxLength:` against `oldMaxLength:`, ...); else judged by its
    nullability: `nullable:` and `oldNullable:` both default to false."""
    table, column = _text(args.get("table")), _text(args.get("name"))
    where = f"{table}.{column}"
    new_clr, old_clr = _generic(call), args.get("oldClrType")
    if old_clr is not None and new_clr is not None and (old_clr.type != "typeof_expression" or _clr(
            _source(old_clr.child_by_field_name("type"))) != new_clr):
        return [Op("alter_type", table, column, line=line, detail=f"alter column {where} (its CLR type changes)")]
    for part in _SHAPE:
        old_name = "old" + part[0].upper() + part[1:]
        new, old = args.get(part), args.get(old_name)
        if _value(new, part) != _value(old, part):
            if part == "type" and old is None:
                why = "its type is restated, the one before is not"
            else:
                why = f"{part} {_shown(old)} -> {_shown(new)}"
            return [Op("alter_type", table, column, line=line, detail=f"alter column {where} ({why})")]
    if _flag(args.get("nullable")) is not True and _flag(args.get("oldNullable")) is True:
        filled = " (filling NULLs with its default first)" if _given(args.get("defaultValue")) else ""
        return [Op("set_not_null", table, column, line=line, detail=f"alter column {where} to NOT NULL{filled}")]
    if _flag(args.get("nullable")) is True and _flag(args.get("oldNullable")) is not True:
        return [Op("additive", table, column, line=line, detail=f"alter column {where} to allow NULL")]
    return [Op("additive", table, column, line=line, detail=f"alter column {where} (same type)")]


def _create_index(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    table, columns = _text(args.get("table")), _columns(args)
    unique = _flag(args.get("unique")) is True
    online = any(_annotation(a)[0] in _ONLINE and _annotation(a)[1] == "true" for a in annotations)
    how = "unique index" if unique else "index"
    detail = f"create {how} {_text(args.get('name')) or '<dynamic>'} on {table}({', '.join(columns)})"
    return [Op("add_index", table, columns=columns, unique=unique, concurrent=online, line=line,
               detail=detail + (" online" if online else ""))]


def _constraint(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    table, columns = _text(args.get("table")), _columns(args)
    action, what = {"AddForeignKey": ("add_foreign_key", "foreign key"),
                    "AddPrimaryKey": ("add_primary_key", "primary key"),
                    "AddUniqueConstraint": ("add_unique", "unique constraint")}.get(method, ("add_check", "check"))
    listed = f"({', '.join(columns)})" if columns else ""
    return [Op(action, table, columns=columns, line=line,
               detail=f"add {what} {_text(args.get('name')) or '<dynamic>'} on {table}{listed}")]


def _tables(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    table, column = (_text(args.get("table")), _text(args.get("name"))) if "Column" in method else (
        _text(args.get("name")), None)
    if method == "CreateTable":
        return [Op("create_table", table, line=line, detail=f"create table {table}")]
    if method == "DropTable":
        return [Op("drop_table", table, line=line, detail=f"drop table {table}")]
    if method == "DropColumn":
        return [Op("drop_column", table, column, line=line, detail=f"drop column {table}.{column}")]
    new = _text(args.get("newName"))
    if method == "RenameColumn":
        return [Op("rename_column", table, column, to=new, line=line,
                   detail=f"rename column {table}.{column} to {new}")]
    if new is None and "newSchema" in args:  # moved to another schema, under its name
        schema = _text(args.get("newSchema"))
        return [Op("rename_table", table, to=table, line=line, detail=f"move table {table} to schema {schema}")]
    return [Op("rename_table", table, to=new, line=line, detail=f"rename table {table} to {new}")]


def _sql(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    argument = args.get("sql")
    sql = _text(argument)
    if argument is None or sql is None:
        return [Op("unknown", line=line, detail="Sql runs SQL built at run time")]
    return sql_ops(sql, treesitter.line(argument))


def _rows(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    table = _text(args.get("table"))
    if method == "DeleteData":
        return [Op("delete_rows", table, line=line, detail=f"DeleteData deletes rows of {table}")]
    return [Op("data", table, line=line, detail=f"{method} writes rows of {table}")]


def _database(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    if args:  # a new collation for the whole database
        return [Op("unknown", line=line, detail="AlterDatabase changes the database's collation")]
    return [Op("additive", line=line, detail="AlterDatabase (annotations only: extensions, collations, ...)")]


def _dropped(method: str, call: Node, args: Arguments, annotations: list[Node], line: int) -> list[Op]:
    name = _text(args.get("name"))
    what = "schema" if method == "DropSchema" else "sequence"
    return [Op("destructive", name, line=line, detail=f"drop {what} {name or '<dynamic>'}")]


_HANDLERS: dict[str, Handler] = {
    "AddColumn": _add_column,
    "AlterColumn": _alter_column,
    "CreateIndex": _create_index,
    "AddForeignKey": _constraint,
    "AddPrimaryKey": _constraint,
    "AddUniqueConstraint": _constraint,
    "AddCheckConstraint": _constraint,
    "CreateCheckConstraint": _constraint,
    "CreateTable": _tables,
    "DropTable": _tables,
    "RenameTable": _tables,
    "DropColumn": _tables,
    "RenameColumn": _tables,
    "Sql": _sql,
    "InsertData": _rows,
    "UpdateData": _rows,
    "DeleteData": _rows,
    "AlterDatabase": _database,
    "DropSchema": _dropped,
    "DropSequence": _dropped,
}


def _annotation(call: Node) -> tuple[str, str]:
    """(name, value as written) of `.Annotation("SqlServer:Online", true)`."""
    arguments = _argument_nodes(call)
    name = _text(arguments[0]) if arguments else None
    return name or "", treesitter.text(arguments[1]) if len(arguments) > 1 else ""


def _flag(node: Node | None) -> bool | None:
    if node is None or node.type != "boolean_literal":
        return None
    return treesitter.text(node) == "true"


def _given(node: Node | None) -> bool:
    """An argument given a value other than `null`."""
    return node is not None and node.type != "null_literal"


def _value(node: Node | None, part: str) -> str | None:
    """An argument as a comparable value: a string's text (store types compared without case or spaces),
    other code as written; None for absent, `null` or the parameter's default (`rowVersion: false`)."""
    if node is None or node.type == "null_literal":
        return None
    text = _text(node)
    value = "".join((text if text is not None else treesitter.text(node)).split()).lower()
    return None if part == "rowVersion" and value == "false" else value


def _columns(args: Arguments) -> tuple[str, ...]:
    """The columns of an index or constraint: `column: "Id"` or `columns: new[] { ... }`."""
    node = args.get("column")
    return _names(node if node is not None else args.get("columns"))


def _shown(node: Node | None) -> str:
    if node is None or node.type == "null_literal":
        return "unset"
    text = _text(node)
    return text if text is not None else treesitter.text(node)


def _names(node: Node | None) -> tuple[str, ...]:
    """The names a string or an array of strings gives (`"Id"`, `new[] { "A", "B" }`, `["A", "B"]`)."""
    if node is None:
        return ()
    single = _text(node)
    if single is not None:
        return (single,)
    found = (_text(n) for n in treesitter.walk(node) if n.type in _STRINGS)
    return tuple(n for n in found if n)


def _text(node: Node | None) -> str | None:
    """The text of a string literal, or of a `+` of literals; None for anything built at run time."""
    if node is None:
        return None
    if node.type == "parenthesized_expression" and node.named_children:
        return _text(node.named_children[0])
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        left, right = _text(node.child_by_field_name("left")), _text(node.child_by_field_name("right"))
        if operator is None or treesitter.text(operator) != "+" or left is None or right is None:
            return None
        return left + right
    if node.type == "verbatim_string_literal":
        return treesitter.text(node)[2:-1].replace('""', '"')
    if node.type == "raw_string_literal":
        return "".join(treesitter.text(c) for c in node.named_children if c.type == "raw_string_content")
    if node.type == "string_literal":
        return "".join(_unescape(treesitter.text(c)) if c.type == "escape_sequence" else treesitter.text(c)
                       for c in node.named_children)
    if node.type == "interpolated_string_expression":
        if any(c.type == "interpolation" for c in node.named_children):
            return None  # values filled in at run time
        start = next((treesitter.text(c) for c in node.named_children if c.type == "interpolation_start"), "$")
        parts = [_unescape(treesitter.text(c)) if c.type == "escape_sequence" else treesitter.text(c)
                 for c in node.named_children if c.type in ("string_content", "escape_sequence")]
        joined = "".join(parts).replace("{{", "{").replace("}}", "}")
        return joined.replace('""', '"') if "@" in start else joined
    return None


def _unescape(sequence: str) -> str:
    if sequence[1:2] == "U" and len(sequence) > 2:  # `\U0001F600`: eight hex digits
        try:
            return chr(int(sequence[2:], 16))
        except ValueError:
            return sequence
    return treesitter.unescape(sequence, _ESCAPES)
