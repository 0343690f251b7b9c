"""Every reporter by its format name, and writing a report where the command line says."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ownership_gate.errors import FatalError
from ownership_gate.output.quoting import quote_path

if TYPE_CHECKING:
    from ownership_gate.model import ChangeVerdict, Verdict
    from ownership_gate.policy.model import Policy

# Each format's module under ownership_gate.output, which has `render(verdict,
# policy, color)`; only the chosen one is imported (a hook pays for one reporter).
REPORTERS: dict[str, str] = {
    "text": "text",
    "json": "json_",
    "markdown": "markdown",
    "github": "github",
    "sarif": "sarif",
    "gitlab-codequality": "gitlab_codequality",
}


def render(format: str, verdict: Verdict, policy: Policy, color: bool = False, early: object = None) -> str:
    """`verdict` in `format`; `early` is what `write_early` returned for it, if anything."""
    try:
        module = importlib.import_module(f"ownership_gate.output.{REPORTERS[format]}")
    except KeyError:
        raise FatalError(f"unknown format {format!r}; choose one of: {', '.join(REPORTERS)}") from None
    reporter: Callable[..., str] = module.render
    return reporter(verdict, policy, color) if early is None else reporter(verdict, policy, color, early)


def write_early(format: str, verdicts: Sequence[ChangeVerdict]) -> object:
    """What a reporter can write of the verdicts before the classifiers' findings
    arrive (a large JSON document's entries), for `render`; None for the others."""
    if format != "json":
        return None
    from ownership_gate.output.json_ import EarlyEntries

    return EarlyEntries(verdicts)


def write_output(content: str, output: str | None) -> None:
    """`content` into the file `output`; to stdout when there is none, or it is `-`."""
    if output is None or output == "-":
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(content, "utf-8")
    except OSError as exc:
        raise FatalError(f"cannot write {quote_path(output)}: {exc}") from None
