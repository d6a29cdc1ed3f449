"""A change set's git diff and git log, started before the policy is read: read later, or
stopped unread."""

from __future__ import annotations

import os
import time

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import Revisions
from gatekeeper.errors import ChangeSetError, GatekeeperError
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.pipeline import CheckOptions, run
from tests.conftest import Repo, numbered

pytestmark = pytest.mark.usefixtures("hermetic_git")


def _history(repo: Repo) -> tuple[str, str, str]:
    repo.write("a.py", numbered(30))
    first = repo.commit("base")
    repo.write("a.py", numbered(30).replace("7\n", "seven\n"))
    repo.write("b.py", "# added\nx = 1\n")
    second = repo.commit("edit")
    repo.write("c.py", numbered(5))
    return first, second, repo.commit("more")


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended and been waited for."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_started_diff_is_read_as_the_one_from_git_starts(repo: Repo) -> None:
    base, _, head = _history(repo)
    git = GitRepo.discover(str(repo.path))
    try:
        revisions = context.resolve(git, context.Request(base=base, head=head))
        started = collect.start(git, revisions)
        assert started is not None
        time.sleep(0.2)  # git is done before anyone reads: its output waited in memory
        early = collect.from_git(git, revisions, started=started)
        assert early == collect.from_git(git, revisions)
        assert {f.path for f in early.files} == {"a.py", "b.py", "c.py"}
        assert [c.text for c in early.comments] == ["# added"]
        assert [c.subject for c in early.commits] == ["more", "edit"]
        assert started.log is not None
        assert _gone(started.running.pid) and _gone(started.log.pid)
    finally:
        git.close()


def test_a_diff_started_for_other_revisions_is_stopped_and_never_read(repo: Repo) -> None:
    base, middle, head = _history(repo)
    git = GitRepo.discover(str(repo.path))
    try:
        other = context.resolve(git, context.Request(base=base, head=middle))
        wanted = context.resolve(git, context.Request(base=base, head=head))
        started = collect.start(git, other)
        assert started is not None
        changeset = collect.from_git(git, wanted, started=started)
        assert {f.path for f in changeset.files} == {"a.py", "b.py", "c.py"}
        assert [c.subject for c in changeset.commits] == ["more", "edit"]
        assert started.log is not None
        assert _gone(started.running.pid) and _gone(started.log.pid)
        with pytest.raises(RuntimeError, match="already read or abandoned"), \
                started.running.reading():
            pass
    finally:
        git.close()


def test_a_failed_policy_stops_the_started_diff(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    base, _, _ = _history(repo)
    policy = repo.path.parent / "broken.yml"
    policy.write_text("version: 1\nrules: [{id: x, kind: no-such-kind}]\n", encoding="utf-8")
    seen: list[collect.Started | None] = []
    real = collect.start

    def spy(*args: object, **kwargs: object) -> collect.Started | None:
        seen.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return seen[-1]

    monkeypatch.setattr(collect, "start", spy)
    options = CheckOptions(repo_path=str(repo.path), policy=str(policy),
                           request=context.Request(base=base))
    with pytest.raises(GatekeeperError) as failed:
        run(options)
    assert failed.value.exit_code == 2
    assert len(seen) == 1 and seen[0] is not None and seen[0].log is not None
    assert _gone(seen[0].running.pid) and _gone(seen[0].log.pid)


def test_the_index_has_no_log_to_start(repo: Repo) -> None:
    _history(repo)
    repo.write("d.py", "y = 2\n")
    repo.git("add", "d.py")
    git = GitRepo.discover(str(repo.path))
    try:
        staged = context.resolve(git, context.Request(staged=True))
        started = collect.start(git, staged)
        assert started is not None and started.log is None
        changeset = collect.from_git(git, staged, started=started)
        assert [f.path for f in changeset.files] == ["d.py"] and changeset.commits == ()
    finally:
        git.close()


def test_a_diff_that_cannot_start_is_left_to_from_git(repo: Repo) -> None:
    # A range without a head revision cannot be diffed: the error is from_git's to raise, in
    # its turn, after the policy was read.
    _history(repo)
    git = GitRepo.discover(str(repo.path))
    headless = Revisions(mode="range")
    try:
        assert collect.start(git, headless) is None
        with pytest.raises(ChangeSetError, match="no head revision"):
            collect.from_git(git, headless)
    finally:
        git.close()


def test_a_change_with_no_base_asks_for_the_empty_tree_once(
        repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
        ) -> None:
    # No commit yet: the staged change is diffed from the empty tree, whose name both the
    # early start and from_git put on the command line.
    repo.write("a.py", "a = 1\n")
    repo.git("add", "a.py")
    trace = tmp_path_factory.mktemp("trace") / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    git = GitRepo.discover(str(repo.path))
    try:
        staged = context.resolve(git, context.Request(staged=True))
        started = collect.start(git, staged)
        assert started is not None
        changeset = collect.from_git(git, staged, started=started)
    finally:
        git.close()
    assert [f.path for f in changeset.files] == ["a.py"]
    assert _gone(started.running.pid)  # the started diff was the one read
    assert trace.read_text().count("hash-object") == 1
