"""Run one function in a forked child while this process goes on.

A large change set spends most of its time in two independent halves:
matching every path against the policy, and reading the few files the
classifiers claim (which loads their parsers: sqlglot alone takes ~75 ms to
import). On a machine with a second core the second half runs in a child
process and hands back its result, pickled, through a pipe.

A child can also be started before its work is known (`held`): it loads
what the work will probably need (`prepare`) while this process waits for
git, then waits itself until `release()` says go, or `cancel()` says the
work will run here after all.

The child is forked only where that is safe and cheap (Linux), and only for
work big enough to pay for it; anywhere else, and whenever the child fails
in any way, the function simply runs here, in this process, when its result
is asked for. So the answer never depends on whether a child ran: only when
it arrives does.
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


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Aside(Generic[T]):
    """`function()`, computed in a child when `fork` is true, else on `result()`.

    With `held`, the child first runs each of `prepare` (best effort: an
    error there resurfaces, if it matters, in `function`), stopping early
    once released, and computes `function()` only after `release()`.
    """

    def __init__(
        self,
        function: Callable[[], T],
        fork: bool,
        *,
        held: bool = False,
        prepare: Sequence[Callable[[], object]] = (),
    ) -> None:
        self._function = function
        self._pid: int | None = None
        self._read: int | None = None
        self._go: int | None = None  # the write end of a held child's go pipe
        if fork and can_fork():
            self._start(held, prepare)

    @property
    def held(self) -> bool:
        """A child is waiting for `release()`."""
        return self._go is not None

    def _start(self, held: bool, prepare: Sequence[Callable[[], object]]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            read, write = os.pipe()
        except OSError:
            return  # out of file descriptors: the work runs here instead
        go_read = go_write = None
        if held:
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
                if go_read is not None and go_write is not None:
                    os.close(go_write)
                    if not _wait_for_go(go_read, prepare):
                        os._exit(0)  # cancelled: the parent does the work
                try:
                    data = pickle.dumps(self._function(), protocol=pickle.HIGHEST_PROTOCOL)
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

    def busy(self) -> bool:
        """A child is still working: its answer has not begun to arrive."""
        if self._pid is None or self._read is None:
            return False
        return not select.select([self._read], [], [], 0)[0]

    def release(self) -> None:
        """Let a held child compute `function()` now."""
        if self._go is not None:
            with suppress(OSError):  # the child is gone: `result()` finds out and computes here
                os.write(self._go, _GO)
            os.close(self._go)
            self._go = None

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
        """The child's answer; else `here()` (by default the function itself), computed here."""
        self.release()
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
        return (here or self._function)()


def _wait_for_go(go: int, prepare: Sequence[Callable[[], object]]) -> bool:
    """In a held child: prepare until released, then wait; whether to go on."""
    for step in prepare:
        if select.select([go], [], [], 0)[0]:
            break  # released (or cancelled): the work itself loads what it needs
        with suppress(Exception):
            step()
    try:
        return os.read(go, 1) == _GO
    except OSError:
        return False
