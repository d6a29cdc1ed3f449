"""Benchmark `gatekeeper check` against `git diff -M` on a large, deterministic change set."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (
    BenchError,
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

FLAGS_POLICY = """\
version: 1
rules:
  - id: guard
    kind: flag-guard
    paths: "**"
    added_over: 20
"""
GENERATOR_VERSION = 1
"""Bump when the generated repository changes, so a reused --workdir is rebuilt."""
TIME_RATIO_TARGET = 3.0
STARTUP_TARGET_S = 0.15
MIN_FILES = 1_500
MIN_DIFF_LINES = 400_000
REPO_DIRNAME = "gatekeeper-bench-repo"
MARKER_NAME = "gatekeeper-bench.json"
DIFF_NAME = "gatekeeper-bench.diff"

# The peer: a plain unidiff parse of the very diff text `git diff -M` printed.
UNIDIFF_PEER = """
import sys
from unidiff import PatchSet
patch = PatchSet.from_filename(sys.argv[1], encoding="utf-8")
print(len(patch), sum(f.added for f in patch), sum(f.removed for f in patch))
"""

WORDS = (
    "account", "alpha", "archive", "batch", "beacon", "bridge", "buffer", "cache", "cursor",
    "delta", "digest", "draft", "engine", "event", "filter", "frame", "gateway", "graph",
    "handle", "index", "invoice", "job", "kernel", "ledger", "limit", "loader", "matrix",
    "merge", "meter", "node", "offset", "order", "packet", "parser", "peer", "pipeline",
    "policy", "quota", "queue", "record", "region", "report", "route", "sample", "schema",
    "session", "shard", "signal", "socket", "source", "stream", "table", "tenant", "token",
    "trace", "update", "user", "vector", "window", "worker",
)
LANGS = ("py", "py", "py", "py", "ts", "ts", "ts", "go", "go", "md")
# str.format templates of generated lines: {a} and {b} are identifiers, {n} a number.
LINE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "py": ("def {a}({b}, limit={n}):", "    {a} = {b}.get({n}, None)",
           "    return {a} + {n}", "    if {a} > {n}:",
           "    # {a} keeps {b} in step", "    {a}.append({b}[{n}])"),
    "ts": ("export function {a}({b}: number): number {{", "  const {a} = {b} * {n};",
           "  return {a} + {n};", "}}", "  // {a} follows {b}",
           "  if ({a} > {n}) {{ {b}.push({n}); }}"),
    "go": ("func {a}({b} int) int {{", "\t{a} := {b} * {n}", "\treturn {a} + {n}",
           "}}", "\t// {a} follows {b}", "\tif {a} > {n} {{ {b}++ }}"),
    "md": ("## {a} and {b}", "The {a} step reads {b} up to {n} times.",
           "- {a}: {n}", "", "See `{b}` for the {a} case.",
           "| {a} | {b} | {n} |"),
}


# -- the generated repository -------------------------------------------------------------------


@dataclass(frozen=True)
class Plan(ScaledPlan):
    """How many files of each kind the change set holds (before --scale)."""

    modified: int = 860
    added: int = 340
    deleted: int = 190
    renamed: int = 110
    unchanged: int = 300
    vendored_base: int = 60
    vendored_modified: int = 40
    vendored_added: int = 120
    generated: int = 20
    binaries: int = 4
    lock_packages: int = 3_000


def _lines(rng: random.Random, lang: str, count: int) -> list[str]:
    return random_lines(rng, LINE_TEMPLATES[lang], count, WORDS)


def _edit(rng: random.Random, lines: list[str], lang: str, fraction: float) -> list[str]:
    """Replace, insert and delete runs of lines until about ``fraction`` of them changed."""
    out = list(lines)
    hunks = max(1, round(len(lines) * fraction / 14))
    for pos in sorted(rng.sample(range(len(lines)), min(hunks, len(lines))), reverse=True):
        size = rng.randint(3, 25)
        roll = rng.random()
        if roll < 0.15:  # a pure deletion
            out[pos : pos + size] = []
        elif roll < 0.3:  # a pure insertion
            out[pos:pos] = _lines(rng, lang, size)
        else:
            out[pos : pos + size] = _lines(rng, lang, max(1, size + rng.randint(-3, 4)))
    return out


def _path(rng: random.Random, lang: str, index: int, folder: str | None = None) -> str:
    area, name = rng.choice(WORDS), f"{rng.choice(WORDS)}_{index}"
    if lang == "py":
        if rng.random() < 0.2:
            return f"{folder or 'tests/' + area}/test_{name}.py"
        return f"{folder or 'src/app/' + area}/{name}.py"
    if lang == "ts":
        return f"{folder or 'web/src/' + area}/{name}.ts"
    if lang == "go":
        return f"{folder or 'services/' + area}/{name}.go"
    return f"{folder or 'docs/' + area}/{name}.md"


def _lang_of(path: str) -> str:
    return {"py": "py", "ts": "ts", "go": "go"}.get(path.rsplit(".", 1)[-1], "md")


def _version(rng: random.Random) -> str:
    return f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"


Package = tuple[str, bool, tuple[str, ...]]
"""An npm package in the lockfile: version, dev flag, dependency names."""


def _lockfile(packages: dict[str, Package]) -> str:
    """An npm lockfile (v3) listing ``packages``: name -> (version, dev, dependencies)."""
    blocks = ['    "": {\n      "name": "bench-app",\n      "version": "1.0.0"\n    }']
    for name in sorted(packages):
        version, dev, deps = packages[name]
        integrity = hashlib.sha512(f"{name}@{version}".encode()).hexdigest()[:88]
        lines = [
            f'    "node_modules/{name}": {{',
            f'      "version": "{version}",',
            f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",',
            f'      "integrity": "sha512-{integrity}"' + ("," if dev or deps else ""),
        ]
        if dev:
            lines.append('      "dev": true' + ("," if deps else ""))
        if deps:
            lines.append('      "dependencies": {')
            lines.append(",\n".join(f'        "{d}": "^{packages[d][0]}"' if d in packages
                                    else f'        "{d}": "*"' for d in deps))
            lines.append("      }")
        lines.append("    }")
        blocks.append("\n".join(lines))
    return ('{\n  "name": "bench-app",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n'
            '  "requires": true,\n  "packages": {\n' + ",\n".join(blocks) + "\n  }\n}\n")


Tree = dict[str, str | bytes]


@dataclass
class Snapshots:
    """The base tree and the trees of the head commits (each applied on top of the last)."""

    base: Tree = field(default_factory=dict)
    commits: list[tuple[str, Tree, list[str]]] = field(default_factory=list)
    """(message, files to write, paths to delete)."""


def generate(seed: int, plan: Plan) -> Snapshots:
    rng = random.Random(seed)
    snap = Snapshots()
    counter = iter(range(10**9))

    def new_file(lang: str, low: int, high: int,
                 folder: str | None = None) -> tuple[str, list[str]]:
        return _path(rng, lang, next(counter), folder), _lines(rng, lang, rng.randint(low, high))

    # Commit 1: rework source files, add new ones, regenerate code, replace images.
    rework: Tree = {}
    for _ in range(plan.modified):
        path, lines = new_file(rng.choice(LANGS), 200, 560)
        snap.base[path] = text_of(lines)
        rework[path] = text_of(_edit(rng, lines, _lang_of(path), rng.uniform(0.25, 0.45)))
    for _ in range(plan.unchanged):
        path, lines = new_file(rng.choice(LANGS), 50, 300)
        snap.base[path] = text_of(lines)
    for _ in range(plan.added):
        path, lines = new_file(rng.choice(LANGS), 120, 400)
        rework[path] = text_of(lines)
    banner = "// Code generated by protoc-gen-go. DO NOT EDIT.\n// source: bench.proto\n\n"
    for i in range(plan.generated):
        lines = _lines(rng, "go", rng.randint(150, 300))
        path = f"gen/proto/{rng.choice(WORDS)}_{i}.pb.go"
        snap.base[path] = banner + text_of(lines)
        rework[path] = banner + text_of(_edit(rng, lines, "go", 0.5))
    snap.base[".gitattributes"] = "gen/** linguist-generated=true\n*.png binary\n"
    for i in range(plan.binaries):
        path = f"assets/img/{rng.choice(WORDS)}_{i}.png"
        if i % 2 == 0:
            snap.base[path] = b"\x89PNG\r\n\x1a\n\0" + rng.randbytes(4096)
        rework[path] = b"\x89PNG\r\n\x1a\n\0" + rng.randbytes(4096)
    snap.commits.append(("Rework modules and regenerate protobuf code", rework, []))

    # Commit 2: update dependencies: the lockfile and a vendored library.
    packages: dict[str, Package] = {f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}": (
        _version(rng), rng.random() < 0.4, ()) for i in range(plan.lock_packages)}
    names = sorted(packages)
    packages = {name: (v, dev, tuple(rng.sample(names, rng.randint(0, 3))))
                for name, (v, dev, _) in packages.items()}
    snap.base["package-lock.json"] = _lockfile(packages)
    updated = dict(packages)
    for name in names:
        roll = rng.random()
        if roll < 0.02:
            del updated[name]
        elif roll < 0.40:
            _, dev, needs = packages[name]
            updated[name] = (_version(rng), dev, needs)
    for i in range(plan.lock_packages // 25):
        updated[f"{rng.choice(WORDS)}-new-{i}"] = (_version(rng), rng.random() < 0.4, ())
    deps: Tree = {"package-lock.json": _lockfile(updated)}
    vendor = "vendor/github.com/acme/netkit"
    for _ in range(plan.vendored_base):
        path, lines = new_file("go", 100, 300, vendor)
        snap.base[path] = text_of(lines)
    for path in rng.sample(sorted(p for p in snap.base if p.startswith(vendor)),
                           min(plan.vendored_modified, plan.vendored_base)):
        deps[path] = text_of(_edit(rng, str(snap.base[path]).splitlines(), "go", 0.3))
    for _ in range(plan.vendored_added):
        path, lines = new_file("go", 80, 300, f"{vendor}/{rng.choice(WORDS)}")
        deps[path] = text_of(lines)
    snap.commits.append(("Update dependencies and vendored netkit", deps, []))

    # Commit 3: move modules (renames with small edits) and delete dead ones.
    moves: Tree = {}
    gone: list[str] = []
    for _ in range(plan.renamed):
        lang = rng.choice(LANGS)
        old, lines = new_file(lang, 80, 300)
        snap.base[old] = text_of(lines)
        new = _path(rng, lang, next(counter), f"src/core/{rng.choice(WORDS)}")
        moves[new] = text_of(_edit(rng, lines, lang, 0.04))
        gone.append(old)
    for _ in range(plan.deleted):
        path, lines = new_file(rng.choice(LANGS), 150, 450)
        snap.base[path] = text_of(lines)
        gone.append(path)
    snap.commits.append(("Move core modules and delete dead code", moves, gone))
    return snap


def build_repo(repo: Path, seed: int, scale: float) -> tuple[str, str]:
    snap = generate(seed, Plan().scaled(scale))
    init_repo(repo)
    base = head = commit_tree(repo, "Base snapshot", snap.base)
    for message, files, deletions in snap.commits:
        head = commit_tree(repo, message, files, deletions)
    git(repo, "branch", "-f", "bench-base", base)
    return base, head


@dataclass(frozen=True)
class DiffStats:
    files: int
    lines: int
    bytes: int
    statuses: dict[str, int]


def diff_stats(repo: Path, base: str, head: str, diff_path: Path) -> DiffStats:
    """Save ``git diff -M`` for the peer, and count its lines, files and change kinds."""
    with diff_path.open("wb") as out:
        result = subprocess.run(["git", "diff", "-M", base, head], cwd=repo, env=bench_env(),
                                stdout=out, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise BenchError(f"git diff failed: {result.stderr.decode(errors='replace').strip()}")
    lines = files = 0
    with diff_path.open("rb") as handle:
        for line in handle:
            lines += 1
            files += line.startswith(b"diff --git ")
    statuses = Counter(row.split("\t", 1)[0][:1] for row in
                       git(repo, "diff", "-M", "--name-status", base, head).splitlines() if row)
    return DiffStats(files, lines, diff_path.stat().st_size, dict(sorted(statuses.items())))


def interpreter_of(command: list[str]) -> str:
    """The Python that runs ``command``: its script's shebang, else this interpreter."""
    if len(command) == 1:
        try:
            with open(command[0], "rb") as handle:
                first = handle.readline().decode("utf-8", errors="replace")
        except OSError:
            first = ""
        if first.startswith("#!"):
            parts = first[2:].split()
            if parts and os.path.basename(parts[0]).startswith("python") \
                    and os.access(parts[0], os.X_OK):
                return parts[0]
    return sys.executable if len(command) == 1 else command[0]


def find_unidiff_python(candidates: Sequence[str]) -> str | None:
    for python in dict.fromkeys(candidates):
        probe = subprocess.run([python, "-c", "import unidiff"], capture_output=True, check=False)
        if probe.returncode == 0:
            return python
    return None


# -- reporting --------------------------------------------------------------------------------


def print_table(report: dict[str, Any]) -> None:
    repo, res, ratios = report["repo"], report["results"], report["ratios"]
    kinds = change_kinds(repo["statuses"])
    print(f"Change set: {repo['files']:,} files ({kinds}), {repo['diff_lines']:,} lines and "
          f"{repo['diff_bytes'] / 2**20:.1f} MiB of `git diff -M` output")
    print(f"Revisions: {repo['base'][:12]}..{repo['head'][:12]} (seed {repo['seed']}, scale "
          f"{repo['scale']}, {'reused' if repo['reused'] else 'built'} in "
          f"{'--workdir' if repo['workdir_given'] else 'a temporary folder'})")
    print(f"Runs: median of {report['repeat']} (startup: {report['startup_repeat']}); "
          f"RSS floor of a measured child (`true`): {report['rss_floor_mib']:.1f} MiB")
    print()
    rows: list[Row] = [
        ("git diff -M", res["git_diff"], ("1.00x", "1.00x")),
        ("gatekeeper check --format json", res["gatekeeper_check"],
         (fmt_ratio(ratios["gatekeeper_time"]), fmt_ratio(ratios["gatekeeper_rss"]))),
        ("  + flag-guard, every SDK preset", res["gatekeeper_flags"],
         (fmt_ratio(ratios["flags_time"]), fmt_ratio(ratios["flags_rss"])))]
    if res.get("unidiff_peer"):
        rows.append(("peer: unidiff PatchSet parse", res["unidiff_peer"],
                     (fmt_ratio(ratios["unidiff_time"]), fmt_ratio(ratios["unidiff_rss"]))))
    rows.append(("gatekeeper --version (startup)", res["startup"], ("", "")))
    print_measurements(("command", "wall s", "peak RSS MiB", "CPU s", "time/git", "mem/git"),
                       (32, 8, 13, 8, 9, 9), rows, report["rss_floor_mib"])
    if report["unidiff_skipped"]:
        print(f"(peer row skipped: {report['unidiff_skipped']})")
    print_targets(report["targets"])


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "Build a large deterministic git change set and compare the wall time and peak RSS of "
        "`gatekeeper check` with `git diff -M` (and a plain unidiff parse).",
        repeat=5, seed=20240115, seeded="repository",
        below="the change set is smaller than the benchmark's minimum",
        run_options=lambda parser: parser.add_argument(
            "--startup-repeat", type=int, default=10,
            help="Runs of `gatekeeper --version` (default: %(default)s)."))
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.startup_repeat < 1 or args.warmup < 0 or args.scale <= 0:
        parser.error("--repeat and --startup-repeat must be >= 1, --warmup >= 0, --scale > 0")
    return args


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    repo, base, head, reused = prepare_repo(workdir, args.seed, args.scale,
                                            dirname=REPO_DIRNAME, marker_name=MARKER_NAME,
                                            generator=GENERATOR_VERSION, build=build_repo)
    stats = diff_stats(repo, base, head, workdir / DIFF_NAME)
    log(f"change set: {stats.files:,} files, {stats.lines:,} diff lines")
    if stats.files < MIN_FILES or stats.lines < MIN_DIFF_LINES:
        log(f"warning: below the benchmark's minimum of {MIN_FILES:,} files and "
            f"{MIN_DIFF_LINES:,} diff lines")

    gk = gatekeeper_command(args.gatekeeper)
    check = [*gk, "check", "--base", base, "--head", head, "--format", "json"]
    sanity = subprocess.run(check, cwd=repo, env=bench_env(), capture_output=True, check=False)
    if sanity.returncode not in (0, 1):
        raise BenchError(f"gatekeeper check exited with {sanity.returncode}: "
                         f"{sanity.stderr.decode(errors='replace').strip()[-2000:]}")
    verdict = json.loads(sanity.stdout)
    seen = verdict["changeset"]["totals"]["raw"]["files"]
    if seen != stats.files:
        log(f"warning: gatekeeper counted {seen} files, git diff printed {stats.files}")

    err_path = workdir / "gatekeeper-bench.stderr"
    floor = measure("floor (true)", ["true"], repo, err_path, 3, 0)
    results = {
        "git_diff": measure("git diff -M", ["git", "diff", "-M", base, head], repo, err_path,
                            args.repeat, args.warmup),
        # Exit 1 is the expected policy failure of such a big change; 2 and 3 are errors.
        "gatekeeper_check": measure("gatekeeper check", check, repo, err_path, args.repeat,
                                    args.warmup, ok_codes=(0, 1)),
    }
    # The same check with every flag preset scanning the added and removed lines: the cost
    # of keeping the changed text and reading it for flag calls.
    flags_policy = workdir / "gatekeeper-bench-flags.yml"
    flags_policy.write_text(FLAGS_POLICY, encoding="utf-8")
    results["gatekeeper_flags"] = measure(
        "gatekeeper check, flag scan", [*check, "--policy", str(flags_policy)], repo, err_path,
        args.repeat, args.warmup, ok_codes=(0, 1))
    python = find_unidiff_python([interpreter_of(gk), sys.executable])
    skipped = None
    if python is None:
        skipped = "unidiff is not importable by gatekeeper's Python nor by this one"
    else:
        peer = [python, "-c", UNIDIFF_PEER, str(workdir / DIFF_NAME)]
        parsed = subprocess.run(peer, capture_output=True, text=True, check=False)
        if parsed.returncode != 0:
            skipped = f"unidiff failed to parse the diff: {parsed.stderr.strip()[-300:]}"
        else:
            if int(parsed.stdout.split()[0]) != stats.files:
                log(f"warning: unidiff parsed {parsed.stdout.split()[0]} files")
            results["unidiff_peer"] = measure("unidiff PatchSet", peer, repo, err_path,
                                              args.repeat, args.warmup)
    results["startup"] = measure("gatekeeper --version", [*gk, "--version"], repo, err_path,
                                 args.startup_repeat, args.warmup)

    git_diff, check_m = results["git_diff"], results["gatekeeper_check"]
    peer_m = results.get("unidiff_peer")
    ratios = {
        "gatekeeper_time": ratio(check_m.wall, git_diff.wall),
        "gatekeeper_rss": ratio(check_m.rss_mib, git_diff.rss_mib),
        "flags_time": ratio(results["gatekeeper_flags"].wall, git_diff.wall),
        "flags_rss": ratio(results["gatekeeper_flags"].rss_mib, git_diff.rss_mib),
        "unidiff_time": ratio(peer_m.wall, git_diff.wall) if peer_m else None,
        "unidiff_rss": ratio(peer_m.rss_mib, git_diff.rss_mib) if peer_m else None,
    }
    time_ratio = ratios["gatekeeper_time"]
    startup = results["startup"].wall
    return {
        "repo": {"files": stats.files, "diff_lines": stats.lines, "diff_bytes": stats.bytes,
                 "statuses": stats.statuses, "base": base, "head": head, "seed": args.seed,
                 "scale": args.scale, "reused": reused,
                 "workdir_given": args.workdir is not None},
        "gatekeeper_command": gk,
        "gatekeeper_files_seen": seen,
        "gatekeeper_verdict": verdict.get("verdict"),
        "environment": environment(repo),
        "repeat": args.repeat,
        "startup_repeat": args.startup_repeat,
        "rss_floor_mib": round(floor.rss_mib, 2),
        "results": {name: m.as_dict() for name, m in results.items()},
        "ratios": ratios,
        "unidiff_skipped": skipped,
        "targets": {
            "time_ratio": {"name": "gatekeeper check time / git diff -M time",
                           "target": f"<= {TIME_RATIO_TARGET}", "value": time_ratio,
                           "met": time_ratio is not None and time_ratio <= TIME_RATIO_TARGET},
            "startup": {"name": "gatekeeper --version wall seconds",
                        "target": f"< {STARTUP_TARGET_S}", "value": round(startup, 4),
                        "met": startup < STARTUP_TARGET_S},
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main("bench_check", "gatekeeper-bench-", parse_args(argv), run, print_table)


if __name__ == "__main__":
    sys.exit(main())
