"""Rake tasks that delete records: a one-off script run against production is a migration in all but name.

A Rails application's `lib/tasks/**/*.rake` holds tasks someone runs by hand
or on a schedule (`rake once_off:remove_duplicates`), against the production
database. One that deletes records (`destroy`, `destroy_all`, `delete_all`,
`destroy_by`, `delete_by`, on a model or on records it found) takes away what
no rollback brings back, like a migration's `DELETE`: each task new to the
file, or whose code changed, is read, and one that deletes is `destructive`,
the subject `rake <namespace>:<task>` (in a task that was there before, only a
deletion it did not make before counts: the rest of its code changed). What the task only reads, reports or
updates is left alone (updates are what a migration's `data` is, and the
built-in policy leaves those to the engineer). `delete` alone is not read: on
a hash, an array, a file or a cache it deletes no record.

Vendored code and tests are not read. A file that is not valid Ruby is not
judged here (its tasks cannot be told apart); nothing runs it until it is.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ownership_gate.classifiers.schema.ops import TYPE
from ownership_gate.formats import ruby
from ownership_gate.model import Finding

# Calls that delete the records they are called on (`ServiceTier.where(...).delete_all`, `record.destroy`).
DELETING = frozenset({"destroy", "destroy!", "destroy_all", "delete_all", "destroy_by", "delete_by"})


def findings(old_text: str | None, new_text: str | None) -> list[Finding]:
    """Each task of the new side, new or changed, whose code deletes records."""
    if new_text is None:
        return []
    new = _tasks(new_text)
    if new is None:
        return []
    old = (_tasks(old_text) if old_text else None) or {}
    found: list[Finding] = []
    for name, node in new.items():
        before = old.get(name)
        if before is not None and ruby.fingerprint([before]) == ruby.fingerprint([node]):
            continue
        # In a task that was there before, only a deletion it did not make then: the rest of its code changed.
        known = {_spelled(call) for call in _deletions(before)} if before is not None else set()
        deleting = next((call for call in _deletions(node) if _spelled(call) not in known), None)
        if deleting is not None:
            found.append(Finding(
                type=TYPE, kind="destructive", subject=f"rake {name}", line=ruby.line(deleting),
                detail=f"task {name} deletes records ({ruby.snippet(deleting)}): run against production, what it "
                       "deletes no rollback brings back",
            ))
    return found


def _tasks(text: str) -> dict[str, Node] | None:
    """Each task of the file by its full name (`once_off:dorset_merge`); None when it is not valid Ruby."""
    try:
        root = ruby.program(text)
    except ruby.Unaccounted:
        return None
    found: dict[str, Node] = {}
    _collect(root, (), found)
    return found


def _collect(node: Node, namespaces: tuple[str, ...], found: dict[str, Node]) -> None:
    for child in ruby.children(node):
        call = ruby.call(child) if child.type == "call" else None
        if call is not None and not call.receiver and call.name in ("namespace", "task") and call.block is not None:
            name = _name(call)
            body = child.child_by_field_name("block")
            if name is None or body is None:
                _collect(child, namespaces, found)
            elif call.name == "namespace":
                _collect(body, (*namespaces, name), found)
            else:
                found.setdefault(":".join((*namespaces, name)), body)
        else:
            _collect(child, namespaces, found)


def _name(call: ruby.Call) -> str | None:
    """A task's or namespace's name: `task :name`, `task name: :environment`, `task "name" => [...]`."""
    if call.args and ruby.is_literal(call.args[0]):
        first = call.args[0]
        if isinstance(first, ruby.Lit) and isinstance(first.value, str):
            return first.value
        if isinstance(first, dict) and len(first) == 1:
            return next(iter(first))
    if len(call.kwargs) == 1:
        return next(iter(call.kwargs))
    return None


def _deletions(node: Node) -> Iterator[Node]:
    for inner in ruby.descendants(node):
        if inner.type == "call":
            method = inner.child_by_field_name("method")
            if method is not None and ruby.text(method) in DELETING and inner.child_by_field_name("receiver"):
                yield inner


def _spelled(call: Node) -> str:
    """A call's code without its layout, to find the same deletion in another version of a task."""
    return " ".join(ruby.text(call).split())

