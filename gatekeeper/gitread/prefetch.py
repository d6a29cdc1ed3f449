"""Reads a git process's output ahead of its parser, so that git and the parser run at once.

Without it, git writes into a 64 KiB pipe and stops whenever the pipe is full, while the
parser stops whenever it is empty: on a huge diff the two barely overlap. A thread here keeps
taking git's output (its blocking reads release the GIL) into a queue bounded in bytes, and
the pipe is widened where the system allows, so git runs ahead by a few MiB while the parser
reads lines from the queue through an ordinary buffered reader.
"""

from __future__ import annotations

import collections
import io
import threading
from typing import Any

CHUNK = 256 << 10
"""Bytes the thread waits for per read (fewer at the end of the output). git writes in
pieces of a few KiB: taking each piece as it came woke both threads hundreds of times per
MiB, which cost 8 ms in 100 on a long ``git log``."""
AHEAD = 4 << 20
"""Bytes the queue holds at most: what git may run ahead of the parser. A bound in bytes, not
chunks: git writes in pieces of a few KiB, and a read takes what the pipe holds."""
EARLY = 32 << 20
"""Bytes the queue may hold before the parser first reads, for a command started before its
reader is ready: what git may write meanwhile without waiting."""
PIPE_BYTES = 1 << 20
"""The pipe size asked for (Linux's default ceiling for unprivileged processes)."""


def widen_pipe(stream: Any) -> None:
    """Ask for a wider pipe behind ``stream``; where the system refuses, the pipe stays as is."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError, ValueError):
        pass


class Prefetch(io.RawIOBase):
    """A raw reader over ``source`` (a binary stream) that a thread fills ahead of time."""

    def __init__(self, source: Any, chunk: int = CHUNK, ahead: int = AHEAD,
                 early: int = 0) -> None:
        super().__init__()
        self._source = source
        self._chunk = chunk
        self._ahead = ahead
        self._limit = max(ahead, early)  # the queue's bound: ``early`` until the first read
        self._queued = 0
        self._chunks: collections.deque[bytes] = collections.deque()
        self._cond = threading.Condition()
        self._ended = False
        self._stopping = False
        self._failure: BaseException | None = None
        self._pending = memoryview(b"")
        self._thread = threading.Thread(target=self._pump, name="git-output", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        """Move ``source``'s bytes into the queue until its end, a failure, or ``stop``."""
        try:
            while self._room():
                data = self._source.read(self._chunk)
                with self._cond:
                    if not data:
                        return
                    self._chunks.append(data)
                    self._queued += len(data)
                    self._cond.notify_all()
        except (OSError, ValueError) as exc:  # the stream failed or was closed under us
            self._failure = exc
        finally:
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def _room(self) -> bool:
        """Wait until the queue has room; False once the reader stopped."""
        with self._cond:
            while self._queued >= self._limit and not self._stopping:
                self._cond.wait()
            return not self._stopping

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Copy the next bytes into ``buffer``; 0 at the end of the output."""
        if not self._pending:
            with self._cond:
                while not self._chunks and not self._ended:
                    self._cond.wait()
                if not self._chunks:
                    if self._failure is not None:
                        raise OSError(f"reading git's output failed: {self._failure}")
                    return 0
                self._pending = memoryview(self._chunks.popleft())
                self._queued -= len(self._pending)
                self._limit = self._ahead
                self._cond.notify_all()
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def stop(self) -> None:
        """Stop reading ahead and wait for the thread: after this, ``source`` is ours to close.

        The thread's read in flight returns once git has written CHUNK more bytes or exited;
        what was read is dropped.
        """
        with self._cond:
            self._stopping = True
            self._chunks.clear()
            self._queued = 0
            self._cond.notify_all()
        self._thread.join()


HEAD_BYTES = 16 << 10
TAIL_BYTES = 48 << 10
"""What ``Drain`` keeps of a stream: its start and its end, where git puts its fatal line."""


class Drain:
    """Reads a stream (git's stderr) to its end on a thread of its own, keeping its first
    HEAD_BYTES and last TAIL_BYTES.

    git may write more to stderr than a pipe holds before it is done with stdout: a change's
    own ``.gitattributes`` can make it warn once per line per folder, megabytes of it. A
    stderr nobody reads until stdout ends would stop git there, and the check with it.
    """

    def __init__(self, source: Any) -> None:
        self._source = source
        self._head = bytearray()
        self._tail: collections.deque[bytes] = collections.deque()
        self._tail_bytes = 0
        self._dropped = False
        self._thread = threading.Thread(target=self._pump, name="git-stderr", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        try:
            while data := self._source.read1(CHUNK):
                self._keep(data)
        except (OSError, ValueError):  # closed under us: git was stopped
            pass

    def _keep(self, data: bytes) -> None:
        room = HEAD_BYTES - len(self._head)
        self._head += data[:room]
        if len(data) <= room:
            return
        self._tail.append(data[room:])
        self._tail_bytes += len(data) - room
        while self._tail_bytes - len(self._tail[0]) >= TAIL_BYTES:
            self._tail_bytes -= len(self._tail.popleft())
            self._dropped = True

    def result(self, timeout: float | None = None) -> bytes:
        """What was kept, once the stream ended (or ``timeout`` seconds passed): the start,
        and the end after a line saying that bytes between were left out."""
        self._thread.join(timeout)
        tail = b"".join(self._tail)[-TAIL_BYTES:]
        if self._dropped:
            return bytes(self._head) + b"\n[...]\n" + tail
        return bytes(self._head) + tail
