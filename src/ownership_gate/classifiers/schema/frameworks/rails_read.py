"""How a Rails migration file becomes ops (which files are one: schema_rails).

The migration class may hold methods, `disable_ddl_transaction!`,
constants set to literals and model classes that only declare
(`self.table_name = "users"`, `has_many :posts`). Anything else in the
class or the file runs code the reader cannot account for (`define_method`,
`class_eval`, `include`, `alias_method`) and is `unknown`; so is defining
`method_missing`. The forward code is walked by rails_walk.py.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from tree_sitter import Node

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema.frameworks.rails_walk import Walker
from ownership_gate.classifiers.schema.ops import Migration, Op, Unreadable
from ownership_gate.formats import ruby

# Statements of a migration class besides its methods.
_CLASS_CALLS = frozenset({"disable_ddl_transaction!", "private", "protected", "public"})
# Methods Ruby calls on its own: defining one changes what other calls do.
_HOOKS = frozenset({"method_missing", "respond_to_missing?", "inherited", "included", "extended", "prepended",
                    "method_added", "singleton_method_added", "const_missing"})


def _online_indexes(context: Context) -> bool:
    """Whether a schema dump in the change shows MySQL (indexes are built online)."""
    if "schema.rails.mysql" not in context.memo:
        mysql = False
        for change in context.changes:
            base = posixpath.basename(change.path)
            if base.endswith(("schema.rb", "structure.sql")) and "/db/" in f"/{change.path}":
                data = context.new(change) or b""
                mysql = mysql or b"ENGINE=InnoDB" in data or b'charset: "utf8' in data
        context.memo["schema.rails.mysql"] = mysql
    return bool(context.memo["schema.rails.mysql"])


def _classes(nodes: Iterable[Node]) -> tuple[list[Node], list[Node]]:
    """The file's classes (also inside modules), and its other statements."""
    classes: list[Node] = []
    other: list[Node] = []
    for node in nodes:
        if node.type == "class":
            classes.append(node)
        elif node.type == "module":
            inner, rest = _classes(ruby.statements(node))
            classes.extend(inner)
            other.extend(rest)
        else:
            other.append(node)
    return classes, other


def _is_migration(cls: Node) -> bool:
    """`class X < ActiveRecord::Migration[7.1]` (or another base named a migration), or a class reopened."""
    superclass = cls.child_by_field_name("superclass")
    return superclass is None or "Migration" in ruby.text(superclass)


def _plain(node: Node, calls: frozenset[str] | None) -> bool:
    """A class-level statement that runs nothing: a constant or `self.x =` set to a literal, a text
    without interpolation, or a call in `calls` (any call, for None) with literal arguments."""
    kind = node.type
    if kind == "heredoc_body":
        return not any(n.type == "interpolation" for n in ruby.descendants(node))
    if kind == "assignment":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        settable = left is not None and (left.type == "constant" or ruby.text(left).startswith("self."))
        return settable and right is not None and ruby.is_literal(ruby.value(right))
    if kind == "class":
        return calls is not None and all(_plain(n, None) for n in ruby.statements(node))
    call = ruby.call(node)
    return call is not None and not call.receiver and call.block is None and (calls is None or call.name in calls) and (
        all(ruby.is_literal(v) for v in (*call.args, *call.kwargs.values()))
    )


def _unaccounted(node: Node, where: str) -> Op:
    return Op("unknown", line=ruby.line(node),
              detail=f"`{ruby.snippet(node)}` {where}: code the reader cannot account for")


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    try:
        root = ruby.program(text)
    except ruby.Unaccounted as exc:
        raise Unreadable(exc.reason, exc.line) from None
    classes, outside = _classes(ruby.statements(root))
    migrations = [c for c in classes if _is_migration(c)]
    if not migrations:
        # Everything in db/migrate runs as a migration: one without an
        # ActiveRecord class (a Sequel or ROM migration) cannot be judged here.
        raise Unreadable("no ActiveRecord migration class in the file")
    ops = [_unaccounted(n, "outside the migration class") for n in outside
           if not (_plain(n, frozenset({"require", "require_relative"})) and n.type == "call")]
    ops.extend(_unaccounted(c, "in the file") for c in classes if c not in migrations and not _plain(c, _CLASS_CALLS))
    methods: dict[str, Node] = {}
    for cls in migrations:
        for node in ruby.statements(cls):
            if node.type in ("method", "singleton_method"):
                name = ruby.text(node.child_by_field_name("name") or node)
                if name in _HOOKS:
                    ops.append(Op("unknown", line=ruby.line(node),
                                  detail=f"defines {name}, which changes what the migration's calls do"))
                methods.setdefault(name, node)
            elif not _plain(node, _CLASS_CALLS):
                ops.append(_unaccounted(node, "in the migration class"))
    forward = methods.get("change") or methods.get("up")
    rollback = methods.get("down") if "change" not in methods else None
    # Rails knows a migration by its version, not its class: the methods are what runs.
    fingerprint = ruby.fingerprint(m for m in methods.values() if m is not rollback)
    if forward is not None:
        ops.extend(Walker(methods, _online_indexes(context)).method(forward))
    return Migration(tuple(ops), fingerprint=fingerprint)
