"""Whether an environment variable's name says it holds a secret or a security setting (`STRIPE_SECRET_KEY`,
`SESSION_COOKIE_SECURE`): shared by the readers of example environment files and of deployments' variables."""

from __future__ import annotations

import re

from ownership_gate.classifiers import patterns

# Words of a setting's name that make it a security setting (`SESSION_COOKIE_SECURE`, `config.force_ssl`).
SETTING_WORDS = (
    r"ssl|tls|https|hsts|secure|sessions?|cookies?|same_?site|http_?only|csrf|forgery|xsrf|cors|origins?"
    r"|content_?security_?policy|csp|frame_?ancestors|x_?frame_?options|allowed_?hosts|hosts|trusted_?proxies"
    # Play's crypto secret too (`play.http.secret.key`, the older `application.secret`).
    r"|secret[_.]?key|secret_?key_?base|application[_.]secret|encryption|encrypt|cipher"
    r"|password_?(?:hashers|validators|length)"
    # The key an application signs its tokens or sessions with (`RSA256_PRIVATE_KEY`, `JWT_SIGNING_KEY`).
    r"|private_?key|signing_?key"
    # Django REST framework's defaults for every API view: `DEFAULT_AUTHENTICATION_CLASSES`, `..._PERMISSION_...`.
    r"|(?:default_?)?(?:authentication|permission)_?classes"
    r"|authentication_?backends|jwt|token_?(?:lifetime|expir\w*)|redirect_?uri\w*|debug|lock_?strategy|timeout_?in"
    # How hard a password hash is to break: `BCrypt::Engine.cost`, Devise's `config.stretches`.
    r"|bcrypt|stretches|hash_?(?:rounds|iterations)|work_?factor"
    # How signed and encrypted cookies are derived and read: Rails' `config.active_support.hash_digest_class`,
    # `key_generator_hash_digest_class`, `cookies_serializer`, `use_authenticated_cookie_encryption`.
    r"|(?:key_?generator_?)?hash_?digest_?class|cookies_?serializer|use_?authenticated_?cookie_?encryption"
    r"|(?:encrypted|signed)_?cookie_?(?:cipher|digest)"
    # Rails' `config.load_defaults 6.1`: the release whose defaults the application takes, among them how
    # cookies are signed, encrypted and sent (SameSite) and whether forms are checked for forgery by origin.
    r"|load_?defaults"
)
SETTING_KEY = patterns.compile(rf"(?i)(?:^|[._:])(?:{SETTING_WORDS})(?:$|[._:])")

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
_VISIBILITY = patterns.compile(r"(?i)^(?:(?:NEXT|NUXT|EXPO|VITE|GATSBY|REACT_APP)_)?(?:PUBLIC|PRIVATE)_")
# A switch or a count holds no secret: a name that turns something on or off (`DISABLE_EMAIL_PASSWORD_SIGNIN`),
# or an example value that is one (`PASSWORD_RESET_DISABLED=1`, `LLM_TOKEN_LIMIT=4096`).
_SWITCH_WORDS = frozenset({"ENABLE", "ENABLED", "DISABLE", "DISABLED"})
_SWITCH_OR_COUNT = patterns.compile(r"(?i)true|false|yes|no|on|off|-?\d+(?:\.\d+)?")
# The words of a name: split at anything not a letter or digit, and at camelCase humps.
_WORD = patterns.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


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


# A cookie that remembers a visitor's language (Django's `LANGUAGE_COOKIE_NAME`, `LANGUAGE_COOKIE_AGE`,
# `LANGUAGE_COOKIE_SECURE`): how it is named, kept and sent decides nobody's access.
_PREFERENCE_COOKIE = patterns.compile(r"(?i)(?:^|[._:])(?:language|locale|lang)_?cookies?(?:$|[._:])")


# Which of Spring Boot's actuator endpoints are on and reachable over the web
# (`management.endpoints.enabled-by-default`, `management.endpoint.env.enabled`,
# `management.endpoints.web.exposure.include`, Boot 3.4's `access`): they show the application's environment,
# configuration and heap to whoever reaches them. Where they are mapped (`base-path`, `path-mapping`) is routing.
_ACTUATOR = patterns.compile(
    r"(?i)^management\.(?:endpoints\.(?:enabled-by-default|(?:web|jmx)\.exposure\.(?:include|exclude)|access\.default)"
    r"|endpoint\.[\w-]+\.(?:enabled|access))$"
)


def is_setting(name: str) -> bool:
    """Whether a setting's name says it is a security setting (`SESSION_COOKIE_SECURE`, `config.force_ssl`)."""
    return (bool(SETTING_KEY.search(name.lower())) and not _PREFERENCE_COOKIE.search(name)) or bool(
        _ACTUATOR.search(name))


# A string literal's contents that may be secret material: eight or more characters with no space, not a dotted
# name (`django.contrib.auth.hashers.Argon2PasswordHasher`), not a class or constant by its namespace
# (`OpenSSL::Digest::SHA1`, `App\Hashing\Argon`), not a variable's name (`SECRET_KEY`, read from the
# environment) and not a reference to one (`${SECRET_KEY}`, `%(secret)s`, `{{ vault_secret }}`).
_MATERIAL = patterns.compile(r"[^\s'\"]{8,}")
_NOT_MATERIAL = patterns.compile(
    r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+|[A-Za-z_]\w*(?:(?:::|\\)[A-Za-z_]\w*)+|[A-Z][A-Z0-9_]*"
    r"|.*(?:\$\{|\$[A-Z_]|%\(|\{\{).*"
)
_QUOTED = patterns.compile(r"""(?P<q>["'])(?P<body>[^"'\n]*)(?P=q)""")
# `NAME = "value"`, `name: 'value'`, `"name" => "value"`, `name="value"`: a name, then a quoted value.
_ASSIGNED = patterns.compile(
    r"""(?P<name>[A-Za-z_][\w.-]*)["']?\s*(?:=>|:=|[:=])\s*(?P<q>["'])(?P<body>[^"'\n]*)(?P=q)"""
)
HIDDEN = "***"


def _material(text: str) -> bool:
    return bool(_MATERIAL.fullmatch(text)) and not _NOT_MATERIAL.fullmatch(text)


def hidden(name: str, value: str | None) -> str | None:
    """A setting's value as findings may show it: the string literals in it that may be secret material
    hidden (`'***'`) when the setting's name says it holds a secret (`SECRET_KEY`, `jwt.secret`), since a
    finding is posted in pull requests and kept in CI logs. A value read from elsewhere (`os.environ[...]`)
    is shown as it is."""
    if value is None or not is_secret(name.rpartition(".")[2], value):
        return value
    if not _QUOTED.search(value):
        return HIDDEN if _material(value.strip()) else value
    return _QUOTED.sub(lambda m: m.group("q") + (HIDDEN if _material(m.group("body")) else m.group("body"))
                       + m.group("q"), value)


def redacted(line: str) -> str:
    """A line of code as findings may show it: every quoted value assigned to a name that says it holds a
    secret hidden (`SECRET_KEY = "***"`)."""
    def hide(match: re.Match[str]) -> str:
        body = match.group("body")
        if not (_material(body) and is_secret(match.group("name").rpartition(".")[2], body)):
            return match.group(0)
        start, end = match.span("body")
        return match.group(0)[: start - match.start()] + HIDDEN + match.group(0)[end - match.start():]

    return _ASSIGNED.sub(hide, line)
