"""pypi: requirements files, pyproject.toml, Pipfile, setup.cfg and setup.py.

Names are PEP 503-normalised (`Django_REST.framework` is `django-rest-framework`).
A constraint is the PEP 440 specifier as packaging prints it, prefixed by
`[extras]` when extras are asked for, or `@ <url>` for a direct reference;
Poetry's own constraints (`^1.2`, `~1.2`, bare `1.2.3`) are kept as written
and compared through their PEP 440 meaning (`pep440.canonical`), so
moving a dependency from Poetry's tables to `[project]` changes nothing.

Code inside the repository (`-e .`, `-e ./libs/x`, path dependencies) is
the project's own, not a vendor: it is no requirement.

Scopes follow the tools' own sections, and a group's or file's name where
the tools leave the meaning to it (`named_scope`): `requirements-dev.txt`,
`requirements/test.txt`, Poetry's `test` group, a `docs` dependency group.

setup.py is code: pypi_setup.py reads its `setup()` call with ast and says
which code it cannot see into. A setup.py in a test, fixture or example
folder, or in a vendored copy of someone else's package, is not this
project's manifest.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from ownership_gate.classifiers.dependency.ecosystems.base import RUNTIME, Release, Requirement, named_scope
from ownership_gate.classifiers.fixture_dirs import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.dependency.ecosystems.lockfiles import Lock

NAME = "pypi"

_LOCKFILES = frozenset({"poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock", "pylock.toml"})
_TOOL_FILES = frozenset({"pyproject.toml", "pipfile", "setup.cfg"})
# Lower-case file names and endings a manifest or lockfile can have (see base.py).
NAMES = _TOOL_FILES | _LOCKFILES | {"setup.py"}
SUFFIXES = (".txt", ".in")
PREFIXES = ("pylock.",)
_VENDORED = frozenset({"vendor", "vendored", "third_party", "third-party", "node_modules", "site-packages"})


def is_manifest(path: str) -> bool:
    base = posixpath.basename(path).lower()
    if base in _TOOL_FILES:
        return True
    if base == "setup.py":
        return not in_test_dir(path) and _VENDORED.isdisjoint(path.split("/")[:-1])
    if not base.endswith((".txt", ".in")):
        return False
    parent = posixpath.basename(posixpath.dirname(path)).lower()
    return "requirements" in base or parent == "requirements"


def is_lockfile(path: str) -> bool:
    base = posixpath.basename(path).lower()
    return base in _LOCKFILES or (base.startswith("pylock.") and base.endswith(".toml"))


def file_scope(path: str) -> str:
    """A requirements file's scope, from its name (`dev-requirements.txt`) or, in a
    `requirements/` folder, from its own (`requirements/test.txt`)."""
    base = posixpath.basename(path).lower()
    stem = re.sub(r"\.(?:txt|in)$", "", base)
    return named_scope(stem, RUNTIME)


def parse(text: str, path: str) -> list[Requirement]:
    return _installers_are_build(_parse(text, path))


def _installers_are_build(requirements: list[Requirement]) -> list[Requirement]:
    """An installer, type stubs or a tool listed beside the application's packages (`pip==9.0.1` in
    `requirements.txt`, `types-aiobotocore` in `[project] dependencies`) are `build` (tools.py)."""
    from ownership_gate.classifiers.dependency.ecosystems import tools

    return [r._replace(scope=tools.scope(NAME, r.name, r.scope)) for r in requirements]


def _format(path: str) -> str:
    """Which reader a manifest takes, by its name's suffix, so extra manifests (`classify.dependency.manifests`)
    such as `tools/pyproject-lint.toml` or `ci.Pipfile` read in their own format."""
    base = posixpath.basename(path).lower()
    if base.endswith(".py"):
        return "setup.py"
    if "pipfile" in base and not base.endswith((".txt", ".in")):
        return "Pipfile"
    if base.endswith(".toml"):
        return "pyproject.toml"
    if base.endswith(".cfg"):
        return "setup.cfg"
    return "requirements"


def _parse(text: str, path: str) -> list[Requirement]:
    # The readers import packaging: only when a manifest is read (see pypi_files).
    from ownership_gate.classifiers.dependency.ecosystems import pypi_files, pyproject

    kind = _format(path)
    if kind == "setup.py":
        from ownership_gate.classifiers.dependency.ecosystems import pypi_setup

        return pypi_setup.parse(text)
    if kind == "Pipfile":
        return pyproject.parse_pipfile(text)
    if kind == "pyproject.toml":
        return pyproject.parse_pyproject(text)
    if kind == "setup.cfg":
        return pypi_files.setup_cfg(text)
    return pypi_files.requirements_file(text, file_scope(path))


def readable(text: str, path: str) -> tuple[list[Requirement], tuple[str, ...]]:
    """What a setup.py requires outside the code its reader cannot see into, and that code's text
    (see pypi_setup.py); a requirements file's lines, or a pyproject.toml's requirement strings, outside
    those that do not read, and their text; any other manifest is read whole, as `parse` reads it."""
    kind = _format(path)
    if kind == "setup.py":
        from ownership_gate.classifiers.dependency.ecosystems import pypi_setup

        found, unread = pypi_setup.readable(text)
    elif kind == "pyproject.toml":
        from ownership_gate.classifiers.dependency.ecosystems import pyproject

        found, unread = pyproject.readable_pyproject(text)
    elif kind == "requirements":
        from ownership_gate.classifiers.dependency.ecosystems import pypi_files

        found, unread = pypi_files.requirements_readable(text, file_scope(path))
    else:
        return parse(text, path), ()
    return _installers_are_build(found), unread


LOCKFILES = {"poetry.lock": "pyproject.toml", "uv.lock": "pyproject.toml", "pdm.lock": "pyproject.toml",
             "pylock.toml": "pyproject.toml", "Pipfile.lock": "Pipfile"}


def locked(text: str, path: str) -> Lock:
    from ownership_gate.classifiers.dependency.ecosystems import pypi_lock

    return pypi_lock.locked(text, path)


def lowest(constraint: str) -> Release | None:
    from ownership_gate.classifiers.dependency.versions import pep440

    return pep440.lowest(constraint)


def ceiling(constraint: str) -> float | None:
    from ownership_gate.classifiers.dependency.versions import pep440

    return pep440.ceiling(constraint)


def canonical(constraint: str) -> str:
    from ownership_gate.classifiers.dependency.versions import pep440

    return pep440.canonical(constraint)


