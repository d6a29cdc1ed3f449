"""Reading the contents of git objects (blobs and notes) through one ``git cat-file --batch``,
and blame's account of where lines came from.

GitRepo (in ``gitio``, the module that runs git) takes these methods from ObjectReads and
gives them the batch process; here each blob's bytes are read, measured or skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from gatekeeper.changeset.model import LineRange

T = TypeVar("T")
BlobHandler = Callable[[str, Any, int], None]
"""Called as ``handle(spec, stdout, size)`` to read exactly one blob's bytes and its newline."""


def skip(stream: Any, count: int) -> None:
    """Read past ``count`` bytes of ``stream``, or to its end."""
    while count > 0:
        chunk = stream.read(min(count, 1 << 16))
        if not chunk:
            return
        count -= len(chunk)


class ObjectReads:
    """The object reads of a GitRepo."""

    def run(self, *args: str, ok_codes: tuple[int, ...] = (0,)) -> tuple[int, str]:
        """Run git with ``args``: its exit status and stdout (GitRepo runs it)."""
        raise NotImplementedError

    def _blobs(self, names: list[str], handle: BlobHandler) -> None:
        """Call ``handle`` for each blob named, in one batch process (GitRepo runs it)."""
        raise NotImplementedError

    def stream(self, *args: str, attr_source: str | None = None
               ) -> AbstractContextManager[Any]:
        """Run git and yield its stdout as a binary file (GitRepo runs it)."""
        raise NotImplementedError

    def object_heads(self, limits: dict[str, int]) -> dict[str, tuple[bytes, int]]:
        """The first ``limits[spec]`` bytes and the size of each blob named; missing ones are
        left out."""
        return self.blob_heads(limits, lambda data, size: (data, size))

    def blob_heads(self, limits: dict[str, int], keep: Callable[[bytes, int], T]) -> dict[str, T]:
        """What ``keep`` makes of the first ``limits[spec]`` bytes and the size of each blob
        named (so that only what is needed of each stays in memory); missing ones are left
        out."""
        heads: dict[str, T] = {}

        def take(spec: str, stdout: Any, size: int) -> None:
            data = stdout.read(min(size, limits[spec]))
            skip(stdout, size - len(data) + 1)  # the rest, and the trailing newline
            heads[spec] = keep(data, size)

        self._blobs(list(limits), take)
        return heads

    def blob_heads_later(self, limits: dict[str, int],
                         keep: Callable[[bytes, int], T]) -> Callable[[], dict[str, T]]:
        """Start ``blob_heads`` in a thread, to read while other work goes on; the function
        returned waits for its result (or raises what it raised)."""
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["heads"] = self.blob_heads(limits, keep)
            except BaseException as exc:  # handed to the caller on join
                box["error"] = exc

        thread = threading.Thread(target=work, name="git-heads", daemon=True)
        thread.start()

        def result() -> dict[str, T]:
            thread.join()
            if "error" in box:
                raise box["error"]
            heads: dict[str, T] = box["heads"]
            return heads

        return result

    def line_counts(self, specs: list[str]) -> dict[str, int]:
        """How many lines each blob named has (a last line without a newline counts)."""
        counts: dict[str, int] = {}

        def count(spec: str, stdout: Any, size: int) -> None:
            lines, left, last = 0, size, b"\n"
            while left:
                chunk = stdout.read(min(left, 1 << 16))
                if not chunk:
                    break
                lines += chunk.count(b"\n")
                left -= len(chunk)
                last = chunk[-1:]
            skip(stdout, 1)
            counts[spec] = lines + (1 if size and last != b"\n" else 0)

        self._blobs(specs, count)
        return counts

    def read_notes(self, ref: str, objects: Iterable[str],
                   limit: int) -> tuple[dict[str, bytes], dict[str, int]]:
        """The notes on ``ref`` of each of ``objects`` that has one, and apart from them the
        size of each note larger than ``limit`` bytes, which is not read."""
        wanted = set(objects)
        status, out = self.run("notes", f"--ref={ref}", "list", ok_codes=(0, 1, 128))
        blobs: dict[str, list[str]] = {}
        for line in out.splitlines() if status == 0 else ():
            blob, _, annotated = line.partition(" ")
            if annotated in wanted:
                blobs.setdefault(blob, []).append(annotated)
        notes: dict[str, bytes] = {}
        too_big: dict[str, int] = {}

        def take(blob: str, stdout: Any, size: int) -> None:
            if size > limit:
                skip(stdout, size + 1)
                too_big.update(dict.fromkeys(blobs[blob], size))
                return
            data = stdout.read(size)
            skip(stdout, 1)
            notes.update(dict.fromkeys(blobs[blob], data))

        self._blobs(list(blobs), take)
        return notes, too_big

    def blame(self, head: str, path: str, ranges: Sequence[LineRange],
              since: str | None = None) -> bytes:
        """The ``git blame --porcelain`` output on where each line of ``path`` at ``head`` in
        ``ranges`` came from (git sorts and joins the ranges itself).

        With ``since``, history stops there: lines older than ``since`` are marked boundary
        lines, with no origin in the range. Root commits count as origins (a clone's shallow
        edge, or a change with no base).
        """
        args = ["blame", "--porcelain", "--root", "--no-textconv", "--no-ignore-revs-file"]
        args += [f"-L{first},{last}" for first, last in ranges]
        args += [f"{since}..{head}" if since else head, "--", path]
        with self.stream(*args) as out:
            return bytes(out.read())
