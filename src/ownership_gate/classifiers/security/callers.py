"""Who may call a service: a setting that lists the services or clients it trusts, gaining a member.

Service-to-service authentication lets the callers a setting names in
(Spring's `trusted.s2s.service.names`, a container's
`TRUSTED_S2S_SERVICE_NAMES`, `DATA_STORE_S2S_AUTHORISED_SERVICES`,
`allowed_clients`): a name added there is one more service that may call
the API, as an address added to an allow list is one more host let in.

Read line by line in configuration files (`.properties`, YAML, dotenv):
a key named for trusted, authorised, allowed or permitted services,
callers or clients, its members written on the line, separated by commas
or spaces (a `${TRUSTED_SERVICES:a,b}` placeholder's default, Spring's
`#{a,b}`, quotes and brackets read through). A member gained under the
same key is an `access` finding; one removed, the members reordered, and
a key the file did not have before (a new service's list, judged with the
rest of what is new) are none. A list written over several lines is left
to the format's readers (grants.py). Compose files set up developers'
machines and are not read.
"""

from __future__ import annotations

from collections import defaultdict

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Finding

# `trusted.s2s.service.names=...`, `TRUSTED_S2S_SERVICE_NAMES: "a,b"`, `- AUTHORISED_SERVICES=a,b`.
_LINE = patterns.compile(
    r"""(?im)^[ \t]*(?:-[ \t]*)?(?:export[ \t]+)?["']?(?P<key>[\w.-]*?(?:trusted|authori[sz]ed|allowed|permitted)"""
    r"""[._-]?(?:s2s[._-]?)?(?:services?|callers?|clients?)(?:[._-]?names?)?)["']?[ \t]*[:=][ \t]*(?P<value>[^\n]*)$"""
)
_PLACEHOLDER = patterns.compile(r"\$\{[\w.-]+:([^}]*)\}")
_SEPARATORS = patterns.compile(r"""[\s,;"'\[\]{}#]+""")
_TRAILING_COMMENT = patterns.compile(r"\s+#.*$")
# Files only developers' machines read.
_COMPOSE = patterns.compile(r"(?i)(?:^|/)(?:docker-)?compose[\w.-]*\.ya?ml$")
_SUFFIXES = (".properties", ".yaml", ".yml", ".env")


def may_list_callers(path: str) -> bool:
    """Whether a file at `path` may hold such a setting (cheap, by name)."""
    return path.lower().endswith(_SUFFIXES) and not _COMPOSE.search(path)


def _members(value: str) -> list[str]:
    value = _TRAILING_COMMENT.sub("", value)  # a comment after the value
    value = _PLACEHOLDER.sub(lambda m: m.group(1), value)
    return [member for member in _SEPARATORS.split(value) if member]


def _lists(text: str) -> dict[str, set[str]]:
    """Each key named for callers, with the members its lines give it (a key written twice: both)."""
    found: dict[str, set[str]] = defaultdict(set)
    for match in _LINE.finditer(text):
        found[match["key"]].update(_members(match["value"]))
    return found


def findings(path: str, old: str, new: str) -> list[Finding]:
    if old == new or not old or not _LINE.search(new):
        return []
    before, after = _lists(old), _lists(new)
    found = []
    for key in sorted(after.keys() & before.keys()):
        gained = sorted(after[key] - before[key])
        if gained:
            shown = ", ".join(gained[:3]) + (f" and {len(gained) - 3} more" if len(gained) > 3 else "")
            found.append(finding("access", f"{path}: {key}", f"trusted callers widened: {shown} added to {key}"))
    return found
