"""Both ways of running git give the repository layer the same answers and the same errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread import gitproc
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo

EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@pytest.fixture(params=[False, True], ids=["processes", "gitpython"])
def opened(request: pytest.FixtureRequest, repo: Repo) -> tuple[GitRepo, Repo]:
    """The test repository opened through one runner, with two commits."""
    repo.write("a.txt", "one\n")
    repo.commit("one")
    repo.write("a.txt", "one\ntwo\n")
    repo.commit("two")
    opened = GitRepo.discover(str(repo.path / "."), gitpython=request.param)
    kind = gitproc.GitPythonRunner if request.param else gitproc.Processes
    assert isinstance(opened.runner, kind)
    return opened, repo


def test_commands_run_to_their_end(opened: tuple[GitRepo, Repo]) -> None:
    git, repo = opened
    assert git.root == str(repo.path.resolve())
    assert git.run("rev-parse", "HEAD") == (0, repo.head())
    assert git.read_blob("HEAD", "a.txt") == b"one\ntwo\n"  # bytes as they are, newline kept
    assert git.read_blob("HEAD", "absent.txt") is None
    assert git.empty_tree() == EMPTY_TREE
    assert git.run("rev-parse", "--verify", "nothing", ok_codes=(0, 128))[0] == 128
    with pytest.raises(ChangeSetError, match=r"^git rev-parse: Needed a single revision$"):
        git.run("rev-parse", "--verify", "nothing")
    assert git.runner.version()[:1] >= (2,)
    assert git.reads_attributes_from_trees() == (git.runner.version()[:2] >= (2, 41))


def test_streams_and_the_batch_reader(opened: tuple[GitRepo, Repo]) -> None:
    git, _ = opened
    with git.stream("log", "--format=%s") as out:
        assert out.read() == b"two\none\n"
    heads = git.object_heads({"HEAD:a.txt": 3, "HEAD~1:a.txt": 100, "HEAD:none": 5})
    assert heads == {"HEAD:a.txt": (b"one", 8), "HEAD~1:a.txt": (b"one\n", 4)}
    with pytest.raises(ChangeSetError, match=r"^git log: .*no-such-rev"), \
            git.stream("log", "no-such-rev") as out:
        out.read()
    git.close()


def test_a_reader_s_own_error_passes_through_and_git_is_stopped(
        opened: tuple[GitRepo, Repo]) -> None:
    git, _ = opened
    with pytest.raises(ValueError, match=r"^the reader's own$"), \
            git.stream("log", "--format=%H%n%B", "-p") as out:
        out.read(1)
        raise ValueError("the reader's own")
    assert git.run("rev-parse", "--verify", "HEAD")[0] == 0  # nothing left half-done


def test_a_failed_fetch_gives_git_s_words(opened: tuple[GitRepo, Repo], tmp_path: Path) -> None:
    git, _ = opened
    said = git.try_fetch(str(tmp_path / "nowhere.git"))
    assert said is not None and "does not appear to be a git repository" in said


@pytest.mark.parametrize("gitpython", [False, True], ids=["processes", "gitpython"])
def test_outside_a_repository(tmp_path: Path, gitpython: bool) -> None:
    with pytest.raises(ChangeSetError, match="is not inside a git work tree"):
        GitRepo.discover(str(tmp_path), gitpython=gitpython)


def test_git_never_reads_gatekeeper_s_own_stdin(repo: Repo) -> None:
    """A pre-push hook's stdin holds the pushed refs, which git must not consume."""
    script = ("from gatekeeper.gitread.gitio import GitRepo; import sys; "
              "print(GitRepo.discover('.').run('hash-object', '--stdin')[1]); "
              "print(sys.stdin.read())")
    done = subprocess.run([sys.executable, "-c", script], cwd=repo.path, input="refs here",
                          capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == [EMPTY_BLOB, "refs here"]


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_the_empty_tree_is_named_in_the_repository_s_hash(tmp_path: Path,
                                                            object_format: str) -> None:
    repo = Repo(tmp_path)
    repo.git("init", "-q", "-b", "main", f"--object-format={object_format}")
    repo.write("a.txt", "one\n")
    repo.commit("one")
    asked = repo.git("hash-object", "-t", "tree", "--stdin", input=b"")
    # Before any commit is resolved the name comes from git; after, from the commit's hash.
    fresh = GitRepo.discover(str(repo.path))
    assert fresh.empty_tree() == asked
    resolved = GitRepo.discover(str(repo.path))
    assert resolved.resolve_commit("HEAD") == repo.head()
    assert resolved.empty_tree() == asked
    assert len(asked) == (40 if object_format == "sha1" else 64)
