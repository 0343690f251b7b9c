"""`ownership-gate init`: start from a built-in template, and say which sign-offs it counts."""

from __future__ import annotations

import sys

from ownership_gate.errors import EXIT_OK, FatalError
from ownership_gate.git.repo import find_root
from ownership_gate.output.common import how_to_sign_off
from ownership_gate.policy.load import POLICY_FILES, builtin_names, builtin_text, parse
from ownership_gate.policy.model import SIGNED_GITHUB, Policy
from ownership_gate.policy.schema import build, dumps

SCHEMA_COPY = ".ownership-gate.schema.json"
# The YAML language server (VS Code, Neovim, Helix, JetBrains) reads this first line and
# checks the policy against the copy of the schema written next to it.
MODELINE = f"# yaml-language-server: $schema=./{SCHEMA_COPY}\n"


def _summary(name: str) -> str:
    for line in builtin_text(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def explain_signoff(policy: Policy) -> list[str]:
    """How each level's sign-off is given, and what a plain trailer is worth, for a human."""
    lines: list[str] = []
    signoffs = [lv.signoff for lv in policy.levels[1:] if lv.signoff is not None]
    for level in policy.levels[1:]:
        lines.append(f"{level.name} sign-off, one of:")
        lines.extend(f"  - {way}" for way in how_to_sign_off(level))
    if any(s.github_reviewers or s.signature == SIGNED_GITHUB for s in signoffs):
        lines.append(
            "Approving reviews and GitHub's verification of signed commits are read only in a"
            " GitHub Actions pull-request run."
        )
    plain = [s.trailer for s in signoffs if s.plain_trailer]
    if plain:
        lines.append(
            f"Unsigned {', '.join(str(t) for t in plain)} trailers count, but prove little: anyone can"
            " write a commit with another person's email."
        )
    else:
        lines.append(
            "A plain trailer does not count: anyone can write a commit with another person's email."
            " The comments in the file say how to change the sign-off."
        )
    return lines


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
    policy = parse(text, f"builtin:{template}")  # a template that does not validate is a bug
    (root / SCHEMA_COPY).write_text(dumps(build()), "utf-8")
    (root / POLICY_FILES[0]).write_text(MODELINE + text, "utf-8")
    print(
        f"wrote {POLICY_FILES[0]} from the {template!r} template (and {SCHEMA_COPY}, for editors);"
        " edit the owners, then commit them",
        file=sys.stderr,
    )
    print("\n".join(explain_signoff(policy)), file=sys.stderr)
    return EXIT_OK
