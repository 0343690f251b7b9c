"""Language runtime files: `runtime.txt`, `.python-version`, `.ruby-version`.

A platform that builds an application from its source (a buildpack, a
hosting service) picks the language it runs on from these files:
`runtime.txt` holds `python-3.12.4` (or `ruby-3.3.1`, `php-8.3`),
`.python-version` and `.ruby-version` a version (`3.12`, `ruby-3.3.1`). The
subject is the language, the constraint its version, in `runtime` scope.
Python, Ruby and PHP count feature releases (`3.12` -> `3.13`, and back) as
majors, as their images do (see feature_releases.py). A file that names
another kind of runtime (Binder's `r-2024-01-01`, `pypy3.10`, `system`)
is not read: it names no release of these languages.
"""

from __future__ import annotations

import posixpath
import re

from ownership_gate.classifiers.dependency.ecosystems.base import Release, Requirement

NAME = "runtime"
NAMES = frozenset({"runtime.txt", ".python-version", ".ruby-version"})  # lower-case (see base.py)

_LANGUAGE_OF = {".python-version": "python", ".ruby-version": "ruby"}
# `python-3.12.4`, `ruby-3.3.1`, `php-8.3`, `3.12`, `3.10.x`: a language (which the file's name may give
# instead) and a version of one to three numbers.
_RUNTIME = re.compile(r"(?:(python|ruby|php)-)?(\d+(?:\.\d+){0,2}(?:\.x)?)", re.IGNORECASE)


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) in NAMES


def is_lockfile(path: str) -> bool:
    return False


def parse(text: str, path: str) -> list[Requirement]:
    """The runtime the file's first line that is not a comment names; [] for another kind of runtime."""
    language = _LANGUAGE_OF.get(posixpath.basename(path))
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _RUNTIME.fullmatch(stripped)
        if match is None or (match.group(1) is None and language is None):
            return []
        named = (match.group(1) or "").lower()
        if language is not None and named and named != language:
            return []
        return [Requirement(named or language or "", match.group(2).lower().removesuffix(".x"), number)]
    return []


def lowest(constraint: str) -> Release | None:
    # The version reader loads with the first runtime file compared, not with every check.
    from ownership_gate.classifiers.dependency.versions.ranges import release

    return release(constraint)
