"""GitHub Actions' file and workflow-command protocols.

Everything written here may carry text from the pull request (file names,
dependency names), so it is escaped the way the runner decodes it: a file
name must never be able to start a workflow command of its own or add an
output.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ownership_gate.errors import FatalError
from ownership_gate.model import Verdict

SUMMARY_LIMIT = 1024 * 1024  # the runner rejects step summaries above 1 MiB


def publish(verdict: Verdict, summary: str, env: Mapping[str, str] | None = None) -> None:
    """The step summary and the action's outputs, when running inside GitHub Actions."""
    write_summary(summary, env)
    write_outputs(
        {
            "required-level": verdict.required_level,
            "needs-signoff": str(verdict.needs_signoff).lower(),
            "satisfied": str(verdict.passed).lower(),
        },
        env,
    )


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF are encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _token() -> str:
    import secrets  # with hmac and hashlib, ~5 ms that the pre-commit hook never needs

    return secrets.token_hex(16)


def stop_commands(text: str) -> str:
    """Wrap text so that no line of it is read as a workflow command."""
    token = _token()
    return f"::stop-commands::{token}\n{text.rstrip(chr(10))}\n::{token}::\n"


def write_outputs(values: Mapping[str, str], env: Mapping[str, str] | None = None) -> bool:
    """Append step outputs to `$GITHUB_OUTPUT`; False when not running in Actions."""
    env = os.environ if env is None else env
    path = env.get("GITHUB_OUTPUT")
    if not path:
        return False
    lines = []
    for name, value in values.items():
        # The heredoc form with a random delimiter is the one a value cannot break out of.
        delimiter = f"ghadelimiter_{_token()}"
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    _append(path, "".join(lines), "GITHUB_OUTPUT")
    return True


def write_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Append Markdown to `$GITHUB_STEP_SUMMARY`; False when not running in Actions."""
    env = os.environ if env is None else env
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    data = markdown.encode("utf-8")
    if len(data) > SUMMARY_LIMIT:
        note = "\n\n*(summary cut to GitHub's 1 MiB limit; run `check --format markdown` for all of it)*\n"
        keep = SUMMARY_LIMIT - len(note.encode("utf-8"))
        markdown = data[:keep].decode("utf-8", "ignore") + note
    _append(path, markdown, "GITHUB_STEP_SUMMARY")
    return True


def _append(path: str, text: str, name: str) -> None:
    try:
        with Path(path).open("a", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        raise FatalError(f"cannot write ${name} ({path}): {exc}") from None
