"""The command line: one parser, one function per subcommand, one error boundary."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from ownership_gate import __version__
from ownership_gate.errors import EXIT_BUG, EXIT_USAGE, FatalError

FORMATS = ("text", "json", "markdown", "github", "sarif", "gitlab-codequality")
EXIT_CODES = """\
exit codes:
  0  nothing needs sign-off, every needed sign-off is present, or --advisory
  1  a needed sign-off is missing (check); a policy test fails (validate);
     CODEOWNERS is out of date (codeowners --check)
  2  usage error, unreadable or invalid policy, not a git repository, or a
     revision git cannot resolve
  3  an internal error (a bug in ownership-gate) outside the classifiers; a
     classifier that fails on a file is an error/classifier finding instead
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 through our own error path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise FatalError(f"{message}\n{self.format_usage().strip()}")


def _policy_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy", metavar="PATH",
        help="policy file (default: .ownership-gate.yaml, else the built-in 'startup' policy;"
        " 'builtin:NAME' picks a built-in template)",
    )


def _check(sub: argparse._SubParsersAction[_Parser]) -> None:
    check = sub.add_parser("check", help="judge the changes between two revisions (or the index)")
    check.add_argument(
        "--base", metavar="REV", help="base revision (default: CI event, else the remote default branch)"
    )
    check.add_argument("--head", metavar="REV", help="head revision (default: HEAD, or the CI event's head)")
    check.add_argument("--staged", action="store_true", help="judge the index against HEAD (pre-commit)")
    check.add_argument(
        "--pre-push", action="store_true",
        help="judge the pushed commits (PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF), as their pull request will",
    )
    _policy_arg(check)
    check.add_argument(
        "--policy-from-base", action="store_true", help="read the policy as it is at the base revision"
    )
    check.add_argument(
        "--format", choices=FORMATS, default="text",
        help="text for people (default), json for tools, markdown for a comment, github for Actions"
        " (annotations and step summary), sarif for code scanning, gitlab-codequality for GitLab's"
        " code quality report",
    )
    check.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout ('-': stdout)")
    check.add_argument("--advisory", action="store_true", help="report, but always exit 0")
    check.add_argument(
        "--comment", action="store_true",
        help="keep one comment on the pull request (merge request) while it needs sign-off, updated in place",
    )


def _explain(sub: argparse._SubParsersAction[_Parser]) -> None:
    explain = sub.add_parser("explain", help="show which rules own a path and why")
    explain.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="a file (need not exist yet) or a directory (its tracked files), relative to the working directory",
    )
    _policy_arg(explain)
    explain.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _validate(sub: argparse._SubParsersAction[_Parser]) -> None:
    validate = sub.add_parser(
        "validate", help="check the policy file and run its tests",
        description="Check the policy file and run its tests. Exit 0 when it is sound (warnings allowed),"
        " 1 when a policy test fails, 2 when the policy is invalid or unreadable.",
    )
    _policy_arg(validate)
    validate.add_argument("files", nargs="*", help=argparse.SUPPRESS)  # pre-commit passes filenames


def _codeowners(sub: argparse._SubParsersAction[_Parser]) -> None:
    codeowners = sub.add_parser("codeowners", help="generate CODEOWNERS from the policy")
    codeowners.add_argument(
        "--flavor", choices=("github", "gitlab"), default="github",
        help="the host's CODEOWNERS dialect: gitlab writes one section per level (default: github)",
    )
    codeowners.add_argument(
        "--output", metavar="PATH",
        help="where to write (default: the existing CODEOWNERS, else .github/ or .gitlab/CODEOWNERS;"
        " '-': print it to stdout)",
    )
    codeowners.add_argument("--check", action="store_true", help="exit 1 with a diff when the file is out of date")
    codeowners.add_argument(
        "--exit-code", action="store_true", help="exit 1 when the file had to be written (pre-commit)"
    )
    _policy_arg(codeowners)
    codeowners.add_argument("files", nargs="*", help=argparse.SUPPRESS)


def _init(sub: argparse._SubParsersAction[_Parser]) -> None:
    init = sub.add_parser("init", help="write a starter policy to .ownership-gate.yaml")
    init.add_argument(
        "--template", metavar="NAME", default="startup",
        help="the built-in policy to start from (default: startup; --list shows them)",
    )
    init.add_argument("--list", action="store_true", help="list the built-in templates")


def _report(sub: argparse._SubParsersAction[_Parser]) -> None:
    report = sub.add_parser("report", help="the weekly decisions report")
    report.add_argument(
        "--since", metavar="DATE", default="1 week ago",
        help="first commit date to include, anything git accepts (default: '1 week ago'; a bare date is its midnight)",
    )
    report.add_argument(
        "--until", metavar="DATE", help="last commit date to include (default: now; a bare date is its whole day)"
    )
    report.add_argument(
        "--branch", metavar="REV",
        help="the branch to read (default: origin/HEAD, else origin/main or master, else the current branch)",
    )
    _policy_arg(report)
    report.add_argument(
        "--format", choices=("markdown", "json", "html"), default="markdown",
        help="markdown for the meeting (default), json for tools, html for a page to share",
    )
    report.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout ('-': stdout)")


# Each subcommand's arguments, in the order --help lists them.
_COMMANDS: dict[str, Callable[[argparse._SubParsersAction[_Parser]], None]] = {
    "check": _check, "explain": _explain, "validate": _validate, "codeowners": _codeowners, "init": _init,
    "report": _report,
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command`, one whose only subcommand is that one.

    Parsing `check --staged` needs nothing of the other subcommands, and
    building their parsers would cost every commit ~3 ms.
    """
    parser = _Parser(
        prog="ownership-gate", description="Decide which changes need a CTO's sign-off.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, add in _COMMANDS.items():
        if command is None or name == command:
            add(sub)
    return parser


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """`argv` parsed as the whole parser would, building only the subcommand it names first.

    Anything else first (no command, an option, an unknown name) gets the
    whole parser, so `--help`, errors and their messages are argparse's own.
    """
    command = argv[0] if argv and argv[0] in _COMMANDS else None
    return build_parser(command).parse_args(argv)


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        from ownership_gate.commands.check import check

        if args.staged and (args.base or args.head):
            raise FatalError("--staged compares the index with HEAD; it cannot take --base or --head")
        if args.pre_push:
            from ownership_gate.commands.pre_push import check_pushed

            if args.staged or args.base or args.head:
                raise FatalError("--pre-push takes the pushed range from pre-commit; not --staged, --base or --head")
            return check_pushed(policy=args.policy, format=args.format, output=args.output, advisory=args.advisory)
        return check(
            base=args.base, head=args.head, staged=args.staged, policy=args.policy,
            policy_from_base=args.policy_from_base, format=args.format, output=args.output,
            advisory=args.advisory, comment=args.comment,
        )
    if args.command == "init":
        from ownership_gate.commands.init import init

        return init(template=args.template, list_templates=args.list)
    if args.command == "validate":
        from ownership_gate.commands.validate import validate

        return validate(policy=args.policy)
    if args.command == "explain":
        from ownership_gate.commands.explain import explain

        return explain(paths=args.paths, policy=args.policy, format=args.format)
    if args.command == "codeowners":
        from ownership_gate.commands.codeowners import codeowners

        return codeowners(
            flavor=args.flavor, output=args.output, check=args.check, policy=args.policy,
            exit_code=args.exit_code,
        )
    if args.command == "report":
        from ownership_gate.commands.report import report

        return report(
            since=args.since, until=args.until, branch=args.branch, policy=args.policy,
            format=args.format, output=args.output,
        )
    raise AssertionError(args.command)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parse_args(sys.argv[1:] if argv is None else list(argv))
        return _run(args)
    except FatalError as exc:
        print(f"ownership-gate: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("ownership-gate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_USAGE
    except Exception:
        import traceback  # only a bug needs it; every run would pay its import otherwise

        print(
            "ownership-gate: internal error (a bug in ownership-gate, not in your change).\n"
            "Please report it with the traceback below:\n" + traceback.format_exc(),
            file=sys.stderr,
        )
        return EXIT_BUG


def run() -> None:
    """The `ownership-gate` command: `main`, tuned for a short-lived process.

    A monorepo-sized check allocates hundreds of thousands of small objects
    and keeps nearly all of them until it exits: scanning them for cycles
    again and again, then freeing them one by one at exit, is work a process
    about to end need not do (~40 ms on a 20,000-file change). Every report
    is written and flushed (or its file closed) before `main` returns.
    """
    gc.set_threshold(200_000, 30, 30)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away, or stdout is closed
        code = code or EXIT_USAGE
    os._exit(code)
