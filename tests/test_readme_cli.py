"""The README's command synopsis names every option the CLI offers."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ownership_gate.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def _synopsis(command: str) -> str:
    """The README synopsis lines of one command (its line plus continuation lines)."""
    block = README.split("ownership-gate check    [", 1)[1].split("```", 1)[0]
    block = "ownership-gate check    [" + block
    lines, taking = [], False
    for line in block.splitlines():
        if line.startswith("ownership-gate "):
            taking = line.split()[1] == command
        if taking:
            lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_readme_synopsis_lists_every_option(command: str) -> None:
    synopsis = _synopsis(command)
    assert synopsis, f"the README has no synopsis for {command}"
    options = {
        option
        for action in _subcommands()[command]._actions
        if action.help != argparse.SUPPRESS
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    missing = sorted(o for o in options if o not in synopsis)
    assert not missing, f"README synopsis of {command} lacks {missing}"


def test_readme_synopsis_lists_the_top_level_options() -> None:
    block = README.split("<!-- section:cli -->", 1)[1].split("```", 2)[1]
    options = {option for action in build_parser()._actions for option in action.option_strings
               if option.startswith("--") and option != "--help" and action.help != argparse.SUPPRESS}
    assert options, "the parser has top-level options"
    assert not sorted(o for o in options if f"ownership-gate {o}" not in block)
