"""Example environment files (`.env.example`, `.env.sample`, ...), read as dotenv: which secrets and security
settings production is told to hold, not the placeholders, flags, comments and order around them.

Both sides are parsed whole with python-dotenv and compared variable by variable. A commented-out
`# KEY=value` is documentation, not a variable. A credential committed in the clear is the scan's to find.
"""

from __future__ import annotations

import io
import re
from typing import NamedTuple

from dotenv.parser import parse_stream

from ownership_gate.classifiers.security.catalog import SETTING_KEY
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Finding

# Words of a variable's name that say it holds a secret: `STRIPE_SECRET_KEY`, `DATABASE_PASSWORD`,
# `SENTRY_DSN` (not `KEYBOARD_LAYOUT`, where KEY is no word of its own).
SECRET_WORDS = frozenset({
    "KEY", "KEYS", "APIKEY", "SECRET", "SECRETS", "TOKEN", "TOKENS", "PASSWORD", "PASSWORDS", "PASS", "PASSWD",
    "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "PRIVATE", "CERT", "CERTS", "CERTIFICATE", "DSN", "SALT",
})
# What a name that says it is public (`NEXT_PUBLIC_POSTHOG_KEY`, `STRIPE_PUBLISHABLE_KEY`) may hold without it
# being a secret: a key, token or DSN every browser is sent. A public password or secret is still one.
_PUBLIC_WORDS = frozenset({"PUBLIC", "PUBLISHABLE"})
_SHOWN_TO_ALL = frozenset({"KEY", "KEYS", "APIKEY", "TOKEN", "TOKENS", "DSN", "CERT", "CERTS", "CERTIFICATE"})
# A framework's word for where a variable is visible (`NEXT_PUBLIC_`, `NEXT_PRIVATE_`, `PUBLIC_`): it says
# "browser" or "server only", not "private key".
_VISIBILITY = re.compile(r"(?i)^(?:(?:NEXT|NUXT|EXPO|VITE|GATSBY|REACT_APP)_)?(?:PUBLIC|PRIVATE)_")
# A switch or a count holds no secret: a name that turns something on or off (`DISABLE_EMAIL_PASSWORD_SIGNIN`),
# or an example value that is one (`PASSWORD_RESET_DISABLED=1`, `LLM_TOKEN_LIMIT=4096`).
_SWITCH_WORDS = frozenset({"ENABLE", "ENABLED", "DISABLE", "DISABLED"})
_SWITCH_OR_COUNT = re.compile(r"(?i)true|false|yes|no|on|off|-?\d+(?:\.\d+)?")
# The words of a name: split at anything not a letter or digit, and at camelCase humps.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# Values are shown up to this many characters.
_SHOWN = 80


class Variable(NamedTuple):
    value: str
    line: int


class Dotenv(NamedTuple):
    variables: dict[str, Variable]  # the last assignment of a name wins, as when dotenv loads the file
    unreadable: dict[str, int]  # lines dotenv cannot read, by their text: the line each is on


def findings(path: str, old_text: str, new_text: str) -> list[Finding]:
    """A secret added or removed, a security setting added, removed or given another value, and a line
    dotenv cannot read (it may name either): everything else is routine."""
    old, new = read(old_text), read(new_text)
    found: list[Finding] = []
    for name, variable in new.variables.items():
        before = old.variables.get(name)
        if is_secret(name, variable.value):
            if before is None:
                found.append(finding("setting", f"{path}: {name}", f"production now expects the secret {name}",
                                     variable.line))
        elif _is_setting(name) and (before is None or before.value != variable.value):
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
        elif _is_setting(name):
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


def is_secret(name: str, value: str) -> bool:
    """Whether a variable holds a secret, by the words of its name and what its example value looks like."""
    if _SWITCH_OR_COUNT.fullmatch(value.strip()):
        return False
    words = {word.upper() for word in _WORD.findall(_VISIBILITY.sub("", name))}
    secret = words & SECRET_WORDS
    if not secret or words & _SWITCH_WORDS:
        return False
    public = {word.upper() for word in _WORD.findall(name)} & _PUBLIC_WORDS
    return not (public and secret <= _SHOWN_TO_ALL)


def _is_setting(name: str) -> bool:
    return bool(SETTING_KEY.search(name.lower()))


def _shown(value: str) -> str:
    return value[:_SHOWN]
