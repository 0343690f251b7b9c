"""Projects whose own release policy makes a minor release breaking.

Semantic versioning keeps breaking changes for majors; these projects do
not. Django's `A.B` feature releases remove what earlier releases
deprecated, and Rails' maintenance policy lets its minor releases change
APIs, as a semantic-versioning major would. A minor step of one of their
packages is therefore `major`; a patch step stays `patch`.

Keyed by ecosystem and the name as that ecosystem normalises it: PEP 503
for pypi (`Django` is `django`), as written for gems (RubyGems names are
case-sensitive, and these are all lower-case).
"""

from __future__ import annotations

_DJANGO = "a Django feature release, which removes what earlier releases deprecated"
_RAILS = "a Rails minor release, which Rails allows to change APIs"

_RAILS_GEMS = (
    "rails", "railties", "activerecord", "actionpack", "activesupport", "actionview", "actionmailer",
    "activejob", "actioncable", "activestorage", "actiontext", "activemodel", "actionmailbox",
)

CATALOGUE: dict[tuple[str, str], str] = {
    ("pypi", "django"): _DJANGO,
    **{("gem", name): _RAILS for name in _RAILS_GEMS},
}


def breaking_minor(ecosystem: str, name: str) -> str | None:
    """Why a minor step of this package breaks, or None when it is an ordinary one."""
    return CATALOGUE.get((ecosystem, name))
