"""What an access check added to a file guards: code the file already had, or only code the change adds.

A check put in front of existing code changes who may run it; one that
only guards new code narrows a new feature with the checks the
application already has. Blocks are read by indentation, the way code is
laid out in every language the scan reads.
"""

from __future__ import annotations

import re
from collections import Counter

from ownership_gate.classifiers.security.lines import LineDiff, normal, substantive

# A block that only leaves (`return`, `raise`, `throw`, `abort`, `panic`, `head :forbidden`): an early exit,
# which guards the rest of the block it sits in.
_EXIT = re.compile(
    r"^\s*(?:}\s*)?(?:return|raise|throw|abort|panic|head|render|redirect(?:_to)?|halt|next|break)\b"
    r"|^\s*[})\]]*;?\s*$|^\s*end\s*$"
)
# The keyword or name a statement starts with (`if`, `unless`, `return`, `raise`, `assert`, `authorize`).
_FIRST_WORD = re.compile(r"\s*(\w+)")
# The code a check guards is read at most this far.
_GUARDED_LINES = 200
# A named function or method: `def mask(...)`, `func (a *App) mask(...)`, `function mask(`, `const mask = (...) =>`.
_NAMED_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|func|function|fn)\s+(?:\([^)]*\)\s*)?(?:self\.)?(\w+)"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>"
)


def guards_old_code(lines: list[str], number: int, diff: LineDiff) -> bool:
    """Whether the check added on line `number` (1-based) guards code the file already had: its block
    (what it indents), for a decorator the function below it, and for an early exit (a block that only
    returns or raises) the rest of the block it sits in. Old code is a line the change did not add, or
    added back where it was removed (moved under the check)."""
    if not 0 < number <= len(lines):
        return False
    added = {n for n, _ in diff.added}
    removed = Counter(normal(line) for line in diff.removed)
    check = lines[number - 1]
    base = _indent(check)
    start = number  # index of the first line after the check
    if check.lstrip().startswith("@"):  # a decorator: the definition it decorates, and its body
        while start < len(lines) and lines[start].lstrip().startswith("@"):
            start += 1
        block = _block(lines, start + 1, _indent(lines[start])) if start < len(lines) else []
        block = [start, *block]
    else:
        block = _block(lines, start, base)
        if all(_EXIT.match(lines[i]) for i in block if lines[i].strip()):  # an early exit
            block = _block(lines, block[-1] + 1 if block else start, base - 1)
    for index in block[:_GUARDED_LINES]:
        text = normal(lines[index])
        if not substantive([text]) or _EXIT.match(lines[index]):
            continue
        if index + 1 not in added or removed[text] > 0:
            return True
    return False


def rewrites_a_condition(number: int, line: str, diff: LineDiff) -> bool:
    """Whether the check added on line `number` is written over a statement the file had in its place, the
    same kind of statement at the same indentation: an existing condition rewritten into a check
    (`if signature != digest:` -> `if not hmac.compare_digest(signature, digest):`) guards what it guarded."""
    old = diff.rewritten.get(number)
    if old is None or _indent(old) != _indent(line):
        return False
    first, was = _FIRST_WORD.match(line), _FIRST_WORD.match(old)
    return first is not None and was is not None and first.group(1) == was.group(1)


def called_by_old_code(lines: list[str], number: int, diff: LineDiff) -> bool:
    """Whether the check added on line `number` (1-based) sits in a function the change adds that a
    function the file already had now calls: the check decides what that existing code does (a new
    `maskRestrictedLists(user, &out)` called from an existing handler hides what it returns)."""
    added = {n for n, _ in diff.added}
    found = _enclosing(lines, number)
    if found is None or found[0] not in added:
        return False
    call = re.compile(rf"(?<![\w.])(?:\w+\.)?{re.escape(found[1])}\s*\(")
    for line_number, line in diff.added:
        if line_number == found[0] or not call.search(line) or _NAMED_DEFINITION.match(line):
            continue
        caller = _enclosing(lines, line_number)
        if caller is not None and caller[0] not in added:
            return True
    return False


def _enclosing(lines: list[str], number: int) -> tuple[int, str] | None:
    """(line, name) of the named function the 1-based line `number` sits in, by indentation; None at the top."""
    if not 0 < number <= len(lines):
        return None
    indent = _indent(lines[number - 1])
    for index in range(number - 2, max(-1, number - 2 - 2000), -1):
        line = lines[index]
        if not line.strip() or _indent(line) >= indent:
            continue
        match = _NAMED_DEFINITION.match(line)
        if match:
            return index + 1, match.group(1) or match.group(2)
        indent = _indent(line)
        if indent == 0:
            return None
    return None


def _block(lines: list[str], start: int, indent: int) -> list[int]:
    """Indexes of the lines from `start` indented deeper than `indent` (blank lines included)."""
    found: list[int] = []
    for index in range(start, min(len(lines), start + _GUARDED_LINES)):
        line = lines[index]
        if line.strip() and _indent(line) <= indent:
            break
        found.append(index)
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
