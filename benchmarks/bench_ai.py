"""Time AI detection over a long history of real-shaped commits against `git log` of them.

Run it as a script (``python benchmarks/bench_ai.py``). The commits are drawn, with a fixed
seed, from the labelled corpus of real commits (``../shared/corpus/ai-markers.jsonl`` beside the
checkout, or ``--corpus``): each keeps a real commit's author, committer and message. Without
the corpus they come from the synthetic generator of ai_accuracy.py, and the script says so.

Each round times, one after the other on the same repository, `git log` with the fields
gatekeeper reads, gatekeeper reading the commits (`read_commits`, which runs that `git log`)
and detecting markers in every commit; the medians of the rounds are compared. The target is
the whole, reading and detecting, at most twice `git log`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ai_accuracy import (
    AGENTS,
    DEFAULT_CORPUS,
    HUMANS,
    LOG_FORMAT,
    BenchError,
    Draft,
    build_repo,
    git,
    read_all,
    read_corpus,
    synthetic_message,
)

from gatekeeper.changeset.model import Commit
from gatekeeper.facts.ai.catalogue import Catalogue, load
from gatekeeper.facts.ai.detect import detect_commit

TARGET = 2.0
"""Reading and detecting, at most this many times `git log` of the same commits."""


def real_shaped(rows: Sequence[dict[str, Any]], count: int, seed: int) -> list[Draft]:
    """``count`` commits, each a corpus row's identities and message, drawn with ``seed``."""
    rng = random.Random(seed)
    return [Draft(row["author"], row["committer"], row["message"], row.get("date") or Draft.date)
            for row in (rng.choice(rows) for _ in range(count))]


def synthetic(count: int, seed: int) -> list[Draft]:
    """``count`` commits from ai_accuracy.py's generator, for when there is no corpus."""
    rng = random.Random(seed)
    return [Draft(rng.choice(AGENTS if rng.random() < 0.1 else HUMANS), rng.choice(HUMANS),
                  synthetic_message(rng)) for _ in range(count)]


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def evidence_digest(commits: Sequence[Commit], catalogue: Catalogue) -> tuple[int, str]:
    """How many pieces of evidence were found, and a digest of all of them in order."""
    digest = hashlib.sha256()
    found = 0
    for commit in commits:
        for item in detect_commit(commit, catalogue):
            digest.update(repr(item).encode("utf-8"))
            found += 1
        digest.update(b"\0")
    return found, digest.hexdigest()


def measure(path: Path, catalogue: Catalogue, repeat: int) -> dict[str, Any]:
    """Medians over ``repeat`` rounds (after one warm-up) of git log, reading and detecting."""
    def log() -> None:
        git(path, "log", "-z", "--encoding=UTF-8", f"--format=tformat:{LOG_FORMAT}", "main",
            "--")

    commits = read_all(path)

    def detect() -> None:
        for commit in commits:
            detect_commit(commit, catalogue)

    log()  # warm-up: git's caches, the catalogue's compiled patterns
    detect()
    rounds: dict[str, list[float]] = {"git_log_s": [], "read_s": [], "detect_s": []}
    for _ in range(repeat):
        rounds["git_log_s"].append(_seconds(log))
        rounds["read_s"].append(_seconds(lambda: read_all(path)))
        rounds["detect_s"].append(_seconds(detect))
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    found, digest = evidence_digest(commits, catalogue)
    flagged = sum(1 for commit in commits if detect_commit(commit, catalogue))
    floor = medians["git_log_s"]
    return {"commits": len(commits), "flagged": flagged, "evidence": found, "digest": digest,
            **{name: round(value, 4) for name, value in medians.items()},
            "rounds": rounds,
            "ratio": round((medians["read_s"] + medians["detect_s"]) / floor, 2),
            "detect_ratio": round(medians["detect_s"] / floor, 2),
            "read_ratio": round(medians["read_s"] / floor, 2)}


def print_report(report: dict[str, Any]) -> None:
    print(f"Commits: {report['commits']:,} {report['shape']} (seed {report['seed']}); "
          f"{report['flagged']:,} flagged, {report['evidence']:,} pieces of evidence")
    print(f"Evidence digest: {report['digest']}")
    print(f"Median of {report['repeat']} rounds (wall seconds), load average at the start "
          f"{report['load']}:")
    print(f"  git log --format=<gatekeeper's fields>   {report['git_log_s']:.3f}")
    print(f"  read_commits (runs that git log)          {report['read_s']:.3f}"
          f"   {report['read_ratio']:.2f}x git log")
    print(f"  detect_commit on every commit             {report['detect_s']:.3f}"
          f"   {report['detect_ratio']:.2f}x git log")
    met = report["ratio"] <= TARGET
    print(f"\n{'MET    ' if met else 'NOT MET'}  (read + detect) / git log: {report['ratio']:.2f}x "
          f"(target <= {TARGET})")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="The labelled JSON-lines corpus (default: %(default)s).")
    parser.add_argument("--commits", type=int, default=10_000,
                        help="Commits in the history (default: %(default)s).")
    parser.add_argument("--repeat", type=int, default=7,
                        help="Timed rounds; medians are reported (default: %(default)s).")
    parser.add_argument("--seed", type=int, default=20240115,
                        help="Seed of the draw (default: %(default)s).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    if args.commits < 1 or args.repeat < 1:
        parser.error("--commits and --repeat must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.corpus.is_file():
        rows = read_corpus(args.corpus)
        drafts, shape = real_shaped(rows, args.commits, args.seed), "real-shaped"
    else:
        print(f"corpus not found at {args.corpus}: synthetic commits instead", file=sys.stderr)
        drafts, shape = synthetic(args.commits, args.seed), "synthetic"
    try:
        with tempfile.TemporaryDirectory(prefix="gatekeeper-bench-ai-") as tmp:
            path = Path(tmp) / "history"
            build_repo(path, drafts)
            report = {"shape": shape, "seed": args.seed, "repeat": args.repeat,
                      "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
                      **measure(path, load(), args.repeat)}
    except BenchError as exc:
        print(f"bench_ai: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
