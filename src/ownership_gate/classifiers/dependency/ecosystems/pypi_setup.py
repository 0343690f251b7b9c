"""setup.py read with Python's ast, never run (which files are manifests: pypi.py).

The `setup(...)` call (`setup`, `setuptools.setup`, `distutils.core.setup`, as
a statement of the module or of its `if __name__ == "__main__":` block) gives
its requirements in four keywords, with setup.cfg's scopes: `install_requires`
(runtime), `extras_require` (optional, or by the extra's name),
`setup_requires` (build) and `tests_require` (test). A value is read when it
is a list or tuple of string literals, a dict of such lists for the extras,
`+` of such lists, or a module-level name assigned once to one of them and
used nowhere that could change it.

Anything else (`open("requirements.txt").read().splitlines()`, a
comprehension, a variable set twice, `setup(**config)`, a `setup()` call
inside a function, a statement that names these keywords outside the call)
is code the reader cannot see into. `readable` gives its text, with the text
of every module statement it depends on (`ast.unparse`, so formatting and
comments do not count), and the files its imports may load: when that text
is the same before and after, the code declares what it declared before and
the rest is judged (`classifier._around_the_unread`); otherwise the manifest
is unparsed. A module that calls no `setup()` and names none of the keywords
(a script that happens to be called setup.py) declares nothing.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections.abc import Iterator
from typing import NamedTuple

from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    OPTIONAL,
    RUNTIME,
    TEST,
    ManifestError,
    Requirement,
    named_scope,
)
from ownership_gate.classifiers.dependency.ecosystems.pypi_setup_names import Names, mentioned
from ownership_gate.classifiers.dependency.versions.pep440 import pep508_requirement

_SCOPES = {"install_requires": RUNTIME, "setup_requires": BUILD, "tests_require": TEST}
_EXTRAS = "extras_require"
_KEYWORDS = frozenset({*_SCOPES, _EXTRAS})
# Modules that are no file of this repository: whatever they hold is not in the change set.
_INSTALLED = frozenset(sys.stdlib_module_names) | {"setuptools", "pkg_resources", "pip", "packaging"}


class Unread(NamedTuple):
    """Code that may declare requirements the reader cannot see."""

    text: str  # the code and the module statements it depends on, as ast.unparse writes them
    reason: str
    line: int


def parse(text: str) -> list[Requirement]:
    found, unread = _read(text)
    if unread:
        raise ManifestError(unread[0].reason, unread[0].line)
    return found


def readable(text: str) -> tuple[list[Requirement], tuple[str, ...]]:
    """The requirements read, and the text of each piece of code that may declare more (see above)."""
    found, unread = _read(text)
    return found, tuple(u.text for u in unread)


def _read(text: str) -> tuple[list[Requirement], list[Unread]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning on old escapes: the tree is what matters
            tree = ast.parse(text, "setup.py")
    except SyntaxError as exc:
        raise ManifestError(f"invalid Python: {exc.msg}", exc.lineno) from None
    reader = _Reader(Names(tree))
    found: list[Requirement] = []
    unread: list[Unread] = []
    for item in reader.items():
        if isinstance(item, Unread):
            unread.append(item)
        else:
            found.append(item)
    return found, sorted(unread, key=lambda u: u.line)


class _Reader:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.calls = {i: call for i, s in enumerate(names.statements) if (call := self._setup(s)) is not None}

    def _setup(self, statement: ast.stmt) -> ast.Call | None:
        """The setup() call a statement makes: `setup(...)`, or `setup(...),` whose stray comma makes the
        statement a tuple of one (the call runs all the same)."""
        if not isinstance(statement, ast.Expr):
            return None
        value = statement.value
        if isinstance(value, ast.Tuple) and len(value.elts) == 1:
            value = value.elts[0]
        return value if isinstance(value, ast.Call) and self.names.is_setup(value.func) else None

    def items(self) -> Iterator[Requirement | Unread]:
        for call in self.calls.values():
            yield from self._call(call)
        for index, statement in enumerate(self.names.statements):
            if index not in self.calls and self._declares(statement):
                yield self._unread(statement, f"`{_snippet(statement)}` may declare requirements the reader"
                                   " cannot see: only the keywords of a setup() call are read", index)

    def _declares(self, statement: ast.stmt) -> bool:
        """Whether a statement calls setup() or names one of its requirement keywords."""
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and self.names.is_setup(node.func):
                return True
            if isinstance(node, ast.keyword) and node.arg in _KEYWORDS:
                return True
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in _KEYWORDS:
                return True
        return False

    def _call(self, call: ast.Call) -> Iterator[Requirement | Unread]:
        for argument in call.args:
            yield self._unread(argument, f"setup() is given `{_snippet(argument)}`, which the reader cannot"
                               " see into", label="setup(")
        for keyword in call.keywords:
            if keyword.arg is None:
                yield self._unread(keyword.value, f"setup(**{_snippet(keyword.value)}) passes arguments the"
                                   " reader cannot see", label="setup(**")
            elif keyword.arg == _EXTRAS:
                yield from self._extras(keyword.value)
            elif keyword.arg in _SCOPES:
                yield from self._requirements(keyword.arg, keyword.value, _SCOPES[keyword.arg])

    def _requirements(self, label: str, value: ast.expr, scope: str) -> Iterator[Requirement | Unread]:
        strings = self.names.strings(value)
        if strings is None:
            yield self._unread(value, f"{label}={_snippet(value)} is computed: only lists of string literals,"
                               " and names assigned such a list once, are read", label=f"{label}=")
            return
        for item, line in strings:
            yield from _pep508(item, line, scope)

    def _extras(self, value: ast.expr) -> Iterator[Requirement | Unread]:
        extras = self.names.dict(value)
        if extras is None:
            yield self._unread(value, f"extras_require={_snippet(value)} is computed: only a dict of lists of"
                               " string literals is read", label="extras_require=")
            return
        for key, lists in zip(extras.keys, extras.values, strict=True):
            if key is None or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                yield self._unread(lists, f"extras_require holds `{_snippet(lists)}`, which the reader cannot"
                                   " see into", label="extras_require: ")
                continue
            # `"extra:marker"` is an extra with a condition; `":marker"` a runtime requirement with one.
            extra = key.value.split(":", 1)[0]
            scope = named_scope(extra, OPTIONAL) if extra else RUNTIME
            yield from self._requirements(f"extras_require[{key.value!r}]", lists, scope)

    def _unread(self, node: ast.AST, why: str, index: int | None = None, label: str = "") -> Unread:
        """`node` set aside, with the module statements its names may come from (not `index`'s own)."""
        skip = {*self.calls, *(() if index is None else (index,))}
        closure = self.names.closure(mentioned(node), frozenset(skip))
        text = "\n".join([label + ast.unparse(node), *(self._statement(i) for i in closure)])
        return Unread(text, why, getattr(node, "lineno", 1))

    def _statement(self, index: int) -> str:
        statement = self.names.statements[index]
        text = ast.unparse(statement)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            files = _module_files(statement)
            if files:
                text += f"  # may load {' '.join(files)}"
        return text


def _module_files(statement: ast.Import | ast.ImportFrom) -> list[str]:
    """The repository files an import may load, so a change set that changes one is seen."""
    if isinstance(statement, ast.Import):
        modules = [alias.name for alias in statement.names]
    else:
        base = statement.module or ""
        modules = [base, *(f"{base}.{a.name}".lstrip(".") for a in statement.names if a.name != "*")]
    files: list[str] = []
    for module in modules:
        if not module or module.split(".")[0] in _INSTALLED:
            continue
        path = module.replace(".", "/")
        files += [f"{path}.py", f"{path}/__init__.py"]
    return files


def _pep508(text: str, line: int, scope: str) -> Iterator[Requirement]:
    """The requirements of one string, as setuptools reads it: a line each, `#` comments aside."""
    for raw in text.splitlines():
        item = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if item:
            yield pep508_requirement(item, line, scope)


def _snippet(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 60 else text[:57] + "..."

