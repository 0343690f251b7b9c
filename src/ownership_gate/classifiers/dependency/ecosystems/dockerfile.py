"""The images a Dockerfile builds from: `FROM`, `COPY --from=`, `RUN --mount=from=`.

Read the way BuildKit reads the file: parser directives (`# escape=`),
line continuations, comment lines inside them, and heredocs (whose bodies
are not instructions). Global `ARG` defaults (before the first `FROM`)
are substituted into `FROM`; a stage alias named by a later `FROM` or
`--from` is a stage, not an image; `scratch` is no image at all. Images
used only to build (the bases of stages the last one is not built on, and
`RUN --mount=from=`) are marked as such: the image that ships is the last
stage's, with the stages it is built `FROM` (`FROM python:3.12 AS base`
then `FROM base`), `shipping_stage` gives the instructions that make it,
and `shipped_base` the image that lineage starts from.
"""

from __future__ import annotations

import re
import shlex
from fnmatch import fnmatchcase
from typing import NamedTuple

from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+=?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


class ImageUse(NamedTuple):
    reference: str  # after ARG substitution
    line: int
    build: bool = False  # needed only to build the image: not part of the last stage


class Instruction(NamedTuple):
    keyword: str  # upper-case
    rest: str
    line: int


def _escape_char(lines: list[str]) -> str:
    for raw in lines:
        match = _DIRECTIVE.match(raw.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            return match.group(2)
    return "\\"


def _instructions(text: str) -> list[Instruction]:
    lines = text.splitlines()
    escape = _escape_char(lines)
    found: list[Instruction] = []
    parts: list[str] = []
    start = 0
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        stripped = raw.strip()
        if stripped.startswith("#") or (parts and not stripped):
            continue  # comments and blank lines never end a continued instruction
        if not parts:
            start = index
        body = raw.rstrip()
        if body.endswith(escape):
            parts.append(body[:-1])
            continue
        parts.append(body)
        logical = " ".join(p.strip() for p in parts).strip()
        parts = []
        if not logical:
            continue
        keyword, _, rest = logical.partition(" ")
        found.append(Instruction(keyword.upper(), rest.strip(), start))
        if keyword.upper() in ("RUN", "COPY", "ADD"):
            index = _skip_heredocs(rest, lines, index)
    if parts:
        logical = " ".join(p.strip() for p in parts).strip()
        keyword, _, rest = logical.partition(" ")
        found.append(Instruction(keyword.upper(), rest.strip(), start))
    return found


def _skip_heredocs(rest: str, lines: list[str], index: int) -> int:
    """Index of the first line after the heredoc bodies that start on this instruction."""
    for match in _HEREDOC.finditer(rest):
        strip_tabs, word = match.group(1) == "-", match.group(3)
        while index < len(lines):
            body = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if body.rstrip("\r") == word:
                break
    return index


def substitute(text: str, args: dict[str, str]) -> str:
    """`text` with the variables `args` sets replaced, and defaults (`${NAME:-word}`, also
    `${NAME:=word}` as envsubst writes it) taken for those it does not; others are kept."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        known = args.get(name)
        if operator in ("?", ":?"):
            return match.group(0) if known is None or (operator == ":?" and known == "") else known
        if operator in (":-", "-", ":=", "="):
            if known is None or (operator.startswith(":") and known == ""):
                return word
            return known
        if operator in (":+", "+"):
            return word if known else ""
        return match.group(0) if known is None else known

    return _VARIABLE.sub(value, text)


def variables(text: str) -> list[str]:
    """The names of the variables `text` still refers to (`$NAME`, `${NAME}`), in order."""
    return list(dict.fromkeys(m.group(1) or m.group(4) for m in _VARIABLE.finditer(text)))


def _split(rest: str, line: int) -> list[str]:
    try:
        return shlex.split(rest, posix=True)
    except ValueError as exc:
        raise ManifestError(f"cannot split instruction: {exc}", line) from None


def assign(rest: str, line: int, args: dict[str, str]) -> None:
    """The `NAME=value` words of an `ARG` (or `ENV`) set in `args`, each value with the variables before it
    filled in; ManifestError when the words do not split."""
    for word in _split(rest, line):
        name, eq, default = word.partition("=")
        if eq:  # an ARG without a default stays unresolved: `${NAME}` is kept as written
            args[name] = substitute(default, args)


def image_uses(text: str) -> list[ImageUse]:
    """Every external image the Dockerfile needs, in order; one named by an `ARG` without a
    default keeps the variable (`${BASE}`)."""
    args: dict[str, str] = {}
    stages: set[str] = set()
    stage = -1  # the number of the stage being read
    uses: list[tuple[ImageUse, int]] = []
    bases: list[tuple[str, str]] = []  # each stage's (base, alias)
    for ins in _instructions(text):
        if ins.keyword == "ARG" and stage < 0:
            assign(ins.rest, ins.line, args)
        elif ins.keyword == "FROM":
            stage += 1
            words = [w for w in _split(ins.rest, ins.line) if not w.startswith("--")]
            if not words:
                raise ManifestError("FROM names no image", ins.line)
            malformed = len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as")
            if malformed and not any(m in ins.rest for m in ("{{", "{%", "%%")):
                raise ManifestError(
                    f"FROM must read 'FROM image [AS name]', got {ins.rest!r}", ins.line
                )
            reference = substitute(words[0], args)
            if reference.lower() not in stages and reference.lower() != "scratch":
                uses.append((ImageUse(reference, ins.line), stage))
            alias = words[2].lower() if len(words) == 3 and not malformed else ""
            if alias:
                stages.add(alias)
            bases.append((reference.lower(), alias))
        elif ins.keyword in ("COPY", "ADD", "RUN"):
            uses.extend((use, stage) for use in _from_flags(ins, stages, args))
    shipped = set(_last_lineage(bases))  # the last stage and the stages it is built `FROM`
    return [use._replace(build=use.build or used_in not in shipped) for use, used_in in uses]


class _Stage(NamedTuple):
    base: str  # the image or stage it is built `FROM`, as written, global `ARG`s substituted
    alias: str  # its name (`AS build`), lower-case; "" for none
    instructions: list[Instruction]  # its own, its `FROM` first


def _stages(text: str) -> tuple[list[Instruction], list[_Stage]]:
    """The instructions before the first `FROM` (global `ARG`s), and each stage's."""
    args: dict[str, str] = {}
    preamble: list[Instruction] = []
    stages: list[_Stage] = []
    for ins in _instructions(text):
        if ins.keyword == "FROM":
            words = [w for w in _split(ins.rest, ins.line) if not w.startswith("--")]
            if not words:
                raise ManifestError("FROM names no image", ins.line)
            alias = words[2].lower() if len(words) == 3 and words[1].lower() == "as" else ""
            stages.append(_Stage(substitute(words[0], args), alias, [ins]))
        elif stages:
            stages[-1].instructions.append(ins)
        else:
            preamble.append(ins)
            if ins.keyword == "ARG":
                assign(ins.rest, ins.line, args)
    return preamble, stages


def _bases(stages: list[_Stage]) -> list[tuple[str, str]]:
    """Each stage's (base, alias), both lower-case, as `_last_lineage` and `_parents` read them."""
    return [(stage.base.lower(), stage.alias) for stage in stages]


def shipping_stage(text: str) -> list[Instruction]:
    """The instructions that make the image the Dockerfile ships, in order: the global `ARG`s,
    then those of the last stage, after those of the earlier stages it is built `FROM` (it
    inherits their files, `WORKDIR`, `ENV` and start command). A stage named by a build
    argument set outside the file (`FROM build-${TARGETARCH}`) may be any stage whose name fits
    (`build-amd64`, `build-arm64`): their instructions all count."""
    preamble, stages = _stages(text)
    return preamble + [ins for at in _last_lineage(_bases(stages)) for ins in stages[at].instructions]


def shipped_base(text: str) -> ImageUse | None:
    """The image the shipped image is built on: the `FROM` of the first stage in the last stage's
    lineage (`FROM python:3.12-slim AS base` then `FROM base`: `python:3.12-slim`), global `ARG`s
    substituted. None when there is no `FROM`, when that stage is built `FROM scratch` (no image),
    and when the lineage starts from stages built on different images (`FROM build-${TARGETARCH}`
    fitting a `build-amd64` and a `build-arm64` of their own bases): no one image to name."""
    _, stages = _stages(text)
    bases = _bases(stages)
    found: dict[str, ImageUse] = {}
    for at in _last_lineage(bases):
        if not _parents(bases, at):
            stage = stages[at]
            found.setdefault(stage.base, ImageUse(stage.base, stage.instructions[0].line))
    if len(found) != 1:
        return None
    use = next(iter(found.values()))
    return None if use.reference.lower() == "scratch" else use


def _last_lineage(stages: list[tuple[str, str]]) -> list[int]:
    """The numbers of the stages the last stage is built on, in order, itself last, from each
    stage's (base, alias), both lower-case (see `_parents`)."""
    lineages: list[list[int]] = []  # each stage's own, worked out in order
    for at in range(len(stages)):
        parents = _parents(stages, at)
        lineages.append([*dict.fromkeys(n for parent in parents for n in lineages[parent]), at])
    return lineages[-1] if lineages else []


def _parents(stages: list[tuple[str, str]], at: int) -> list[int]:
    """The earlier stages stage `at` is built `FROM`, from each stage's (base, alias), both
    lower-case: a base naming an earlier stage's alias is that stage; one made of a variable may be
    any stage whose name fits; none when the base is an image."""
    base = stages[at][0]
    pattern = _VARIABLE.sub("*", base)
    if pattern == base:
        return [n for n in range(at) if stages[n][1] == base][-1:]
    if pattern.strip("*"):  # a name to fit: `build-*`, never `*`, an image chosen outside
        return [n for n in range(at) if stages[n][1] and fnmatchcase(stages[n][1], pattern)]
    return []


def _from_flags(ins: Instruction, stages: set[str], args: dict[str, str]) -> list[ImageUse]:
    found: list[ImageUse] = []
    for word in ins.rest.split():
        if not word.startswith("--"):
            break  # flags come first; the rest is the command or the sources
        source = None
        if word.startswith("--from="):
            source = word[len("--from=") :]
        elif word.startswith("--mount="):
            for option in word[len("--mount=") :].split(","):
                key, _, value = option.partition("=")
                if key == "from":
                    source = value
        if source:
            source = substitute(source.strip("\"'"), args)
            if source.lower() not in stages and not source.isdigit():
                found.append(ImageUse(source, ins.line, build=word.startswith("--mount=")))
    return found
