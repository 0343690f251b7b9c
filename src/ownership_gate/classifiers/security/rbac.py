"""Kubernetes RBAC: whom a RoleBinding or ClusterRoleBinding lets in, and what a Role or ClusterRole allows.

The objects of every changed YAML file of the change set are read on both
sides and compared by kind, namespace and name, each with its own file's old
version first, so one moved from a file to another is no change, while the
same object written in two clusters' folders is judged in each, and a copy
starts with none. An `access` finding, on the file that holds the new
object, for:

- a binding that is new, names another role (`roleRef`), or gains a subject
  (a user, group or service account: `github:payments-team` given `admin`
  on a production namespace);
- a role that allows more: a verb on an API group, resource or resource
  name its rules did not allow before (`*` included).

A subject or a rule taken away lets fewer in, and a role added grants
nothing until a binding names it (that binding is the finding): neither is
one. A file with a binding that no longer parses fails closed; a template
(Helm's `{{ .Values.team }}`) is not read, as what it grants is in values
the file does not hold.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.files import is_yaml
from ownership_gate.classifiers.security.findings import TYPE, finding
from ownership_gate.formats.kubernetes import named_objects
from ownership_gate.formats.yaml import Node, YamlError
from ownership_gate.model import Change, Finding

_BINDINGS = ("RoleBinding", "ClusterRoleBinding")
_ROLES = ("Role", "ClusterRole")
# Bytes every RBAC manifest holds (`kind: RoleBinding`, `kind: ClusterRole`, `kind: Role`): files without
# them are not parsed here.
_MARKERS = (b"Role",)
# Rules of a role compared pairwise at most this many times; past it every new rule counts (fails closed).
_MOST_COMPARISONS = 200_000


class Placed(NamedTuple):
    """An RBAC object after the change set, and where it is."""

    grants: frozenset[tuple[Any, ...]]  # a binding's subjects (kind, name, namespace), or a role's `Rule`s
    role: tuple[str, str] | None  # a binding's roleRef (kind, name)
    path: str
    line: int | None


Key = tuple[str, str, str]  # (kind, namespace, name)
# A role's rule: the API groups, resources (and non-resource URLs), resource names ("*" for every one when it
# lists none) and verbs it names; a part that lists nothing holds "" alone.
Rule = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]


class Objects(NamedTuple):
    old: dict[Key, dict[str, Placed]]  # each object's placements before the change set, by file
    new: dict[Key, dict[str, Placed]]  # and after it
    unreadable: dict[str, str]  # path -> why
    moved_to: dict[str, str]  # a changed file's old path -> its new path (renames and edits; not copies)


def findings(change: Change, context: Context) -> list[Finding]:
    objects = _objects(context)
    if change.path in objects.unreadable:
        return [finding("access", change.path, (
            f"a Kubernetes RBAC manifest does not parse ({objects.unreadable[change.path]}), so whom it lets in"
            " cannot be judged"))]
    found: list[Finding] = []
    for key, places in objects.new.items():
        now = places.get(change.path)
        if now is None:
            continue
        kind, namespace, name = key
        where = f"{kind} {namespace + '/' if namespace else ''}{name}"
        before = _before(key, change, objects)
        if kind in _BINDINGS:
            role = f"{now.role[0]} {now.role[1]}" if now.role else "a role"
            if before is None:
                found.append(finding("access", where, f"new {where} grants {role} to {_who(now.grants)}", now.line))
            elif before.role != now.role:
                found.append(finding("access", where, f"{where} now grants {role} instead of "
                                     f"{before.role[0] + ' ' + before.role[1] if before.role else 'another role'}",
                                     now.line))
            elif now.grants - before.grants:
                found.append(finding("access", where, f"{where} now also grants {role} to "
                                     f"{_who(now.grants - before.grants)}", now.line))
        elif before is not None and (wider := _wider(before.grants, now.grants)):
            shown = "; ".join(f"{_words(verbs) or 'no verbs'} on {_words(resources) or 'nothing'}"
                              + (f" ({_words(groups)})" if _words(groups) else "")
                              for groups, resources, _, verbs in wider[:3]) + (" ..." if len(wider) > 3 else "")
            found.append(finding("access", where, f"{where} now allows {shown}", now.line))
    return found


def _before(key: Key, change: Change, objects: Objects) -> Placed | None:
    """The object as it was: in the same file (its old path, for a file moved), or else in a file of the
    change set that no longer holds it (moved there from here). The same object written in another file
    that keeps it (each cluster's folder of a GitOps repository has its own) is another object, and a
    copy starts with none."""
    olds = objects.old.get(key, {})
    if change.status != "copied" and change.source_path in olds:
        return olds[change.source_path]
    news = objects.new.get(key, {})
    for path, placed in sorted(olds.items()):
        if objects.moved_to.get(path, path) not in news:
            return placed
    return None


def _words(names: frozenset[str]) -> str:
    return " ".join(sorted(names))


def _who(subjects: frozenset[tuple[Any, ...]]) -> str:
    return ", ".join(f"{kind} {name}" for kind, name, _ in sorted(subjects)[:4]) + (" ..." if len(subjects) > 4 else "")


def _objects(context: Context) -> Objects:
    key = f"{TYPE}.rbac"
    if key not in context.memo:
        objects = Objects({}, {}, {}, {})
        for change in context.claimed(TYPE):
            # A copy's old side is its source's, which the source's own change reads: the copy starts with none.
            if change.status != "copied":
                objects.moved_to[change.source_path] = change.path
                if is_yaml(change.source_path):
                    _read(context.old(change), change.source_path, context, objects.old, None)
            if is_yaml(change.path):
                _read(context.new(change), change.path, context, objects.new, objects.unreadable)
        context.memo[key] = objects
    found: Objects = context.memo[key]
    return found


def _read(data: bytes | None, path: str, context: Context, into: dict[Key, dict[str, Placed]],
          unreadable: dict[str, str] | None) -> None:
    if data is None or not any(marker in data for marker in _MARKERS) or b"{{" in data:
        return  # no RBAC object, or a template (Helm's `{{ .Values.team }}`) whose values are not in the file
    text = text_of(data)
    if text is None:
        return
    try:
        roots = context.load_yaml(text).roots
    except YamlError as exc:
        if unreadable is not None and b"Binding" in data:
            unreadable[path] = str(exc)
        return
    for kind, namespace, name, root in named_objects(roots):
        if kind in _BINDINGS:
            reference = root.get("roleRef")
            role = (reference.text("kind") or "", reference.text("name") or "") if reference is not None else None
            subjects = frozenset((s.text("kind") or "", s.text("name") or "", s.text("namespace") or "")
                                 for s in root.sequence("subjects"))
            into.setdefault((kind, namespace, name), {})[path] = Placed(subjects, role, path, root.line)
        elif kind in _ROLES:
            into.setdefault((kind, namespace, name), {})[path] = Placed(_allowed(root), None, path, root.line)


def _allowed(role: Node) -> frozenset[Rule]:
    """A role's rules (see `Rule`)."""
    allowed: set[Rule] = set()
    for rule in role.sequence("rules"):
        def strings(key: str, rule: Node = rule) -> frozenset[str]:
            return frozenset(s for s in (item.string() for item in rule.sequence(key)) if s is not None)

        none = frozenset({""})  # a part that names nothing is within another only if that one names nothing too
        allowed.add((strings("apiGroups") or none, strings("resources") | strings("nonResourceURLs") or none,
                     strings("resourceNames") or frozenset({"*"}), strings("verbs") or none))
    return frozenset(allowed)


def _wider(before: frozenset[Rule], after: frozenset[Rule]) -> list[Rule]:
    """The rules of `after` that no rule of `before` covers: each of its parts is within the old rule's
    (or the old rule's part is `*`). A rule split into two that together allow the same is still covered;
    one covered only by several old rules together is counted, which errs towards asking."""
    def covers(old: Rule, new: Rule) -> bool:
        return all("*" in o or n <= o for o, n in zip(old, new, strict=True))

    new = sorted(after - before, key=lambda rule: [_words(part) for part in rule])
    if len(new) * len(before) > _MOST_COMPARISONS:
        return new  # too many rules to compare each with each: every new one counts
    return [rule for rule in new if not any(covers(old, rule) for old in before)]
