"""Who may call a Play controller's action: the action builders it is composed of.

A Play action is built by the builders and refiners in front of its body
(`def onPageLoad(mode: Mode): Action[AnyContent] = (identify andThen isSupport andThen getData) { ... }`,
`val show = Authenticated.async { ... }`); an authenticating builder or a
refiner that checks a role decides who gets past it. An action the file
already had whose builders changed by one named for access (`isSupport`
added, `Authenticated` swapped for `identity`) lets other people in; one
that only gained or lost a builder of data (`getData`, `requireData`) does
not. A new action, or one deleted, is new code or gone.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers import patterns

# `def name(...)...: Action[...] = BUILDERS { ...` or `= BUILDERS.async ...`, `val name = BUILDERS(...)`.
_ACTION = patterns.compile(
    r"^\s*(?:override\s+)?(?:def|val|lazy\s+val)\s+(\w+)\b[^=\n]*?(?::\s*Action\[[^\]\n]*\]\s*)?=\s*"
    r"(\([\w\s.]*\bandThen\b[\w\s.]*\)|[A-Za-z_][\w.]*?)\s*(?:\.async\b|\{|\(\s*(?:parse\b|implicit\b|\w+\s*=>))",
    re.MULTILINE,
)
_NAME = patterns.compile(r"[A-Za-z_]\w*")
# Builders named for who gets past them: authenticating, identifying, checking a role, enrolment or privilege.
_ACCESS_WORD = patterns.compile(
    r"(?i)auth|identif|identity|admin|support|role|permission|enrol|privilege|verified|access|predicate|only$|guard"
)
_NOT_BUILDERS = frozenset({"andThen", "async", "Action"})


def changed(old_text: str, new_text: str) -> str | None:
    """The first action the file kept whose builders changed by one named for access, shown as
    `name: old -> new`; None when none did."""
    if "Action" not in new_text and "andThen" not in new_text:
        return None
    before, after = _actions(old_text), _actions(new_text)
    for name in sorted(before.keys() & after.keys()):
        was, now = before[name], after[name]
        if was != now and any(_ACCESS_WORD.search(builder) for builder in set(was) ^ set(now)):
            return f"{name}: {' andThen '.join(was) or 'Action'} -> {' andThen '.join(now) or 'Action'}"
    return None


def _actions(text: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for match in _ACTION.finditer(text):
        # Play's own `Action` lets anyone in: no builder of access.
        found.setdefault(match.group(1), tuple(w for w in _NAME.findall(match.group(2)) if w not in _NOT_BUILDERS))
    return found
