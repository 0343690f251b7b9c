"""Reading go.sum (and go.work.sum): the module versions the build checked.

Each line is `<module> <version>[/go.mod] <hash>`. A `/go.mod` line vouches
only for the module's go.mod (read to resolve versions); a line without it
vouches for the module's content, so that version was built. A module is
named as go.mod requirements are (`github.com/jackc/pgx/v5` is
`github.com/jackc/pgx`), and the version the project gets is taken to be the
highest whose content is listed (`go mod tidy` keeps no other). A line of any
other shape (a merge conflict marker) makes the file unreadable, and the
caller fails closed.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Release
from ownership_gate.classifiers.dependency.ecosystems.golang_read import lowest, module_name
from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock

_HASH = re.compile(r"h\d+:[A-Za-z0-9+/=]+")


def locked(text: str, path: str) -> Lock:
    built: dict[str, tuple[Release, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].startswith("v") or not _HASH.fullmatch(parts[2]):
            raise ManifestError(f"not a go.sum line: {line.strip()[:80]!r}", number)
        module, version = parts[0], parts[1]
        if version.endswith("/go.mod"):
            continue
        found = lowest(version)
        if found is None:
            raise ManifestError(f"not a module version: {version[:40]!r}", number)
        name = module_name(module)
        if name not in built or found > built[name][0]:
            built[name] = (found, version)
    return Lock(frozenset(built), {name: version for name, (_, version) in built.items()})
