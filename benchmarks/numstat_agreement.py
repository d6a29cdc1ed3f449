"""Check gatekeeper's per-file line counts against git diff --numstat over first-parent history."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from gatekeeper.changeset.model import Revisions
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo

SHOWN = 20
BINARY = (-1, -1)  # how a binary file's figures are recorded on both sides

Figures = tuple[int, int]
Entry = tuple[str, int, int]


@dataclass
class Disagreement:
    commit: str
    path: str
    gatekeeper: str
    numstat: str


def git(repo: str, *args: str) -> bytes:
    """Run git in ``repo`` and return its stdout; stop the script if it fails."""
    proc = subprocess.run(["git", "-C", repo, *args], capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", errors="replace").strip()
        sys.exit(f"git {args[0]} failed in {repo}: {err}")
    return proc.stdout


@contextmanager
def open_repo(path: str) -> Iterator[GitRepo]:
    """GitRepo.discover on ``path``; for a bare repository, on a --no-checkout clone of it."""
    try:
        repo = GitRepo.discover(path)
    except ChangeSetError as exc:
        if git(path, "rev-parse", "--is-bare-repository").strip() != b"true":
            raise
        print(f"note: GitRepo.discover fails on the bare repository {path} ({exc.message}); "
              "using a temporary git clone --no-checkout of it", file=sys.stderr)
    else:
        try:
            yield repo
        finally:
            repo.close()
        return
    with tempfile.TemporaryDirectory(prefix="numstat-agreement-") as tmp:
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", path, tmp], check=True)
        repo = GitRepo.discover(tmp)
        try:
            yield repo
        finally:
            repo.close()


def first_parent_pairs(root: str, sha: str, limit: int | None) -> list[tuple[str, str | None]]:
    """(commit, first parent) for each first-parent commit of ``sha``, newest first."""
    args = ["rev-list", "--first-parent", "--parents"]
    if limit is not None:
        args.append(f"--max-count={limit}")
    pairs: list[tuple[str, str | None]] = []
    for line in git(root, *args, sha, "--").decode("ascii").splitlines():
        shas = line.split()
        pairs.append((shas[0], shas[1] if len(shas) > 1 else None))
    return pairs


def parse_numstat_z(data: bytes) -> list[Entry]:
    """Parse `git diff --numstat -z`; a rename's path field is empty and old, new paths follow."""
    fields = data.split(b"\0")
    entries: list[Entry] = []
    i = 0
    while i < len(fields):
        record = fields[i]
        if not record:
            i += 1
            continue
        added, deleted, path = record.split(b"\t", 2)
        if path:
            i += 1
        else:  # rename or copy: old path, then new path
            path = fields[i + 2]
            i += 3
        figures = BINARY if added == b"-" else (int(added), int(deleted))
        # gatekeeper decodes paths as UTF-8 with replacement characters; do the same
        entries.append((path.decode("utf-8", errors="replace"), *figures))
    return entries


def gatekeeper_entries(repo: GitRepo, parent: str, sha: str) -> list[Entry]:
    revs = Revisions(mode="range", base_ref=parent, base_sha=parent, head_ref=sha, head_sha=sha,
                     merge_base=parent)
    cs = collect.from_git(repo, revs)
    return [(f.path, *(BINARY if f.binary else (f.added, f.deleted))) for f in cs.files]


def describe(figures: list[Figures]) -> str:
    if not figures:
        return "absent"
    return ", ".join("binary" if f == BINARY else f"+{f[0]} -{f[1]}" for f in sorted(figures))


def compare(commit: str, ours: list[Entry], theirs: list[Entry]) -> list[Disagreement]:
    if Counter(ours) == Counter(theirs):
        return []
    by_path: dict[str, tuple[list[Figures], list[Figures]]] = {}
    for index, entries in enumerate((ours, theirs)):
        for path, added, deleted in entries:
            by_path.setdefault(path, ([], []))[index].append((added, deleted))
    return [Disagreement(commit, path, describe(gk), describe(ns))
            for path, (gk, ns) in sorted(by_path.items()) if sorted(gk) != sorted(ns)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", required=True, help="a git repository, bare or not")
    parser.add_argument("--rev", default="HEAD", help="walk the first parents of this revision")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="check at most N commits (the newest)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    head = git(args.repo, "rev-parse", "--verify", "--end-of-options",
               f"{args.rev}^{{commit}}").decode("ascii").strip()
    checked = agreeing = errors = 0
    disagreements: list[Disagreement] = []
    spent = {"gatekeeper": 0.0, "numstat": 0.0}
    with open_repo(args.repo) as repo:
        pairs = first_parent_pairs(repo.root, head, args.limit)
        for sha, parent in pairs:
            if parent is None:
                continue
            checked += 1
            tick = time.perf_counter()
            try:
                ours = gatekeeper_entries(repo, parent, sha)
            except ChangeSetError as exc:
                errors += 1
                disagreements.append(Disagreement(sha, "<error>", exc.message, "-"))
                continue
            finally:
                spent["gatekeeper"] += time.perf_counter() - tick
            tick = time.perf_counter()
            theirs = parse_numstat_z(git(repo.root, "diff", "--numstat", "-z", "-M", parent, sha))
            spent["numstat"] += time.perf_counter() - tick
            found = compare(sha, ours, theirs)
            if found:
                disagreements.extend(found)
            else:
                agreeing += 1
    elapsed = time.perf_counter() - started

    print(f"revision:   {args.rev} = {head}")
    print(f"commits:    {len(pairs)} first-parent, {checked} with a parent checked")
    print(f"agreeing:   {agreeing}")
    print(f"disagreeing: {checked - agreeing} ({errors} raised an error)")
    for d in disagreements[:SHOWN]:
        print(f"  {d.commit[:12]} {d.path}: gatekeeper {d.gatekeeper}; numstat {d.numstat}")
    if len(disagreements) > SHOWN:
        print(f"  ... and {len(disagreements) - SHOWN} more file disagreements")
    print(f"time:       {elapsed:.1f} s (gatekeeper {spent['gatekeeper']:.1f} s, "
          f"git diff --numstat {spent['numstat']:.1f} s)")
    return 1 if checked != agreeing else 0


if __name__ == "__main__":
    sys.exit(main())
