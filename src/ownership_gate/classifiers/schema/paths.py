"""Where migrations are not: path rules the frameworks share, without their readers."""

from __future__ import annotations

import posixpath

from ownership_gate.classifiers.fixture_dirs import in_test_dir

__all__ = ["in_test_dir", "python_module_in"]


def python_module_in(path: str, directory: str) -> bool:
    """A Python module (not `__init__.py`) directly in a folder named `directory`, outside tests."""
    if f"{directory}/" not in path:
        return False  # quick answer for the many other `.py` files of a change
    parent, base = posixpath.split(path)
    return (
        base.endswith(".py") and base != "__init__.py"
        and posixpath.basename(parent) == directory and not in_test_dir(path)
    )
