"""Run the fuzz targets on demand, far longer than CI does.

    python -m tests.fuzz.run [--cases 1000000] [--target NAME ...] [--seed 0] [--jobs 1]
                             [--out fuzz-crashes]

The cases are shared among the targets by weight (slow targets get fewer). It prints cases per
second for each target and in total, and writes each distinct crash, shrunk, to the output
folder: ``<target>-<id>.bin`` is the input and ``<target>-<id>.txt`` the traceback. It exits 1
when anything crashed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.fuzz import (
    test_casefiles,
    test_check,
    test_codeowners,
    test_coverage,
    test_diffs,
    test_notes,
    test_payloads,
    test_policy,
)
from tests.fuzz.engine import CORPUS_SECONDS, Stats, Target, fuzz, scratch

TARGETS: dict[str, Callable[[Path], Target]] = {
    "diff": test_diffs.diff_target,
    "raw": lambda _: test_diffs.RAW,
    "coverage": test_coverage.coverage_target,
    "payload": test_payloads.payload_target,
    "codeowners": lambda _: test_codeowners.TARGET,
    "notes": lambda _: test_notes.TARGET,
    "check": test_check.check_target,
    "policy": test_policy.policy_target,
    "casefile": test_casefiles.casefile_target,
}
CHUNK = 25_000
"""Cases per task: each task is one target, one seed, its own folder and process."""


def plan(names: list[str], cases: int, seed: int) -> list[tuple[str, int, int]]:
    """Tasks (target, cases, seed) sharing ``cases`` among ``names`` by weight."""
    with scratch() as folder:
        weights = {name: TARGETS[name](folder).weight for name in names}
    total = sum(weights.values())
    shares = {name: int(cases * weight / total) for name, weight in weights.items()}
    shares[names[0]] += cases - sum(shares.values())
    tasks = []
    for name, share in shares.items():
        for part, start in enumerate(range(0, share, CHUNK)):
            tasks.append((name, min(CHUNK, share - start), seed * 1_000 + part))
    return tasks


def _task(task: tuple[str, int, int]) -> Stats:
    name, cases, seed = task
    with scratch() as folder:
        return fuzz(TARGETS[name](folder), cases, seed, progress=_progress,
                    corpus_seconds=CORPUS_SECONDS)


def _progress(stats: Stats) -> None:
    print(f"  {stats.target}: {stats.cases:,} cases so far ({stats.rate:,.0f}/s)", flush=True)


def _results(tasks: list[tuple[str, int, int]], jobs: int) -> Iterator[Stats]:
    """Each task's stats as it finishes: here, or in ``jobs`` processes (each case is bounded in
    time by SIGALRM either way, as each task runs in a process's main thread)."""
    if jobs <= 1:
        yield from map(_task, tasks)
        return
    with multiprocessing.Pool(jobs) as pool:
        yield from pool.imap_unordered(_task, tasks)


def _save(stats: Stats, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for crash in stats.crashes.values():
        stem = out / f"{crash.target}-{crash.digest()}"
        stem.with_suffix(".bin").write_bytes(crash.data)
        stem.with_suffix(".txt").write_text(f"{crash.signature}\n{crash.error}\n\n{crash.trace}")
        print(f"  crash: {crash.signature}: {crash.error[:120]} -> {stem}.bin", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Fuzzes the chosen targets, saves the crashes found; 1 when there were any."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), dest="targets")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"))
    args = parser.parse_args(argv)
    names = args.targets or list(TARGETS)
    started = time.perf_counter()
    totals = {name: Stats(name) for name in names}
    tasks = plan(names, args.cases, args.seed)
    for stats in _results(tasks, args.jobs):
        totals[stats.target].merge(stats)
        print(f"{stats.target}: {stats.cases:,} cases in {stats.seconds:.1f} s "
              f"({stats.rate:,.0f}/s), slowest {stats.slowest:.2f} s, "
              f"{len(stats.crashes)} crashes", flush=True)
        _save(stats, args.out)
    wall = time.perf_counter() - started
    print("\ntarget       cases     cases/s  slowest  crashes")
    for stats in totals.values():
        print(f"{stats.target:<10} {stats.cases:>9,} {stats.rate:>9,.0f} {stats.slowest:>7.2f}s "
              f"{len(stats.crashes):>6}")
    cases = sum(s.cases for s in totals.values())
    crashes = sum(len(s.crashes) for s in totals.values())
    print(f"total      {cases:>9,} {cases / wall:>9,.0f}  in {wall:,.0f} s wall, {crashes} "
          f"distinct crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
