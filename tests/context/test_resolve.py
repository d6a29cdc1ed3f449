"""Resolving a target: bounded deepening of shallow clones, and failing closed with the fix."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from gatekeeper.context.model import Target
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, make_repo, run_cli

# The package re-exports a function named resolve, which hides the module of that name.
resolve = importlib.import_module("gatekeeper.context.resolve")


def origin_with_long_main(tmp_path: Path, main_commits: int = 120) -> Path:
    """A bare origin: main with a long history, feature branched off its 10th commit."""
    seed = make_repo(tmp_path / "seed")
    for i in range(main_commits):
        if i == 10:
            seed.git("branch", "feature")
        seed.write("main.txt", f"{i}\n")
        seed.commit(f"main {i}")
    seed.git("checkout", "-q", "feature")
    for i in range(3):
        seed.write(f"f{i}.py", f"x = {i}\n")
        seed.commit(f"feature {i}")
    bare = tmp_path / "origin.git"
    Repo(tmp_path).git("clone", "-q", "--bare", str(seed.path), str(bare))
    return bare


def shallow_clone(tmp_path: Path, origin: Path) -> Repo:
    """A depth-1 clone of ``origin`` with feature checked out."""
    Repo(tmp_path).git("clone", "-q", "--depth", "1", "--no-single-branch", origin.as_uri(),
                       "work")
    work = Repo(tmp_path / "work")
    work.git("checkout", "-q", "feature")
    assert work.git("rev-parse", "--is-shallow-repository") == "true"
    return work


def test_deepens_step_by_step_until_the_merge_base_appears(tmp_path: Path,
                                                           hermetic_git: None) -> None:
    work = shallow_clone(tmp_path, origin_with_long_main(tmp_path))
    repo = GitRepo.discover(str(work.path))
    try:
        target = Target("HEAD", "the checked-out commit", "origin/main", "given")
        revisions = resolve.resolve(repo, target)
    finally:
        repo.close()
    assert revisions.merge_base == work.git("rev-parse", "origin/main~110")
    assert "deepened the shallow clone by 150 commits" in revisions.base_reason


def test_gives_up_after_the_bound_with_the_remedy(tmp_path: Path, hermetic_git: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    work = shallow_clone(tmp_path, origin_with_long_main(tmp_path))
    monkeypatch.setattr(resolve, "DEEPEN_STEPS", (5, 5))
    repo = GitRepo.discover(str(work.path))
    fix = "actions/checkout with fetch-depth: 0"
    try:
        with pytest.raises(ChangeSetError) as info:
            resolve.resolve(repo, Target("HEAD", "", "origin/main", "", shallow_fix=fix))
    finally:
        repo.close()
    assert info.value.exit_code == 3
    assert "even after fetching 10 more commits" in info.value.message
    assert info.value.hint == fix


def test_the_report_says_how_the_base_was_found(tmp_path: Path) -> None:
    work = shallow_clone(tmp_path, origin_with_long_main(tmp_path, main_commits=30))
    result = run_cli("check", "--base", "origin/main", cwd=work.path)
    assert result.code == 0, result.stderr
    compared = next(line for line in result.stdout.splitlines() if "compared:" in line)
    assert "HEAD (given" not in compared and "against origin/main" in compared
    assert "given with --base; deepened the shallow clone by" in compared


def test_a_missing_side_is_fetched_from_the_remote(tmp_path: Path, hermetic_git: None) -> None:
    origin = origin_with_long_main(tmp_path, main_commits=15)
    Repo(tmp_path).git("clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(),
                       "single")
    work = Repo(tmp_path / "single")
    assert "origin/main" not in work.git("branch", "-r")
    repo = GitRepo.discover(str(work.path))
    target = Target("HEAD", "", "refs/remotes/origin/main", "the target branch",
                    fetch=("+refs/heads/main:refs/remotes/origin/main",))
    try:
        revisions = resolve.resolve(repo, target)
    finally:
        repo.close()
    assert revisions.merge_base == work.git("rev-parse", "origin/main~5")
    assert "fetched +refs/heads/main:refs/remotes/origin/main from origin" in \
        revisions.base_reason
