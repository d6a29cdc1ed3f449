"""Benchmark `gatekeeper replay`: a cold replay of N first-parent changes against a shell loop of
`git diff --numstat -M` over the same ranges, and a warm replay under a changed policy.

    python benchmarks/replay.py                 # a generated history of --changes changes
    python benchmarks/replay.py --repo PATH     # the last --changes changes of PATH's branch

Each figure is the median of --runs runs (at least 5). Targets: cold <= 3x the loop, warm
<= 5 s for 1,000 changes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
       "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
POLICIES = {
    "a.yml": "version: 1\nrules:\n  - {id: small, kind: batch-size, max_effective_lines: 200}\n",
    "b.yml": "version: 1\nrules:\n  - {id: small, kind: batch-size, max_effective_lines: 50}\n"
             "  - {id: few, kind: batch-size, max_files: 5}\n",
}


def generate(path: Path, changes: int) -> None:
    """A history of ``changes`` first-parent changes through git fast-import: every third a
    --no-ff merge of a one-commit branch, the rest direct commits; files of varied size."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=ENV)
    lines: list[str] = []
    files: dict[str, str] = {}
    mark = 0
    when = 1_700_000_000

    def commit(ref: str, message: str, edits: dict[str, str], parents: list[int]) -> int:
        nonlocal mark, when
        mark += 1
        when += 60
        lines.extend([f"commit {ref}", f"mark :{mark}",
                      f"committer Bench <bench@example.com> {when} +0000",
                      f"data {len(message.encode())}", message])
        if parents:
            lines.append(f"from :{parents[0]}")
        lines.extend(f"merge :{p}" for p in parents[1:])
        for name, text in edits.items():
            lines.extend([f"M 100644 inline {name}", f"data {len(text.encode())}", text])
        return mark

    tip = commit("refs/heads/main", "root\n", {"README.md": "hello\n"}, [])
    for i in range(changes):
        size = 5 + (i * 37) % 400
        name = f"src/m{i % 50}/f{i % 7}.py"
        text = "".join(f"line {i} {k}\n" for k in range(size))
        files[name] = text
        if i % 3 == 0:
            side = commit(f"refs/heads/pr{i}", f"Work {i}\n", {name: text}, [tip])
            tip = commit("refs/heads/main", f"Merge pull request #{i} from o/pr{i}\n",
                         {name: text}, [tip, side])
        else:
            tip = commit("refs/heads/main", f"Change {i} (#{i})\n", {name: text}, [tip])
    stream = ("\n".join(lines) + "\n").encode()
    subprocess.run(["git", "fast-import", "--quiet"], input=stream, cwd=path, check=True,
                   env=ENV)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True, env=ENV)


def replay(repo: Path, cache: Path, changes: int, policy: Path) -> tuple[float, dict[str, object]]:
    """Seconds of one `gatekeeper replay`, and its document."""
    out = cache.parent / "replay.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gatekeeper", "replay", "-C", str(repo), "--last",
                    str(changes), "--policy", str(policy), "--json", str(out)], check=True,
                   env={**ENV, "GATEKEEPER_CACHE_DIR": str(cache)}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, json.loads(out.read_text(encoding="utf-8"))


def peak_mib(repo: Path, cache: Path, changes: int, policy: Path) -> float:
    """Peak resident memory (MiB) of one cold `gatekeeper replay`: the largest of the command
    and the readers it waited for, as wait4 reports it."""
    run = subprocess.Popen([sys.executable, "-m", "gatekeeper", "replay", "-C", str(repo),
                            "--last", str(changes), "--policy", str(policy)],
                           env={**ENV, "GATEKEEPER_CACHE_DIR": str(cache)},
                           stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(run.pid, 0)
    run.returncode = os.waitstatus_to_exitcode(status)
    if run.returncode != 0:
        raise SystemExit(f"replay exited {run.returncode}")
    return usage.ru_maxrss / 1024  # KiB on Linux


def loop(repo: Path, ranges: Path) -> float:
    """Seconds of a shell loop of `git diff --numstat -M` over the ranges."""
    script = 'while read b h; do git diff --numstat -M "$b" "$h" >/dev/null; done < "$1"'
    started = time.perf_counter()
    subprocess.run(["sh", "-c", script, "sh", str(ranges)], cwd=repo, check=True, env=ENV)
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="replay this repository's history")
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(5, args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        repo = args.repo.resolve() if args.repo else work / "history"
        if args.repo is None:
            generate(repo, args.changes)
        for name, text in POLICIES.items():
            (work / name).write_text(text, encoding="utf-8")
        colds, document = [], {}
        for run in range(runs):
            seconds, document = replay(repo, work / f"cold{run}", args.changes, work / "a.yml")
            colds.append(seconds)
        changes = document["repositories"][0]["changes"]  # type: ignore[index]
        judged = [c for c in changes if c["skipped"] is None]
        ranges = work / "ranges.txt"
        ranges.write_text("".join(f"{c['base']} {c['sha']}{'^2' if c['kind'] == 'merge' else ''}\n"
                                  for c in judged), encoding="utf-8")
        loops = [loop(repo, ranges) for _ in range(runs)]
        warms = [replay(repo, work / "cold0", args.changes, work / "b.yml")[0]
                 for _ in range(runs)]
        quarter = max(1, args.changes // 4)
        memory = {n: statistics.median(peak_mib(repo, work / f"mem{n}-{i}", n, work / "a.yml")
                                       for i in range(runs)) for n in (quarter, args.changes)}
    cold, shell, warm = (statistics.median(x) for x in (colds, loops, warms))
    print(f"changes: {len(changes)} ({len(judged)} judged), cpus: {os.cpu_count()}, "
          f"runs: {runs}, history: {args.repo or 'generated'}")
    print(f"cold replay     {cold:8.2f} s  ({1000 * cold / len(changes):.1f} ms per change)")
    print(f"numstat loop    {shell:8.2f} s  ({1000 * shell / len(judged):.1f} ms per range)")
    print(f"cold / loop     {cold / shell:8.2f} x  (target <= 3)")
    print(f"warm, new policy{warm:8.2f} s  ({1000 * warm / len(changes):.1f} ms per change; "
          f"{warm * 1000 / len(changes):.1f} s per 1,000 changes, target <= 5)")
    small, large = memory[quarter], memory[args.changes]
    print(f"peak memory     {small:8.1f} MiB for {quarter} changes, {large:.1f} MiB for "
          f"{args.changes}: {large / small:.2f} x for {args.changes / quarter:.0f} x the changes "
          "(flat is 1)")


if __name__ == "__main__":
    main()
