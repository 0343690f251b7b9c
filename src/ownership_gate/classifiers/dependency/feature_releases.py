"""Projects whose own release policy makes a minor release breaking.

Semantic versioning keeps breaking changes for majors; these projects do
not. Django's `A.B` feature releases remove what earlier releases
deprecated, and Rails' maintenance policy lets its minor releases change
APIs, as a semantic-versioning major would. A minor step of one of their
packages is therefore `major`; a patch step stays `patch`.

Language runtimes number their feature releases the same way: Python 3.12
to 3.13, Ruby 3.2 to 3.3, PHP 8.1 to 8.2 and Elixir 1.15 to 1.16 each
remove what earlier releases deprecated (Node.js and Erlang/OTP number them
as majors, so a plain major says so already; Go keeps its 1.x releases
compatible by promise, so its minors stay minor). A container image is
taken to carry one of these runtimes, its tag being the runtime's version,
when a word of its name, split on `-`, `_` and `.`, is the runtime's
(`python`, `cimg/ruby`, `ghcr.io/acme/acme-ruby-base`).

Keyed by ecosystem and the name as that ecosystem normalises it: PEP 503
for pypi (`Django` is `django`), as written for gems (RubyGems names are
case-sensitive, and these are all lower-case).
"""

from __future__ import annotations

import re

from ownership_gate.classifiers import patterns

_DJANGO = "a Django feature release, which removes what earlier releases deprecated"
_RAILS = "a Rails minor release, which Rails allows to change APIs"

_RAILS_GEMS = (
    "rails", "railties", "activerecord", "actionpack", "activesupport", "actionview", "actionmailer",
    "activejob", "actioncable", "activestorage", "actiontext", "activemodel", "actionmailbox",
)

RUNTIMES: dict[str, str] = {
    language: f"a {title} feature release, which removes what earlier releases deprecated"
    for language, title in (("python", "Python"), ("ruby", "Ruby"), ("php", "PHP"), ("elixir", "Elixir"))
}

CATALOGUE: dict[tuple[str, str], str] = {
    ("pypi", "django"): _DJANGO,
    **{("gem", name): _RAILS for name in _RAILS_GEMS},
}


_WORD = re.compile(r"[-_.]")


# Scala 2 numbers its releases epoch.major.minor: 2.12 to 2.13 breaks binary compatibility, every library must
# be built again for it. Scala 3 keeps its minors compatible, as semantic versioning does.
_SCALA_2 = "a Scala 2 release, numbered epoch.major.minor, which breaks binary compatibility"


def breaking_minor(ecosystem: str, name: str, new: tuple[int, ...] | None = None) -> str | None:
    """Why a minor step of this package (to `new`, where known) breaks, or None when it is an ordinary one."""
    if ecosystem == "sbt" and name == "scala":
        return _SCALA_2 if new is not None and new[0] == 2 else None
    if ecosystem == "runtime":  # the language itself (runtime.txt, .python-version)
        return RUNTIMES.get(name)
    if ecosystem == "docker":
        words = _WORD.split(name.rsplit("/", 1)[-1])
        return next((RUNTIMES[w] for w in words if w in RUNTIMES), None)
    return CATALOGUE.get((ecosystem, name))


# PostgreSQL numbers its releases MAJOR.MINOR since version 10: a minor release (15.5 to 15.7) only fixes
# bugs and never changes the storage format, so an image's step within a major is a patch. Before 10 the
# first two numbers made the major (9.5 to 9.6), as a plain minor step says already.
_POSTGRES_IMAGE = patterns.compile(r"(?:^|/)postgres(?:ql)?$")


def patch_minor(ecosystem: str, name: str, new: tuple[int, ...] | None) -> str | None:
    """Why a minor step of this package is a patch, or None when it is an ordinary minor."""
    if ecosystem == "docker" and _POSTGRES_IMAGE.search(name) and new is not None and new[0] >= 10:
        return "a PostgreSQL minor release, which fixes bugs and keeps the storage format"
    return None

