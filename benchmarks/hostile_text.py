"""Time of the worst-case texts a change author controls, against the size of the text.

Run it as a script (``python benchmarks/hostile_text.py``): it imports the shared harness from
harness.py, next to it. Each case builds the input that made a pattern backtrack the most (one
long line of a commit message, a PR/MR description, a waiver, a diff) at each size, times the
code that reads it (the median of ``--repeat`` runs, in this process), and prints the time per
size and its growth per doubling. Linear work doubles (2x); the quadratic patterns this replaces
quadrupled. Policy patterns that are accepted run on lines cut to a bounded length, so their
texts are many such lines. Patterns the policy check refuses are timed being refused, on a
short text being matched (they are exponential: each added character doubles the time), not on
long ones.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import json
import math
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness import fmt_ratio, print_targets, ratio

from gatekeeper.changeset.model import ChangeMeta, ChangeSet, Commit, Revisions, Trailer
from gatekeeper.common import regexcheck
from gatekeeper.common.globs import PathSet, compile_glob, wildcard
from gatekeeper.evaluation import waivers
from gatekeeper.facts.ai import catalogue, detect, review
from gatekeeper.facts.ai.entries import MarkerEntry
from gatekeeper.facts.codeowners import patterns
from gatekeeper.gitread import diffparse
from gatekeeper.rules import commits

SIZES = (10_000, 20_000, 40_000, 80_000)
MAX_EXPONENT = 1.4
"""The largest k in time ~ size**k, fitted from the smallest to the largest size, that still
counts as linear (1; a quadratic pattern gives 2, and each doubling four times the time)."""
Case = Callable[[int], Callable[[], object]]
"""A case: from a size in characters, the work to time."""

CATALOGUE = catalogue.load()
SOURCE = "https://example.com/policy"
# Accepted policy patterns (one loop each) at their slowest: searched on lines that never match.
POLICY_MARKERS = (
    {"id": "team-footer", "tool": "team", "kind": "footer", "strength": "assisted",
     "source": SOURCE, "pattern": r"\w+ assisted"},
    {"id": "team-description", "tool": "team", "kind": "description", "strength": "assisted",
     "source": SOURCE, "pattern": r"made with [^)]*\) by ai"},
)
POLICY_CATALOGUE = catalogue.load([MarkerEntry.model_validate(m) for m in POLICY_MARKERS])
REFUSED = (r"^(\w+\s?)*$", r"(a|b|ab)*c", r"\w+\s?\w+!", r".*foo.*bar")


class _Catalogue:
    trailer_keys = frozenset({"co-authored-by"})


def commit(body: str, subject: str = "change", trailers: tuple[Trailer, ...] = ()) -> Commit:
    return Commit("a" * 40, (), "Ada", "ada@example.com", "Ada", "ada@example.com", subject, body,
                  trailers)


def call(function: Callable[[str], object], text: Callable[[int], str]) -> Case:
    """One of the rewritten readers on one uncut hostile line of ``n`` characters."""
    return lambda n: functools.partial(function, text(n))


def lines(unit: str, width: int = detect.LINE_LIMIT) -> Callable[[int], str]:
    """Lines of ``width`` characters repeating ``unit``, ``n`` characters in all."""
    line = (unit * (width // len(unit) + 1))[:width]
    return lambda n: "\n".join([line] * max(1, n // (width + 1)))


def in_body(text: Callable[[int], str]) -> Case:
    """All commit detectors, with the built-in catalogue, on a message body."""
    return lambda n: functools.partial(detect.detect_commit, commit(text(n)), CATALOGUE)


def description(text: Callable[[int], str], chosen: catalogue.Catalogue = CATALOGUE) -> Case:
    """All description detectors on a PR/MR description."""
    return lambda n: functools.partial(review.detect_review, ChangeMeta(description=text(n)),
                                       chosen)


def waiver(n: int) -> Callable[[], object]:
    """Waiver requests, in a commit's trailer and in the description, of ``n`` characters."""
    value = "batch-size: a" + " " * n + "b"
    trailer = Trailer(waivers.TRAILER, value)
    change = ChangeSet(Revisions(mode="range"), (), (commit("", trailers=(trailer,)),),
                       meta=ChangeMeta(description=f"{waivers.TRAILER}: {value}\n"))
    return functools.partial(waivers.requests, change)


def diff_line(n: int) -> Callable[[], object]:
    """A diff file's line of ``Binary files a and a and ...``: refused, after reading it."""
    data = [b"diff --git a/x b/x\n", b"Binary files " + b"a and " * (n // 6) + b"\n"]

    def parse() -> None:
        with contextlib.suppress(diffparse.DiffInputError):
            list(diffparse.parse_patch(data))
    return parse


def subjects(n: int) -> Callable[[], object]:
    """subject_pattern ^\\w+ fix on subjects at the length limit, ``n`` characters in all."""
    config = commits.Config.model_validate(
        {"id": "hygiene", "kind": "commits", "subject_pattern": r"^\w+ fix"})
    subject = "a" * commits.MATCHED_SUBJECT
    many = [commit("", subject)] * max(1, n // len(subject))
    return lambda: [commits.inspect(c, config) for c in many]


HOSTILE_LINES = ("Co-authored-by: x" + " " * 980 + "y", "Co-authored-by: <" + "@" * 980,
                 "Co-authored-by: " + "@" * 980 + "<")
CASES: dict[str, Case] = {
    # The rewritten readers, each on one uncut line.
    "trailer line: key, spaces, text": call(
        lambda line: detect.shaped_trailer(line, _Catalogue()),  # type: ignore[arg-type]
        lambda n: "Co-authored-by: x" + " " * n + "y"),
    "<address>: '<' then '@'s": call(detect._address, lambda n: "<" + "@" * n),
    "bare address: '@'s then '<'": call(detect._address, lambda n: "@" * n + "<"),
    "waiver value: spaces, then text": waiver,
    "diff: Binary files a and a ...": diff_line,
    "author wildcard *a*b*c*d": call(wildcard("*a*b*c*d").fullmatch, lambda n: "ab" * (n // 2)),
    "path glob *a*a*a*b, one long name": call(compile_glob("*a*a*a*b").matches,
                                              lambda n: "a" * n),
    "path glob **/a/**/a/**/b, many folders": call(PathSet(["**/a/**/a/**/b", "x"]).matches,
                                                   lambda n: "a/" * (n // 2)),
    "CODEOWNERS name of unclosed '['": call(
        lambda text: patterns._segment.__wrapped__(text, "gitlab"),  # uncached
        lambda n: "[" * n),
    # Every detector with the built-in markers, on messages of hostile lines.
    "commit body, lines of the above": in_body(
        lambda n: "\n".join(HOSTILE_LINES * max(1, n // 3000))),
    "description, built-in markers": description(lines("Generated with ")),
    # Accepted policy patterns (one loop each) on lines cut to LINE_LIMIT.
    "policy \\w+ assisted, long lines": description(lines("a"), POLICY_CATALOGUE),
    "policy made with [^)]*, long lines": description(lines("made with ("), POLICY_CATALOGUE),
    "subject_pattern ^\\w+ fix": subjects,
}


def median_time(work: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` samples, each the mean of as many calls as fill 20 ms."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            work()
        if time.perf_counter() - start >= 0.02 or calls >= 1 << 16:
            break
        calls *= 4
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            work()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def run_case(case: Case, sizes: Sequence[int], repeat: int) -> list[float]:
    return [median_time(case(n), repeat) for n in sizes]


def refusals(repeat: int) -> list[tuple[str, float, bool]]:
    """Each refused pattern, the median time to refuse it, and whether it was refused."""
    out = []
    for pattern in REFUSED:
        regexcheck._problem.cache_clear()
        seconds = median_time(lambda p=pattern: regexcheck.problem(p), repeat)
        out.append((pattern, seconds, regexcheck.problem(pattern) is not None))
    return out


def exponential_sample() -> list[tuple[int, float]]:
    """What one refused pattern costs where it is not refused: seconds against length."""
    pattern = re.compile(r"^(\w+\s?)*$")
    found = []
    for length in (16, 18, 20, 22):
        start = time.perf_counter()
        pattern.match("a" * length + "!")
        found.append((length, time.perf_counter() - start))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="text sizes in characters, each double the one before")
    parser.add_argument("--repeat", type=int, default=7, help="runs per size (the median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    width = max(len(name) for name in CASES)
    print(f"{'case':<{width}}  " + "  ".join(f"{n // 1000:>6}k" for n in sizes)
          + "  growth per doubling, and k in time ~ size**k")
    report: dict[str, Any] = {"sizes": sizes, "repeat": args.repeat, "cases": {},
                              "targets": {}}
    for name, case in CASES.items():
        times = run_case(case, sizes, args.repeat)
        growth = [ratio(b, a) for a, b in itertools.pairwise(times)]
        power = round(math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0]), 2)
        print(f"{name:<{width}}  " + "  ".join(f"{t * 1000:6.2f}ms" for t in times) + "  "
              + " ".join(fmt_ratio(g) for g in growth) + f"  k={power}")
        report["cases"][name] = {"seconds": times, "growth": growth, "exponent": power}
        report["targets"][name] = {"name": f"{name}: k in time ~ size**k", "value": power,
                                   "target": f"<= {MAX_EXPONENT}", "met": power <= MAX_EXPONENT}
    print("\nrefused at validate (each would be exponential on text that does not match):")
    for pattern, seconds, refused in refusals(args.repeat):
        print(f"  {pattern:<16} {'refused' if refused else 'ACCEPTED'} in {seconds * 1000:.1f}ms")
        report["targets"][pattern] = {"name": f"{pattern} refused", "value": refused,
                                      "target": True, "met": refused}
    print("\nfor scale, ^(\\w+\\s?)*$ matched the old way on 'aaa...!':")
    print("  " + ", ".join(f"{n} chars {s:.2f}s" for n, s in exponential_sample()))
    print_targets(report["targets"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
