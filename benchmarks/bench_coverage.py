"""Benchmark `gatekeeper check --coverage` against diff-cover on a large change and report.

Run it as a script (``python benchmarks/bench_coverage.py``): it imports the shared harness from
harness.py, next to it. It builds a deterministic repository of thousands of files whose
head changes tens of thousands of lines, writes a Cobertura report of the head measuring
hundreds of thousands of lines, checks that both tools find the same patch coverage, then
times both (and `git diff -M` as the floor) and compares wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from harness import (
    BenchError,
    Measurement,
    Row,
    ScaledPlan,
    bench_env,
    bench_main,
    bench_parser,
    change_kinds,
    commit_tree,
    environment,
    fmt_ratio,
    gatekeeper_command,
    git,
    init_repo,
    log,
    measure,
    prepare_repo,
    print_measurements,
    print_targets,
    random_lines,
    ratio,
    text_of,
)

GENERATOR_VERSION = 1
"""Bump when the generated repository changes, so a reused --workdir is rebuilt."""
MIN_FILES = 2_500
MIN_CHANGED_LINES = 20_000
MIN_REPORT_LINES = 200_000
REPO_DIRNAME = "gatekeeper-cov-bench-repo"
MARKER_NAME = "gatekeeper-cov-bench.json"
REPORT_NAME = "coverage.xml"
POLICY = ("version: 1\nrules:\n  - id: tested-changes\n    kind: patch-coverage\n"
          "    min: 0\n")
"""One patch-coverage rule that always passes: the run measures reading the change and the
report, and the one rule that reads them, as a check with coverage would."""
AGREEMENT = 0.01
"""Percentage points within which the two tools' patch coverage must agree."""
MEASURED_SHARE = 0.72
"""The share of lines a report measures: the rest are blank, comments, docstrings."""
HIT_SHARE = 0.8

WORDS = (
    "account", "archive", "batch", "bridge", "buffer", "cache", "cursor", "delta", "digest",
    "engine", "event", "filter", "frame", "gateway", "graph", "handle", "index", "ledger",
    "loader", "matrix", "meter", "offset", "packet", "parser", "policy", "queue", "record",
    "region", "route", "schema", "session", "shard", "signal", "stream", "tenant", "token",
)
PY_LINES = ("def {a}({b}, limit={n}):", "    {a} = {b}.get({n}, None)", "    return {a} + {n}",
            "    if {a} > {n}:", "        {b}.append({a})", "    # {a} keeps {b} in step")
"""The lines of the generated modules, as ``random_lines`` templates."""


@dataclass(frozen=True)
class Plan(ScaledPlan):
    """How many Python files of each kind the change holds (before --scale)."""

    unchanged: int = 1_400
    modified: int = 1_300
    added: int = 160
    renamed: int = 120
    deleted: int = 100


# -- the generated repository -------------------------------------------------------------------


def _lines(rng: random.Random, count: int) -> list[str]:
    return random_lines(rng, PY_LINES, count, WORDS)


def _edit(rng: random.Random, lines: list[str], hunks: int, most: int) -> list[str]:
    """Replace or insert ``hunks`` runs of up to ``most`` new lines."""
    out = list(lines)
    for pos in sorted(rng.sample(range(len(out)), min(hunks, len(out))), reverse=True):
        out[pos : pos + rng.randint(0, 3)] = _lines(rng, rng.randint(2, most))
    return out


def generate(seed: int, plan: Plan) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The base tree, the files the head writes and the paths the head deletes."""
    rng = random.Random(seed)
    serial = iter(range(10**9))
    base: dict[str, str] = {}
    writes: dict[str, str] = {}
    deletes: list[str] = []

    def new(folder: str = "src") -> tuple[str, list[str]]:
        path = f"{folder}/{rng.choice(WORDS)}/{rng.choice(WORDS)}_{next(serial)}.py"
        return path, _lines(rng, rng.randint(150, 450))

    for _ in range(plan.unchanged):
        path, lines = new()
        base[path] = text_of(lines)
    for _ in range(plan.modified):
        path, lines = new()
        base[path] = text_of(lines)
        writes[path] = text_of(_edit(rng, lines, rng.randint(3, 7), 10))
    for _ in range(plan.added):
        path, lines = new()
        writes[path] = text_of(lines)
    for _ in range(plan.renamed):
        path, lines = new()
        base[path] = text_of(lines)
        writes[new("lib")[0]] = text_of(_edit(rng, lines, rng.randint(1, 2), 3))
        deletes.append(path)
    for _ in range(plan.deleted):
        path, lines = new()
        base[path] = text_of(lines)
        deletes.append(path)
    return base, writes, deletes


def build_repo(repo: Path, seed: int, scale: float) -> tuple[str, str]:
    base_tree, writes, deletes = generate(seed, Plan().scaled(scale))
    init_repo(repo)
    base = commit_tree(repo, "Base snapshot", base_tree)
    git(repo, "checkout", "-q", "-b", "feature")
    return base, commit_tree(repo, "Rework, add, move and delete modules", writes, deletes)


# -- the coverage report and the change -----------------------------------------------------


@dataclass(frozen=True)
class ReportStats:
    files: int
    measured: int
    covered: int
    bytes: int


def _file_hits(seed: int, name: str, count: int) -> list[tuple[int, int]]:
    """Which lines of ``name`` the report measures, and their hit counts; stable per seed."""
    rng = random.Random(f"{seed}:{name}")
    return [(n, rng.randrange(1, 40) if rng.random() < HIT_SHARE else 0)
            for n in range(1, count + 1) if rng.random() < MEASURED_SHARE]


def write_report(repo: Path, out: Path, seed: int) -> ReportStats:
    """A Cobertura report of every Python file at the head, as coverage.py lays one out."""
    names = [n for n in git(repo, "ls-files", "-z", "--", "*.py").split("\0") if n]
    files = [(name, _file_hits(seed, name, (repo / name).read_bytes().count(b"\n")))
             for name in names]
    measured = sum(len(lines) for _, lines in files)
    covered = sum(1 for _, lines in files for _, hits in lines if hits)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(f'<?xml version="1.0" ?>\n<coverage version="7.6.0" timestamp="0" '
                     f'lines-valid="{measured}" lines-covered="{covered}" '
                     f'line-rate="{covered / max(measured, 1):.4g}" branches-covered="0" '
                     'branches-valid="0" branch-rate="0" complexity="0">\n'
                     f"\t<sources>\n\t\t<source>{escape(str(repo))}</source>\n\t</sources>\n"
                     '\t<packages>\n\t\t<package name="." line-rate="0" branch-rate="0" '
                     'complexity="0">\n\t\t\t<classes>\n')
        for name, lines in files:
            hit = sum(1 for _, hits in lines if hits)
            handle.write(f"\t\t\t\t<class name={quoteattr(name.rsplit('/', 1)[-1])} "
                         f'filename={quoteattr(name)} complexity="0" '
                         f'line-rate="{hit / max(len(lines), 1):.4g}" branch-rate="0">\n'
                         "\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n")
            handle.writelines(f'\t\t\t\t\t\t<line number="{n}" hits="{hits}"/>\n'
                              for n, hits in lines)
            handle.write("\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")
        handle.write("\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n")
    return ReportStats(len(files), measured, covered, out.stat().st_size)


@dataclass(frozen=True)
class ChangeStats:
    tracked: int
    """Files in the head commit."""
    files: int
    added: int
    statuses: dict[str, int]


def change_stats(repo: Path, base: str, head: str) -> ChangeStats:
    added = 0
    for row in git(repo, "diff", "-M", "--numstat", f"{base}...{head}").splitlines():
        count = row.split("\t", 1)[0]
        added += int(count) if count.isdigit() else 0
    statuses: dict[str, int] = {}
    rows = git(repo, "diff", "-M", "--name-status", f"{base}...{head}").splitlines()
    for row in rows:
        statuses[row[:1]] = statuses.get(row[:1], 0) + 1
    tracked = git(repo, "ls-tree", "-r", "-z", "--name-only", head).count("\0")
    return ChangeStats(tracked, len(rows), added, dict(sorted(statuses.items())))


# -- the two tools --------------------------------------------------------------------------


def diff_cover_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    beside = Path(sys.executable).parent / "diff-cover"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("diff-cover")
    return [found] if found else [sys.executable, "-m", "diff_cover.diff_cover_tool"]


@dataclass(frozen=True)
class Patch:
    """One tool's patch coverage: lines measured, lines covered, percent."""

    coverable: int
    covered: int
    percent: float | None


def _run(cmd: Sequence[str], cwd: Path, ok_codes: tuple[int, ...]) -> bytes:
    result = subprocess.run(cmd, cwd=cwd, env=bench_env(), capture_output=True, check=False)
    if result.returncode not in ok_codes:
        message = result.stderr.decode("utf-8", errors="replace").strip()[-2000:]
        raise BenchError(f"{' '.join(cmd[:2])} exited with {result.returncode}: {message}")
    return result.stdout


def gatekeeper_patch(cmd: Sequence[str], repo: Path) -> Patch:
    patch = json.loads(_run(cmd, repo, (0, 1)))["coverage"]["patch"]
    return Patch(patch["coverable"], patch["covered"], patch["percent"])


def diff_cover_patch(cmd: Sequence[str], repo: Path, json_path: Path) -> Patch:
    _run(cmd, repo, (0,))
    report = json.loads(json_path.read_text(encoding="utf-8"))
    measured, missed = report["total_num_lines"], report["total_num_violations"]
    percent = (measured - missed) * 100 / measured if measured else None
    return Patch(measured, measured - missed, percent)


def agree(ours: Patch, theirs: Patch) -> bool:
    if ours.percent is None or theirs.percent is None:
        return ours == theirs
    return (ours.coverable, ours.covered) == (theirs.coverable, theirs.covered) and abs(
        ours.percent - theirs.percent) <= AGREEMENT


# -- reporting --------------------------------------------------------------------------------

TIME_TARGET = 1.0
RSS_TARGET = 1.0
ROWS = (("git_diff", "git diff -M"), ("diff_cover", "diff-cover --json-report"),
        ("gatekeeper", "gatekeeper check --coverage"))
RATIOS = ("time_vs_git", "rss_vs_git", "time_vs_diff_cover", "rss_vs_diff_cover")


def _percent(patch: Patch) -> str:
    if patch.percent is None:
        return "n/a (nothing measured)"
    return f"{patch.percent:.4f}% ({patch.covered:,} of {patch.coverable:,} lines)"


def print_table(report: dict[str, Any]) -> None:
    repo, cov, res, ratios = report["repo"], report["report"], report["results"], report["ratios"]
    kinds = change_kinds(repo["statuses"])
    built = "reused" if repo["reused"] else "built"
    print(f"Repository: {repo['tracked']:,} files; change: {repo['files']:,} files ({kinds}), "
          f"{repo['added']:,} added lines "
          f"(seed {repo['seed']}, scale {repo['scale']}, {built})")
    print(f"Report: Cobertura of {cov['files']:,} files, {cov['measured']:,} measured lines, "
          f"{cov['bytes'] / 2**20:.1f} MiB")
    print(f"Patch coverage: gatekeeper {report['patch']['gatekeeper']}; diff-cover "
          f"{report['patch']['diff_cover']}: {'AGREE' if report['patch']['agree'] else 'DIFFER'}")
    print(f"Runs: median of {report['repeat']}; RSS floor of a measured child (`true`): "
          f"{report['rss_floor_mib']:.1f} MiB")
    print()
    rows: list[Row] = [(name, res[key], [fmt_ratio(ratios[key][r]) for r in RATIOS])
                       for key, name in ROWS]
    print_measurements(("command", "wall s", "peak RSS MiB", "CPU s", "time/git", "mem/git",
                        "time/dc", "mem/dc"), (28, 8, 13, 8, 9, 9, 8, 8), rows,
                       report["rss_floor_mib"])
    print_targets(report["targets"])


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "Build a large deterministic change and Cobertura report, check that "
        "`gatekeeper check --coverage` and diff-cover find the same patch coverage, and "
        "compare their wall time and peak RSS (with `git diff -M` as the floor).",
        repeat=3, seed=20240301, seeded="repository and report",
        below="the inputs are smaller than the benchmark's minimum",
        tool_options=lambda parser: parser.add_argument(
            "--diff-cover", metavar="PATH",
            help="The diff-cover executable (default: the one beside this Python, else on PATH)."))
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or args.scale <= 0:
        parser.error("--repeat must be >= 1, --warmup >= 0, --scale > 0")
    return args


def _ratios(m: Measurement, git_diff: Measurement, dc: Measurement) -> dict[str, float | None]:
    return {"time_vs_git": ratio(m.wall, git_diff.wall),
            "rss_vs_git": ratio(m.rss_mib, git_diff.rss_mib),
            "time_vs_diff_cover": ratio(m.wall, dc.wall),
            "rss_vs_diff_cover": ratio(m.rss_mib, dc.rss_mib)}


def _target(name: str, value: float | None, limit: float) -> dict[str, Any]:
    return {"name": name, "target": f"<= {limit}", "value": value,
            "met": value is not None and value <= limit}


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    repo, base, head, reused = prepare_repo(workdir, args.seed, args.scale,
                                            dirname=REPO_DIRNAME, marker_name=MARKER_NAME,
                                            generator=GENERATOR_VERSION, build=build_repo)
    if reused:  # the report is written from the head's files in the work tree
        git(repo, "checkout", "-q", "--force", head)
    change = change_stats(repo, base, head)
    log(f"writing the Cobertura report of {head[:12]} ...")
    report_path = workdir / REPORT_NAME
    cov = write_report(repo, report_path, args.seed)
    log(f"repository: {change.tracked:,} files; change: {change.files:,} files, "
        f"{change.added:,} added lines; report: {cov.measured:,} measured lines, "
        f"{cov.bytes / 2**20:.1f} MiB")
    if (change.tracked < MIN_FILES or change.added < MIN_CHANGED_LINES
            or cov.measured < MIN_REPORT_LINES):
        log(f"warning: below the benchmark's minimum of {MIN_FILES:,} files, "
            f"{MIN_CHANGED_LINES:,} changed lines or {MIN_REPORT_LINES:,} measured lines")

    policy = workdir / "gatekeeper-cov-bench-policy.yml"
    policy.write_text(POLICY, encoding="utf-8")
    dc_json = workdir / "diff-cover.json"
    gk = [*gatekeeper_command(args.gatekeeper), "check", "--base", base, "--coverage",
          str(report_path), "--policy", str(policy), "--format", "json"]
    dc = [*diff_cover_command(args.diff_cover), str(report_path), "--compare-branch", base,
          "--ignore-staged", "--ignore-unstaged", "--json-report", str(dc_json)]
    ours, theirs = gatekeeper_patch(gk, repo), diff_cover_patch(dc, repo, dc_json)
    if not agree(ours, theirs):
        raise BenchError(f"the tools disagree: gatekeeper {_percent(ours)}, diff-cover "
                         f"{_percent(theirs)}")

    err_path = workdir / "gatekeeper-cov-bench.stderr"
    floor = measure("floor (true)", ["true"], repo, err_path, 3, 0)
    results = {
        "git_diff": measure("git diff -M", ["git", "diff", "-M", f"{base}...{head}"], repo,
                            err_path, args.repeat, args.warmup),
        "diff_cover": measure("diff-cover", dc, repo, err_path, args.repeat, args.warmup),
        "gatekeeper": measure("gatekeeper check --coverage", gk, repo, err_path, args.repeat,
                              args.warmup, ok_codes=(0, 1)),
    }
    ratios = {key: _ratios(m, results["git_diff"], results["diff_cover"])
              for key, m in results.items()}
    mine = ratios["gatekeeper"]
    return {
        "repo": {"tracked": change.tracked, "files": change.files, "added": change.added,
                 "statuses": change.statuses, "base": base, "head": head, "seed": args.seed,
                 "scale": args.scale, "reused": reused},
        "report": {"files": cov.files, "measured": cov.measured, "covered": cov.covered,
                   "bytes": cov.bytes},
        "patch": {"gatekeeper": _percent(ours), "diff_cover": _percent(theirs), "agree": True,
                  "percent": ours.percent},
        "commands": {"gatekeeper": gk, "diff_cover": dc},
        "environment": environment(repo),
        "repeat": args.repeat,
        "rss_floor_mib": round(floor.rss_mib, 2),
        "results": {name: m.as_dict() for name, m in results.items()},
        "ratios": ratios,
        "targets": {
            "time": _target("gatekeeper time / diff-cover time", mine["time_vs_diff_cover"],
                            TIME_TARGET),
            "rss": _target("gatekeeper peak RSS / diff-cover peak RSS",
                           mine["rss_vs_diff_cover"], RSS_TARGET),
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main("bench_coverage", "gatekeeper-cov-bench-", parse_args(argv), run,
                      print_table)


if __name__ == "__main__":
    sys.exit(main())
