"""git failures as a user meets them, through the real CLI: git missing from PATH, a corrupt
repository, git's refusal of a repository another user owns. Each is one line naming the
cause, with exit 3, never "no commits yet" or "not inside a git work tree"."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gatekeeper.errors import EXIT_CHANGESET
from tests.conftest import GIT_ENV, Repo, RunResult, make_repo, run_cli

if TYPE_CHECKING:
    from gatekeeper.gitread.gitio import GitRepo


def assert_one_line(result: RunResult, code: int = EXIT_CHANGESET) -> str:
    """Asserts ``result`` exited with ``code`` and one line of error; that line."""
    assert result.code == code, (result.code, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def committed(repo: Repo) -> str:
    """Commits one file; the commit's sha."""
    repo.write("a.txt", "one\n")
    return repo.commit("one")


def loose_object(repo: Repo, oid: str) -> Path:
    """The file of the loose object ``oid``."""
    return repo.path / ".git" / "objects" / oid[:2] / oid[2:]


@pytest.mark.parametrize("gitpython_var", [None, "/nowhere/git"])
def test_git_missing_from_path(repo: Repo, tmp_path: Path, gitpython_var: str | None) -> None:
    """check runs git from PATH itself: GitPython's variable, set or not, is not the cause."""
    committed(repo)
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "GIT_PYTHON_GIT_EXECUTABLE"}
    if gitpython_var is not None:
        env["GIT_PYTHON_GIT_EXECUTABLE"] = gitpython_var
    result = subprocess.run([sys.executable, "-m", "gatekeeper", "check", "--base", "HEAD"],
                            cwd=repo.path, capture_output=True, text=True,
                            env={**env, **GIT_ENV, "PATH": str(empty)})
    line = assert_one_line(RunResult(result.returncode, result.stdout, result.stderr))
    assert line == ("gatekeeper: error: git was not found on PATH (fix: install git, or add "
                    "the folder that holds it to PATH)")


def test_head_pointing_to_a_missing_object_is_a_corrupt_repository(repo: Repo) -> None:
    committed(repo)
    lost = hashlib.sha1(b"an object this repository never had").hexdigest()
    (repo.path / ".git" / "refs" / "heads" / "main").write_text(lost + "\n")
    for args in (("--base", "HEAD"), ()):
        line = assert_one_line(run_cli("check", *args, cwd=repo.path))
        assert "no commits yet" not in line
        assert line.startswith("gatekeeper: error: the repository is corrupt: ")
        assert f"points to {lost[:12]}, which git cannot read: bad object {lost}" in line
        assert "(fix: git fsck shows the damage" in line


def test_a_truncated_commit_object_is_a_corrupt_repository(repo: Repo) -> None:
    head = committed(repo)
    path = loose_object(repo, head)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:10])
    line = assert_one_line(run_cli("check", "--base", "HEAD", cwd=repo.path))
    assert "no commits yet" not in line
    assert f"the repository is corrupt: HEAD points to {head[:12]}" in line
    assert f"loose object {head}" in line and "is corrupt" in line


def test_a_missing_blob_stops_the_diff_as_a_corrupt_repository(repo: Repo) -> None:
    base = committed(repo)
    repo.write("new.txt", "fresh\n")
    repo.commit("two")
    blob = repo.git("rev-parse", "HEAD:new.txt")
    loose_object(repo, blob).unlink()
    line = assert_one_line(run_cli("check", "--base", base, cwd=repo.path))
    assert "printed no patch" not in line
    assert line.startswith("gatekeeper: error: the repository is corrupt: git diff says: ")
    assert blob in line


def test_unknown_revisions_and_empty_repositories_are_not_called_corrupt(repo: Repo) -> None:
    line = assert_one_line(run_cli("check", "--base", "HEAD", cwd=repo.path))
    assert "the repository has no commits yet" in line
    committed(repo)
    absent = hashlib.sha1(b"not fetched here").hexdigest()
    for rev in ("no-such-branch", absent):
        line = assert_one_line(run_cli("check", "--base", rev, cwd=repo.path))
        assert f"unknown base revision '{rev}'" in line and "corrupt" not in line


def test_a_repository_another_user_owns_names_git_refusal_and_the_fix(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    repo = make_repo(tmp_path / "theirs")
    committed(repo)
    try:
        subprocess.run(["chown", "-R", "12345:12345", str(repo.path)], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("chown is not possible here")
    line = assert_one_line(run_cli("check", "--base", "HEAD", cwd=repo.path))
    assert "not inside a git work tree" not in line
    assert line.startswith(f"gatekeeper: error: git refuses the repository at {repo.path} "
                           "because another user owns it (git's dubious ownership check)")
    assert f"git config --global --add safe.directory {repo.path} first" in line
    # The fix it names is the one that works: the same run with the directory marked safe.
    trusted = run_cli("check", "--base", "HEAD", cwd=repo.path,
                      env={"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory",
                           "GIT_CONFIG_VALUE_0": str(repo.path)})
    assert trusted.code == 0, trusted.stderr


def test_a_broken_git_config_is_named_not_called_a_missing_repository(repo: Repo) -> None:
    committed(repo)
    with (repo.path / ".git" / "config").open("a") as config:
        config.write("[core\n")
    line = assert_one_line(run_cli("check", "--base", "HEAD", cwd=repo.path))
    assert f"git cannot open the repository at {repo.path}: bad config line" in line


def test_a_revision_is_resolved_once_until_a_fetch_moves_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook's context and then the pipeline resolve the same refs: git is asked once. A
    fetch may move any ref, so it forgets what was resolved."""
    from gatekeeper.gitread.gitio import GitRepo
    from tests.conftest import with_origin

    work, origin = with_origin(tmp_path)
    work.git("fetch", "-q", "origin")
    other = make_repo(tmp_path / "other")
    other.git("pull", "-q", str(origin), "main")
    other.write("b.txt", "two\n")
    moved = other.commit("two")
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    repo = GitRepo.discover(str(work.path))
    before = repo.resolve_commit("refs/remotes/origin/main")
    assert repo.resolve_commit("refs/remotes/origin/main") == before == work.head()
    assert trace.read_text().count("rev-parse --verify") == 1
    other.git("push", "-q", str(origin), "main")
    assert repo.fetch("origin")
    assert repo.resolve_commit("refs/remotes/origin/main") == moved != before
    assert repo.resolve_commit("refs/heads/nothing-here") is None
    assert repo.resolve_commit("refs/heads/nothing-here") is None  # a miss is asked again
    assert trace.read_text().count("rev-parse --verify") == 6  # each miss: two processes


def _traced_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> tuple[GitRepo, str, str, Path]:
    """A repository whose main moved one commit past origin's, opened with git's trace on:
    the repository, the two commits and the trace file."""
    from gatekeeper.gitread.gitio import GitRepo
    from tests.conftest import with_origin

    work, _ = with_origin(tmp_path)
    base = work.head()
    work.write("c.txt", "three\n")
    head = work.commit("three")
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    return GitRepo.discover(str(work.path)), base, head, trace


def test_a_merge_base_of_resolved_commits_is_found_once_per_order_until_a_fetch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, head, trace = _traced_commits(tmp_path, monkeypatch)
    assert repo.merge_base("main", base) == base  # not resolved yet: asked each time
    assert repo.resolve_commit("main") == head and repo.resolve_commit(base) == base
    for _ in range(3):
        assert repo.merge_base(base, "main") == base
        assert repo.merge_base(base, head) == base  # the same commits by other names
    assert trace.read_text().count("merge-base") == 2
    assert repo.fetch("origin")
    assert repo.resolve_commit("main") == head and repo.resolve_commit(base) == base
    assert repo.merge_base(base, "main") == base
    assert trace.read_text().count("merge-base") == 3


def test_a_noted_ancestor_is_the_merge_base_only_of_a_resolved_descendant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, head, trace = _traced_commits(tmp_path, monkeypatch)
    repo.note_ancestor(base, "main")  # "main" was never resolved: nothing is known of it
    assert repo.merge_base(base, "main") == base
    assert trace.read_text().count("merge-base") == 1
    assert repo.resolve_commit("main") == head
    repo.note_ancestor(base, "main")
    assert repo.merge_base("main", base) == repo.merge_base(base, head) == base
    assert trace.read_text().count("merge-base") == 1
