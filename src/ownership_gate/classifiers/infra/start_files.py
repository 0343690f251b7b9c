"""How the production image starts: the files its Dockerfile runs at start, and its start command.

A changed file is looked for in the start command of every production
Dockerfile in its own folder and each folder above it (the build context is
usually one of them), as the change set found them and, for those it
changes, as it leaves them. A Dockerfile whose name or folder says
development or tests (`Dockerfile.dev`, `.devcontainer/`, `e2e/`) builds no
production image. Folder listings and read Dockerfiles are kept in
`context.memo` for the whole change set.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.dependency.ecosystems.docker import is_dockerfile
from ownership_gate.classifiers.dependency.ecosystems.dockerfile import shipped_base
from ownership_gate.classifiers.fixture_dirs import builds_for_production
from ownership_gate.classifiers.infra.image_start import ImageStart, read, runs, start_change
from ownership_gate.classifiers.infra.names import TYPE, may_start_an_image
from ownership_gate.model import Change

_MEMO = "infra_start"
_WHEN = {"HEALTHCHECK": "for its health check"}


# The files an image starts with are not looked for in a pipeline's folder (`ci/`), which more often builds the
# pipeline's own tools; what such an image is built on is still a runtime dependency (`ci/Dockerfile.lambda`).
_TOOLS = frozenset({"ci"})


def is_production_dockerfile(path: str) -> bool:
    return is_dockerfile(posixpath.basename(path)) and builds_for_production(path, _TOOLS)


def started_by(change: Change, context: Context) -> str | None:
    """How a production image runs the changed file when it starts, or None."""
    # As the change set leaves it first; a copy leaves its source where it was, so only where it lands counts.
    sides = [(True, change.path)] if change.new_oid is not None else []
    if change.old_oid is not None and change.status != "copied":
        sides.append((False, change.source_path))
    for new, path in sides:
        for dockerfile in _dockerfiles_above(path, context, new=new):
            start = _start(dockerfile, context, new=new)
            if start is None or runs_tests(start):
                continue
            for in_context in _in_contexts(path, posixpath.dirname(dockerfile)):
                command = runs(start, in_context)
                if command is not None:
                    when = _WHEN.get(command.keyword, "at start")
                    return f"the image {dockerfile} builds runs it {when}: {command.written}"
    return None


def start_changed(change: Change, context: Context) -> str | None:
    """How a changed production Dockerfile's start command changed, or None; a production
    Dockerfile added or deleted is a production image built, or no longer built, from here."""
    if not is_production_dockerfile(change.path):
        return None
    if change.status in ("added", "copied"):
        text = text_of(context.new(change), lossy=True)
        if text is not None and (_build_environment(text) or _test_image(text)):
            return None
        return "a new production image: what production runs on, and how it starts there"
    if change.status == "deleted":
        return "a production image is no longer built from it"
    if change.old_oid is None or change.new_oid is None:
        return None
    old, new = text_of(context.old(change), lossy=True), text_of(context.new(change), lossy=True)
    before, after = read(old) if old is not None else None, read(new) if new is not None else None
    if before is None or after is None or (runs_tests(before) and runs_tests(after)):
        return None
    difference = start_change(before, after)
    return None if difference is None else f"the image it builds starts differently: {difference}"


# A build image: AWS SAM's (`public.ecr.aws/sam/build-python3.9`) and lambci's (`lambci/lambda:build-python3.8`)
# images for packaging functions, named `build-<runtime>`.
_BUILD_IMAGE = re.compile(r"(?:^|/)build-[\w.-]+(?::[\w.-]+)?$|^lambci/lambda:build-")


def _build_environment(text: str) -> bool:
    """A Dockerfile whose shipped image is built on a build image and sets no start command of its own: a
    container to package code in (a Lambda layer built in Docker), not what production runs."""
    base = shipped_base(text)
    start = read(text)
    return (base is not None and start is not None and not start.commands
            and _BUILD_IMAGE.search(base.reference.lower()) is not None)


# A program or script named for running tests: `run-tests.sh`, `run_e2e.sh`, `test.sh`, `smoke-tests.py`, or a
# test runner itself; `manage.py test` and `npm test` name it as their command.
_TEST_WORD = re.compile(
    r"(?i)^(?:[\w.-]*[-_])?(?:tests?|specs?|e2e|smoke-?tests?|acceptance-?tests?)(?:[-_][\w-]*)?(?:\.(?:sh|py|js|ts|rb))?$"
    r"|^(?:pytest|behave|cucumber(?:-js)?|jest|mocha|rspec|newman|playwright|cypress)$"
)


def runs_tests(start: ImageStart) -> bool:
    """An image that starts by running tests (`ENTRYPOINT ["/run-tests.sh"]`, `CMD ["npm", "test"]`): a container
    that checks a deployment, not what production runs. Its entrypoint decides, or its command without one."""
    commands = [c for c in start.commands if c.keyword in ("ENTRYPOINT", "CMD")]
    main = next((c for c in commands if c.keyword == "ENTRYPOINT"), commands[0] if commands else None)
    return main is not None and any(
        _TEST_WORD.match(posixpath.basename(word)) for word in main.words if not word.startswith("-"))


def _test_image(text: str) -> bool:
    start = read(text)
    return start is not None and runs_tests(start)


def _in_contexts(path: str, folder: str) -> Iterator[str]:
    """`path` in the build contexts a Dockerfile in `folder` may have: its folder, then the top."""
    if folder and path.startswith(folder + "/"):
        yield path[len(folder) + 1 :]
    yield path


def _dockerfiles_above(path: str, context: Context, *, new: bool) -> list[str]:
    """The production Dockerfiles in the folder of `path` and each folder above it, nearest first."""
    memo: dict[tuple[str, bool], list[str]] = context.memo.setdefault(f"{_MEMO}.above", {})
    folder = posixpath.dirname(path)
    key = (folder, new)
    if key not in memo:
        above = _dockerfiles_above(folder, context, new=new) if folder else []
        memo[key] = _dockerfiles_in(folder, context, new=new) + above
    return memo[key]


def _dockerfiles_in(folder: str, context: Context, *, new: bool) -> list[str]:
    memo: dict[tuple[str, bool], list[str]] = context.memo.setdefault(f"{_MEMO}.dockerfiles", {})
    key = (folder, new)
    if key not in memo:
        names = {n for n in _listed(context).get(folder, ()) if is_dockerfile(n)}
        if new:
            names.update(_changed_dockerfiles(context).get(folder, ()))
        found = (posixpath.join(folder, n) for n in sorted(names))
        memo[key] = [p for p in found if is_production_dockerfile(p)]
    return memo[key]


def _listed(context: Context) -> Mapping[str, frozenset[str]]:
    """The files before the change set in every folder a Dockerfile may be looked for in, for every file of
    the change set that may start an image: listed in one request, not one folder at a time."""
    listed: Mapping[str, frozenset[str]] | None = context.memo.get(f"{_MEMO}.listed")
    if listed is None:
        folders: set[str] = set()
        for change in context.claimed(TYPE):
            for path in change.paths:
                if may_start_an_image(posixpath.basename(path)):
                    folder = posixpath.dirname(path)
                    while folder not in folders:
                        folders.add(folder)
                        if not folder:
                            break
                        folder = posixpath.dirname(folder)
        listed = context.memo[f"{_MEMO}.listed"] = context.old_files_in(sorted(folders)) or {}
    return listed


def _changed_dockerfiles(context: Context) -> dict[str, set[str]]:
    """The names of the Dockerfiles the change set touches, by folder."""
    by_folder: dict[str, set[str]] | None = context.memo.get(f"{_MEMO}.changed")
    if by_folder is None:
        by_folder = context.memo[f"{_MEMO}.changed"] = {}
        for name, paths in context.paths.by_name.items():
            if is_dockerfile(name):
                for path in paths:
                    by_folder.setdefault(posixpath.dirname(path), set()).add(name)
    return by_folder


def _start(dockerfile: str, context: Context, *, new: bool) -> ImageStart | None:
    memo: dict[tuple[str, bool], ImageStart | None] = context.memo.setdefault(f"{_MEMO}.read", {})
    key = (dockerfile, new and dockerfile in context.changed_paths)  # one the change set left alone is read once
    if key not in memo:
        text = text_of(context.new_file(dockerfile) if key[1] else context.old_file(dockerfile), lossy=True)
        memo[key] = None if text is None else read(text)
    return memo[key]
