"""How a Prisma migration's forward code becomes ops (which files are one: schema_prisma)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, decode
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable

_BLOCK = patterns.compile(r"^\s*(model|enum|view|type|datasource|generator)\s+(\w+)\s*\{\s*$")
_FIELD = patterns.compile(r"^\s*(\w+)\s+(\w+(?:\.\w+)?(?:\([^)]*\))?)(\[\])?(\?)?\s*(.*)$")
_MAP = patterns.compile(r"@map\(\s*(?:name:\s*)?\"([^\"]+)\"")
_TABLE_MAP = patterns.compile(r"@@map\(\s*(?:name:\s*)?\"([^\"]+)\"")
_NATIVE = patterns.compile(r"@db\.\w+(?:\([^)]*\))?")
_LIST = patterns.compile(r"\[([^\]]*)\]")
_MEMO = "schema.prisma"


class Column(NamedTuple):
    name: str
    type: str
    optional: bool
    default: bool
    unique: bool
    line: int
    path: str


class Table:
    """A model's table, filled in as its block is read."""

    __slots__ = ("columns", "indexes", "line", "model", "name", "path", "primary", "uniques")

    def __init__(self, name: str, model: str, line: int, path: str) -> None:
        self.name = name
        self.model = model
        self.line = line
        self.path = path
        self.columns: dict[str, Column] = {}
        self.indexes: set[str] = set()
        self.uniques: set[str] = set()
        self.primary = ""


class Schema:
    """Every schema file of one side, filled in as each is read."""

    __slots__ = ("enums", "provider", "tables")

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.enums: dict[str, tuple[set[str], int, str]] = {}
        self.provider = ""


def _blocks(text: str) -> list[tuple[str, str, int, list[tuple[int, str]]]]:
    """(kind, name, line, body lines) of every top-level block."""
    blocks: list[tuple[str, str, int, list[tuple[int, str]]]] = []
    current: tuple[str, str, int, list[tuple[int, str]]] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("//", 1)[0].rstrip()
        if not line.strip():
            continue
        if current is None:
            match = _BLOCK.match(line)
            if match is None:
                raise Unreadable(f"unexpected line in Prisma schema: {line.strip()[:40]}", number)
            current = (match[1], match[2], number, [])
        elif line.strip() == "}":
            blocks.append(current)
            current = None
        else:
            current[3].append((number, line.strip()))
    if current is not None:
        raise Unreadable(f"{current[0]} {current[1]} is not closed", current[2])
    return blocks


def _columns(value: str) -> str:
    match = _LIST.search(value)
    return ",".join(c.strip().split("(")[0] for c in match[1].split(",")) if match else value


def parse(text: str, path: str, schema: Schema) -> None:
    blocks = _blocks(text)
    models = {name for kind, name, _, _ in blocks if kind in ("model", "view")}
    composites = {name for kind, name, _, _ in blocks if kind == "type"}
    for kind, name, line, body in blocks:
        if kind == "enum":
            values = {entry.split()[0] for _, entry in body if not entry.startswith("@@")}
            schema.enums[name] = (values, line, path)
        elif kind == "datasource":
            for _, entry in body:
                if entry.replace(" ", "").startswith("provider="):
                    schema.provider = entry.split("=", 1)[1].strip().strip('"')
        elif kind == "model":
            mapped = next((m[1] for _, e in body if (m := _TABLE_MAP.search(e))), name)
            table = Table(mapped, name, line, path)
            for number, entry in body:
                if entry.startswith("@@"):
                    _block_attribute(table, entry)
                    continue
                match = _FIELD.match(entry)
                if match is None:
                    raise Unreadable(f"unreadable field in model {name}: {entry[:40]}", number)
                base = match[2].split("(")[0]
                if base in models or base in composites:
                    continue  # a relation: the foreign key is a scalar field of its own
                attributes = match[5]
                column_map = _MAP.search(attributes)
                native = _NATIVE.search(attributes)
                column = Column(
                    name=column_map[1] if column_map else match[1],
                    type=match[2] + (match[3] or "") + (native[0] if native else ""),
                    optional=bool(match[4]),
                    default="@default" in attributes or bool(match[3]),
                    unique="@unique" in attributes or "@id" in attributes,
                    line=number, path=path,
                )
                table.columns[column.name] = column
                if "@id" in attributes:
                    table.primary = column.name
            schema.tables[mapped] = table


def _block_attribute(table: Table, entry: str) -> None:
    if entry.startswith("@@index"):
        table.indexes.add(_columns(entry))
    elif entry.startswith("@@unique"):
        table.uniques.add(_columns(entry))
    elif entry.startswith("@@id"):
        table.primary = _columns(entry)


def _schema(context: Context, side: str, owns: Callable[[str], bool]) -> Schema:
    schema = Schema()
    for change in context.changes:
        path = change.path if side == "new" else change.source_path
        if not owns(path) or (side == "old" and change.status in ("added", "copied")):
            continue
        data = context.new(change) if side == "new" else context.old(change)
        if data is None:
            continue
        try:
            text = decode(data) or ""
        except UnicodeDecodeError:
            if side == "new":
                raise Unreadable("not UTF-8 text") from None
            continue
        try:
            parse(text, path, schema)
        except Unreadable:
            if side == "new":
                raise
    return schema


def _compare(old: Schema, new: Schema) -> dict[str, list[Op]]:
    """Ops per file of the new schema (drops go to the file that held the old definition)."""
    ops: dict[str, list[Op]] = {}
    online = new.provider in ("mysql", "sqlite", "sqlserver", "mongodb")

    def add(path: str, op: Op) -> None:
        ops.setdefault(path, []).append(op)

    by_model = {t.model: t for t in new.tables.values() if t.name not in old.tables}
    renamed: dict[str, Table] = {}
    for name, table in old.tables.items():
        if name in new.tables:
            continue
        target = by_model.get(table.model)
        if target is not None:
            renamed[target.name] = table
            add(target.path, Op("rename_table", name, to=target.name, line=target.line,
                                detail=f"model {table.model} now maps to table {target.name} (was {name})"))
        else:
            add(table.path, Op("drop_table", name, line=None, detail=f"model for table {name} removed"))
    for name, table in new.tables.items():
        before = old.tables.get(name) or renamed.get(name)
        if before is None:
            add(table.path, Op("create_table", name, line=table.line, detail=f"new model (table {name})"))
            continue
        for column in before.columns.values():
            if column.name not in table.columns:
                add(table.path, Op("drop_column", name, column.name, line=table.line,
                                   detail=f"field {name}.{column.name} removed"))
        for column in table.columns.values():
            _column(add, table, before.columns.get(column.name), column)
        for columns in sorted(table.indexes - before.indexes):
            add(table.path, Op("add_index", name, columns=tuple(columns.split(",")), concurrent=online,
                               line=table.line, detail=f"@@index([{columns}]) on {name}"))
        for columns in sorted(table.uniques - before.uniques):
            add(table.path, Op("add_unique", name, columns=tuple(columns.split(",")), line=table.line,
                               detail=f"@@unique([{columns}]) on {name}"))
        if table.primary != before.primary and before.primary:
            add(table.path, Op("add_primary_key", name, line=table.line, detail=f"primary key of {name} changed"))
    for name, (values, line, path) in new.enums.items():
        gone = sorted(old.enums.get(name, (set(), 0, ""))[0] - values)
        if gone:
            add(path, Op("destructive", name, line=line, detail=f"enum {name} loses {', '.join(gone)}"))
    for name, (_, _, path) in old.enums.items():
        if name not in new.enums:
            add(path, Op("destructive", name, detail=f"enum {name} removed"))
    return ops


def _column(add: Callable[[str, Op], None], table: Table, before: Column | None, column: Column) -> None:
    where, path, line = f"{table.name}.{column.name}", table.path, column.line
    if before is None:
        how = ("optional" if column.optional else "required") + (" with a default" if column.default else "")
        add(path, Op("add_column", table.name, column.name, nullable=column.optional, default=column.default,
                     line=line, detail=f"new field {where} ({how})"))
        if column.unique:
            add(path, Op("add_index", table.name, columns=(column.name,), unique=True, line=line,
                         detail=f"new field {where} is @unique"))
        return
    if before.type != column.type:
        add(path, Op("alter_type", table.name, column.name, line=line,
                     detail=f"type of {where} changes from {before.type} to {column.type}"))
    if before.optional and not column.optional:
        add(path, Op("set_not_null", table.name, column.name, line=line, detail=f"{where} becomes required"))
    elif column.optional and not before.optional:
        add(path, Op("additive", table.name, column.name, line=line, detail=f"{where} becomes optional"))
    if column.unique and not before.unique:
        add(path, Op("add_unique", table.name, columns=(column.name,), line=line, detail=f"{where} becomes @unique"))


def read(text: str, path: str, context: Context, owns: Callable[[str], bool]) -> Migration | None:
    """The ops of `path` in the comparison of every schema file (those `owns` names) before and after."""
    if _MEMO not in context.memo:
        context.memo[_MEMO] = _compare(_schema(context, "old", owns), _schema(context, "new", owns))
    ops: dict[str, list[Op]] = context.memo[_MEMO]
    parse(text, path, Schema())  # a file that does not parse is reported, whatever the others say
    return Migration(tuple(ops.get(path, [])), desired_state=True)

