"""Every module imports, and no module of ownership_gate depends on itself through others.

The import graph is read from the source with `ast`, so it holds every
import a reader must follow: those inside functions (made late, for speed)
and those under TYPE_CHECKING (for annotations) count as much as the
imports at the top of a module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import ownership_gate

PACKAGE = Path(ownership_gate.__file__).parent


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def imports_of(name: str, path: Path) -> set[str]:
    """The modules of the package that `name` imports: `from a import b` names
    the module `a.b` when there is one, else the module `a`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                module = ".".join([*parts[: len(parts) - node.level + 1], *([module] if module else [])])
            for alias in node.names:
                full = f"{module}.{alias.name}"
                found.add(full if full in MODULES else module)
    return {m for m in found if m in MODULES and m != name}


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as the modules along it (the first again at the end), or None."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]
        on_path = {start}
        pending = [iter(sorted(graph[start]))]
        while pending:
            following = next(pending[-1], None)
            if following is None:  # every module after path[-1] is done: so is it
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                pending.pop()
            elif following in on_path:
                return [*path[path.index(following):], following]
            elif following not in done:
                path.append(following)
                on_path.add(following)
                pending.append(iter(sorted(graph[following])))
    return None


def test_find_cycle_finds_a_cycle_and_only_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"b", "c"}}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c", "d"}, "c": set(), "d": {"b"}}) == ["b", "d", "b"]


def test_imports_of_reads_late_and_type_checking_imports() -> None:
    check = imports_of("ownership_gate.commands.check", MODULES["ownership_gate.commands.check"])
    assert "ownership_gate.engine.judge" in check  # imported inside `check`, while git works
    assert "ownership_gate.ci.detect" in check  # under TYPE_CHECKING too


def test_no_module_depends_on_itself() -> None:
    graph = {name: imports_of(name, path) for name, path in MODULES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    names = [n for n in MODULES if not n.endswith("__main__")]  # __main__ runs the command line
    program = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        print(name, type(exc).__name__, exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout == ""
    assert len(names) > 100


def test_every_module_is_the_attribute_its_package_names_it_by() -> None:
    # `import ownership_gate.classifiers.cost.hcl as hcl` looks the path up attribute by attribute:
    # a package that binds one of its subpackages' names to something else breaks it.
    names = [n for n in MODULES if not n.endswith("__main__") and "." in n]
    program = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"for name in {names!r}:\n"
        "    parent, _, child = name.rpartition('.')\n"
        "    if getattr(sys.modules[parent], child, None) is not sys.modules[name]:\n"
        "        print(name)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout == ""

