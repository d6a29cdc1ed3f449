"""The mutation engine every fuzz target shares: seeded mutations of a corpus, a runner that
bounds each case in time, and crash records with a shrunk reproducer.

A crash is any exception that is not gatekeeper's own error (``GatekeeperError``, or what a
target declares as its documented refusal), a case that outlives its time budget, or one of
gatekeeper's errors rendered on more than one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import signal
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, settings

from gatekeeper.errors import GatekeeperError
from tests.fuzz import mutations

CASE_SECONDS = 10.0
"""A case slower than this is a hang: every target reads small inputs in milliseconds."""
MAX_CORPUS = 2_000
CORPUS_SECONDS = 0.25
"""For long runs: inputs slower than this do not join the corpus, however new their outcome, as
mutants of a slow input are slow too and a few of them would take most of the run. CI runs do
without it, so that which inputs join depends on nothing but the seed."""
HYPOTHESIS = settings(deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
"""Reproducible property tests: the same examples on every CI run, no example database."""
_VOLATILE = re.compile(r"'[^']*'|\"[^\"]*\"|[0-9]+|\S*[/\\]\S*")
_RAM = "/dev/shm"  # Linux's RAM-backed folder, where there is one


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A temporary folder for the inputs targets read from files: in memory where the system
    has such a folder, as writing the same small file thousands of times costs milliseconds
    each on some disks and microseconds there."""
    where = _RAM if os.path.isdir(_RAM) and os.access(_RAM, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="gatekeeper-fuzz-", dir=where) as folder:
        yield Path(folder)


class CaseTimeout(BaseException):
    """A case ran past its time budget (a BaseException, so no ``except Exception`` eats it)."""


@dataclass(frozen=True)
class Target:
    """One kind of input: how to build seeds, how to run one case, and what it may refuse with."""

    name: str
    seeds: Callable[[], Sequence[bytes]]
    run: Callable[[bytes], str]
    """Runs one case; returns a short label of what happened (for the outcome counts)."""
    tokens: tuple[bytes, ...] = ()
    """Words of the format, inserted and swapped by the mutator."""
    generate: Callable[[random.Random], bytes] | None = None
    """Builds a fresh, mostly well-formed input from a random source."""
    refusals: tuple[type[BaseException], ...] = (GatekeeperError,)
    weight: float = 1.0
    """Share of an on-demand run's cases, against the other targets (slow targets get less)."""
    fresh: float = 0.3
    """Share of cases built by ``generate`` (half of them then mutated), not mutated seeds."""


@dataclass
class Crash:
    """One distinct crash: where it happened, and the smallest input found that does it."""

    target: str
    signature: str
    error: str
    trace: str
    data: bytes

    def digest(self) -> str:
        """A short name for the crash, the same on every run that finds it."""
        return hashlib.sha256(self.signature.encode()).hexdigest()[:12]


@dataclass
class Stats:
    """What a run did: cases, time, outcome counts and distinct crashes."""

    target: str
    cases: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: dict[str, Crash] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Cases per second."""
        return self.cases / self.seconds if self.seconds else 0.0

    def merge(self, other: Stats) -> None:
        """Add another run of the same target."""
        self.cases += other.cases
        self.seconds += other.seconds
        self.slowest = max(self.slowest, other.slowest)
        self.outcomes.update(other.outcomes)
        for key, crash in other.crashes.items():
            self.crashes.setdefault(key, crash)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise CaseTimeout after ``seconds`` (SIGALRM, main thread only; elsewhere unbounded)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise CaseTimeout(f"case ran past {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException) -> str:
    """The innermost frame in gatekeeper's package (else the innermost at all)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/gatekeeper/" in f.filename.replace("\\", "/")]
    if not (ours or frames):
        return "?"
    frame = (ours or frames)[-1]
    return f"{frame.filename.replace(chr(92), '/').rsplit('/gatekeeper/', 1)[-1]}:{frame.lineno}"


def label_of(exc: BaseException) -> str:
    """An outcome label for a refusal: its type and the message without the input's words."""
    message = exc.message if isinstance(exc, GatekeeperError) else str(exc)
    return f"{type(exc).__name__}: {_VOLATILE.sub('_', message)[:48]}"


def attempt(target: Target, data: bytes, seconds: float = CASE_SECONDS) -> tuple[str, Crash | None]:
    """Run one case: its outcome label, and the crash if it crashed."""
    try:
        with time_limit(seconds):
            return target.run(data), None
    except KeyboardInterrupt:
        raise
    except target.refusals as exc:
        if isinstance(exc, GatekeeperError) and ("\n" in exc.render() or "\r" in exc.render()):
            return "crash", _crash(target, data, exc, "multi-line message")
        return label_of(exc), None
    except BaseException as exc:  # anything else is what the fuzzer looks for
        return "crash", _crash(target, data, exc, type(exc).__name__)


def _crash(target: Target, data: bytes, exc: BaseException, kind: str) -> Crash:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Crash(target.name, f"{kind} at {_where(exc)}", f"{type(exc).__name__}: {exc}"[:500],
                 text, data)


def fuzz(target: Target, cases: int, seed: int = 0, *, seconds: float = CASE_SECONDS,
         progress: Callable[[Stats], None] | None = None,
         corpus_seconds: float | None = None) -> Stats:
    """Run ``cases`` inputs: every seed once, then mutants and fresh generated inputs.

    Inputs that reach an outcome not seen before join the corpus (with ``corpus_seconds``, only
    if they were that quick), so later mutations start from the deepest places reached so far.
    """
    rng = random.Random(f"{target.name}:{seed}")
    seeds = list(target.seeds())
    found: list[bytes] = []
    stats = Stats(target.name)
    started = time.perf_counter()
    for index in range(cases):
        data = seeds[index] if index < len(seeds) else _next(rng, target, seeds, found)
        began = time.perf_counter()
        label, crash = attempt(target, data, seconds)
        took = time.perf_counter() - began
        stats.slowest = max(stats.slowest, took)
        if crash is not None and crash.signature not in stats.crashes:
            stats.crashes[crash.signature] = shrink(target, crash, seconds)
        if (label not in stats.outcomes and len(found) < MAX_CORPUS and index >= len(seeds)
                and (corpus_seconds is None or took < corpus_seconds)):
            found.append(data)
        stats.outcomes[label] += 1
        stats.cases += 1
        if progress is not None and stats.cases % 5_000 == 0:
            stats.seconds = time.perf_counter() - started
            progress(stats)
    stats.seconds = time.perf_counter() - started
    return stats


def _next(rng: random.Random, target: Target, seeds: list[bytes], found: list[bytes]) -> bytes:
    roll = rng.random()
    if target.generate is not None and roll < target.fresh:
        fresh = target.generate(rng)
        return fresh if roll < target.fresh / 2 else mutations.mutate(rng, fresh, seeds,
                                                                        target.tokens)
    pool = found if found and rng.random() < 0.4 else seeds
    return mutations.mutate(rng, rng.choice(pool), seeds, target.tokens)


def shrink(target: Target, crash: Crash, seconds: float = CASE_SECONDS,
           budget: float = 20.0) -> Crash:
    """The crash with its input cut down while the same crash reproduces (greedy, bounded)."""
    best = crash
    stop = time.perf_counter() + budget
    chunk = max(1, len(best.data) // 2)
    while chunk >= 1 and time.perf_counter() < stop:
        at, cut = 0, False
        while at < len(best.data) and time.perf_counter() < stop:
            trial = best.data[:at] + best.data[at + chunk:]
            _, again = attempt(target, trial, seconds)
            if again is not None and again.signature == best.signature:
                best, cut = again, True
            else:
                at += chunk
        if not cut:
            chunk //= 2
    return best


def report(stats: Stats) -> str:
    """Every crash of a run, for an assertion message: signature, error, input and trace."""
    parts = [f"{len(stats.crashes)} crash(es) in {stats.cases} {stats.target} cases:"]
    for crash in stats.crashes.values():
        parts.append(f"--- {crash.signature}\n{crash.error}\ninput: {crash.data[:600]!r}\n"
                     f"{crash.trace[-2500:]}")
    return "\n".join(parts)


def check(stats: Stats, cases: int, *, refused: bool = True, passed: bool = True) -> None:
    """Assert a CI run: every case ran, none crashed, and both outcomes were reached (a fuzz
    that only ever reaches one of them tests little)."""
    assert stats.cases == cases, (stats.cases, cases)
    assert not stats.crashes, report(stats)
    labels = set(stats.outcomes)
    if passed:
        assert labels - {"crash"} - {k for k in labels if ": " in k}, stats.outcomes
    if refused:
        assert any(": " in k for k in labels), stats.outcomes
