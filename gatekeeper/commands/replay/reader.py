"""Reads the change set of each change, from the cache or from git, in parallel.

Git is read by worker processes (``--jobs``), each with its own git runner; a worker hands
back the change set as the cache's JSON text, which this process stores and decodes. At most a
few change sets per worker are in flight at once, so memory stays flat however long the
history is. A change git cannot diff, or one too large to keep, comes back as a skip reason.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from gatekeeper.changeset.model import ChangeSet, Revisions
from gatekeeper.commands.replay.cache import CODEC, Cache, key
from gatekeeper.commands.replay.history import Change
from gatekeeper.common.records import record
from gatekeeper.errors import GatekeeperError
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo

MAX_FILES = 50_000
"""Files a change may touch before it is skipped as too large to judge usefully."""
MAX_STORED = 256 << 20
"""Characters of a change set's JSON the cache keeps; a larger change is skipped."""
IN_FLIGHT = 4
"""Changes submitted per worker ahead of the one being read back."""


@record
class Options:
    """What shapes a change set besides its range (part of every cache key)."""

    root: str
    find_copies: bool = False
    texts: collect.Wants | None = None
    texts_key: str = ""
    """``texts`` in words: which files' line text the flag scan wants."""
    max_files: int = MAX_FILES


def revisions(change: Change) -> Revisions:
    """The revisions of ``check --base <base> --head <head>`` on the change."""
    return Revisions(mode="range", base_ref=change.base, base_sha=change.base,
                     base_reason="given with --base", head_ref=change.head,
                     head_sha=change.head, merge_base=change.base,
                     head_reason="given with --head", context="local run")


def read_one(repo: GitRepo, change: Change, options: Options) -> tuple[str, str]:
    """``("ok", json)`` with the change set as the cache stores it, or ``("skip", reason)``."""
    try:
        changeset = collect.from_git(repo, revisions(change), find_copies=options.find_copies,
                                     texts=options.texts)
    except GatekeeperError as exc:
        return "skip", f"git could not diff it: {exc.message}"
    except MemoryError:
        return "skip", "too large to read into memory"
    if len(changeset.files) > options.max_files:
        return "skip", (f"huge change: {len(changeset.files)} files (more than "
                        f"{options.max_files} are not judged)")
    text = CODEC.dumps(changeset)
    if len(text) > MAX_STORED:
        return "skip", f"huge change: its change set takes {len(text) >> 20} MB"
    return "ok", text


_WORKER: dict[str, Any] = {}


def _start(options: Options) -> None:
    """Worker initialiser: one git runner per worker process, and Ctrl-C left to the command.

    A worker waiting for its next change when Ctrl-C reaches the whole process group would
    die of KeyboardInterrupt there, outside any task, and multiprocessing prints a traceback.
    The command itself stops the pool; the git a worker runs still dies of Ctrl-C, since a
    handler (unlike SIG_IGN) does not pass to the programs a process starts.
    """
    signal.signal(signal.SIGINT, _leave_to_the_command)
    _WORKER["repo"] = GitRepo.discover(options.root, gitpython=True)
    _WORKER["options"] = options


def _leave_to_the_command(signum: int, frame: object) -> None:
    """A worker's Ctrl-C: nothing to do here (see ``_start``)."""


def _work(change: Change) -> tuple[str, str]:
    return read_one(_WORKER["repo"], change, _WORKER["options"])


def span_key(change: Change, options: Options, git: str) -> str:
    """The cache key of a change's range as read: repository, range, diff options and git."""
    return key("changeset", options.root, change.base, change.head, options.find_copies,
               "head attributes", git)


def cache_key(change: Change, options: Options, git: str) -> str:
    """The cache key of a change's change set: its range's, and the line text kept."""
    return key(span_key(change, options, git), options.texts_key)


Read = tuple[Change, "ChangeSet | str"]
"""A change with its change set, or with the reason it was skipped."""


@record(frozen=False)
class Reader:
    """Reads change sets for changes in order: cached ones at once, the rest by the workers."""

    repo: GitRepo
    cache: Cache
    options: Options
    jobs: int = 1

    def read(self, changes: Iterable[Change]) -> Iterator[Read]:
        """Each change with its change set or skip reason, in the order given."""
        git = ".".join(str(n) for n in self.repo.runner.version())
        if self.jobs <= 1:
            for change in changes:
                yield change, self._one(change, git, lambda c: read_one(self.repo, c,
                                                                        self.options))
            return
        pool = ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=_start,
                                   initargs=(self.options,))
        try:
            yield from self._parallel(pool, changes, git)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _parallel(self, pool: Executor, changes: Iterable[Change], git: str) -> Iterator[Read]:
        window: list[tuple[Change, ChangeSet | str | Future[tuple[str, str]]]] = []
        for change in changes:
            window.append((change, self._cached(change, git) or pool.submit(_work, change)))
            while sum(isinstance(w[1], Future) for w in window) > self.jobs * IN_FLIGHT:
                yield self._settle(window.pop(0), git)
        while window:
            yield self._settle(window.pop(0), git)

    def _settle(self, pending: tuple[Change, ChangeSet | str | Future[tuple[str, str]]],
                git: str) -> Read:
        change, found = pending
        if isinstance(found, Future):
            return change, self._store(change, git, found.result())
        return change, found

    def _cached(self, change: Change, git: str) -> ChangeSet | str | None:
        if change.skipped is not None:
            return change.skipped
        if self.options.texts is not None:
            return self.cache.get(cache_key(change, self.options, git))
        # No line text wanted: an entry that kept some serves, without it.
        found = self.cache.get(cache_key(change, self.options, git),
                               span_key(change, self.options, git))
        return None if found is None else replace(found, texts={}, unscanned=())

    def _one(self, change: Change, git: str,
             read: Callable[[Change], tuple[str, str]]) -> ChangeSet | str:
        return self._cached(change, git) or self._store(change, git, read(change))

    def _store(self, change: Change, git: str, result: tuple[str, str]) -> ChangeSet | str:
        status, text = result
        if status != "ok":
            return text
        self.cache.put(cache_key(change, self.options, git), span_key(change, self.options, git),
                       text)
        changeset: ChangeSet = CODEC.loads(text)
        return changeset


def _context() -> Any:
    """fork where it is safe and fast (Linux); the platform's default elsewhere."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
