"""What the image a Dockerfile ships runs when it starts or is health-checked.

The start command is the shipping stage's `ENTRYPOINT`, `CMD` and
`HEALTHCHECK` (`dockerfile.shipping_stage`), exec form or shell form, with
the words of `sh -c` strings split too. The repository files it runs are
traced back through that stage's `COPY` and `ADD`: a folder copied to
`/scripts` makes `/scripts/init` its `init`, a file copied into a folder
keeps its name, relative destinations and command words follow `WORKDIR`.
`COPY --from=` copies from another stage or image, so it maps nothing.
Before any `WORKDIR`, the base image's is unknown: paths are kept relative
to it, and a relative path matches an absolute one it ends.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from typing import NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.dockerfile import Instruction, assign, shipping_stage, substitute

START_KEYWORDS = ("ENTRYPOINT", "CMD", "HEALTHCHECK")
# Where a bare command name (`CMD ["start"]`) is looked up.
_PATH_FOLDERS = frozenset({"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
_FLAGS = patterns.compile(r"((?:--\S+\s+)*)(.*)", re.DOTALL)
_FIRST_WORD = patterns.compile(r"(\S*)\s*(.*)", re.DOTALL)
_HEALTHCHECK = patterns.compile(r"((?:--\S+\s+)*)(CMD|NONE)\b\s*(.*)", re.DOTALL | re.IGNORECASE)
_GLOB = patterns.compile(r"[*?\[]")
_SHELL = patterns.compile(r"[\s;&|()<>`]")
_NOT_PATHS = patterns.compile(r"^-|\$|://|^[;&|()<>]+$")


class Command(NamedTuple):
    keyword: str  # ENTRYPOINT, CMD or HEALTHCHECK
    written: str  # the instruction, spaces collapsed
    shape: tuple[str, ...]  # what is compared between versions: options, form and words as written
    words: tuple[str, ...]  # the words it runs, variables replaced and `sh -c` strings split


class Copy(NamedTuple):
    sources: tuple[str, ...]  # in the build context, "." for all of it
    destination: str  # absolute, or relative to the base image's unknown WORKDIR
    into: bool  # the destination is a folder (ends with `/`, or takes several sources)


class ImageStart(NamedTuple):
    commands: tuple[Command, ...]  # in START_KEYWORDS order, those the image has
    copies: tuple[Copy, ...]
    workdir: str  # where the commands run: absolute, or relative to the base image's


def read(text: str) -> ImageStart | None:
    """The start of the image a Dockerfile ships, or None when it does not parse."""
    try:
        return _read(shipping_stage(text))
    except (ManifestError, ValueError):
        return None


def _read(instructions: Iterable[Instruction]) -> ImageStart:
    env: dict[str, str] = {}
    workdir = "."
    copies: list[Copy] = []
    written: dict[str, Instruction] = {}
    for ins in instructions:
        if ins.keyword in ("ARG", "ENV"):
            _set_variables(ins, env)
        elif ins.keyword == "WORKDIR":
            workdir = _join(workdir, substitute(_unquote(ins.rest), env))
        elif ins.keyword in ("COPY", "ADD"):
            copy = _copy(ins.rest, env, workdir)
            if copy is not None:
                copies.append(copy)
        elif ins.keyword in START_KEYWORDS:
            written[ins.keyword] = ins
    commands = tuple(_command(written[k], env) for k in START_KEYWORDS if k in written)
    return ImageStart(commands, tuple(copies), workdir)


def _set_variables(ins: Instruction, env: dict[str, str]) -> None:
    name, value = _FIRST_WORD.fullmatch(ins.rest).groups()  # type: ignore[union-attr]
    try:
        if ins.keyword == "ENV" and name and "=" not in name:
            env[name] = substitute(" ".join(shlex.split(value)), env)  # the older `ENV NAME value`
        else:
            assign(ins.rest, ins.line, env)  # an ARG without a default is set by the build, unknown here
    except (ManifestError, ValueError):
        return  # a value the start command may not even use


def _unquote(text: str) -> str:
    try:
        words = shlex.split(text)
    except ValueError:
        return text
    return words[0] if len(words) == 1 else text


def _join(folder: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(folder, path))


def _form(text: str) -> tuple[str, list[str]]:
    """("exec", words) for a JSON array, else ("shell", words)."""
    if text.startswith("["):
        try:
            words = json.loads(text)
        except ValueError:
            words = None
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            return "exec", words
    return "shell", shlex.split(text)


def _copy(rest: str, env: dict[str, str], workdir: str) -> Copy | None:
    flags, arguments = _FLAGS.fullmatch(rest).groups()  # type: ignore[union-attr]
    if any(flag.startswith("--from=") for flag in flags.split()):
        return None
    try:
        words = [substitute(w, env) for w in _form(arguments)[1]]
    except ValueError:
        return None  # what it copies cannot be told: it maps nothing
    if len(words) < 2:
        return None
    sources = [s for s in words[:-1] if not s.startswith("<<") and "://" not in s and not s.startswith("git@")]
    if not sources:
        return None
    destination = words[-1]
    into = destination.endswith("/") or len(words) > 2
    return Copy(tuple(posixpath.normpath(s.lstrip("/") or ".") for s in sources), _join(workdir, destination), into)


def _command(ins: Instruction, env: dict[str, str]) -> Command:
    written = " ".join(f"{ins.keyword} {ins.rest}".split())
    if ins.keyword != "HEALTHCHECK":
        form, words = _form(ins.rest)
        return Command(ins.keyword, written, (form, *words), _run_words(words, env))
    match = _HEALTHCHECK.fullmatch(ins.rest)
    if match is None:
        raise ValueError(f"HEALTHCHECK must read 'HEALTHCHECK [options] CMD command', line {ins.line}")
    options, what, command = match.groups()
    if what.upper() == "NONE":
        return Command(ins.keyword, written, ("NONE",), ())
    form, words = _form(command)
    return Command(ins.keyword, written, (*options.split(), form, *words), _run_words(words, env))


def _run_words(words: Sequence[str], env: dict[str, str], depth: int = 0) -> tuple[str, ...]:
    found: list[str] = []
    for word in words:
        word = substitute(word, env)
        if depth < 2 and _SHELL.search(word):  # a script for a shell (`sh -c "..."`): its words too
            try:
                inner = list(shlex.shlex(word, posix=True, punctuation_chars=True))
            except ValueError:
                inner = []
            found.extend(_run_words(inner, env, depth + 1))
        else:
            found.append(word)
    return tuple(found)


def runs(start: ImageStart, path: str) -> Command | None:
    """The command that runs `path` (a file of the build context) when the image starts, or None."""
    images = _image_paths(start.copies, path)
    if not images:
        return None
    for command in start.commands:
        if any(_names(word, images, start.workdir) for word in command.words):
            return command
    return None


def _image_paths(copies: Iterable[Copy], path: str) -> set[str]:
    """Where the `COPY`s and `ADD`s put the build context's `path` in the image."""
    found: set[str] = set()
    name = posixpath.basename(path)
    for copy in copies:
        for source in copy.sources:
            if source == "." or path.startswith(source + "/"):
                found.add(_join(copy.destination, path if source == "." else path[len(source) + 1 :]))
            elif path == source or (_GLOB.search(source) and fnmatchcase(path, source)):
                found.add(_join(copy.destination, name))
                if not copy.into:  # copied to that name, unless a folder of that name is there
                    found.add(copy.destination)
    return found


def _names(word: str, images: set[str], workdir: str) -> bool:
    """Whether a word of a command names one of `images` (a path, or a command found on PATH)."""
    if not word or _NOT_PATHS.search(word):
        return False
    if "/" not in word:
        target = _join(workdir, word)
        return target in images or any(
            posixpath.basename(i) == word and posixpath.dirname(i) in _PATH_FOLDERS for i in images
        )
    target = _join(workdir, word)
    return any(_same(target, image) for image in images)


def _same(one: str, other: str) -> bool:
    """Two paths in the image, either relative to the base image's unknown WORKDIR."""
    if one.startswith("/") == other.startswith("/"):
        return one == other
    absolute, relative = (one, other) if one.startswith("/") else (other, one)
    return absolute.endswith("/" + relative)


def start_change(old: ImageStart, new: ImageStart) -> str | None:
    """`CMD ["a"] -> CMD ["b"]` for each start instruction that differs, or None."""
    before = {c.keyword: c for c in old.commands}
    after = {c.keyword: c for c in new.commands}
    changes = []
    for keyword in START_KEYWORDS:
        was, now = before.get(keyword), after.get(keyword)
        if (was and was.shape) != (now and now.shape):
            changes.append(f"{was.written if was else f'no {keyword}'} -> {now.written if now else f'no {keyword}'}")
    return "; ".join(changes) or None
