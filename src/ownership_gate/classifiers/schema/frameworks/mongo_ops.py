"""MongoDB driver calls in a JS/TS migration (migrate-mongo's `up(db)`) to `Op`s.

A collection is a table and a document field a column. Documents carry no
schema, so writing them is data: inserting, or updating with `$set` and
`$push`. What takes data away is judged as in SQL: deleting documents
(`deleteMany`), dropping or renaming a collection, replacing one with an
aggregation's `$out`, and an update that removes or renames fields
(`$unset`, `$rename`), which running code may still read. An index is
built without blocking reads and writes (MongoDB 4.2 on), so only a unique
one, which fails on duplicates, is risky. An update whose document is not
written in the file is `unknown`: it may remove fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from ownership_gate.classifiers.schema.frameworks.js_ops import text
from ownership_gate.classifiers.schema.ops import Op, table_named
from ownership_gate.formats.javascript import Opaque, Segment, Str, Value

# The call on the database that returns a collection (`db.collection('grants')`).
COLLECTION = "collection"
# Calls on the database itself.
_DATABASE = {"createCollection": "create_table", "dropCollection": "drop_table", "renameCollection": "rename_table"}
# Calls that only read, or return a cursor to read with, or drop an index (which loses no data).
_READS = frozenset({
    "find", "findOne", "countDocuments", "estimatedDocumentCount", "count", "distinct", "toArray", "forEach",
    "map", "next", "hasNext", "sort", "limit", "skip", "project", "listIndexes", "indexes", "indexExists",
    "indexInformation", "stats", "options", "isCapped", "dropIndex", "dropIndexes", "watch",
})
_INSERTS = frozenset({"insertOne", "insertMany", "insert", "save"})
_UPDATES = frozenset({"updateOne", "updateMany", "update", "findOneAndUpdate", "replaceOne", "findOneAndReplace"})
_DELETES = frozenset({"deleteOne", "deleteMany", "findOneAndDelete", "remove"})
_NONE: Mapping[str, Value] = MappingProxyType({})
# Update operators that take fields out of documents.
_LOSSY = ("$unset", "$rename")


def database_op(method: str, segment: Segment, line: int, variables: dict[str, Str]) -> Op | None:
    """The op of a call on the database (`db.createCollection('events')`), or None for another call."""
    action = _DATABASE.get(method)
    if action is None:
        return None
    args = segment.args or ()
    name = text(args[0], variables) if args else None
    to = text(args[1], variables) if action == "rename_table" and len(args) > 1 else None
    words = action.replace("_table", " collection")
    return table_named(Op(action, name, to=to, line=line, detail=f"{words} {name}" + (f" to {to}" if to else "")))


def collection_ops(
    table: str | None, calls: Sequence[Segment], line: int, documents: Mapping[str, Value] = _NONE
) -> list[Op]:
    """Ops of the calls made on collection `table` (`None`: named at run time). `documents` are the file's
    constants bound to an object or array (an update kept in `const pipeline = [...]`)."""
    where = table or "a collection named at run time"
    for segment in calls:
        method = segment.name or ""
        args = segment.args or ()
        if method in _READS:
            continue
        if method in _INSERTS:
            return [Op("data", table, line=line, detail=f"{method}() into {where}")]
        if method in _UPDATES:
            return [_update(method, table, where, _resolved(args[1] if len(args) > 1 else None, documents), line)]
        if method in _DELETES:
            return [Op("delete_rows", table, line=line, detail=f"{method}() deletes documents of {where}")]
        if method == "bulkWrite":
            return [_bulk(table, where, _resolved(args[0] if args else None, documents), line)]
        if method == "aggregate":
            stages = _documents(_resolved(args[0] if args else None, documents))
            if any("$out" in stage for stage in stages):
                return [Op("destructive", table, line=line,
                           detail=f"aggregate() on {where} replaces a collection ($out)")]
            if any("$merge" in stage for stage in stages):
                return [Op("data", table, line=line, detail=f"aggregate() on {where} writes documents ($merge)")]
            continue
        if method in ("createIndex", "ensureIndex", "createIndexes"):
            unique = any(_flag(arg, "unique") for arg in args) or any(
                _flag(spec, "unique") for spec in (args[0] if args and isinstance(args[0], list) else []))
            return [table_named(Op("add_index", table, unique=unique, concurrent=True, line=line,
                                   detail=f"add {'unique ' if unique else ''}index on {where}"))]
        if method == "drop":
            return [table_named(Op("drop_table", table, line=line, detail=f"drop collection {where}"))]
        if method == "rename":
            to = text(args[0]) if args else None
            return [table_named(Op("rename_table", table, to=to, line=line,
                                   detail=f"rename collection {where} to {to}"))]
        return [Op("unknown", table, line=line, detail=f"unrecognised collection call {method}() on {where}")]
    return []


def _update(method: str, table: str | None, where: str, update: Value | None, line: int) -> Op:
    if method in ("replaceOne", "findOneAndReplace"):
        if isinstance(update, dict):
            return Op("data", table, line=line, detail=f"{method}() replaces documents of {where}")
        return Op("unknown", table, line=line, detail=f"{method}() on {where} with a document not written here")
    stages = _documents(update)
    if not stages:
        return Op("unknown", table, line=line,
                  detail=f"{method}() on {where} with an update not written here: it may remove fields")
    lossy = sorted({key for stage in stages for key in stage if key in _LOSSY})
    if lossy:
        return Op("destructive", table, line=line,
                  detail=f"{method}() on {where} takes fields out of documents ({', '.join(lossy)})")
    return Op("data", table, line=line, detail=f"{method}() on {where}")


def _bulk(table: str | None, where: str, operations: Value | None, line: int) -> Op:
    listed = operations if isinstance(operations, list) else []
    writes = [item for item in listed if isinstance(item, dict)]
    if not writes or len(writes) != len(listed):
        return Op("unknown", table, line=line, detail=f"bulkWrite() on {where} with operations not written here")
    if any(key in _DELETES for write in writes for key in write):
        return Op("delete_rows", table, line=line, detail=f"bulkWrite() deletes documents of {where}")
    updates = [write.get(key) for write in writes for key in write if key in _UPDATES]
    for update in updates:
        spec = update if isinstance(update, dict) else {}
        op = _update("updateMany", table, where, spec.get("update") or spec.get("replacement"), line)
        if op.action != "data":
            return op
    return Op("data", table, line=line, detail=f"bulkWrite() on {where}")


def _resolved(value: Value | None, documents: Mapping[str, Value]) -> Value | None:
    return documents.get(value.text, value) if isinstance(value, Opaque) else value


def _documents(value: Value | None) -> list[dict[str, Value]]:
    """An update document, or the stages of a pipeline (a list of documents), each of operators only
    (`$set`, `$push`); [] when not written here (a variable, a spread `...changes`, a call)."""
    found = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    documents = [item for item in found if isinstance(item, dict)]
    if not documents or len(documents) != len(found):
        return []
    if not all(document and all(key.startswith("$") for key in document) for document in documents):
        return []
    return documents


def _flag(value: Value, key: str) -> bool:
    return isinstance(value, dict) and value.get(key) is True
