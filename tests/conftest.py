"""Shared fixtures: real git repositories built in temporary folders, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

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
        result = subprocess.run(
            ["git", *args], cwd=self.path, input=input, capture_output=True, check=True,
            env={**os.environ, **GIT_ENV},
        )
        return result.stdout.decode("utf-8", errors="replace").strip()

    def write(self, name: str, content: str | bytes, mode: int | None = None) -> Path:
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
        if all:
            self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def make_repo(path: Path, *, branch: str = "main") -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q", "-b", branch)
    repo.git("config", "commit.gpgsign", "false")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
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


@pytest.fixture
def cli() -> Iterator[object]:
    yield run_cli
