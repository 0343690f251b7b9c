"""Run one function in a forked child while this process goes on.

A large change set spends most of its time in two independent halves:
matching every path against the policy, and reading the few files the
classifiers claim (which loads their parsers: sqlglot alone takes ~75 ms to
import). On a machine with a second core the second half runs in a child
process and hands back its result, pickled, through a pipe.

The child is forked only where that is safe and cheap (Linux), and only for
work big enough to pay for it; anywhere else, and whenever the child fails
in any way, the function simply runs here, in this process, when its result
is asked for. So the answer never depends on whether a child ran: only when
it arrives does.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_CHILD_FAILED = b"!"


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Aside(Generic[T]):
    """`function()`, computed in a child when `fork` is true, else on `result()`."""

    def __init__(self, function: Callable[[], T], fork: bool) -> None:
        self._function = function
        self._pid: int | None = None
        self._read: int | None = None
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            read, write = os.pipe()
        except OSError:
            return  # out of file descriptors: the work runs here instead
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: the work runs here instead
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, write, and leave without running any of the parent's exit code
            os.close(read)
            status = 0
            try:
                try:
                    data = pickle.dumps(self._function(), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    data, status = _CHILD_FAILED, 1  # the parent runs it again and reports the error itself
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
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
        return self._function()
