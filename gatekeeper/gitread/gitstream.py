"""A git command whose output is read while git runs: started, then read once or abandoned.

Starting and reading are apart so that a command whose line is known early (a change set's
``git diff``) can run while gatekeeper is still importing and reading the policy; the output
git writes meanwhile waits in memory, within a bound.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gatekeeper.errors import GatekeeperError
from gatekeeper.gitread import giterrors, prefetch

STDERR_WAIT = 10.0
"""Seconds to wait, once git has exited, for the end of its stderr: a process git started
that is still running could hold the pipe open."""


def _failure(process: Any, errors: prefetch.Drain) -> bytes | None:
    """The stderr of a git process that ended in failure, once its stdout is closed; None if
    it succeeded or only died of the closed pipe."""
    process.stdout.close()
    status = process.wait()
    said = errors.result(STDERR_WAIT)
    return said if status not in (0, 141, -13) and said.strip() else None  # 13: SIGPIPE


class Running:
    """A started git process (``name`` is its subcommand, for errors), its stdout taken in
    ahead of the reader and its stderr drained.

    ``early``: the output may run this many bytes ahead until the reader starts, rather than
    ``prefetch.AHEAD``, so that git is not held up while nobody reads yet.
    """

    def __init__(self, process: Any, name: str, *, early: int = 0) -> None:
        self._process = process
        self._name = name
        self._stdout: Any = process.stdout
        prefetch.widen_pipe(self._stdout)
        self._ahead = prefetch.Prefetch(self._stdout, early=early)
        self._errors = prefetch.Drain(process.stderr)
        self._done = False

    @property
    def pid(self) -> int:
        """git's process id."""
        return int(self._process.pid)

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """Yield git's stdout as a binary file, once; a failure becomes ChangeSetError."""
        if self._done:
            raise RuntimeError(f"git {self._name}: output already read or abandoned")
        self._done = True
        proc, ahead, errors = self._process, self._ahead, self._errors
        reader = io.BufferedReader(ahead, buffer_size=1 << 16)
        status, said, ended = 0, b"", False
        try:
            yield reader
            while reader.read(1 << 16):  # let git finish writing before we wait for it
                pass
            ahead.stop()
            status, ended = proc.wait(), True
            said = errors.result(STDERR_WAIT)
        except GatekeeperError:
            # Output that stops short (no patch for a file) is a symptom when git failed
            # itself, say on an object it cannot read: git's own words name the cause.
            ahead.stop()
            failed, ended = _failure(proc, errors), True
            if failed is None:
                raise
            raise giterrors.failed(self._name, failed) from None
        finally:
            self._end(kill=not ended)  # the reader gave up (an error, Ctrl-C): git need not go on
        if status != 0:
            raise giterrors.failed(self._name, said)

    def abandon(self) -> None:
        """Stop git unread (nothing needed its output after all); nothing once read."""
        if not self._done:
            self._done = True
            self._end(kill=True)

    def _end(self, *, kill: bool) -> None:
        if kill:  # first: the reading thread's read in flight then ends with git
            self._process.kill()
        self._ahead.stop()
        self._stdout.close()
        self._process.wait()
        self._errors.result(STDERR_WAIT)
        self._process.stderr.close()
