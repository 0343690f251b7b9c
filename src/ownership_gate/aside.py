"""Run one function in a forked child while this process goes on.

A large change set spends most of its time in two independent halves:
matching every path against the policy, and reading the few files the
classifiers claim (which loads their parsers: sqlglot alone takes ~75 ms to
import). On a machine with a second core the second half runs in a child
process and hands back its result, pickled, through a pipe.

A child can also be started before its work is known (`Aside.held`): it
loads what the work will probably need (`prepare`) while this process waits
for git, then waits itself until `release(message)` says go, or `cancel()`
says the work will run here after all.

A child is forked only where that is safe and cheap (Linux, two cores or
more), and only when its work is worth a process (the caller decides: a
large change set, or a slow diff); anywhere else, and whenever the child
fails in any way, the work simply runs here, in this process, when its
result is asked for. So the answer never depends on whether a child ran:
only when it arrives does.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Generic, TypeVar

T = TypeVar("T")

_CHILD_FAILED = b"!"
_GO = b"g"
QUICK_MESSAGE = 48 * 1024  # within the pipe buffer Linux gives by default (64 KiB)


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Aside(Generic[T]):
    """`function()`, computed in a child when `fork` is true, else on `result()`.

    `Aside.held(work, prepare)` starts a child that first runs each of
    `prepare` (best effort: an error there resurfaces, if it matters, in
    `work`), stopping early once released, and computes `work(message)`
    only after `release(message)`.
    """

    def __init__(
        self,
        function: Callable[[], T] | None,
        fork: bool,
        *,
        work: Callable[[bytes], T] | None = None,
        prepare: Sequence[Callable[[], object]] = (),
    ) -> None:
        self._function = function
        self._pid: int | None = None
        self._read: int | None = None
        self._go: int | None = None  # the write end of a held child's go pipe
        if fork and can_fork():
            self._start(work, prepare)

    @classmethod
    def held(cls, work: Callable[[bytes], T], prepare: Sequence[Callable[[], object]] = ()) -> Aside[T]:
        """A child that prepares now and computes `work(message)` when released;
        `result(here)` computes `here()` instead if there is no such child."""
        return cls(None, True, work=work, prepare=prepare)

    @property
    def waiting(self) -> bool:
        """A held child is waiting for `release()`."""
        return self._go is not None

    def _start(self, work: Callable[[bytes], T] | None, prepare: Sequence[Callable[[], object]]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            read, write = os.pipe()
        except OSError:
            return  # out of file descriptors: the work runs here instead
        go_read = go_write = None
        if work is not None:
            try:
                go_read, go_write = os.pipe()
            except OSError:
                os.close(read)
                os.close(write)
                return
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: the work runs here instead
            for fd in (read, write, go_read, go_write):
                if fd is not None:
                    os.close(fd)
            return
        if pid == 0:  # the child: compute, write, and leave without running any of the parent's exit code
            os.close(read)
            status = 0
            try:
                message = b""
                if go_read is not None and go_write is not None:
                    os.close(go_write)
                    released = _wait_for_go(go_read, prepare)
                    if released is None:
                        os._exit(0)  # cancelled: the parent does the work
                    message = released
                try:
                    value = work(message) if work is not None else self._function()  # type: ignore[misc]
                    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    data, status = _CHILD_FAILED, 1  # the parent runs it again and reports the error itself
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(status)
        os.close(write)
        if go_read is not None:
            os.close(go_read)
        self._pid, self._read, self._go = pid, read, go_write

    def release(self, message: bytes = b"") -> None:
        """Let a held child compute `work(message)` now.

        A message of up to QUICK_MESSAGE bytes fits the pipe, so this returns at
        once; a longer one waits until the child, done preparing, reads it."""
        if self._go is not None:
            go, self._go = self._go, None
            # If the child is gone, `result()` finds out and computes here.
            with suppress(OSError), os.fdopen(go, "wb") as pipe:
                pipe.write(_GO + message)

    def cancel(self) -> None:
        """Stop the child, whatever it is doing; `result()` then computes here."""
        if self._go is not None:
            os.close(self._go)
            self._go = None
        if self._pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._read is not None:
            os.close(self._read)
            self._read = None

    def result(self, here: Callable[[], T] | None = None) -> T:
        """The child's answer; else `here()` (by default the function itself), computed here.

        A held child never released is cancelled: it would wait forever."""
        if self._go is not None:
            self.cancel()
        if self._pid is not None and self._read is not None:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = self._read = None
            if status == 0 and data and data != _CHILD_FAILED:
                try:
                    value: T = pickle.loads(data)
                    return value
                except Exception:  # a damaged answer: compute it here instead
                    pass
        function = here or self._function
        assert function is not None, "a held Aside needs `here` to compute its work here"
        return function()


def _wait_for_go(go: int, prepare: Sequence[Callable[[], object]]) -> bytes | None:
    """In a held child: prepare until released, then wait; the message, or None when cancelled."""
    for step in prepare:
        if select.select([go], [], [], 0)[0]:
            break  # released (or cancelled): the work itself loads what it needs
        with suppress(Exception):
            step()
    try:
        with os.fdopen(go, "rb") as pipe:
            data = pipe.read()
    except OSError:
        return None
    return data[len(_GO):] if data.startswith(_GO) else None
