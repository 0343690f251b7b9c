"""`ownership-gate init`: start from a built-in template."""

from __future__ import annotations

import sys

from ownership_gate.errors import EXIT_OK, FatalError
from ownership_gate.git import find_root
from ownership_gate.policy import POLICY_FILES, builtin_names, builtin_text, parse
from ownership_gate.policy_schema import build, dumps

SCHEMA_COPY = ".ownership-gate.schema.json"
# The YAML language server (VS Code, Neovim, Helix, JetBrains) reads this first line and
# checks the policy against the copy of the schema written next to it.
MODELINE = f"# yaml-language-server: $schema=./{SCHEMA_COPY}\n"


def _summary(name: str) -> str:
    for line in builtin_text(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def init(*, template: str = "startup", list_templates: bool = False) -> int:
    if list_templates:
        for name in builtin_names():
            print(f"{name:14} {_summary(name)}")
        return EXIT_OK
    text = builtin_text(template)
    root = find_root()
    for name in POLICY_FILES:
        if (root / name).exists():
            raise FatalError(f"{name} already exists; not overwriting it (edit it, or delete it first)")
    parse(text, f"builtin:{template}")  # a template that does not validate is a bug
    (root / SCHEMA_COPY).write_text(dumps(build()), "utf-8")
    (root / POLICY_FILES[0]).write_text(MODELINE + text, "utf-8")
    print(
        f"wrote {POLICY_FILES[0]} from the {template!r} template (and {SCHEMA_COPY}, for editors);"
        " edit the owners, then commit them",
        file=sys.stderr,
    )
    return EXIT_OK
