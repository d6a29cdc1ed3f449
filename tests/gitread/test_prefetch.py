"""Tests for reading git's stdout ahead of the parser, within a bound, and for draining its
stderr while its stdout is read."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from gatekeeper.errors import EXIT_POLICY_FAILURE
from gatekeeper.gitread import gitstream, prefetch
from gatekeeper.gitread.giterrors import complaint
from tests.conftest import GIT_ENV, make_repo

WARNING = b"[attr]m x not allowed: d1/.gitattributes:1\n"


def _drained(data: bytes) -> bytes:
    read, write = os.pipe()
    with os.fdopen(read, "rb") as source:
        drain = prefetch.Drain(source)

        def writer() -> None:
            with os.fdopen(write, "wb") as sink:
                sink.write(data)

        thread = threading.Thread(target=writer)
        thread.start()  # more than a pipe holds: it ends only if the drain reads as it goes
        thread.join(timeout=30)
        assert not thread.is_alive()
        return drain.result(timeout=30)


def test_a_short_stderr_is_kept_whole() -> None:
    assert _drained(b"fatal: bad revision 'x'\n") == b"fatal: bad revision 'x'\n"


def test_megabytes_of_warnings_keep_the_start_and_the_fatal_line_at_the_end() -> None:
    said = _drained(WARNING * 50_000 + b"fatal: unable to read tree 1234\n")
    assert len(said) <= prefetch.HEAD_BYTES + prefetch.TAIL_BYTES + 16
    assert said.startswith(WARNING) and b"\n[...]\n" in said
    assert said.endswith(b"fatal: unable to read tree 1234\n")
    assert complaint(said) == "unable to read tree 1234"


def test_a_change_whose_attributes_make_git_warn_megabytes_is_still_judged(
        tmp_path: Path) -> None:
    """git warns once per line of a folder's .gitattributes that defines a macro (only the
    top level may): a change can make `git diff` write megabytes to stderr before its patch
    ends. With stderr read only after stdout, git stopped on the full pipe and the check
    with it, until the CI job's own time limit."""
    repo = make_repo(tmp_path / "repo")
    for folder in range(60):
        repo.write(f"d{folder}/f.txt", "a\n")
    base = repo.commit("base")
    macros = "".join(f"[attr]m{n} x\n" for n in range(200))
    for folder in range(60):
        repo.write(f"d{folder}/.gitattributes", macros)
        repo.write(f"d{folder}/f.txt", "a\nb\n")
    repo.commit("warn")
    warned = subprocess.run(["git", "diff", base, "HEAD"], cwd=repo.path, capture_output=True,
                            env={**os.environ, **GIT_ENV}, check=True).stderr
    assert len(warned) > 256 << 10  # more than a pipe holds
    done = subprocess.run([sys.executable, "-m", "gatekeeper", "check", "--base", base],
                          cwd=repo.path, capture_output=True, timeout=60,
                          env={**os.environ, **GIT_ENV})
    assert done.returncode == EXIT_POLICY_FAILURE, done.stderr.decode()
    assert b"d0/.gitattributes" in done.stdout


def _settled_position(source: io.BufferedIOBase) -> int:
    """Where ``source`` stands once the thread filling a queue from it stopped reading."""
    before, deadline = -1, time.monotonic() + 10
    while source.tell() != before and time.monotonic() < deadline:
        before = source.tell()
        time.sleep(0.05)
    return before


def test_prefetch_bounds_its_queue_in_bytes_and_more_before_the_first_read() -> None:
    # git writes in pieces of a few KiB: a bound in chunks let it run only that far ahead
    data = bytes(range(256)) * 1000
    source = io.BufferedReader(io.BytesIO(data))
    ahead = prefetch.Prefetch(source, chunk=1000, ahead=5_000, early=60_000)
    assert 60_000 <= _settled_position(source) < 62_000  # started early: nobody reads yet
    reader = io.BufferedReader(ahead, buffer_size=1)
    first = reader.read(1)
    assert 60_000 <= _settled_position(source) < 62_000  # reading now: back to 5,000 ahead
    assert first + b"".join(iter(lambda: reader.read(4096), b"")) == data
    plain = io.BufferedReader(io.BytesIO(data))
    prefetch.Prefetch(plain, chunk=1000, ahead=5_000)
    assert 5_000 <= _settled_position(plain) < 7_000


class _CountedReads(io.RawIOBase):
    """A pipe's reading end that counts the reads made of it."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.source = os.fdopen(fd, "rb")
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        return self.source.read(size)

    def read1(self, size: int = -1) -> bytes:
        self.reads += 1
        return self.source.read1(size)


def test_output_written_in_small_pieces_is_taken_a_whole_chunk_at_a_time() -> None:
    """git writes a few KiB at a time; taking each piece as it came woke the reading thread
    and the parser once per piece."""
    read, write = os.pipe()
    source = _CountedReads(read)
    ahead = prefetch.Prefetch(source, chunk=64 << 10)
    piece = bytes(range(256)) * 16  # 4 KiB

    def writer() -> None:
        with os.fdopen(write, "wb", buffering=0) as sink:
            for _ in range(128):  # 512 KiB in all
                sink.write(piece)
                time.sleep(0.0005)  # the reader is idle meanwhile

    thread = threading.Thread(target=writer)
    thread.start()
    reader = io.BufferedReader(ahead)
    taken = b"".join(iter(lambda: reader.read(4096), b""))
    thread.join(timeout=30)
    assert taken == piece * 128
    assert source.reads <= 512 // 64 + 2  # whole chunks, then the end
    source.source.close()


def test_a_silent_git_that_is_abandoned_is_stopped_at_once() -> None:
    """A command started early and then not needed is killed before its reader is waited for:
    the reader's read in flight ends with the process, not with output that never comes."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    running = gitstream.Running(process, "log")
    started = time.monotonic()
    running.abandon()
    assert time.monotonic() - started < 30
    assert process.returncode is not None
