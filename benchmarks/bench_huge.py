"""Benchmark `gatekeeper check` on huge change sets against `git diff -M` of the same commits.

Two generated change sets, each in a packed repository with the head checked out (as a CI
clone is):

- ``huge``: shaped like Django 4.2 -> 5.2 (about 2,090 files, 227k diff lines): mostly modified
  modules with a few small hunks each, some added, deleted and renamed ones.
- ``many``: 50,000 touched files of a few lines each.

``--repo PATH --base REV --head REV`` measures a real repository as a third case. Each case
measures `git diff -M`, `gatekeeper check` (console) and `gatekeeper check --format json`
(medians of --repeat runs, wall time and the child's peak RSS) and prints the ratios. The three
run in interleaved rounds, so that the machine's changing speed weighs on both sides of a ratio.
``--save-reports DIR`` writes each case's JSON report, and ``--compare-reports DIR`` fails
unless the reports are byte-identical to the ones saved there, to prove a change to the reading
of change sets changes no output.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_check import LANGS, WORDS, _edit, _lines, _path
from harness import (
    BenchError,
    Row,
    bench_env,
    bench_main,
    bench_parser,
    environment,
    fmt_ratio,
    gatekeeper_command,
    git,
    init_repo,
    interleaved,
    measure,
    prepare_repo,
    print_measurements,
    print_targets,
    ratio,
    text_of,
)

GENERATOR_VERSION = 1
"""Bump when a generated repository changes, so a reused --workdir is rebuilt."""
TARGETS = {"huge": (1.5, 2.0), "many": (4.0, None), "real": (1.5, 2.0)}
"""Per case: the wall time ratio and the peak RSS ratio to reach (None: no memory target)."""
HUGE_PLAN = {"modified": 1_820, "added": 220, "deleted": 43, "renamed": 6, "unchanged": 300}
MANY_FILES = 50_000


def _fast_import(repo: Path, commits: Sequence[tuple[str, dict[str, str], list[str]]]) -> None:
    """Write ``commits`` (message, files, deletions) on main with one `git fast-import`."""
    out = bytearray()
    for number, (message, files, gone) in enumerate(commits, 1):
        body = message.encode()
        out += (b"commit refs/heads/main\nmark :%d\ncommitter Bench <b@example.com> "
                b"1705320000 +0000\ndata %d\n%s\n" % (number, len(body), body))
        if number > 1:
            out += b"from :%d\n" % (number - 1)
        for path in gone:
            out += b"D %s\n" % path.encode()
        for path, text in files.items():
            data = text.encode()
            out += b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)
    result = subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, env=bench_env(),
                            input=bytes(out), capture_output=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"git fast-import failed: {result.stderr.decode(errors='replace')}")


def _finish(repo: Path) -> tuple[str, str]:
    """Pack the objects and check the head out, as in a CI clone; return base and head."""
    git(repo, "repack", "-adq")
    git(repo, "checkout", "-qf", "main")
    return git(repo, "rev-parse", "main~1"), git(repo, "rev-parse", "main")


def build_huge(repo: Path, seed: int, scale: float) -> tuple[str, str]:
    """A Django-release-shaped change: small edits to many modules, some added and removed."""
    rng = random.Random(seed)
    plan = {k: max(1, round(v * scale)) for k, v in HUGE_PLAN.items()}
    base: dict[str, str] = {}
    head: dict[str, str] = {}
    gone: list[str] = []
    counter = iter(range(10**9))
    for kind, count in plan.items():
        for _ in range(count):
            lang = rng.choice(LANGS)
            path = _path(rng, lang, next(counter))
            lines = _lines(rng, lang, rng.randint(60, 420))
            if kind == "added":
                head[path] = text_of(lines)
                continue
            base[path] = text_of(lines)
            if kind == "modified":
                head[path] = text_of(_edit(rng, lines, lang, rng.uniform(0.05, 0.3)))
            elif kind == "renamed":
                head[_path(rng, lang, next(counter), "src/moved")] = base[path]
                gone.append(path)
            elif kind == "deleted":
                gone.append(path)
    init_repo(repo)
    _fast_import(repo, [("Base release", base, []), ("Next release", head, gone)])
    return _finish(repo)


def build_many(repo: Path, seed: int, scale: float) -> tuple[str, str]:
    """50,000 files of a few lines, each touched by a one-line edit."""
    rng = random.Random(seed)
    base: dict[str, str] = {}
    head: dict[str, str] = {}
    for index in range(max(1, round(MANY_FILES * scale))):
        path = f"pkg/{rng.choice(WORDS)}/{index % 500}/mod_{index}.py"
        lines = _lines(rng, "py", rng.randint(4, 9))
        base[path] = text_of(lines)
        lines[rng.randrange(len(lines))] = f"    value = {index}  # touched"
        head[path] = text_of(lines)
    init_repo(repo)
    _fast_import(repo, [("Base", base, []), ("Touch every file", head, [])])
    return _finish(repo)


def _check(gk: list[str], base: str, head: str, json_format: bool) -> list[str]:
    return [*gk, "check", "--base", base, "--head", head,
            *(["--format", "json"] if json_format else [])]


def json_report(gk: list[str], repo: Path, base: str, head: str) -> bytes:
    """The JSON report of the case, checked to be a verdict (exit 0 or 1)."""
    done = subprocess.run(_check(gk, base, head, True), cwd=repo, env=bench_env(),
                          capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise BenchError(f"gatekeeper check exited with {done.returncode}: "
                         f"{done.stderr.decode(errors='replace').strip()[-2000:]}")
    return done.stdout


def _reports(args: argparse.Namespace, name: str, report: bytes) -> str | None:
    """Save or compare the case's JSON report; the comparison's result in words."""
    if args.save_reports is not None:
        args.save_reports.mkdir(parents=True, exist_ok=True)
        (args.save_reports / f"{name}.json").write_bytes(report)
    if args.compare_reports is None:
        return None
    saved = (args.compare_reports / f"{name}.json").read_bytes()
    if saved != report:
        raise BenchError(f"the {name} JSON report differs from the one saved in "
                         f"{args.compare_reports} ({len(saved)} and {len(report)} bytes)")
    return "byte-identical"


def run_case(args: argparse.Namespace, name: str, repo: Path, base: str, head: str,
             workdir: Path) -> dict[str, Any]:
    """Measure one case: git, the console check and the JSON check, and their ratios."""
    gk = gatekeeper_command(args.gatekeeper)
    same = _reports(args, name, json_report(gk, repo, base, head))
    err = workdir / "gatekeeper-bench-huge.stderr"
    numstat = git(repo, "diff", "-M", "--shortstat", base, head)
    results = interleaved({"git_diff": ["git", "diff", "-M", base, head],
                           "console": _check(gk, base, head, False),
                           "json": _check(gk, base, head, True)},
                          repo, err, args.repeat, args.warmup, case=name)
    git_m = results["git_diff"]
    ratios = {f"{k}_{what}": ratio(getattr(results[k], attr), getattr(git_m, attr))
              for k in ("console", "json") for what, attr in (("time", "wall"),
                                                               ("rss", "rss_mib"))}
    time_target, rss_target = TARGETS[name]
    targets = {}
    for fmt in ("console", "json"):
        value = ratios[f"{fmt}_time"]
        targets[f"{name}_{fmt}_time"] = {
            "name": f"{name}: check ({fmt}) time / git diff -M", "target": f"<= {time_target}",
            "value": value, "met": value is not None and value <= time_target}
        if rss_target is not None:
            value = ratios[f"{fmt}_rss"]
            targets[f"{name}_{fmt}_rss"] = {
                "name": f"{name}: check ({fmt}) peak RSS / git diff -M",
                "target": f"<= {rss_target}", "value": value,
                "met": value is not None and value <= rss_target}
    return {"shortstat": numstat, "base": base, "head": head, "reports": same,
            "results": {k: m.as_dict() for k, m in results.items()}, "ratios": ratios,
            "targets": targets}


def print_table(report: dict[str, Any]) -> None:
    print(f"Runs: median of {report['repeat']}; RSS floor of a measured child (`true`): "
          f"{report['rss_floor_mib']:.1f} MiB; load average before: {report['load']}")
    targets: dict[str, Any] = {}
    for name, case in report["cases"].items():
        res, ratios = case["results"], case["ratios"]
        print(f"\n{name}: {case['shortstat']}"
              + (f" (JSON report {case['reports']})" if case["reports"] else ""))
        rows: list[Row] = [
            ("git diff -M", res["git_diff"], ("1.00x", "1.00x")),
            ("gatekeeper check", res["console"],
             (fmt_ratio(ratios["console_time"]), fmt_ratio(ratios["console_rss"]))),
            ("gatekeeper check --format json", res["json"],
             (fmt_ratio(ratios["json_time"]), fmt_ratio(ratios["json_rss"])))]
        print_measurements(("command", "wall s", "peak RSS MiB", "CPU s", "time/git",
                            "mem/git"), (32, 8, 13, 8, 9, 9), rows, report["rss_floor_mib"])
        print(_cpu_floor(res, report["cores"]))
        targets.update(case["targets"])
    print_targets(targets)


def _cpu_floor(results: dict[str, Any], cores: int) -> str:
    """The shortest wall time the console check's CPU time allows on ``cores`` cores, were
    every core kept busy from start to end, as a ratio to git's: a time ratio below it needs
    less CPU, not more overlap."""
    cpu, git_wall = results["console"]["median_cpu_s"], results["git_diff"]["median_wall_s"]
    floor = cpu / cores
    return (f"CPU floor: the check and its git processes use {cpu:.3f} s of CPU; on {cores} "
            f"cores no schedule takes under {floor:.3f} s, {fmt_ratio(ratio(floor, git_wall))} "
            "git diff -M")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "unknown"


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    load = _load()
    cases: dict[str, dict[str, Any]] = {}
    wanted = args.cases.split(",")
    for name, build in (("huge", build_huge), ("many", build_many)):
        if name not in wanted:
            continue
        repo, base, head, _ = prepare_repo(workdir, args.seed, args.scale,
                                           dirname=f"gatekeeper-bench-{name}",
                                           marker_name="gatekeeper-bench-huge.json",
                                           generator=GENERATOR_VERSION, build=build)
        cases[name] = run_case(args, name, repo, base, head, workdir)
    if args.repo is not None:
        if not (args.base and args.head):
            raise BenchError("--repo needs --base and --head")
        repo = args.repo.resolve()
        cases["real"] = run_case(args, "real", repo, git(repo, "rev-parse", args.base),
                                 git(repo, "rev-parse", args.head), workdir)
    floor = measure("floor (true)", ["true"], workdir, workdir / "floor.stderr", 3, 0)
    any_repo = args.repo or workdir / f"gatekeeper-bench-{wanted[0]}"
    return {"repeat": args.repeat, "load": load, "rss_floor_mib": round(floor.rss_mib, 2),
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
            "environment": environment(Path(any_repo)), "cases": cases}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    def tool_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cases", default="huge,many", help="Generated cases to run, "
                            "comma-separated: huge, many (default: %(default)s).")
        parser.add_argument("--repo", type=Path, help="Also measure this real repository.")
        parser.add_argument("--base", help="The base revision of --repo's change.")
        parser.add_argument("--head", help="The head revision of --repo's change.")
        parser.add_argument("--save-reports", type=Path, metavar="DIR",
                            help="Write each case's JSON report to DIR/<case>.json.")
        parser.add_argument("--compare-reports", type=Path, metavar="DIR",
                            help="Fail unless each case's JSON report equals DIR/<case>.json.")

    parser = bench_parser(
        "Compare `gatekeeper check` (console and JSON) with `git diff -M` on a huge change "
        "and on 50,000 touched files.", repeat=5, seed=20250401, seeded="repositories",
        below="the change sets are smaller than the targets assume", tool_options=tool_options)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or args.scale <= 0:
        parser.error("--repeat must be >= 1, --warmup >= 0, --scale > 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main("bench_huge", "gatekeeper-bench-huge-", parse_args(argv), run, print_table)


if __name__ == "__main__":
    sys.exit(main())
