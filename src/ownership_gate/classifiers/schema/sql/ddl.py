"""sqlglot DDL trees (CREATE, DROP, ALTER, and opaque commands) to `Op`s."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ownership_gate.classifiers.schema.ops import Op

# Defaults PostgreSQL computes per row, so adding such a column rewrites the
# table under an exclusive lock (squawk adding-field-with-default, Atlas PG110).
_VOLATILE = frozenset({
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "clock_timestamp", "timeofday", "nextval",
})
_SERIAL = frozenset({"SERIAL", "BIGSERIAL", "SMALLSERIAL"})
# Objects that hold no rows of their own: dropping them loses no data.
_HARMLESS_DROPS = frozenset({
    "INDEX", "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "POLICY", "RULE", "AGGREGATE",
    "MACRO", "STATISTICS",
})
# `CREATE ...` commands sqlglot keeps opaque that add an object and touch no rows.
_CREATES = ("EXTENSION", "FUNCTION", "PROCEDURE", "TRIGGER", "POLICY", "AGGREGATE",
            "OR REPLACE", "RULE", "ROLE", "USER", "DOMAIN", "COLLATION", "PUBLICATION",
            "OPERATOR", "CAST", "LANGUAGE", "SERVER", "FOREIGN DATA", "TEXT SEARCH",
            "STATISTICS", "EVENT TRIGGER", "DEFINER", "CONSTRAINT TRIGGER")
# Commands that change no table's shape or rows.
_NEUTRAL = ("GRANT", "REVOKE", "COMMENT", "SET", "RESET", "ANALYZE", "ANALYSE", "VACUUM",
            "REFRESH", "NOTIFY", "LOCK", "UNLOCK", "BEGIN", "COMMIT", "START", "END", "CHECKPOINT",
            "DISCARD", "SELECT", "SHOW", "CALL", "PERFORM", "REINDEX", "CLUSTER", "SECURITY LABEL")
# ALTER TABLE actions sqlglot keeps opaque that neither lose data nor lock long.
_ALTER_TABLE_SAFE = ("ENABLE", "DISABLE", "FORCE", "NO FORCE", "OWNER", "REPLICA IDENTITY",
                     "SET (", "RESET (", "SET STATISTICS", "SET STORAGE", "CLUSTER ON",
                     "SET WITHOUT CLUSTER", "SET LOGGED", "SET TABLESPACE",
                     "VALIDATE CONSTRAINT")


def _table_name(node: exp.Expression | None) -> str | None:
    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, exp.Table):
        return node.name or None
    if isinstance(node, exp.Expression):
        return node.name or None
    return None


def _names(nodes: list[exp.Expression] | None) -> tuple[str, ...]:
    found = []
    for node in nodes or ():
        column = node.find(exp.Column, exp.Identifier) if not isinstance(node, exp.Identifier) else node
        if column is not None and column.name:
            found.append(column.name)
    return tuple(found)


def create_ops(node: exp.Create, dialect: str) -> list[Op]:
    kind = str(node.args.get("kind") or "").upper()
    if kind == "TABLE":
        table = _table_name(node.this)
        return [Op("create_table", table, detail=f"create table {table}")]
    if kind == "INDEX":
        index = node.this
        table = _table_name(index.args.get("table")) if isinstance(index, exp.Index) else None
        params = index.args.get("params") if isinstance(index, exp.Index) else None
        columns = _names(params.args.get("columns")) if isinstance(params, exp.IndexParameters) else ()
        unique = bool(node.args.get("unique"))
        concurrent = bool(node.args.get("concurrently")) or dialect in ("mysql", "sqlite")
        how = "unique index" if unique else "index"
        return [Op("add_index", table, columns=columns, unique=unique, concurrent=concurrent,
                   detail=f"create {how} on {table}({', '.join(columns)})"
                   + (" concurrently" if node.args.get("concurrently") else ""))]
    properties = node.args.get("properties")
    if kind == "VIEW" and isinstance(properties, exp.Properties) and any(
        isinstance(p, exp.MaterializedProperty) for p in properties.expressions
    ):
        return [_materialized_view(_table_name(node.this))]
    what = f"{kind.lower() or 'object'} {_table_name(node.this) or ''}".strip()
    return [Op("additive", None, detail=f"create {what}")]


def _materialized_view(name: str | None) -> Op:
    """A materialized view created: derived data, new (so indexes built on it in the same migration lock
    nothing that production reads), and holding only what its query computes."""
    return Op("create_table", name, detail=f"create materialized view {name} (derived data)")


def drop_ops(node: exp.Drop) -> list[Op]:
    kind = str(node.args.get("kind") or "").upper()
    targets = [t for t in node.args.get("tables") or [node.this] if t is not None]
    ops = []
    for target in targets or [None]:
        table = _table_name(target)
        if kind == "TABLE":
            ops.append(Op("drop_table", table, detail=f"drop table {table}"))
        elif kind == "VIEW" and node.args.get("materialized"):
            ops.append(Op("additive", None, detail=f"drop materialized view {table} (derived data)"))
        elif kind in _HARMLESS_DROPS:
            ops.append(Op("additive", table if kind == "INDEX" else None,
                          detail=f"drop {kind.lower()} {table or ''} (holds no data)".replace("  ", " ")))
        elif kind in ("SCHEMA", "DATABASE"):
            schema = target.args.get("db") if isinstance(target, exp.Table) else None
            label = schema.name if isinstance(schema, exp.Expression) else table
            ops.append(Op("destructive", label, detail=f"drop {kind.lower()} {label}"))
        else:
            ops.append(Op("destructive", table, detail=f"drop {kind.lower() or 'object'} {table or ''}".strip()))
    return ops


def _column_def(table: str | None, col: exp.ColumnDef) -> Op:
    kinds = [c.args.get("kind") for c in col.args.get("constraints") or []]
    not_null = any(
        (isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null"))
        or isinstance(k, exp.PrimaryKeyColumnConstraint)
        for k in kinds
    )
    defaults = [k for k in kinds if isinstance(k, exp.DefaultColumnConstraint)]
    dtype = col.args.get("kind")
    type_name = dtype.this.name if isinstance(dtype, exp.DataType) else ""
    rewrites = type_name in _SERIAL or any(
        isinstance(k, (exp.GeneratedAsIdentityColumnConstraint, exp.ComputedColumnConstraint))
        for k in kinds
    ) or any(_volatile(d) for d in defaults)
    filled = bool(defaults) or rewrites or type_name in _SERIAL
    column = col.name
    how = "NOT NULL" if not_null else "nullable"
    if defaults:
        how += " with a default"
    return Op("add_column", table, column, nullable=not not_null, default=filled,
              rewrites=rewrites, detail=f"add column {table}.{column} ({how})")


def _volatile(default: exp.Expression) -> bool:
    for func in default.find_all(exp.Func):
        if isinstance(func, (exp.Rand, exp.Uuid)):
            return True
        label = (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()
        if label in _VOLATILE:
            return True
    return False


def _constraint_ops(table: str | None, node: exp.AddConstraint, not_valid: bool) -> list[Op]:
    ops = []
    for item in node.expressions:
        parts = item.expressions if isinstance(item, exp.Constraint) else [item]
        for part in parts:
            if isinstance(part, exp.ForeignKey):
                cols = _names(part.expressions)
                ops.append(Op("add_foreign_key", table, columns=cols, validated=not not_valid,
                              detail=f"add foreign key on {table}({', '.join(cols)})"
                              + (" NOT VALID" if not_valid else "")))
            elif isinstance(part, (exp.PrimaryKey, exp.PrimaryKeyColumnConstraint)):
                cols = _names(part.expressions)
                ops.append(Op("add_primary_key", table, columns=cols,
                              detail=f"add primary key on {table}({', '.join(cols)})"))
            elif isinstance(part, exp.UniqueColumnConstraint):
                cols = _names(part.this.expressions) if isinstance(part.this, exp.Schema) else ()
                ops.append(Op("add_unique", table, columns=cols,
                              detail=f"add unique constraint on {table}({', '.join(cols)})"))
            elif isinstance(part, exp.CheckColumnConstraint):
                ops.append(Op("add_check", table, validated=not not_valid,
                              detail=f"add check constraint on {table}"
                              + (" NOT VALID" if not_valid else "")))
            elif isinstance(part, exp.IndexColumnConstraint):
                cols = _names(part.expressions)
                ops.append(Op("add_index", table, columns=cols, concurrent=True,
                              detail=f"add index on {table}({', '.join(cols)}) (built online)"))
            else:
                ops.append(Op("unknown", table, detail=f"unrecognised constraint on {table}"))
    return ops


def _alter_column(table: str | None, action: exp.AlterColumn) -> Op:
    column = action.name
    where = f"{table}.{column}"
    if action.args.get("dtype") is not None:
        return Op("alter_type", table, column, detail=f"change type of {where} to {action.args['dtype'].sql()}")
    if action.args.get("allow_null") is False:
        return Op("set_not_null", table, column, detail=f"set {where} NOT NULL")
    if action.args.get("allow_null") is True:
        return Op("additive", table, column, detail=f"drop NOT NULL on {where}")
    if action.args.get("default") is not None or action.args.get("drop"):
        return Op("additive", table, column, detail=f"change default of {where}")
    return Op("unknown", table, column, detail=f"unrecognised change of {where}")


def _alter_action(table: str | None, action: exp.Expression, not_valid: bool) -> list[Op]:
    if isinstance(action, exp.ColumnDef):
        return [_column_def(table, action)]
    if isinstance(action, exp.Drop):
        kind = str(action.args.get("kind") or "").upper()
        if kind == "COLUMN":
            return [Op("drop_column", table, _table_name(c), detail=f"drop column {table}.{_table_name(c)}")
                    for c in action.args.get("tables") or []]
        return [Op("additive", table, detail=f"drop {kind.lower() or 'constraint'} on {table} (holds no data)")]
    if isinstance(action, exp.RenameColumn):
        old, new = _table_name(action.this), _table_name(action.args.get("to"))
        return [Op("rename_column", table, old, to=new, detail=f"rename column {table}.{old} to {new}")]
    if isinstance(action, exp.AlterRename):
        new = _table_name(action.this)
        return [Op("rename_table", table, to=new, detail=f"rename table {table} to {new}")]
    if isinstance(action, exp.AlterColumn):
        return [_alter_column(table, action)]
    if isinstance(action, exp.ModifyColumn):
        column_def = action.this
        column = column_def.name if isinstance(column_def, exp.Expression) else None
        old = action.args.get("rename_from")
        ops = []
        if isinstance(old, exp.Expression) and old.name != column:
            ops.append(Op("rename_column", table, old.name, to=column,
                          detail=f"rename column {table}.{old.name} to {column}"))
        ops.append(Op("alter_type", table, column, detail=f"redefine column {table}.{column}"))
        return ops
    if isinstance(action, exp.AddConstraint):
        return _constraint_ops(table, action, not_valid)
    if isinstance(action, exp.RenameIndex):
        return [Op("additive", table, detail=f"rename an index of {table}")]
    return [Op("unknown", table, detail=f"unrecognised ALTER TABLE {table} action: {action.sql()[:60]}")]


def alter_ops(node: exp.Alter, dialect: str) -> list[Op] | None:
    kind = str(node.args.get("kind") or "").upper()
    table = _table_name(node.this)
    if kind in ("INDEX", "VIEW", "SEQUENCE", "FUNCTION"):
        return [Op("additive", None, detail=f"alter {kind.lower()} {table}")]
    if kind != "TABLE":
        return None
    not_valid = bool(node.args.get("not_valid"))
    ops: list[Op] = []
    for action in node.args.get("actions") or []:
        ops.extend(_alter_action(table, action, not_valid))
    return ops


def _words(node: exp.Command) -> str:
    rest = node.expression.name if isinstance(node.expression, exp.Literal) else str(node.expression or "")
    return " ".join(f"{node.this} {rest}".split())


def command_ops(node: exp.Command) -> list[Op] | None:
    """Statements sqlglot keeps opaque, read by their leading keywords."""
    text = _words(node)
    upper = text.upper()
    words = upper.split()
    if words and words[0] == "DO":
        return [Op("unknown", None, detail="procedural DO block: cannot see what it changes")]
    if any(upper.startswith(w) for w in _NEUTRAL):
        return []
    if len(words) >= 2 and words[0] == "CREATE":
        rest = upper[len("CREATE "):]
        if any(rest.startswith(w) for w in _CREATES):
            return [Op("additive", None, detail=" ".join(text.split()[:4]))]
        return None
    if len(words) >= 4 and words[:2] == ["ALTER", "TYPE"]:
        target = text.split()[2]
        if words[3] == "ADD" and "VALUE" in words[4:6]:
            return [Op("additive", target, detail=f"add a value to enum {target}")]
        if words[3] == "RENAME":
            what = "an enum value of type" if "VALUE" in words else "type"
            return [Op("destructive", target, detail=f"rename {what} {target}")]
        if words[3] == "OWNER":
            return []
        return None
    if len(words) >= 4 and words[:2] == ["ALTER", "TABLE"]:
        parts = text.split()[2:]
        while parts and parts[0].upper() in ("IF", "EXISTS", "ONLY"):
            parts = parts[1:]
        table, actions = parts[0], " ".join(parts[1:]).upper()
        if any(actions.startswith(a) for a in _ALTER_TABLE_SAFE):
            return [Op("additive", table, detail=f"alter table {table} {actions.split()[0].lower()}")]
        return None
    if len(words) >= 3 and words[:3] == ["ALTER", "MATERIALIZED", "VIEW"]:
        return _alter_materialized_view(text.split()[3:])
    if len(words) >= 2 and words[0] == "ALTER" and words[1] in ("SEQUENCE", "FUNCTION", "PROCEDURE",
                                                                "EXTENSION", "POLICY", "TRIGGER",
                                                                "DEFAULT", "ROLE", "DOMAIN"):
        return [Op("additive", None, detail=" ".join(text.split()[:3]).lower())]
    if len(words) >= 2 and words[0] == "DROP":
        if words[1] in ("EXTENSION", "SEQUENCE", "DOMAIN"):
            return [Op("destructive", None, detail=" ".join(text.split()[:3]))]
        if words[1] in ("POLICY", "RULE", "PUBLICATION", "ROLE", "USER", "OWNED"):
            return [Op("additive", None, detail=" ".join(text.split()[:3]))]
    return None


def is_volatile_sql(text: str) -> bool:
    """Whether a default given as SQL text (`gen_random_uuid()`) is computed per row."""
    try:
        parsed = sqlglot.parse_one(text, read="postgres")
    except (ParseError, TokenError, ValueError):
        return False
    return isinstance(parsed, exp.Expression) and _volatile(parsed)


def _alter_materialized_view(parts: list[str]) -> list[Op] | None:
    """`ALTER MATERIALIZED VIEW [IF EXISTS] name` and the rest: renamed (a rename, as a table's is: a view
    created in the same migration and swapped into place is new), or given another owner; None for
    anything else."""
    while parts and parts[0].upper() in ("IF", "EXISTS"):
        parts = parts[1:]
    if len(parts) < 2:
        return None
    name, actions = _bare(parts[0]), [p.upper() for p in parts[1:]]
    if actions[:2] == ["RENAME", "TO"] and len(parts) >= 4:
        new = _bare(parts[3].rstrip(";"))
        return [Op("rename_table", name, to=new, detail=f"rename materialized view {name} to {new}")]
    if actions[:2] == ["OWNER", "TO"]:
        return []
    return None


def _bare(name: str) -> str:
    """A name without its schema and quotes: `public."totals_mv"` -> `totals_mv`."""
    return name.split(".")[-1].strip('"`')


_VIEW = ("CREATE MATERIALIZED VIEW", "CREATE OR REPLACE MATERIALIZED VIEW", "CREATE VIEW", "CREATE OR REPLACE VIEW")


def unparsed_alter_ops(words: list[str], original: list[str]) -> list[Op] | None:
    """ALTER TABLE forms, and views, sqlglot cannot parse, read by keyword from its tokens.

    Only forms whose meaning the keywords fix are accepted: attaching a
    constraint to an index built beforehand (squawk's recommended way to add
    a unique or primary key without a long lock), renaming a constraint, and
    a view created whatever its query (a view holds no rows; a materialized
    view holds what its query computes).
    """
    joined = " ".join(words)
    view = next((v for v in _VIEW if joined.startswith(v + " ")), None)
    if view is not None:
        names = original[len(view.split()):]
        if [w.upper() for w in names[:3]] == ["IF", "NOT", "EXISTS"]:
            names = names[3:]
        while len(names) >= 3 and names[1] == ".":  # `public.totals_mv`: the schema's, by its last name
            names = names[2:]
        if not names:
            return None
        name = _bare(names[0])
        if "MATERIALIZED" in view:
            return [_materialized_view(name)]
        return [Op("additive", None, detail=f"create view {name}")]
    if len(words) >= 4 and words[:2] in (["ALTER", "DATABASE"], ["ALTER", "ROLE"]) and "SET" in words:
        return []  # a session default (timezone, search_path) for new connections
    if len(words) < 4 or words[:2] != ["ALTER", "TABLE"]:
        return None
    rest, names = words[2:], original[2:]
    while rest and rest[0] in ("IF", "EXISTS", "ONLY"):
        rest, names = rest[1:], names[1:]
    table, actions = names[0], rest[1:]
    using = actions.index("USING") if "USING" in actions else -1
    if actions[:1] == ["ADD"] and using > 0 and actions[using + 1 : using + 2] == ["INDEX"]:
        return [Op("additive", table, detail=f"attach a constraint to an existing index on {table}")]
    if actions[:2] == ["RENAME", "CONSTRAINT"]:
        return [Op("additive", table, detail=f"rename a constraint of {table}")]
    return None
