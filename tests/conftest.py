"""Shared fixtures: real git repositories built in temporary folders, and a CLI runner."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.changeset.model import ChangeSet, FileChange

BATCH_POLICY = """\
version: 1
rules:
  - id: batch-size
    kind: batch-size
    max_effective_lines: 20
"""
"""A policy of one rule: at most 20 effective lines, for integration tests."""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Author",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Cy Committer",
    "GIT_COMMITTER_EMAIL": "cy@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


@dataclass
class Repo:
    """A real git work tree with small helpers to write files and commit."""

    path: Path

    def git(self, *args: str, input: bytes | None = None) -> str:
        """Runs git in the repository with the hermetic environment; stdout, stripped."""
        result = subprocess.run(
            ["git", *args], cwd=self.path, input=input, capture_output=True, check=True,
            env={**os.environ, **GIT_ENV},
        )
        return result.stdout.decode("utf-8", errors="replace").strip()

    def write(self, name: str, content: str | bytes, mode: int | None = None) -> Path:
        """Writes ``content`` to ``name`` in the work tree, with file ``mode`` if given."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        if mode is not None:
            target.chmod(mode)
        return target

    def commit(self, message: str = "change", *, all: bool = True) -> str:
        """Commits (everything, when ``all``) with ``message``; the new commit's sha."""
        if all:
            self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def head(self) -> str:
        """The sha of HEAD."""
        return self.git("rev-parse", "HEAD")


def make_repo(path: Path, *, branch: str = "main") -> Repo:
    """A new git repository at ``path`` on ``branch``, commits unsigned."""
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q", "-b", branch)
    repo.git("config", "commit.gpgsign", "false")
    return repo


def with_origin(tmp_path: Path, *, track: bool = False) -> tuple[Repo, Path]:
    """A work repo whose one-commit main is pushed to a bare origin (``track``: with -u)."""
    origin = tmp_path / "origin.git"
    Repo(tmp_path).git("init", "-q", "--bare", str(origin))
    work = make_repo(tmp_path / "work")
    work.write("README.md", "hi\n")
    work.commit("base")
    work.git("remote", "add", "origin", str(origin))
    work.git("push", "-q", *(["-u"] if track else []), "origin", "main")
    return work, origin


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty git repository in the test's temporary folder."""
    return make_repo(tmp_path / "repo")


@dataclass
class RunResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, input: bytes | None = None,
            env: dict[str, str] | None = None) -> RunResult:
    """Run the real ``gatekeeper`` entry point in a subprocess, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "gatekeeper", *args], cwd=cwd, input=input, capture_output=True,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )
    return RunResult(result.returncode, result.stdout.decode("utf-8", errors="replace"),
                     result.stderr.decode("utf-8", errors="replace"))


def on_terminal(*args: str, cwd: Path, env: dict[str, str] | None = None,
                stream: str = "stdout") -> tuple[int, bytes, bytes]:
    """Run the real ``gatekeeper`` with ``stream`` (stdout or stderr) on a pseudo-terminal and
    the other on a pipe: its exit code, what the terminal showed, and what the pipe got. The
    terminal is read while it runs, so a long output cannot fill it and stall the command."""
    import pty
    import threading

    leader, follower = pty.openpty()
    shown = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: nobody holds the terminal any more
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE,
                             stream: follower}
    try:
        done = subprocess.run([sys.executable, "-m", "gatekeeper", *args], cwd=cwd,
                              env={**os.environ, **GIT_ENV, **(env or {})}, timeout=120,
                              **pipes)
    finally:
        os.close(follower)
    reader.join(timeout=30)
    os.close(leader)
    return done.returncode, bytes(shown), done.stderr if stream == "stdout" else done.stdout


@pytest.fixture
def cli() -> Iterator[object]:
    """The function that runs the command line, for tests that take it as a fixture."""
    yield run_cli


@pytest.fixture
def hermetic_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in-process git (gatekeeper's GitRepo) with the same pinned identity and config."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


# -- change sets from real repositories, and git diff --numstat as the oracle for counts -----


def changeset(repo: Repo, base: str | None = None, head: str | None = None, *,
              staged: bool = False, find_copies: bool = False) -> ChangeSet:
    """The change set as gatekeeper's Python API reads it from ``repo``."""
    from gatekeeper import context
    from gatekeeper.gitread import collect
    from gatekeeper.gitread.gitio import GitRepo

    git_repo = GitRepo.discover(str(repo.path))
    try:
        revs = context.resolve(git_repo, context.Request(base=base, head=head, staged=staged))
        return collect.from_git(git_repo, revs, find_copies=find_copies)
    finally:
        git_repo.close()


def by_path(cs: ChangeSet) -> dict[str, FileChange]:
    """The files of a change set by path; there must be one entry per path."""
    files = {f.path: f for f in cs.files}
    assert len(files) == len(cs.files), "one entry per path"
    return files


def numbered(n: int, tag: str = "line") -> str:
    """``n`` distinct lines of text ending in a newline."""
    return "".join(f"{tag} {i}\n" for i in range(1, n + 1))


def row(f: FileChange) -> tuple[object, ...]:
    """What a test usually checks first: status (a str enum), old path, added, deleted."""
    return (f.status, f.old_path, f.added, f.deleted)


def added_ranges(f: FileChange) -> list[tuple[int, int]]:
    """The added line ranges of every hunk of ``f``."""
    return [r for h in f.hunks for r in h.added]


def removed_ranges(f: FileChange) -> list[tuple[int, int]]:
    """The removed line ranges of every hunk of ``f``."""
    return [r for h in f.hunks for r in h.removed]


def assert_hunks_consistent(f: FileChange) -> None:
    """Ranges lie inside their hunk and add up to the file's counts."""
    for h in f.hunks:
        for first, last in h.added:
            assert h.new_start <= first <= last < h.new_start + h.new_count, (f.path, h)
        for first, last in h.removed:
            assert h.old_start <= first <= last < h.old_start + h.old_count, (f.path, h)
    assert sum(1 for h in f.hunks for _ in h.added_lines()) == f.added, f.path
    assert sum(1 for h in f.hunks for _ in h.removed_lines()) == f.deleted, f.path


def move(repo: Repo, old: str, new: str) -> None:
    """Rename a file in the work tree, creating folders; commit() stages it."""
    (repo.path / new).parent.mkdir(parents=True, exist_ok=True)
    (repo.path / old).rename(repo.path / new)


def git_numstat(repo: Repo, a: str, b: str) -> tuple[set[tuple[str, int, int]], set[str]]:
    """(path, added, deleted) per file as ``git diff --numstat -z -M`` says; binary paths apart.

    Binary files show ``-`` in numstat; they are recorded as 0 added, 0 deleted.
    """
    out = subprocess.run(["git", "diff", "--numstat", "-z", "-M", a, b], cwd=repo.path,
                         capture_output=True, check=True, env={**os.environ, **GIT_ENV}).stdout
    fields = out.split(b"\0")
    rows: set[tuple[str, int, int]] = set()
    binary: set[str] = set()
    i = 0
    while i < len(fields):
        if not fields[i]:
            i += 1
            continue
        added, deleted, path = fields[i].split(b"\t", 2)
        if path:
            i += 1
        else:  # a rename: an empty path, then the old and the new name as fields of their own
            path, i = fields[i + 2], i + 3
        name = path.decode("utf-8")
        if added == b"-":
            binary.add(name)
            rows.add((name, 0, 0))
        else:
            rows.add((name, int(added), int(deleted)))
    return rows, binary


_DIRS = ("", "src/", "dïr/", "a b/", "docs/deep/")
_STEMS = ("file", "fïle ü", "read me", "naïve", "x")
_TRICKY = ("--- a/x", "+++ b/x", "-- sig", "++ plus", "@@ -1 +1 @@", "diff --git a/q b/q",
           "\\ No newline at end of file", "", " ", "Binary files a and b differ")


def _random_lines(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(_TRICKY) if rng.random() < 0.15
            else f"w{rng.randrange(40)} {rng.random():.3f}" for _ in range(n)]


def _write_lines(repo: Repo, path: str, lines: list[str], rng: random.Random) -> None:
    text = "\n".join(lines)
    repo.write(path, text + "\n" if lines and rng.random() < 0.85 else text)


def _random_change(repo: Repo, rng: random.Random, tracked: dict[str, bool], serial: int) -> None:
    """One random change to the work tree; ``tracked`` maps each path to whether it is binary."""
    texts = [p for p, is_binary in tracked.items() if not is_binary]
    blobs = [p for p, is_binary in tracked.items() if is_binary]
    op = rng.choice(["add", "add", "edit", "edit", "edit", "delete", "rename", "rename-edit",
                     "binary", "binary-edit", "chmod"])
    if op == "add" or not texts:
        path = f"{rng.choice(_DIRS)}{rng.choice(_STEMS)} {serial}.txt"
        _write_lines(repo, path, _random_lines(rng, rng.randrange(0, 30)), rng)
        tracked[path] = False
    elif op in ("edit", "rename-edit"):
        path = rng.choice(texts)
        lines = (repo.path / path).read_text(encoding="utf-8").split("\n")
        for _ in range(1 if op == "rename-edit" else rng.randrange(1, 4)):
            at = rng.randrange(len(lines) + 1)
            cut = rng.randrange(0, 3) if op == "edit" else 1
            lines[at : at + cut] = _random_lines(rng, rng.randrange(0, 4) if op == "edit" else 1)
        _write_lines(repo, path, lines, rng)
        if op == "rename-edit":
            new = f"{_DIRS[serial % len(_DIRS)]}moved {serial} {Path(path).name}"
            move(repo, path, new)
            tracked[new] = tracked.pop(path)
    elif op in ("delete", "rename"):
        path = rng.choice(list(tracked))
        if op == "delete":
            (repo.path / path).unlink()
            del tracked[path]
        else:
            new = f"{_DIRS[serial % len(_DIRS)]}moved {serial} {Path(path).name}"
            move(repo, path, new)
            tracked[new] = tracked.pop(path)
    elif op == "binary" or not blobs:
        path = f"{rng.choice(_DIRS)}blob {serial}.bin"
        repo.write(path, bytes(rng.randrange(256) for _ in range(200)) + b"\0")
        tracked[path] = True
    elif op == "binary-edit":
        path = rng.choice(blobs)
        repo.write(path, (repo.path / path).read_bytes()[:150] + bytes([serial % 256, 0]))
    else:
        target = repo.path / rng.choice(list(tracked))
        target.chmod(target.stat().st_mode ^ 0o111)


def build_history(repo: Repo, *, seed: int, commits: int) -> list[str]:
    """Random adds, edits, deletes, renames (with and without edits), binary files, mode
    changes and unicode or spaced names, with a merge every 12 commits; deterministic for a
    seed. Returns the first-parent line, oldest first."""
    rng = random.Random(seed)
    tracked: dict[str, bool] = {}
    serial = 0
    for n in range(commits):
        for _ in range(rng.randrange(1, 5) if n else 6):
            serial += 1
            _random_change(repo, rng, tracked, serial)
        repo.commit(f"step {n}")
        if n % 12 == 11:
            repo.git("checkout", "-q", "-b", f"side{n}", "HEAD~1")
            repo.write(f"side/ü {n}.txt", "\n".join(_random_lines(rng, 8)) + "\n")
            repo.commit(f"side {n}")
            repo.git("checkout", "-q", "-")
            repo.git("merge", "-q", "--no-ff", "-m", f"merge side {n}", f"side{n}")
    return repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
