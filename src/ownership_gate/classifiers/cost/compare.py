"""Comparing cost-bearing values and objects across two revisions.

Values compare with their units and, for machine sizes, by size inside a
family; anything that cannot be ordered but did change is `change`.
Objects pair by identity within a file first, then across the change set,
so moving a resource or a manifest to another file reports nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from typing import NamedTuple

from ownership_gate.classifiers.cost.model import CostObject, Extracted, Leaf
from ownership_gate.classifiers.cost.sizes import compare_sizes, parse_runner
from ownership_gate.classifiers.cost.units import direction, quantity
from ownership_gate.model import Change, Finding

TYPE = "cost"
_SPACE = re.compile(r"\s+")
_SUMMARY_LEAVES = 4
LOAD_BALANCER = "LoadBalancer"


def _order(old: object, new: object, role: str, unit: str) -> str | None:
    """The kind of a step between two written values (both present, not expressions)."""
    if old == new:
        return None
    if role == "runner":
        return _runner_step(old, new)
    if role == "lb":
        was, now = old == LOAD_BALANCER, new == LOAD_BALANCER
        return "increase" if now and not was else "decrease" if was and not now else None
    if role == "flag":
        if isinstance(old, bool) and isinstance(new, bool):
            return "increase" if new else "decrease"
        return "change"
    if role == "choice":
        return "change"
    a, b = quantity(old, unit), quantity(new, unit)
    if a is not None and b is not None:
        return direction(a, b)
    if isinstance(old, tuple) and isinstance(new, tuple):
        if sorted(map(str, old)) == sorted(map(str, new)):
            return None
        if len(old) == 1 and len(new) == 1:
            return _order(old[0], new[0], role, unit)
        return "change"
    if role == "size" and isinstance(old, str) and isinstance(new, str):
        step = compare_sizes(old, new)
        return {1: "increase", -1: "decrease", 0: None}.get(step, "change") if step is not None else "change"
    return "change"


def _labels(value: object) -> list[str]:
    if isinstance(value, tuple):
        return [str(v) for v in value if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


def _runner_step(old: object, new: object) -> str | None:
    was, now = parse_runner(_labels(old)), parse_runner(_labels(new))
    if was is not None and now is not None:
        return "increase" if now.rate > was.rate else "decrease" if now.rate < was.rate else None
    if (now is not None and now.larger) or (was is not None and was.larger):
        return "change"  # to or from a larger runner we cannot price (self-hosted, an expression)
    return None


def _is_zero(leaf: Leaf) -> bool:
    amount = quantity(leaf.value, leaf.unit)
    return amount is not None and amount == 0


def _unset(leaf: Leaf | None) -> Leaf | None:
    """`minReplicas: ""` or `size: null` in Helm values means the key is not set."""
    if leaf is None or leaf.expression or leaf.value not in (None, ""):
        return leaf
    return None


def leaf_step(old: Leaf | None, new: Leaf | None) -> str | None:
    """increase / decrease / change / None for one key path across two revisions."""
    old, new = _unset(old), _unset(new)
    if old is None and new is None:
        return None
    leaf = new if new is not None else old
    assert leaf is not None
    if old is not None and new is not None:
        if leaf.role != "runner" and (old.expression or new.expression):
            return None if _SPACE.sub("", old.compared or old.text) == _SPACE.sub("", new.compared or new.text) \
                else "change"
        return _order(old.value, new.value, leaf.role, leaf.unit)
    appeared = new is not None
    if leaf.role == "runner":
        runner = parse_runner(_labels(leaf.value))
        if runner is None or not runner.larger:
            return None
        return "increase" if appeared else "decrease"
    if leaf.default is not None and not leaf.expression:
        before, after = (leaf.default, leaf.value) if appeared else (leaf.value, leaf.default)
        return _order(before, after, leaf.role, leaf.unit)
    if leaf.expression or leaf.role in ("size", "choice"):
        return "change"
    if leaf.role == "limit":
        return "change"  # no limit and some limit do not compare
    if leaf.role == "ceiling":
        return None
    if leaf.role == "lb":
        if leaf.value != LOAD_BALANCER:
            return None
        return "increase" if appeared else "decrease"
    if leaf.role == "flag":
        if leaf.value is not True:
            return None
        return "increase" if appeared else "decrease"
    if _is_zero(leaf):
        return None
    return "increase" if appeared else "decrease"


def _leaf_finding(obj: CostObject, path: str, old: Leaf | None, new: Leaf | None, kind: str) -> Finding:
    subject = obj.subject(path)
    was = old.text if old is not None else None
    now = new.text if new is not None else None
    note = ""
    if kind == "change":
        if (old is not None and old.expression) or (new is not None and new.expression):
            note = " (computed value changed; cannot compare)"
        elif old is not None and new is not None and (old.role == "size"):
            note = " (different family or tier; cannot compare)"
    detail = f"{subject}: {was if was is not None else '(unset)'} -> {now if now is not None else '(unset)'}{note}"
    return Finding(
        type=TYPE, kind=kind, subject=subject, from_=was, to=now,
        line=new.line if new is not None else None, detail=detail,
    )


def compare_objects(old: CostObject | None, new: CostObject) -> list[Finding]:
    """Leaf by leaf, for an object present in both revisions (old may be empty)."""
    before = old.leaves if old is not None else {}
    findings = []
    for path in sorted(before.keys() | new.leaves.keys()):
        was, now = before.get(path), new.leaves.get(path)
        kind = leaf_step(was, now)
        if kind is not None:
            findings.append(_leaf_finding(new, path, was, now, kind))
    return findings


def _summary(obj: CostObject) -> str:
    shown = [f"{leaf.path} {leaf.text}" for leaf in list(obj.leaves.values())[:_SUMMARY_LEAVES]]
    if len(obj.leaves) > _SUMMARY_LEAVES:
        shown.append("...")
    return ", ".join(shown)


def _whole_object(obj: CostObject, added: bool) -> list[Finding]:
    """One finding for a created or deleted object that costs money."""
    if not obj.whole:
        return []
    if not obj.label:  # a flat file: each key path speaks for itself
        return compare_objects(None, obj) if added else _reverse(obj)
    steps = {leaf_step(None, leaf) if added else leaf_step(leaf, None) for leaf in obj.leaves.values()}
    count = obj.leaves.get("count")
    if count is not None and _is_zero(count):
        return []
    costly = steps & {"change", "increase" if added else "decrease"}
    if not obj.priced and not costly:
        return []
    summary = _summary(obj)
    what = "new" if added else "removed"
    kind = "increase" if added else "decrease"
    detail = f"{what} {obj.label}" + (f" ({summary})" if summary else "")
    return [Finding(type=TYPE, kind=kind, subject=obj.label, line=obj.line if added else None, detail=detail)]


def _reverse(obj: CostObject) -> list[Finding]:
    """A flat file deleted or emptied: every setting in it is gone, so nothing can cost more."""
    findings = []
    for path in sorted(obj.leaves):
        kind = leaf_step(obj.leaves[path], None)
        if kind is not None:
            findings.append(_leaf_finding(obj, path, obj.leaves[path], None, "decrease"))
    return findings


class _Loose(NamedTuple):
    change: Change
    obj: CostObject


def _error(change: Change, side: str, extracted: Extracted) -> Finding:
    return Finding(
        type=TYPE, kind="change", subject=change.path, line=extracted.error_line if side == "new" else None,
        detail=f"cannot compare cost: the {side} {change.path} cannot be read ({extracted.error})",
    )


def judge(files: Sequence[tuple[Change, Extracted, Extracted]]) -> dict[Change, list[Finding]]:
    results: dict[Change, list[Finding]] = {change: [] for change, _, _ in files}
    added: list[_Loose] = []
    removed: list[_Loose] = []
    for change, old, new in files:
        if old.error is not None and change.new_oid is None:
            continue  # an unreadable file deleted: whatever it held is gone
        if new.error is not None or old.error is not None:
            side = "new" if new.error is not None else "old"
            results[change].append(_error(change, side, new if side == "new" else old))
            continue
        before = {o.key: o for o in old.objects}
        for obj in new.objects:
            if obj.key in before:
                results[change].extend(compare_objects(before.pop(obj.key), obj))
            else:
                added.append(_Loose(change, obj))
        removed.extend(_Loose(change, o) for o in before.values())
    _pair_moves(added, removed, results)
    if not any(change.path.endswith((".tfvars", ".tfvars.json")) for change, _, _ in files):
        _without_inputs_at_the_old_value(results, added)
    for loose in added:
        results[loose.change].extend(_whole_object(loose.obj, added=True))
    for loose in removed:
        results[loose.change].extend(_whole_object(loose.obj, added=False))
    return results


_INPUT = re.compile(r"var\.([A-Za-z_][\w-]*)")


def _without_inputs_at_the_old_value(results: dict[Change, list[Finding]], added: list[_Loose]) -> None:
    """A literal made an input the change adds with that literal as its default (`allocated_storage = 60` ->
    `var.allocated_storage`, `default = 60`) is the value it was: no caller can have set an input before it
    existed. So is an argument added as such an input defaulting to `null` (`edition = var.edition`), which
    Terraform reads as the argument left out. Not when the change set has a variable file, which may give
    it another value."""
    defaults = {(posixpath.dirname(loose.change.path), loose.obj.key[2]): loose.obj for loose in added
                if loose.obj.key[:2] == ("tf", "var") and len(loose.obj.key) == 3}
    if not defaults:
        return
    for change, found in results.items():
        folder = posixpath.dirname(change.path)
        results[change] = [f for f in found if not _at_its_old_value(f, defaults.get((folder, _input(f.to))))]


def _input(text: str | None) -> str:
    """The variable a value is, whole (`var.allocated_storage`), or ""."""
    match = _INPUT.fullmatch(text or "")
    return match.group(1) if match else ""


def _at_its_old_value(finding: Finding, default: CostObject | None) -> bool:
    """A value made the input `default` declares, whose default is the value it had."""
    leaves = list(default.leaves.values()) if default is not None else []
    if finding.kind != "change" or len(leaves) != 1:
        return False
    return leaves[0].text == finding.from_ or (finding.from_ is None and leaves[0].text == "null")


def _signature(obj: CostObject) -> dict[str, tuple[str, object]]:
    """What an object costs, wherever it is written (line numbers aside)."""
    return {path: (leaf.role, leaf.value if not leaf.expression else leaf.text) for path, leaf in obj.leaves.items()}


def _pair_moves(added: list[_Loose], removed: list[_Loose], results: dict[Change, list[Finding]]) -> None:
    """Objects that left one file and arrived in another are compared, not created.

    The same identity in the same directory pairs first (a manifest split in
    two); elsewhere only an identical object does (a move between folders),
    so two environments' `Deployment/web` are never confused.
    """
    by_key: dict[tuple[str, ...], list[_Loose]] = {}
    for departure in removed:
        if departure.obj.movable:
            by_key.setdefault(departure.obj.key, []).append(departure)
    for near in (True, False):
        for arrival in list(added):
            candidates = by_key.get(arrival.obj.key, []) if arrival.obj.movable else []
            here = posixpath.dirname(arrival.change.path)
            wanted = _signature(arrival.obj)
            match = next(
                (d for d in candidates
                 if (posixpath.dirname(d.change.path) == here if near else _signature(d.obj) == wanted)),
                None,
            )
            if match is not None:
                candidates.remove(match)
                removed.remove(match)
                added.remove(arrival)
                results[arrival.change].extend(compare_objects(match.obj, arrival.obj))
    for arrival in list(added):
        if not arrival.obj.body:
            continue
        match = next(
            (d for d in removed if d.obj.body == arrival.obj.body and d.obj.key[:-1] == arrival.obj.key[:-1]),
            None,
        )
        if match is not None:  # renamed, nothing else changed
            removed.remove(match)
            added.remove(arrival)
