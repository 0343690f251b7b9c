"""What an access check added to a file guards: code the file already had, or only code the change adds.

A check put in front of existing code changes who may run it; one that
only guards new code narrows a new feature with the checks the
application already has. Blocks are read by indentation, the way code is
laid out in every language the scan reads.
"""

from __future__ import annotations

from collections import Counter

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.lines import LineDiff, defined_name, normal, substantive

# A block that only leaves (`return`, `raise`, `throw`, `abort`, `panic`, `head :forbidden`): an early exit,
# which guards the rest of the block it sits in.
_EXIT = patterns.compile(
    r"^\s*(?:}\s*)?(?:return|raise|throw|abort|panic|head|render|redirect(?:_to)?|halt|next|break)\b"
    r"|^\s*[})\]]*;?\s*$|^\s*end\s*$"
)
# The keyword or name a statement starts with (`if`, `unless`, `return`, `raise`, `assert`, `authorize`).
_FIRST_WORD = patterns.compile(r"\s*(\w+)")
# The code a check guards is read at most this far.
_GUARDED_LINES = 200
# A call by name, or as a method: `mask(user, &out)`, `a.mask(...)`.
_CALL = patterns.compile(r"(?<![\w.])(?:(\w+)\.)?(\w+)\s*\(")
# How a definition's calls are written: a Python method's on `self` or `cls`, a Go method's on any receiver
# variable (`a.mask(...)`), anything else bare (`mask(...)`), so a new `def get(self)` is not taken to be
# called by every `params.get(...)`.
_PYTHON_METHOD = patterns.compile(r"^\s*(?:async\s+)?def\s+\w+\s*\(\s*(?:self|cls)\b")
_GO_METHOD = patterns.compile(r"^\s*func\s*\(")


class Guards:
    """What the checks a change adds to one file guard, read from the file as the change leaves it.

    Built once per file: the lines, which of them the change added, and where each function the
    added lines call is called, so asking about one check after another costs little.
    """

    def __init__(self, diff: LineDiff) -> None:
        self.diff = diff
        self.lines = diff.new_text.splitlines()
        self.added = {n for n, _ in diff.added}
        self.removed = Counter(normal(line) for line in diff.removed)
        self.copies = Counter(normal(line) for _, line in diff.added)
        self._calls: dict[str, list[tuple[int, str | None]]] | None = None
        self._functions: tuple[set[str], set[str]] | None = None

    def guard_old_code(self, number: int, line: str) -> bool:
        """Whether the check added on line `number` (1-based) changes who may run code the file had."""
        if not self.diff.old_text:
            return False  # a new file: everything it guards is new
        return self._rewrites_a_condition(number, line) or self._in_front_of_old_code(number) or (
            self._called_by_old_code(number))

    def _in_front_of_old_code(self, number: int) -> bool:
        """Its block (what it indents), for a decorator the function below it, and for an early exit (a
        block that only returns or raises) the rest of the block it sits in, holds code the file had: a
        line the change did not add, or added back where it was removed (moved under the check)."""
        lines = self.lines
        if not 0 < number <= len(lines):
            return False
        check = lines[number - 1]
        base = _indent(check)
        start = number  # index of the first line after the check
        if check.lstrip().startswith("@"):  # a decorator: the definition it decorates, and its body
            start = _past_decorators(lines, number - 1)
            if start < len(lines) and self._new_function(start + 1):
                return False
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
            # A removed line added back is one moved under the check, unless the change adds more copies of it
            # than it removed: which copy is the old code is then unknown (`form = request.form` moved into an
            # old view's new branch, and written again in a new view).
            if index + 1 not in self.added or 0 < self.copies[text] <= self.removed[text]:
                return True
        return False

    def _new_function(self, number: int) -> bool:
        """Line `number` defines a function the change adds under a new name while every function the file had
        is still there: no old function's body can have moved into it, and lines of it that read like old ones
        (the diff may pair an old view's body with the new view's) are written again, not moved."""
        name = defined_name(self.lines[number - 1])
        if name is None or number not in self.added:
            return False
        if self._functions is None:
            old_names, new_names = ({found for line in text.splitlines() if (found := defined_name(line)) is not None}
                                    for text in (self.diff.old_text, self.diff.new_text))
            self._functions = (old_names, new_names)
        old, new = self._functions
        return name not in old and old <= new

    def _rewrites_a_condition(self, number: int, line: str) -> bool:
        """It is written over a statement the file had in its place, the same kind at the same
        indentation: an existing condition rewritten into a check (`if signature != digest:` ->
        `if not hmac.compare_digest(signature, digest):`) guards what it guarded."""
        old = self.diff.rewritten.get(number)
        if old is None or _indent(old) != _indent(line):
            return False
        first, was = _FIRST_WORD.match(line), _FIRST_WORD.match(old)
        return first is not None and was is not None and first.group(1) == was.group(1)

    def _called_by_old_code(self, number: int) -> bool:
        """It sits in a function the change adds that a function the file already had now calls: the
        check decides what that existing code does (a new `maskRestrictedLists(user, &out)` called from
        an existing handler hides what it returns)."""
        found = _enclosing(self.lines, number)
        if found is None or found[0] not in self.added:
            return False
        definition = self.lines[found[0] - 1]
        for line_number, receiver in self._called_at().get(found[1], ()):
            if _PYTHON_METHOD.match(definition):
                if receiver not in ("self", "cls"):
                    continue
            elif receiver is not None and not _GO_METHOD.match(definition):
                continue
            caller = _enclosing(self.lines, line_number)
            if caller is not None and caller[0] not in self.added:
                return True
        return False

    def _called_at(self) -> dict[str, list[tuple[int, str | None]]]:
        """The added lines that call each name, with the receiver written before it (`a` of `a.mask(...)`,
        None for `mask(...)`), definitions aside."""
        if self._calls is None:
            self._calls = {}
            for number, line in self.diff.added:
                if defined_name(line) is None:
                    for receiver, name in set(_CALL.findall(line)):
                        self._calls.setdefault(name, []).append((number, receiver or None))
        return self._calls


def _enclosing(lines: list[str], number: int) -> tuple[int, str] | None:
    """(line, name) of the named function the 1-based line `number` sits in, by indentation; None at the top."""
    if not 0 < number <= len(lines):
        return None
    indent = _indent(lines[number - 1])
    for index in range(number - 2, max(-1, number - 2 - 2000), -1):
        line = lines[index]
        if not line.strip() or _indent(line) >= indent:
            continue
        name = defined_name(line)
        if name is not None:
            return index + 1, name
        indent = _indent(line)
        if indent == 0:
            return None
    return None


def _past_decorators(lines: list[str], index: int) -> int:
    """Index of the first line after the decorators starting at `index`, each with the lines its brackets
    run over (Kotlin's `@Operation(` with its arguments below it, `)` closing it)."""
    end = min(len(lines), index + _GUARDED_LINES)
    while index < end and lines[index].lstrip().startswith("@"):
        depth = 0
        while index < end:
            line = lines[index]
            depth += line.count("(") + line.count("[") - line.count(")") - line.count("]")
            index += 1
            if depth <= 0:
                break
    return index


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
