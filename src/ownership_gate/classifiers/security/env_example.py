"""Example environment files (`.env.example`, `.env.sample`, ...), read as dotenv: which secrets and security
settings production is told to hold, not the placeholders, flags, comments and order around them.

Both sides are parsed whole with python-dotenv and compared variable by variable. A commented-out
`# KEY=value` is documentation, not a variable. A credential committed in the clear is the scan's to find.
"""

from __future__ import annotations

import io
from typing import NamedTuple

from dotenv.parser import parse_stream

from ownership_gate.classifiers.security.findings import finding
from ownership_gate.classifiers.security.secret_names import is_secret, is_setting
from ownership_gate.model import Finding

# Values are shown up to this many characters.
_SHOWN = 80


class Variable(NamedTuple):
    value: str
    line: int


class Dotenv(NamedTuple):
    variables: dict[str, Variable]  # the last assignment of a name wins, as when dotenv loads the file
    unreadable: dict[str, int]  # lines dotenv cannot read, by their text: the line each is on


def findings(path: str, old_text: str, new_text: str, dotenv_by_name: bool = True) -> list[Finding]:
    """A secret added or removed, a security setting added, removed or given another value, and a line
    dotenv cannot read (it may name either): everything else is routine. A file that is dotenv only by its
    `.env` extension (`dotenv_by_name` false) and that dotenv cannot read is another format's (helmfile's
    environment values, `KEY: "value"`) and left alone."""
    old, new = read(old_text), read(new_text)
    if not dotenv_by_name and (old.unreadable or new.unreadable):
        return []
    found: list[Finding] = []
    for name, variable in new.variables.items():
        before = old.variables.get(name)
        if is_secret(name, variable.value):
            if before is None:
                found.append(finding("setting", f"{path}: {name}", f"production now expects the secret {name}",
                                     variable.line))
        elif is_setting(name) and (before is None or before.value != variable.value):
            shown = _shown(before.value) if before is not None else "(not set)"
            found.append(finding("setting", f"{path}: {name}", f"{name}: {shown} -> {_shown(variable.value)}",
                                 variable.line, None if before is None else _shown(before.value),
                                 _shown(variable.value)))
    for text, line in new.unreadable.items():
        if text not in old.unreadable:
            found.append(finding("setting", path, f"dotenv cannot read line {line}, which may name a secret or a "
                                                  f"security setting: {text[:120]}", line))
    for name, variable in old.variables.items():
        if name in new.variables:
            continue
        if is_secret(name, variable.value):
            found.append(finding("setting", f"{path}: {name}", f"production no longer expects the secret {name}"))
        elif is_setting(name):
            value = _shown(variable.value)
            found.append(finding("setting", f"{path}: {name}", f"{name}: {value} -> (removed)", None, value, None))
    return found


def read(text: str) -> Dotenv:
    variables: dict[str, Variable] = {}
    unreadable: dict[str, int] = {}
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string
        # A binding's text starts with the blank lines before it.
        line = binding.original.line + original[: len(original) - len(original.lstrip())].count("\n")
        if binding.error:
            unreadable.setdefault(" ".join(original.split()), line)
        elif binding.key is not None:
            variables[binding.key] = Variable(binding.value or "", line)
    return Dotenv(variables, unreadable)


def _shown(value: str) -> str:
    return value[:_SHOWN]
