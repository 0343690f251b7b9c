"""Whether a committed configuration dotfile (`.env`, `.npmrc`, `.pypirc`) holds a credential, by its contents.

Such a file is named like one that holds credentials, and often does, but as
often it holds only public values: a `.env` of feature flags and allow-lists,
an `.npmrc` that turns on `auto-install-peers`, a registry token read from the
environment (`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`). One is a
credential when it gives a secret a value of its own:

- a `.env`: a variable named for a secret (`secret_names.is_secret`) set to a
  value that is not a reference to another variable, or a URL with a password
  in it (`postgres://app:hunter2@db/app`, though not one for the developer's
  own machine, `postgres://postgres:postgres@localhost/app`); a line dotenv
  cannot read may hold either;
- an `.npmrc`: an `_authToken`, `_auth` or `_password`;
- a `.pypirc`: a `password`.

A file that is not text holds whatever it holds: it is a credential.
"""

from __future__ import annotations

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.secret_names import is_secret

# The dotfiles read here; any other file named for credentials (`id_rsa`, `*.pem`, `credentials.json`) is one.
DOTFILE = patterns.compile(r"(?i)(?:^|/)(?:\.env(?:\.[\w-]+)?|\.npmrc|\.pypirc)$")

# A value that only names another variable (`${NPM_TOKEN}`, `$TOKEN`, `%(password)s`): the secret is elsewhere.
_REFERENCE = patterns.compile(r"\$\{[^}]*\}|\$[A-Za-z_]\w*|%\(\w+\)s")
# A URL that carries a password: `scheme://user:password@host`, but for a host on the machine itself.
_URL_PASSWORD = patterns.compile(
    r"[a-z][\w+.-]*://[^\s:/@]*:[^\s/@]+@(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|host\.docker\.internal)(?:[:/?]|$))"
)
_NPM_SECRET = patterns.compile(r"(?im)(?:^|:)_(?:authToken|auth|password)\s*=\s*(?P<value>.*)$")
_PYPI_SECRET = patterns.compile(r"(?im)^\s*password\s*[=:]\s*(?P<value>.*)$")


def holds_credential(path: str, text: str | None) -> bool:
    """Whether `text`, the contents of the dotfile at `path`, gives a secret a value (see the module)."""
    if text is None:
        return True
    name = path.rpartition("/")[2].lower()
    if name in (".npmrc", ".pypirc"):
        secret = _NPM_SECRET if name == ".npmrc" else _PYPI_SECRET
        return any(_own_value(m.group("value")) for m in secret.finditer(text))
    from ownership_gate.classifiers.security import env_example  # python-dotenv: only when a .env is read

    dotenv = env_example.read(text)
    if dotenv.unreadable:
        return True
    return any(
        (is_secret(key, variable.value) and _own_value(variable.value)) or _URL_PASSWORD.search(variable.value)
        for key, variable in dotenv.variables.items()
    )


def _own_value(value: str) -> bool:
    """A value written out, not empty and not a reference to another variable."""
    value = value.strip().strip("'\"").strip()
    return bool(value) and _REFERENCE.fullmatch(value) is None
