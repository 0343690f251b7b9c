"""Every reporter by its format name, and writing a report where the command line says."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ownership_gate.errors import FatalError
from ownership_gate.model import ChangeVerdict, Verdict
from ownership_gate.output import github, gitlab_codequality, json_, markdown, sarif, text
from ownership_gate.output.quoting import quote_path
from ownership_gate.policy.model import Policy

Reporter = Callable[[Verdict, Policy, bool], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_.render,
    "markdown": markdown.render,
    "github": github.render,
    "sarif": sarif.render,
    "gitlab-codequality": gitlab_codequality.render,
}


def render(format: str, verdict: Verdict, policy: Policy, color: bool = False, early: object = None) -> str:
    """`verdict` in `format`; `early` is what `write_early` returned for it, if anything."""
    if format == "json" and isinstance(early, json_.EarlyEntries):
        return json_.render(verdict, policy, color, early)
    try:
        reporter = REPORTERS[format]
    except KeyError:
        raise FatalError(f"unknown format {format!r}; choose one of: {', '.join(REPORTERS)}") from None
    return reporter(verdict, policy, color)


def write_early(format: str, verdicts: Sequence[ChangeVerdict]) -> object:
    """What a reporter can write of the verdicts before the classifiers' findings
    arrive (a large JSON document's entries), for `render`; None for the others."""
    return json_.EarlyEntries(verdicts) if format == "json" else None


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
