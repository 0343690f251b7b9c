"""Regular expressions compiled when first used.

The classifiers' catalogues hold a few hundred patterns, many of them long
alternations, and Python compiles each anew in every process: about 30 ms,
a third of the pre-commit hook with one staged Kubernetes manifest, of which
that one file uses a third. `compile` gives a pattern that compiles on its
first use and then answers as the compiled one does; its `pattern` (the
source, which other patterns are built from) needs no compiling.
"""

from __future__ import annotations

import re
from typing import Any, cast

# What callers use of a pattern: bound to the instance at the first use, so later calls cost what a compiled
# pattern's do.
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)  # copy, pickle and friends asking for protocols
        compiled = self.__dict__.get("_compiled")
        if compiled is not None:
            return getattr(compiled, name)
        compiled = self.__dict__["_compiled"] = re.compile(self.pattern, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        self.__dict__["groups"], self.__dict__["groupindex"] = compiled.groups, compiled.groupindex
        self.__dict__["flags"] = compiled.flags
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"patterns.compile({self.pattern!r})"


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done at the pattern's first use."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))
