"""Generated git histories for the replay tests: merges with --no-ff, squash merges, renames,
AI trailers, a waiver trailer, a GitLab merge and a root commit."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import GIT_ENV, Repo, make_repo, numbered

POLICY = """\
version: 1
extends: [gatekeeper:tiered-review]
rules:
  - id: small
    kind: batch-size
    max_effective_lines: 30
    waivers: {trailer: true}
"""
"""The oracle's policy: tiers, the spot check, code owners and the recommended pack, plus a
waivable size rule."""

LOOSE = """\
version: 1
rules:
  - id: small
    kind: batch-size
    max_effective_lines: 1000
"""

CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"


def _merge_pr(repo: Repo, number: int, branch: str, files: dict[str, str],
              trailer: str = "") -> None:
    """A feature branch with one commit per file, merged with --no-ff the way GitHub does."""
    repo.git("checkout", "-q", "-b", branch)
    for name, text in files.items():
        repo.write(name, text)
        repo.commit(f"Change {name}" + (f"\n\n{trailer}" if trailer else ""))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", branch, "-m",
             f"Merge pull request #{number} from octo/{branch}")


def _squash(repo: Repo, subject: str, files: dict[str, str], body: str = "") -> str:
    for name, text in files.items():
        repo.write(name, text)
    return repo.commit(subject + (f"\n\n{body}" if body else ""))


EPOCH = 1_793_491_200
"""2026-11-01 00:00 UTC: the root commit's date; each later commit is one hour later."""


@dataclass
class DatedRepo(Repo):
    """A repository whose commits and merges get fixed, increasing dates, so every run builds
    the same shas: the spot check draws on the merge base, and a draw must not change."""

    hour: int = 0

    def git(self, *args: str, input: bytes | None = None) -> str:
        """Runs git as Repo does, with the next date for a commit or a merge."""
        if not args or args[0] not in ("commit", "merge"):
            return super().git(*args, input=input)
        self.hour += 1
        when = f"@{EPOCH + 3600 * self.hour} +0000"
        result = subprocess.run(
            ["git", *args], cwd=self.path, input=input, capture_output=True, check=True,
            env={**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
        return result.stdout.decode("utf-8", errors="replace").strip()


def build(path: Path) -> Repo:
    """The history every replay test reads (newest first): a GitLab merge, a rename, a
    waived large squash, an AI-assisted merge, a large PR merge, a small squash, a root."""
    repo = DatedRepo(make_repo(path).path)
    repo.write("README.md", "hello\n")
    repo.write("src/app.py", numbered(10, "app"))
    repo.commit("Initial commit")
    _squash(repo, "Fix the greeting (#3)", {"src/app.py": numbered(12, "app")})
    _merge_pr(repo, 4, "big", {"src/big.py": numbered(60, "big"),
                               "tests/test_big.py": numbered(5, "t")})
    _merge_pr(repo, 5, "ai", {"src/ai.py": numbered(12, "ai")}, trailer=CLAUDE)
    _squash(repo, "Add the report module (#6)", {"src/report.py": numbered(45, "r")},
            body="Gatekeeper-Waive: small: reviewed twice\nAssisted-by: Copilot")
    repo.git("mv", "src/report.py", "src/reports.py")
    repo.commit("Rename the report module (#7)")
    repo.git("checkout", "-q", "-b", "gl")
    repo.write("docs/guide.md", numbered(8, "doc"))
    repo.commit("Write the guide")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "gl", "-m",
             "Merge branch 'gl' into 'main'\n\nAdd a guide\n\nSee merge request octo/app!42")
    return repo


def with_policy(repo: Repo, text: str = POLICY, name: str = ".gatekeeper.yml") -> Path:
    """Write a policy into the work tree (not committed) and return its path."""
    target = repo.path / name
    target.write_text(text, encoding="utf-8")
    return target
