"""Laravel's Blueprint (`$table->string('email')->nullable()`, `$table->dropColumn('x')`) as `Op`s.

A Blueprint call and the modifiers chained on it are one statement: the
column method says what is added, `nullable()`, `default()` and `change()`
how, `index()`, `unique()` and `constrained()` what comes with it. The
walk that finds the Blueprints (`Schema::create`, `Schema::table`) is in
laravel_walk.py.
"""

from __future__ import annotations

from tree_sitter import Node

from ownership_gate.classifiers.schema.ops import Op
from ownership_gate.formats import php
from ownership_gate.formats.php import Step

# Column methods whose first argument is the column (the default name when it has one).
COLUMNS: dict[str, str | None] = {
    **dict.fromkeys((
        "char", "string", "tinyText", "text", "mediumText", "longText", "integer", "tinyInteger", "smallInteger",
        "mediumInteger", "bigInteger", "unsignedInteger", "unsignedTinyInteger", "unsignedSmallInteger",
        "unsignedMediumInteger", "unsignedBigInteger", "float", "double", "decimal", "unsignedDecimal", "boolean",
        "enum", "set", "json", "jsonb", "date", "dateTime", "dateTimeTz", "time", "timeTz", "timestamp",
        "timestampTz", "year", "binary", "geometry", "geography", "point", "lineString", "polygon",
        "multiPoint", "multiLineString", "multiPolygon", "geometryCollection", "vector", "tsvector",
        "foreignId", "foreignUuid", "foreignUlid", "increments", "integerIncrements", "tinyIncrements",
        "smallIncrements", "mediumIncrements", "bigIncrements",
    )),
    "id": "id", "uuid": "uuid", "ulid": "ulid", "ipAddress": "ip_address", "macAddress": "mac_address",
}
# Every row gets a new number: on an existing table, the whole table is rewritten.
_AUTO_INCREMENT = frozenset({"id", "increments", "integerIncrements", "tinyIncrements", "smallIncrements",
                             "mediumIncrements", "bigIncrements"})
_INTEGERS = frozenset(n for n in COLUMNS if n.endswith("Integer"))  # their second argument: auto-increment
_FOREIGN_FOR = frozenset({"foreignIdFor", "foreignUuidFor", "foreignUlidFor"})
# Columns a method adds in pairs or under fixed names, all nullable.
_FIXED = {
    "timestamps": ("created_at", "updated_at"), "nullableTimestamps": ("created_at", "updated_at"),
    "timestampsTz": ("created_at", "updated_at"), "nullableTimestampsTz": ("created_at", "updated_at"),
    "datetimes": ("created_at", "updated_at"), "rememberToken": ("remember_token",),
}
_SOFT_DELETES = frozenset({"softDeletes", "softDeletesTz", "softDeletesDatetime"})
_MORPHS = frozenset({"morphs", "numericMorphs", "uuidMorphs", "ulidMorphs"})
_INDEXES = {"index": "index", "unique": "unique index", "primary": "primary key", "fullText": "full-text index",
            "fulltext": "full-text index", "spatialIndex": "spatial index", "vectorIndex": "vector index",
            "rawIndex": "index"}
_DROPPED_INDEXES = frozenset({"dropPrimary", "dropUnique", "dropIndex", "dropFullText", "dropSpatialIndex",
                              "renameIndex"})
_DROPPED_FOREIGN = frozenset({"dropForeign", "dropForeignIdFor"})
_DROPS_FOREIGN_AND_COLUMN = frozenset({"dropConstrainedForeignId", "dropConstrainedForeignIdFor"})
_DROPPED_PAIRS = {"dropTimestamps": ("created_at", "updated_at"), "dropTimestampsTz": ("created_at", "updated_at"),
                  "dropRememberToken": ("remember_token",)}
# Table options (they apply when the table is created) and questions about the Blueprint.
_NEUTRAL = frozenset({"engine", "innoDb", "charset", "collation", "temporary", "comment", "getTable", "getPrefix",
                      "getColumns", "getCommands", "getAddedColumns", "getChangedColumns", "getState"})
# Modifiers that change nothing this reader judges: placement, comments, character sets, foreign key actions.
_PLAIN_MODIFIERS = frozenset({
    "after", "first", "unsigned", "comment", "charset", "collation", "invisible", "useCurrentOnUpdate", "from",
    "startingValue", "always", "persisted", "type", "using", "instant", "lock", "length", "total", "places",
    "precision", "srid", "isGeometry", "projection", "references", "on", "onDelete", "onUpdate",
    "cascadeOnDelete", "cascadeOnUpdate", "restrictOnDelete", "restrictOnUpdate", "nullOnDelete", "nullOnUpdate",
    "noActionOnDelete", "noActionOnUpdate", "deferrable", "initiallyImmediate", "algorithm", "language",
    "nullsNotDistinct", "operatorClass",
})


def names(node: Node | None) -> tuple[str | None, ...]:
    """The names a string or an array of strings gives; (None,) for one computed at run time."""
    found = php.strings(node)
    return found if found is not None else (None,)


def blueprint(table: str | None, steps: list[Step]) -> list[Op] | None:
    """The ops of one `$table->method(...)->modifier()...` chain; None when the method is not a Blueprint's."""
    first, modifiers = steps[0], steps[1:]
    method, line = first.name or "", first.line
    if method in COLUMNS or method in _INTEGERS or method in _FOREIGN_FOR or method in ("addColumn", "computed",
                                                                                       "rawColumn"):
        return _columns(table, [_column_name(first)], first, modifiers)
    if method in _FIXED:
        return _columns(table, list(_FIXED[method]), first, modifiers, nullable=True)
    if method in _SOFT_DELETES:
        return _columns(table, [_text(first.arg(0)) or "deleted_at"], first, modifiers, nullable=True)
    if method in _MORPHS or (method.startswith("nullable") and method.endswith("Morphs")):
        name = _text(first.arg(0))
        columns: list[str | None] = [f"{name}_type", f"{name}_id"] if name else [None, None]
        ops = _columns(table, columns, first, modifiers, nullable=method.startswith("nullable"))
        return [*ops, _index(table, "index", tuple(columns), line, [])]
    if method in _INDEXES:
        return [_index(table, method, names(first.arg(0)), line, modifiers),
                *_unknown_modifiers(table, modifiers, set())]
    if method == "foreign":
        return [_foreign(table, names(first.arg(0)), line), *_unknown_modifiers(table, modifiers, set())]
    return _drops(table, method, first)


def _drops(table: str | None, method: str, first: Step) -> list[Op] | None:
    line = first.line
    if method == "dropColumn":
        return [_drop(table, c, line) for node in first.args for c in names(node)]
    if method == "renameColumn":
        old, new = _text(first.arg(0)), _text(first.arg(1))
        return [Op("rename_column", table, old, to=new, line=line, detail=f"rename column {table}.{old} to {new}")]
    if method in _DROPPED_INDEXES:
        return [Op("additive", table, line=line, detail=f"{_words(method)} on {table} (holds no data)")]
    if method in _DROPPED_FOREIGN:
        return [Op("additive", table, line=line, detail=f"drop foreign key on {table} (holds no data)")]
    if method in _DROPS_FOREIGN_AND_COLUMN:
        column = _column_name(first) if method.endswith("For") else _text(first.arg(0))
        return [Op("additive", table, line=line, detail=f"drop foreign key on {table} (holds no data)"),
                _drop(table, column, line)]
    if method in _DROPPED_PAIRS:
        return [_drop(table, c, line) for c in _DROPPED_PAIRS[method]]
    if method in ("dropSoftDeletes", "dropSoftDeletesTz"):
        return [_drop(table, _text(first.arg(0)) or "deleted_at", line)]
    if method == "dropMorphs":
        name = _text(first.arg(0))
        return [_drop(table, f"{name}_{part}" if name else None, line) for part in ("type", "id")]
    if method in ("drop", "dropIfExists"):
        return [Op("drop_table", table, line=line, detail=f"drop table {table}")]
    if method == "rename":
        new = _text(first.arg(0))
        return [Op("rename_table", table, to=new, line=line, detail=f"rename table {table} to {new}")]
    if method in _NEUTRAL:
        return []
    return None


def _columns(table: str | None, columns: list[str | None], first: Step, modifiers: list[Step],
             nullable: bool = False) -> list[Op]:
    """The columns one method adds (or, with `change()`, redefines), and what its modifiers add with them."""
    said = {m.name for m in modifiers}
    generated = bool(said & {"useCurrent", "virtualAs", "storedAs", "generatedAs"}) or first.name == "computed"
    default = generated or any(m.name == "default" and php.constant(m.arg(0, "value")) != "null" for m in modifiers)
    rewrites = _auto_increment(first) or bool(said & {"autoIncrement", "storedAs"})
    for modifier in modifiers:
        if modifier.name == "nullable":
            nullable = php.constant(modifier.arg(0, "value")) != "false"
    ops: list[Op] = []
    for column in columns:
        if "change" in said:
            ops.append(Op("alter_type", table, column, line=first.line, detail=f"change column {table}.{column}"))
            continue
        how = ("nullable" if nullable else "NOT NULL") + (" with a default" if default else "")
        how += ", auto-increment" if rewrites and _auto_increment(first) else ""
        ops.append(Op("add_column", table, column, nullable=nullable, default=default, rewrites=rewrites,
                      line=first.line, detail=f"add column {table}.{column} ({how})"))
    for modifier in modifiers:
        if modifier.name in _INDEXES and php.constant(modifier.arg(0)) != "false":
            ops.append(_index(table, modifier.name, tuple(columns), modifier.line, []))
        elif modifier.name == "constrained" or (modifier.name == "references" and first.name != "foreign"):
            ops.append(_foreign(table, tuple(columns), modifier.line))
    known = {"nullable", "default", "useCurrent", "virtualAs", "storedAs", "generatedAs", "autoIncrement", "change",
             "constrained", *_INDEXES}
    return ops + _unknown_modifiers(table, modifiers, known)


def _auto_increment(first: Step) -> bool:
    if first.name in _AUTO_INCREMENT:
        return True
    return first.name in _INTEGERS and php.constant(first.arg(1, "autoIncrement")) == "true"


def _column_name(first: Step) -> str | None:
    """The column a column method names: its argument, the default, or the model's key (`foreignIdFor`)."""
    method = first.name or ""
    if method in ("addColumn", "computed", "rawColumn"):
        return _text(first.arg(1 if method == "addColumn" else 0))
    if method in _FOREIGN_FOR or method == "dropConstrainedForeignIdFor":
        return _text(first.arg(1)) or _model_key(first.arg(0))
    written = first.arg(0, "column")
    if written is None:
        return COLUMNS.get(method)
    return _text(written)


def _model_key(node: Node | None) -> str | None:
    """`user_id` of `User::class`: the key a model's table is referred to by, by Laravel's convention."""
    if node is None or node.type != "class_constant_access_expression" or len(node.named_children) != 2:
        return None
    model, constant = node.named_children
    name = php.class_name(model)
    if php.text(constant) != "class" or name is None:
        return None
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name)) + "_id"


def _index(table: str | None, method: str | None, columns: tuple[str | None, ...], line: int,
           modifiers: list[Step]) -> Op:
    what = _INDEXES.get(method or "", "index")
    listed = ", ".join(c or "<dynamic>" for c in columns)
    online = any(m.name == "online" and php.constant(m.arg(0, "value")) != "false" for m in modifiers)
    kept = tuple(c for c in columns if c)
    detail = f"add {what} on {table}({listed})" + (" online" if online else "")
    if method == "primary":
        return Op("add_primary_key", table, columns=kept, line=line, detail=detail)
    return Op("add_index", table, columns=kept, unique=method == "unique", concurrent=online, line=line,
              detail=detail)


def _foreign(table: str | None, columns: tuple[str | None, ...], line: int) -> Op:
    listed = ", ".join(c or "<dynamic>" for c in columns)
    return Op("add_foreign_key", table, columns=tuple(c for c in columns if c), line=line,
              detail=f"add foreign key on {table}({listed})")


def _unknown_modifiers(table: str | None, modifiers: list[Step], known: set[str]) -> list[Op]:
    return [Op("unknown", table, line=m.line, detail=f"unrecognised column modifier {m.name or '<dynamic>'}()")
            for m in modifiers if m.name not in known and m.name not in _PLAIN_MODIFIERS and m.name != "online"]


def _drop(table: str | None, column: str | None, line: int) -> Op:
    if column is None:
        return Op("unknown", table, line=line, detail=f"drop a column of {table} named at run time")
    return Op("drop_column", table, column, line=line, detail=f"drop column {table}.{column}")


def _text(node: Node | None) -> str | None:
    found = php.strings(node)
    return found[0] if found is not None and len(found) == 1 else None


def _words(method: str) -> str:
    """`dropFullText` -> `drop full text`."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in method)
