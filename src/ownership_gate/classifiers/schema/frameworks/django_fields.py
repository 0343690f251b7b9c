"""Django `AlterField`: what changed, judged from the model's source.

An `AlterField` carries only the new definition, and makemigrations
writes one for any attribute change, most of which (choices, help_text,
validators, `default`) never reach the database. The previous definition
is in the model's source: when a changed file in the same change defines
the model's field, its old and new definitions are compared attribute by
attribute. When no changed file defines it, the field's source did not
change, so only values it refers to did (an imported choices list): that
is harmless when every attribute the database sees is a literal, and
`unknown` otherwise.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from typing import Any

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, decode
from ownership_gate.classifiers.schema.frameworks.pyast import dotted, last
from ownership_gate.classifiers.schema.ops import Op
from ownership_gate.classifiers.schema.paths import in_test_dir
from ownership_gate.model import Change

_MEMO = "schema.django.models"
# Field attributes the database sees; every other one is Django-side only.
_DB_KEYS = ("null", "max_length", "max_digits", "decimal_places", "unique", "db_index",
            "primary_key", "db_column", "db_constraint", "db_collation", "to", "db_default")
_DEFAULTS: dict[str, object] = {"null": False, "unique": False, "primary_key": False, "db_constraint": True}
_FIELDS = dict[str, ast.Call]  # field name -> its definition
_MAX_LENGTHS = {"URLField": 200, "SlugField": 50, "EmailField": 254, "FileField": 100, "ImageField": 100,
                "FilePathField": 100}
# Fields whose column has no length: Django reads their `max_length` in forms only.
_UNBOUNDED = frozenset({"TextField"})
_ABSTRACT = " abstract"  # a key no class name can be: fields of abstract parents, "class.field"


def _classes(data: bytes | None) -> dict[str, _FIELDS]:
    """model name (lower case) -> its fields, for one version of a Python file."""
    try:
        text = decode(data) if data is not None and len(data) < 2_000_000 else None
        tree = ast.parse(text) if text else None
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return {}
    found: dict[str, _FIELDS] = {}
    constants = _int_constants(tree)
    for node in _class_defs(tree) if tree is not None else ():
        fields: _FIELDS = {}
        for item in node.body:
            target = item.targets[0] if isinstance(item, ast.Assign) and len(item.targets) == 1 else (
                item.target if isinstance(item, ast.AnnAssign) else None)
            value = item.value if isinstance(item, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                for keyword in value.keywords:  # `max_length=URL_MAX_LENGTH` defined above
                    if isinstance(keyword.value, ast.Name) and keyword.value.id in constants:
                        keyword.value = ast.Constant(constants[keyword.value.id])
                fields[target.id] = value
        found[node.name.lower()] = fields
        if _abstract(node):
            found.setdefault(_ABSTRACT, {}).update({f"{node.name.lower()}.{k}": v for k, v in fields.items()})
    return found


# Nodes whose children may be statements; a class is only ever a statement.
_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


def _class_defs(tree: ast.Module) -> Iterator[ast.ClassDef]:
    """Every class in the module, in `ast.walk`'s order, without walking into expressions
    (nine nodes in ten): a wide change's model files took seconds to walk whole."""
    queue: deque[ast.AST] = deque([tree])
    while queue:
        node = queue.popleft()
        if isinstance(node, ast.ClassDef):
            yield node
        queue.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, _BLOCKS))


def _int_constants(tree: ast.Module | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for node in tree.body if tree is not None else ():
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant) and type(node.value.value) is int):
            found[node.targets[0].id] = node.value.value
    return found


def _abstract(node: ast.ClassDef) -> bool:
    """An abstract model or a mixin: other models inherit its fields."""
    if node.name.endswith("Mixin") or node.name.startswith(("Base", "Abstract")):
        return True
    for item in node.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            for statement in item.body:
                if (isinstance(statement, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "abstract" for t in statement.targets)
                        and isinstance(statement.value, ast.Constant) and statement.value.value is True):
                    return True
    return False


def _model_files(context: Context) -> list[Change]:
    """Every edited Python file that may define models: not a migration or a test, with a class."""
    memo: list[Change] | None = context.memo.get(_MEMO)
    if memo is None:
        memo = context.memo[_MEMO] = []
        for change in context.changes:
            path = change.path
            if not path.endswith(".py") or "/migrations/" in f"/{path}" or in_test_dir(path):
                continue
            new = context.new(change)
            if new is not None and b"class " in new:
                memo.append(change)
    return memo


def _sources(context: Context, column: str) -> Iterator[tuple[dict[str, _FIELDS], dict[str, _FIELDS]]]:
    """(old, new) class maps of the edited model files that can define `column`, each parsed once.

    A field's name is written in the file that defines it, so a file whose text
    never names the column is not parsed for it: a wide change edits hundreds
    of Python files, and parsing them all cost seconds per check.
    """
    parsed: dict[Change, tuple[dict[str, _FIELDS], dict[str, _FIELDS]]] = context.memo.setdefault(_MEMO + ".parsed", {})
    needle = column.encode() if column.isascii() else None  # other identifiers are normalised by the parser
    for change in _model_files(context):
        old, new = context.old(change), context.new(change)
        if needle is not None and needle not in (new or b"") and needle not in (old or b""):
            continue
        if change not in parsed:
            parsed[change] = (_classes(old), _classes(new))
        yield parsed[change]


def _value(call: ast.Call, key: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == key:
            return keyword.value
    if key == "to" and call.args and _RELATION.search(last(dotted(call.func)) or ""):
        return call.args[0]
    return None


# Fields whose first argument is the model they point at (`ForeignKey(Product, ...)`, modelcluster's
# `ParentalKey`); another field's first argument is its own (a Wagtail `StreamField`'s blocks, which live in
# the same JSON column whatever they are).
_RELATION = patterns.compile(r"(?:ForeignKey|OneToOneField|ManyToManyField|ParentalKey)$")


def _literal(node: ast.expr | None, key: str, kind: str) -> Any:
    if node is None:
        return _MAX_LENGTHS.get(kind) if key == "max_length" else _DEFAULTS.get(key)
    if key == "to":
        # `ProductVariant`, `"product.ProductVariant"` and `"product.productvariant"` are one model.
        name = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else dotted(node)
        return name.rsplit(".", 1)[-1].lower() if name else ast.dump(node)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return ast.dump(node)


def compare(old: ast.Call, new: ast.Call, table: str, column: str, line: int) -> list[Op]:
    """Ops for a field whose definition went from `old` to `new`."""
    where = f"{table}.{column}"
    old_kind, new_kind = last(dotted(old.func)), last(dotted(new.func))
    if old_kind != new_kind:
        return [Op("alter_type", table, column, line=line, detail=f"change {where} from {old_kind} to {new_kind}")]
    ops: list[Op] = []
    for key in _DB_KEYS:
        if key == "max_length" and new_kind in _UNBOUNDED:
            continue  # a TextField's max_length sizes its form widget; the column stays `text`
        before, after = _literal(_value(old, key), key, old_kind), _literal(_value(new, key), key, new_kind)
        if before == after:
            continue
        ops.append(_attribute_op(key, before, after, table, column, line))
    if not ops:
        return [Op("additive", table, column, line=line,
                   detail=f"alter field {where}: only Django-side options changed")]
    return ops


def _attribute_op(key: str, before: Any, after: Any, table: str, column: str, line: int) -> Op:
    where = f"{table}.{column}"
    numbers = isinstance(before, int) and isinstance(after, int)
    if key == "null":
        if after is True:
            return Op("additive", table, column, line=line, detail=f"allow NULL in {where}")
        return Op("set_not_null", table, column, line=line, detail=f"make {where} NOT NULL")
    if key == "max_length" and numbers and after > before:
        return Op("additive", table, column, line=line, detail=f"widen {where} to {after} characters")
    if key == "max_length" and isinstance(before, int) and after is None:  # Django 4.2+: `varchar` without a limit
        return Op("additive", table, column, line=line, detail=f"widen {where} to any length")
    if key in ("max_length", "max_digits", "decimal_places"):
        return Op("alter_type", table, column, line=line, detail=f"change {key} of {where} from {before} to {after}")
    if key in ("unique", "db_index") and after is True:
        return Op("add_index", table, columns=(column,), unique=key == "unique", line=line,
                  detail=f"add {'a unique' if key == 'unique' else 'an'} index on {where}")
    if key == "db_constraint" and after is True:
        return Op("add_foreign_key", table, columns=(column,), line=line, detail=f"add foreign key on {where}")
    if key in ("unique", "db_index", "db_constraint", "db_default"):
        return Op("additive", table, column, line=line, detail=f"change {key} of {where}")
    if key == "db_column":
        return Op("rename_column", table, column, line=line, detail=f"rename column of {where} to {after}")
    if key == "to":
        return Op("alter_type", table, column, line=line, detail=f"point {where} at another model")
    return Op("risky", table, column, line=line, detail=f"change {key} of {where}")


def _is_literal(node: ast.expr | None) -> bool:
    if node is None:
        return True
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return True


def _unchanged_source(field: ast.expr, table: str, column: str, line: int) -> list[Op]:
    where = f"{table}.{column}"
    if not isinstance(field, ast.Call):
        return [Op("unknown", table, column, line=line, detail=f"alter field {where}: definition cannot be read")]
    dynamic = [k for k in _DB_KEYS if k != "to" and not _is_literal(_value(field, k))]
    if dynamic:
        return [Op("unknown", table, column, line=line, detail=(
            f"alter field {where}: {', '.join(dynamic)} refer to values outside the model, so the"
            " change cannot be judged"))]
    return [Op("additive", table, column, line=line, detail=(
        f"alter field {where}: the model's source is unchanged, so only values it refers to"
        " (choices, defaults) changed"))]


def _added_fields(context: Context) -> dict[tuple[str, str], ast.Call]:
    """(model, field) -> definition, for fields that migrations added in this change create."""
    memo: dict[tuple[str, str], ast.Call] | None = context.memo.get(_MEMO + ".added")
    if memo is None:
        memo = {}
        for change in context.changes:
            if change.status not in ("added", "copied") or "/migrations/" not in f"/{change.path}":
                continue
            try:
                text = decode(context.new(change))
                tree = ast.parse(text) if text and change.path.endswith(".py") else None
            except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
                continue
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, ast.Call) and last(dotted(node.func)) == "AddField":
                    keys = {k.arg: k.value for k in node.keywords}
                    values = [*node.args, None, None, None]
                    model, name, definition = (keys.get("model_name", values[0]), keys.get("name", values[1]),
                                               keys.get("field", values[2]))
                    if (isinstance(model, ast.Constant) and isinstance(name, ast.Constant)
                            and isinstance(definition, ast.Call)):
                        memo[(str(model.value).lower(), str(name.value))] = definition
        context.memo[_MEMO + ".added"] = memo
    return memo


def alter_field(model: str, column: str, field: ast.expr | None, table: str,
                line: int, context: Context) -> list[Op]:
    """Ops for `AlterField(model_name=model, name=column, field=field)`."""
    touched = False
    parents: dict[str, tuple[ast.Call | None, ast.Call]] = {}
    for old_classes, new_classes in _sources(context, column):
        new_def = new_classes.get(model, {}).get(column)
        old_def = old_classes.get(model, {}).get(column)
        if new_def is not None and old_def is not None:
            return compare(old_def, new_def, table, column, line)
        if old_def is not None and isinstance(field, ast.Call):
            # Removed from the model while the migration keeps the column (a
            # state-only removal): the migration's definition is the new one.
            return compare(old_def, field, table, column, line)
        if new_def is not None or old_def is not None:
            touched = True
        # The field may come from an edited abstract parent or mixin.
        before = old_classes.get(_ABSTRACT, {})
        for key, after in new_classes.get(_ABSTRACT, {}).items():
            if key.endswith("." + column) and (key not in before or ast.dump(before[key]) != ast.dump(after)):
                parents[ast.dump(after) + (ast.dump(before[key]) if key in before else "")] = (before.get(key), after)
    added = _added_fields(context).get((model, column))
    if added is not None and isinstance(field, ast.Call):
        # Added by another migration of the same change: compare with that definition.
        return compare(added, field, table, column, line)
    if len(parents) == 1 and not touched:
        old_parent, new_parent = next(iter(parents.values()))
        if old_parent is not None:
            return compare(old_parent, new_parent, table, column, line)
    if field is None or touched or parents:
        return [Op("unknown", table, column, line=line, detail=(
            f"alter field {table}.{column}: its previous definition cannot be found in the change"))]
    return _unchanged_source(field, table, column, line)
