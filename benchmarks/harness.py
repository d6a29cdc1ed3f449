"""The harness the benchmarks share: a reproducible git, measured runs and the report tables."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

KIB_PER_MIB = 1024  # ru_maxrss is in KiB on Linux

# A reproducible git: no system or global configuration, fixed identities and dates, so the
# same seed always gives the same commit ids.
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Bench Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Bench Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_TERMINAL_PROMPT": "0",
}
COMMIT_DATE = "2024-01-15T12:00:00+00:00"

# Runs one command with stdin and stdout on /dev/null and stderr into a file, and prints its exit
# code, wall seconds, peak RSS (KiB) and CPU seconds. os.wait4 reports the rusage of that one
# child (with the descendants it reaped). It runs in a fresh, small interpreter because a child
# inherits its parent's peak RSS through fork/vfork + exec on Linux: that floor is measured
# separately with `true` and reported.
WRAPPER = """
import os, sys, time
err_path, cmd = sys.argv[1], sys.argv[2:]
stdin = os.open(os.devnull, os.O_RDONLY)
stdout = os.open(os.devnull, os.O_WRONLY)
stderr = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
actions = [(os.POSIX_SPAWN_DUP2, stdin, 0), (os.POSIX_SPAWN_DUP2, stdout, 1),
           (os.POSIX_SPAWN_DUP2, stderr, 2)]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


class BenchError(RuntimeError):
    """A failure that ends the benchmark with a one-line message."""


# -- the generated repository -------------------------------------------------------------------

P = TypeVar("P", bound="ScaledPlan")


@dataclass(frozen=True)
class ScaledPlan:
    """Counts of generated files that --scale multiplies (each stays at least 1)."""

    def scaled(self: P, factor: float) -> P:
        values = {f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)}
        return replace(self, **values)


def ident(rng: random.Random, words: Sequence[str]) -> str:
    return f"{rng.choice(words)}_{rng.choice(words)}_{rng.randrange(100_000)}"


def random_lines(rng: random.Random, templates: Sequence[str], count: int,
                 words: Sequence[str]) -> list[str]:
    """``count`` lines, each one of ``templates`` filled with names made of ``words``."""
    out = []
    for _ in range(count):
        a, b, n = ident(rng, words), ident(rng, words), rng.randrange(1_000_000)
        out.append(templates[rng.randrange(len(templates))].format(a=a, b=b, n=n))
    return out


def text_of(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n"


def git(repo: Path, *args: str, capture: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env=bench_env(), check=False,
                            capture_output=capture)
    if result.returncode != 0:
        message = (result.stderr or b"").decode("utf-8", errors="replace").strip()
        raise BenchError(f"git {' '.join(args[:2])} failed: {message or result.returncode}")
    return (result.stdout or b"").decode("utf-8", errors="replace").strip()


PYCACHE = Path(tempfile.gettempdir()) / "gatekeeper-bench-pycache"
"""Where the measured Python processes keep their compiled bytecode (see bench_env)."""


def bench_env() -> dict[str, str]:
    """The children's environment: hermetic git with fixed dates, and Python's bytecode cache
    switched on. An installed package has its bytecode compiled; with PYTHONDONTWRITEBYTECODE
    set (some CI images and shells set it), every run of a checkout would compile its sources
    again, and a benchmark would measure the compiler. The cache goes to a folder of its own,
    so the checkout is left as it was."""
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": COMMIT_DATE,
           "GIT_COMMITTER_DATE": COMMIT_DATE, "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def write_tree(repo: Path, files: Mapping[str, str | bytes],
               deletions: Sequence[str] = ()) -> None:
    for rel in deletions:
        (repo / rel).unlink()
    for rel, content in files.items():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="\n")


def init_repo(repo: Path) -> None:
    """An empty repository on branch main, configured the same on every machine."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    for key, value in (("commit.gpgsign", "false"), ("gc.auto", "0"), ("core.autocrlf", "false")):
        git(repo, "config", key, value)


def commit_tree(repo: Path, message: str, files: Mapping[str, str | bytes],
                deletions: Sequence[str] = ()) -> str:
    """Write ``files``, delete ``deletions``, commit everything and return the commit id."""
    write_tree(repo, files, deletions)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


Build = Callable[[Path, int, float], tuple[str, str]]
"""Builds the repository at a path from a seed and a scale; returns the base and head ids."""


def prepare_repo(workdir: Path, seed: int, scale: float, *, dirname: str, marker_name: str,
                 generator: int, build: Build) -> tuple[Path, str, str, bool]:
    """The repository ``workdir/dirname``: reused when generator, seed and scale match.

    The settings and commit ids are recorded in ``.git/marker_name``, outside any commit.
    """
    if shutil.which("git") is None:
        raise BenchError("git is not on PATH")
    repo = workdir / dirname
    marker = repo / ".git" / marker_name
    wanted = {"generator": generator, "seed": seed, "scale": scale}
    if marker.is_file():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if {k: recorded.get(k) for k in wanted} == wanted:
            return repo, recorded["base"], recorded["head"], True
        log(f"rebuilding {repo}: it was built with different settings")
        shutil.rmtree(repo)
    elif repo.exists():
        raise BenchError(f"{repo} exists but was not made by this benchmark; remove it or pass "
                         "another --workdir")
    log(f"building the benchmark repository in {repo} (seed {seed}, scale {scale}) ...")
    base, head = build(repo, seed, scale)
    marker.write_text(json.dumps({**wanted, "base": base, "head": head}), encoding="utf-8")
    return repo, base, head, False


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Measurement:
    label: str
    walls: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def rss_mib(self) -> float:
        return statistics.median(self.rss_kib) / KIB_PER_MIB

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def as_dict(self) -> dict[str, Any]:
        return {"median_wall_s": round(self.wall, 4), "peak_rss_mib": round(self.rss_mib, 2),
                "max_peak_rss_mib": round(max(self.rss_kib) / KIB_PER_MIB, 2),
                "median_cpu_s": round(self.cpu, 4), "runs": len(self.walls),
                "walls_s": [round(w, 4) for w in self.walls]}


def run_once(cmd: Sequence[str], cwd: Path, err_path: Path,
             ok_codes: tuple[int, ...]) -> tuple[float, int, float]:
    """Run ``cmd`` under the wrapper; return its wall seconds, peak RSS (KiB) and CPU seconds."""
    result = subprocess.run([sys.executable, "-I", "-S", "-c", WRAPPER, str(err_path), *cmd],
                            cwd=cwd, env=bench_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"the measuring wrapper failed for {cmd[0]}: {result.stderr.strip()}")
    code, wall, rss, cpu = result.stdout.split()
    if int(code) not in ok_codes:
        stderr = err_path.read_text(encoding="utf-8", errors="replace").strip()
        raise BenchError(f"{' '.join(cmd)} exited with {code}: {stderr[-2000:] or '(no stderr)'}")
    return float(wall), int(rss), float(cpu)


def measure(label: str, cmd: Sequence[str], cwd: Path, err_path: Path, repeat: int,
            warmup: int, ok_codes: tuple[int, ...] = (0,)) -> Measurement:
    log(f"measuring {label}: {warmup} warm-up + {repeat} runs")
    for _ in range(warmup):
        run_once(cmd, cwd, err_path, ok_codes)
    result = Measurement(label)
    for _ in range(repeat):
        wall, rss, cpu = run_once(cmd, cwd, err_path, ok_codes)
        result.walls.append(wall)
        result.rss_kib.append(rss)
        result.cpus.append(cpu)
    return result


def interleaved(commands: dict[str, Sequence[str]], cwd: Path, err: Path, repeat: int,
                warmup: int, ok_codes: tuple[int, ...] = (0, 1),
                case: str = "") -> dict[str, Measurement]:
    """Each command once per round, round after round, so that the machine's speed, which
    swings from minute to minute, weighs on every side of a ratio alike. ``case`` names the
    inputs in the log."""
    log(f"{case + ': ' if case else ''}measuring {', '.join(commands)}: {warmup} warm-up + "
        f"{repeat} interleaved rounds")
    results = {name: Measurement(name) for name in commands}
    for round_ in range(warmup + repeat):
        for name, cmd in commands.items():
            wall, rss, cpu = run_once(cmd, cwd, err, ok_codes)
            if round_ >= warmup:
                results[name].walls.append(wall)
                results[name].rss_kib.append(rss)
                results[name].cpus.append(cpu)
    return results


def gatekeeper_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    found = shutil.which("gatekeeper")
    return [found] if found else [sys.executable, "-m", "gatekeeper"]


STACK_FLOOR = """
import click, yaml
from pydantic import BaseModel, ConfigDict, Field

class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    min: float = Field(default=0, ge=0, le=100)

Rule.model_validate({"id": "tested-changes", "min": 0})
"""
"""What any run of a tool built on gatekeeper's stack pays before its own code: click, PyYAML
and pydantic loaded, and one small model built and validated."""


def interpreter_of(command: Sequence[str]) -> str:
    """The Python that runs ``command``: a console script's ``#!`` line, or its first word
    when that is Python (``python -m gatekeeper``); else the one running this script."""
    first = Path(command[0])
    try:
        with first.open("rb") as handle:
            line = handle.readline(4096)
    except OSError:
        line = b""
    named = line[2:].decode(errors="replace").split() if line.startswith(b"#!") else []
    for candidate in (*named[:1], command[0]):
        if "python" in Path(candidate).name:
            return candidate
    return sys.executable


def stack_floor_command(gatekeeper: Sequence[str]) -> list[str]:
    """The stack floor (``STACK_FLOOR``), run by the interpreter that runs ``gatekeeper``."""
    return [interpreter_of(gatekeeper), "-c", STACK_FLOOR]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- reporting --------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b > 0 else None


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                     for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


Row = tuple[str, dict[str, Any], Sequence[str]]
"""A table row: the command's name, its ``Measurement.as_dict()`` and its ratio cells."""


def print_measurements(header: Sequence[str], widths: Sequence[int], rows: Sequence[Row],
                       floor_mib: float) -> None:
    """The table of medians; an RSS within 5% of the floor is starred and footnoted."""
    print(_row(header, widths))
    print("  ".join("-" * w for w in widths))
    at_floor = False
    for name, data, ratios in rows:
        rss = f"{data['peak_rss_mib']:.1f}"
        if data["peak_rss_mib"] <= floor_mib * 1.05:
            rss, at_floor = f"*{rss}", True
        print(_row((name, f"{data['median_wall_s']:.3f}", rss, f"{data['median_cpu_s']:.3f}",
                    *ratios), widths))
    if at_floor:
        print("* at the RSS floor: the command itself may use less than this")


def print_targets(targets: dict[str, dict[str, Any]]) -> None:
    print()
    for target in targets.values():
        print(f"{'MET    ' if target['met'] else 'NOT MET'}  {target['name']}: "
              f"{target['value']} (target {target['target']})")


def change_kinds(statuses: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in statuses.items())


# -- main ---------------------------------------------------------------------------------------


AddOptions = Callable[[argparse.ArgumentParser], object]


def bench_parser(description: str, *, repeat: int, seed: int, seeded: str, below: str,
                 run_options: AddOptions | None = None,
                 tool_options: AddOptions | None = None) -> argparse.ArgumentParser:
    """The options every benchmark takes.

    ``seeded`` names what --seed generates, ``below`` what a --scale under 1.0 means; the
    benchmark's own options go after --repeat (``run_options``) and --gatekeeper
    (``tool_options``).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workdir", type=Path, help="Keep the generated repository here and "
                        "reuse it on later runs (default: a temporary folder, removed after).")
    parser.add_argument("--repeat", type=int, default=repeat, help="Measured runs per command; "
                        "the median is reported (default: %(default)s).")
    if run_options is not None:
        run_options(parser)
    parser.add_argument("--warmup", type=int, default=1, help="Unmeasured runs before each "
                        "command's measured runs (default: %(default)s).")
    parser.add_argument("--seed", type=int, default=seed, help=f"Seed of the generated {seeded} "
                        "(default: %(default)s).")
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply the number of files "
                        f"(below 1.0 {below}; default: %(default)s).")
    parser.add_argument("--gatekeeper", metavar="PATH", help="The gatekeeper executable (default: "
                        "`gatekeeper` on PATH, else `python -m gatekeeper`).")
    if tool_options is not None:
        tool_options(parser)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    return parser


def environment(repo: Path) -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(),
            "git": git(repo, "--version"), "cpus": os.cpu_count()}


Run = Callable[[argparse.Namespace, Path], dict[str, Any]]
"""Runs a benchmark in a work folder and returns its report."""


def bench_main(name: str, tmp_prefix: str, args: argparse.Namespace, run: Run,
               print_table: Callable[[dict[str, Any]], None]) -> int:
    """Run in --workdir (else a temporary folder) and print the report; errors name ``name``."""
    try:
        if args.workdir is not None:
            args.workdir.mkdir(parents=True, exist_ok=True)
            report = run(args, args.workdir.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix=tmp_prefix) as tmp:
                report = run(args, Path(tmp).resolve())
    except BenchError as exc:
        print(f"{name}: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0
