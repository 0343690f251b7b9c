"""A Makefile's targets, as far as shipping goes: which of them publish or deploy, and what they run.

A release is often cut from a laptop with `make docker` or `make release`:
a target whose recipe pushes an image, uploads a package or deploys
(the commands a pipeline job ships with) is how production is shipped,
as much as a CI job is. Other targets (build, test, lint, clean) are
daily work and are not read further.

Read line by line, as make reads them: a rule line (`docker: build`,
`a b:: c`; not a variable assignment, `X := y`, nor a special target,
`.PHONY`) starts a target, and the tab-indented lines after it are its
recipe (backslash continuations joined; `target: ; command` too), with
the file's own variables written out (`$(DOCKER_BUILDX_PUSH)` is the
`docker buildx build --push` it holds), except those named for a version.
`define` blocks are skipped, and conditionals (`ifeq`, `else`, `endif`)
neither start nor end a recipe. A recipe's comment lines and layout are
not part of what it runs.

A target ships if a line of its recipe runs a publishing or deploying
command (`docker push`, `docker buildx build ... --push`, `twine upload`,
`kubectl apply`, ...), and only those lines are compared: an `echo`
reworded, a build step or a `--build-arg` changed around them is daily
work; the command itself changed (another image, another platform list,
`docker push` become `buildx --push`) is not. A target named for a release
(`release`, `publish`, `deploy`) ships whatever it runs: it assembles what
is released, so all its recipe but what it prints is compared.
"""

from __future__ import annotations

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.pipeline.workflow import DEFAULT, SHIPPING_COMMAND, Job, Pipeline

# `targets: prerequisites` or `targets:: prerequisites`, optionally `; recipe`: not `X := y`, `X ::= y`, `X = y`.
_RULE = patterns.compile(r"^(?P<targets>[^\s:=#][^:=#]*?)\s*::?(?![=:])(?P<rest>.*)$")
# A variable assignment, `NAME := value` and kin (`=`, `::=`, `?=`, `+=`, `!=`; after `export` or `override`):
# its name, operator and value.
_ASSIGNMENT = patterns.compile(r"^\s*(?:export\s+|override\s+)?([\w.$(){}-]+)\s*((?:[:?+!]|::)?=)\s*(.*?)\s*$")
_CONDITIONAL = patterns.compile(r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif)\b")
_SPACE = patterns.compile(r"\s+")
# A target named for cutting or shipping a release (`release`, `release-linux`, `publish`, `deploy`); not `prod`,
# which in a Makefile usually builds or runs the production setup on the machine at hand.
_SHIPPING_TARGET = patterns.compile(r"(?i)(?:^|[^a-z])(?:release|publish|deploy)(?:$|[^a-z])")
# A recipe line that only prints (`@echo "Publishing..."`, `printf ...`).
_SAYS = patterns.compile(r"^[@-]*\s*(?:echo|printf)\b")
# What a build is given, not what ships or where: `--build-arg GO_VERSION=$(GO_VERSION)`.
_BUILD_ARGUMENT = patterns.compile(r"\s--build-arg(?:\s+|=)(?:\"[^\"]*\"|'[^']*'|(?:\$\([^)]*\)|\$\{[^}]*\}|\S)+)")


def read(text: str) -> Pipeline:
    """The Makefile's targets as jobs: each ships if its recipe runs a publishing or deploying command."""
    recipes: dict[str, list[str]] = {}
    current: list[str] = []
    in_define = False
    lines = _logical_lines(text)
    values = _variables(lines)
    for line in lines:
        if in_define:
            in_define = not line.strip().startswith("endef")
            continue
        if line.startswith("\t"):
            command = line.strip()
            if command and not command.startswith("#"):
                for recipe in current:
                    recipes[recipe].append(_SPACE.sub(" ", _expanded(command, values)))
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _CONDITIONAL.match(line):
            continue
        if stripped.startswith("define ") or stripped == "define":
            in_define, current = True, []
            continue
        rule = None if _ASSIGNMENT.match(line) else _RULE.match(line)
        if rule is None:
            current = []  # an assignment, an include or a directive ends the recipe before it
            continue
        names = [n for n in rule.group("targets").split() if not n.startswith(".")]
        prerequisites, _, inline = rule.group("rest").partition(";")
        if _ASSIGNMENT.match(prerequisites):
            current = []  # `target: VAR = value`, a target-specific variable, has no recipe
            continue
        current = names
        for name in names:
            recipes.setdefault(name, [])
            if inline.strip():
                recipes[name].append(_SPACE.sub(" ", inline.strip()))
    jobs = {}
    for name, lines in recipes.items():
        shipping = [_BUILD_ARGUMENT.sub("", line) for line in lines if SHIPPING_COMMAND.search(line)]
        if shipping:
            jobs[name] = Job(name, DEFAULT, True, None, "\n".join(shipping))
        else:  # a target named for shipping (`release`, `deploy`) assembles what ships: all it runs but what it prints
            said = [_BUILD_ARGUMENT.sub("", line) for line in lines if not _SAYS.match(line)]
            jobs[name] = Job(name, DEFAULT, bool(_SHIPPING_TARGET.search(name)), None, "\n".join(said))
    return Pipeline("make", jobs=jobs)


_REFERENCE = patterns.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
# Variables that hold a version: left as written, so a release number bumped in one is not a changed command.
_VERSION_NAME = patterns.compile(r"(?i)(?:^|[-_.])(?:version|tag|ver)$")


def _variables(lines: list[str]) -> dict[str, str]:
    """The file's own variables, as its last definition of each leaves them (`?=` only where none is set)."""
    values: dict[str, str] = {}
    for line in lines:
        if line.startswith("\t"):
            continue
        match = _ASSIGNMENT.match(line)
        if match is None:
            continue
        name, operator, value = match.groups()
        if operator == "!=" or (operator == "?=" and name in values):
            continue  # `!=` holds what a shell command prints, not the text written
        values[name] = f"{values[name]} {value}" if operator == "+=" and name in values else value
    return values


def _expanded(command: str, values: dict[str, str]) -> str:
    """A recipe line with the file's variables written out (`$(DOCKER_BUILDX_PUSH) ...` -> `docker buildx
    build --push ...`), as make runs it; a version's variable and one set elsewhere stay as written."""
    for _ in range(10):  # nested references, a few levels deep; a variable that refers to itself stops here
        expanded = _REFERENCE.sub(
            lambda m: m.group(0) if _VERSION_NAME.search(m.group(1)) else values.get(m.group(1), m.group(0)), command)
        if expanded == command:
            break
        command = expanded
    return command


def _logical_lines(text: str) -> list[str]:
    """Lines with backslash continuations joined, as make reads them."""
    joined: list[str] = []
    pending = ""
    for line in text.splitlines():
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    if pending:
        joined.append(pending)
    return joined
