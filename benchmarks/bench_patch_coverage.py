"""Benchmark patch coverage against diff-cover: sharded reports of a large change, and click.

Run it as a script (``python benchmarks/bench_patch_coverage.py``); it shares the harness and
the generated repository of bench_coverage.py. Two cases, each timed against diff-cover on the
same inputs (and `git diff -M` as the floor), medians of runs interleaved with diff-cover's:

- ``shards``: the change of bench_coverage.py (over 1,500 changed files) measured by 51
  Cobertura reports, as a test run split over 51 jobs writes them: each file is in one to three
  reports, each of which lists the file's every statement with its own hits. The target is
  gatekeeper at least twice as fast as diff-cover.
- ``click``: a real project's own report, small: the test suite of a clone of pallets/click
  (``--click PATH``) run under coverage.py at its head, and the change of its last 20
  first-parent commits. Skipped without ``--click``. The target is gatekeeper no slower than
  diff-cover, start-up included.

Both tools must find the same patch coverage; ``--save-facts``/``--compare-facts`` keep
gatekeeper's whole coverage section of each case, to prove a change left it byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from bench_coverage import (
    GENERATOR_VERSION,
    MARKER_NAME,
    POLICY,
    REPO_DIRNAME,
    agree,
    build_repo,
    diff_cover_command,
    diff_cover_patch,
    gatekeeper_patch,
)
from bench_coverage import _file_hits as file_hits
from bench_coverage import _percent as percent
from harness import (
    BenchError,
    bench_env,
    bench_main,
    bench_parser,
    environment,
    fmt_ratio,
    gatekeeper_command,
    git,
    interleaved,
    log,
    prepare_repo,
    ratio,
    stack_floor_command,
)

SHARDS = 51
CLICK_BACK = 20
"""The click case's change: this many first-parent commits back from the head."""
RCFILE = "[run]\nbranch = false\nsource = src\n"
"""Our own coverage.py settings, so that nothing in the clone changes what is measured."""


# -- the sharded reports ------------------------------------------------------------------------


def _header(out: Any, root: Path) -> None:
    out.write('<?xml version="1.0" ?>\n<coverage version="7.6.0" timestamp="0" '
              'line-rate="0" branch-rate="0" complexity="0">\n'
              f"\t<sources>\n\t\t<source>{escape(str(root))}</source>\n\t</sources>\n"
              '\t<packages>\n\t\t<package name="." line-rate="0" branch-rate="0" '
              'complexity="0">\n\t\t\t<classes>\n')


def _class(out: Any, name: str, lines: Sequence[tuple[int, int]]) -> None:
    out.write(f"\t\t\t\t<class name={quoteattr(name.rsplit('/', 1)[-1])} "
              f'filename={quoteattr(name)} complexity="0" line-rate="0" branch-rate="0">\n'
              "\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n")
    out.writelines(f'\t\t\t\t\t\t<line number="{n}" hits="{hits}"/>\n' for n, hits in lines)
    out.write("\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")


def write_shards(repo: Path, folder: Path, seed: int, count: int) -> dict[str, int]:
    """``count`` reports of the head whose union is bench_coverage.py's single report.

    A covered line has its hits in one of the file's reports (chosen per line) and any hits in
    the others; a missed line is missed in all of them, so either tool's merge finds the same.
    """
    rng = random.Random(f"{seed}:shards")
    folder.mkdir(parents=True, exist_ok=True)
    names = [n for n in git(repo, "ls-files", "-z", "--", "*.py").split("\0") if n]
    outs = [(folder / f"coverage-{i:02d}.xml").open("w", encoding="utf-8", newline="\n")
            for i in range(count)]
    try:
        for out in outs:
            _header(out, repo)
        for name in names:
            lines = file_hits(seed, name, (repo / name).read_bytes().count(b"\n"))
            shards = rng.sample(range(count), rng.choice((1, 1, 2, 2, 2, 3)))
            owner = [rng.randrange(len(shards)) for _ in lines]
            for slot, shard in enumerate(shards):
                _class(outs[shard], name, [
                    (n, hits if hits and (own == slot or rng.random() < 0.5) else 0)
                    for (n, hits), own in zip(lines, owner, strict=True)])
        for out in outs:
            out.write("\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n")
    finally:
        for out in outs:
            out.close()
    sizes = [p.stat().st_size for p in sorted(folder.glob("coverage-*.xml"))]
    return {"reports": len(sizes), "bytes": sum(sizes), "files": len(names)}


# -- the click case ---------------------------------------------------------------------------


def _run(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env or bench_env(), capture_output=True,
                            check=False)
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", errors="replace").strip()[-1500:]
        raise BenchError(f"{' '.join(cmd[:4])} exited with {result.returncode}: {tail}")
    return result.stdout.decode("utf-8", errors="replace").strip()


def prepare_click(source: Path, workdir: Path) -> tuple[Path, Path, str]:
    """A clone of ``source`` with its test suite's report; reused while its head is the same."""
    head = git(source, "rev-parse", "HEAD")
    repo, report = workdir / "click", workdir / "click-coverage.xml"
    marker = workdir / "click-head.txt"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == head and report.is_file()):
        if repo.exists():
            _run(["rm", "-rf", str(repo)], workdir)
        log(f"cloning {source} and running its tests under coverage.py (about a minute) ...")
        _run(["git", "clone", "--quiet", "--shared", str(source), str(repo)], workdir)
        rcfile = workdir / "click-coveragerc"
        rcfile.write_text(RCFILE, encoding="utf-8")
        env = {**bench_env(), "PYTHONPATH": str(repo / "src")}
        coverage = [sys.executable, "-m", "coverage"]
        # The suite's own failures do not matter here: the report is what is measured.
        subprocess.run([*coverage, "run", f"--rcfile={rcfile}", "-m", "pytest", "-q",
                        "-p", "no:cacheprovider", "tests"], cwd=repo, env=env,
                       capture_output=True, check=False)
        _run([*coverage, "xml", f"--rcfile={rcfile}", "-o", str(report)], repo, env)
        marker.write_text(head, encoding="utf-8")
    base = git(repo, "rev-parse", f"HEAD~{CLICK_BACK}")
    return repo, report, base


# -- measuring ---------------------------------------------------------------------------------


def run_case(name: str, repo: Path, base: str, reports: Sequence[Path],
             args: argparse.Namespace, workdir: Path, target: float,
             floor: bool = False) -> dict[str, Any]:
    """Check that both tools agree on ``reports``, then time them; gatekeeper/diff-cover.
    With ``floor``, time the stack floor in the same rounds (see harness.STACK_FLOOR)."""
    policy = workdir / "gatekeeper-patch-cov-policy.yml"
    policy.write_text(POLICY, encoding="utf-8")
    dc_json = workdir / f"diff-cover-{name}.json"
    gk = [*gatekeeper_command(args.gatekeeper), "check", "--base", base, "--policy",
          str(policy), "--format", "json"]
    for report in reports:
        gk += ["--coverage", str(report)]
    dc = [*diff_cover_command(args.diff_cover), *map(str, reports), "--compare-branch", base,
          "--ignore-staged", "--ignore-unstaged", "--json-report", str(dc_json)]
    facts = json.loads(subprocess.run(gk, cwd=repo, env=bench_env(), capture_output=True,
                                      check=False).stdout or b"{}").get("coverage")
    ours, theirs = gatekeeper_patch(gk, repo), diff_cover_patch(dc, repo, dc_json)
    if not agree(ours, theirs):
        raise BenchError(f"{name}: the tools disagree: gatekeeper {percent(ours)}, "
                         f"diff-cover {percent(theirs)}")
    commands = {"git_diff": ["git", "diff", "-M", f"{base}...HEAD"], "diff_cover": dc,
                "gatekeeper": gk}
    if floor:
        commands["stack_floor"] = stack_floor_command(gatekeeper_command(args.gatekeeper))
    results = interleaved(commands, repo,
                          workdir / "gatekeeper-patch-cov.stderr", args.repeat, args.warmup,
                          case=name)
    value = ratio(results["gatekeeper"].wall, results["diff_cover"].wall)
    return {"patch": percent(ours), "facts": facts, "base": base,
            "results": {key: m.as_dict() for key, m in results.items()},
            "time_vs_diff_cover": value,
            "floor_vs_diff_cover": ratio(results["stack_floor"].wall, results["diff_cover"].wall)
            if floor else None,
            "target": {"name": f"{name}: gatekeeper time / diff-cover time", "value": value,
                       "target": f"<= {target}", "met": value is not None and value <= target}}


def shards_case(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    repo, base, head, reused = prepare_repo(workdir, args.seed, args.scale,
                                            dirname=REPO_DIRNAME, marker_name=MARKER_NAME,
                                            generator=GENERATOR_VERSION, build=build_repo)
    if reused:
        git(repo, "checkout", "-q", "--force", head)
    folder = workdir / "shards"
    log(f"writing {args.shards} Cobertura shards of {head[:12]} ...")
    stats = write_shards(repo, folder, args.seed, args.shards)
    changed = len(git(repo, "diff", "-M", "--name-only", f"{base}...{head}").splitlines())
    reports = sorted(folder.glob("coverage-*.xml"))[: args.shards]
    return {**stats, "changed_files": changed,
            **run_case("shards", repo, base, reports, args, workdir, 0.5)}


def click_case(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    repo, report, base = prepare_click(args.click.resolve(), workdir)
    changed = len(git(repo, "diff", "-M", "--name-only", f"{base}...HEAD").splitlines())
    return {"reports": 1, "bytes": report.stat().st_size, "changed_files": changed,
            **run_case("click", repo, base, [report], args, workdir, 1.0, floor=True)}


# -- reporting and main -------------------------------------------------------------------------


def print_report(report: dict[str, Any]) -> None:
    print(f"Load average at the start: {report['load']}; medians of {report['repeat']} "
          "interleaved rounds")
    for name, case in report["cases"].items():
        if case is None:
            print(f"\n{name}: skipped (give --click PATH, a clone of pallets/click)")
            continue
        print(f"\n{name}: {case['reports']} report(s), {case['bytes'] / 2**20:.1f} MiB; "
              f"{case['changed_files']:,} changed files; patch coverage {case['patch']} "
              "(both tools agree)")
        for key, label in (("git_diff", "git diff -M"), ("diff_cover", "diff-cover"),
                           ("gatekeeper", "gatekeeper check --coverage"),
                           ("stack_floor", "stack floor (see below)")):
            data = case["results"].get(key)
            if data is not None:
                print(f"  {label:30} {data['median_wall_s']:8.3f} s  "
                      f"{data['peak_rss_mib']:7.1f} MiB")
        print(f"  gatekeeper / diff-cover: {fmt_ratio(case['time_vs_diff_cover'])}")
        if case.get("floor_vs_diff_cover") is not None:
            print(f"  stack floor / diff-cover: {fmt_ratio(case['floor_vs_diff_cover'])}: "
                  "loading click, PyYAML and pydantic and validating one small model, "
                  "with none of gatekeeper's own code")
        if name in report.get("identical", {}):
            same = report["identical"][name]
            print(f"  coverage facts identical to the saved ones: {'yes' if same else 'NO'}")
    print()
    for case in report["cases"].values():
        if case is not None:
            target = case["target"]
            print(f"{'MET    ' if target['met'] else 'NOT MET'}  {target['name']}: "
                  f"{target['value']} (target {target['target']})")


def _extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--case", choices=("all", "shards", "click"), default="all",
                        help="Which case to run (default: %(default)s).")
    parser.add_argument("--shards", type=int, default=SHARDS,
                        help="Reports the shards case splits coverage into (default: "
                             "%(default)s).")
    parser.add_argument("--click", type=Path, metavar="PATH",
                        help="A clone of pallets/click for the click case (else skipped).")
    parser.add_argument("--diff-cover", metavar="PATH", help="The diff-cover executable.")
    parser.add_argument("--save-facts", type=Path, metavar="FILE",
                        help="Write gatekeeper's coverage section of each case to FILE.")
    parser.add_argument("--compare-facts", type=Path, metavar="FILE",
                        help="Fail unless the coverage sections equal those saved in FILE.")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "Time gatekeeper's patch coverage against diff-cover on 51 sharded Cobertura reports "
        "of a large change and on click's own report.", repeat=5, seed=20240301,
        seeded="repository and reports", below="the change is smaller than the target's",
        tool_options=_extra)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or args.scale <= 0 or args.shards < 1:
        parser.error("--repeat and --shards must be >= 1, --warmup >= 0, --scale > 0")
    return args


def _compare(report: dict[str, Any], path: Path) -> dict[str, bool]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    return {name: json.dumps(case["facts"], sort_keys=True)
            == json.dumps(saved.get(name), sort_keys=True)
            for name, case in report["cases"].items() if case is not None}


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    cases: dict[str, Any] = {}
    if args.case in ("all", "shards"):
        cases["shards"] = shards_case(args, workdir)
    if args.case in ("all", "click"):
        cases["click"] = click_case(args, workdir) if args.click else None
    report: dict[str, Any] = {"load": load, "repeat": args.repeat, "cases": cases,
                              "environment": environment(workdir / REPO_DIRNAME)
                              if (workdir / REPO_DIRNAME).is_dir() else {}}
    if args.save_facts:
        args.save_facts.write_text(json.dumps(
            {name: case["facts"] for name, case in cases.items() if case is not None},
            sort_keys=True), encoding="utf-8")
    if args.compare_facts:
        report["identical"] = _compare(report, args.compare_facts)
        if not all(report["identical"].values()):
            print_report(report)
            raise BenchError("the coverage facts differ from the saved ones")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main("bench_patch_coverage", "gatekeeper-patch-cov-", parse_args(argv), run,
                      print_report)


if __name__ == "__main__":
    sys.exit(main())
