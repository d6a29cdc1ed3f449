"""The pre-push context: git's stdin lines turned into targets, resolved in real repositories."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import Revisions
from gatekeeper.context import prepush
from gatekeeper.context.model import Context, Request, is_object_name
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, run_cli, with_origin

ZERO1 = "0" * 40
ZERO256 = "0" * 64


def cloned(tmp_path: Path) -> tuple[Repo, Path]:
    """A work repo with main pushed to a bare origin (origin/main set by the push)."""
    return with_origin(tmp_path)


def sha256_work(tmp_path: Path) -> Repo:
    """A sha256 repository with one commit, pushed to a sha256 bare origin."""
    origin = tmp_path / "origin.git"
    Repo(tmp_path).git("init", "-q", "--bare", "--object-format=sha256", str(origin))
    path = tmp_path / "work"
    path.mkdir()
    work = Repo(path)
    work.git("init", "-q", "-b", "main", "--object-format=sha256")
    work.write("README.md", "hi\n")
    work.commit("base")
    work.git("remote", "add", "origin", str(origin))
    work.git("push", "-q", "origin", "main")
    return work


def line(local_ref: str, local_sha: str, remote_ref: str, remote_sha: str) -> str:
    """One line of a pre-push hook's stdin."""
    return f"{local_ref} {local_sha} {remote_ref} {remote_sha}\n"


PER_PUSH = {"GATEKEEPER_PUSH_RANGE": "push"}
"""What each push adds, for every branch: the range these tests are about (test_push_range.py
covers judging a branch from the remote's default branch, the default)."""


def detect(work: Repo, stdin: str, remote: str | None = "origin",
           env: dict[str, str] | None = None) -> Context:
    """The pre-push context detected in ``work`` from the hook's ``stdin``."""
    repo = GitRepo.discover(str(work.path))
    try:
        return context.detect(repo, Request(ci="pre-push", remote=remote),
                              PER_PUSH if env is None else env, io.StringIO(stdin))
    finally:
        repo.close()


def resolved(work: Repo, found: Context) -> list[Revisions]:
    """The revisions of each target of ``found``."""
    repo = GitRepo.discover(str(work.path))
    try:
        return [context.resolve_target(repo, target) for target in found.targets]
    finally:
        repo.close()


def changed_paths(work: Repo, revisions: Revisions) -> set[str]:
    """The paths ``revisions`` change in ``work``."""
    repo = GitRepo.discover(str(work.path))
    try:
        return {f.path for f in collect.from_git(repo, revisions).files}
    finally:
        repo.close()


def test_an_update_is_compared_with_what_the_remote_has(tmp_path: Path,
                                                         hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    before = work.head()
    work.write("a.py", "a = 1\n")
    work.commit("a")
    work.write("b.py", "b = 1\n")
    after = work.commit("b")
    found = detect(work, line("refs/heads/main", after, "refs/heads/main", before))
    assert found.kind == "pre-push" and found.description == "pre-push hook to origin"
    [target] = found.targets
    assert (target.head, target.base, target.name) == (after, before, "refs/heads/main")
    assert "refs/heads/main on origin before the push" in target.base_reason
    assert found.meta.target_branch == "main"
    [revisions] = resolved(work, found)
    assert revisions.merge_base == before and revisions.head_sha == after
    assert changed_paths(work, revisions) == {"a.py", "b.py"}


def test_a_deletion_is_skipped_and_said(tmp_path: Path, hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    found = detect(work, line("(delete)", ZERO1, "refs/heads/old", work.head()))
    assert found.targets == ()
    assert found.description == "pre-push hook to origin, deleting refs/heads/old"


def test_empty_input_has_nothing_to_check(tmp_path: Path, hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    assert detect(work, "").targets == ()
    assert detect(work, "\n\n").targets == ()


def _feature(work: Repo, *names: str) -> tuple[str, str]:
    """Branch ``feature`` off main with a commit adding each file of ``names``: main's commit
    and the branch's head."""
    main = work.head()
    work.git("checkout", "-q", "-b", "feature")
    for name in names:
        work.write(name, f"{name[0]} = 1\n")
        head = work.commit(name)
    return main, head


def test_a_new_branch_is_compared_from_where_it_leaves_the_remote(
        tmp_path: Path, hermetic_git: None, monkeypatch: pytest.MonkeyPatch) -> None:
    work, _ = cloned(tmp_path)
    main, head = _feature(work, "f.py", "g.py")
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    found = detect(work, line("refs/heads/feature", head, "refs/heads/feature", ZERO1))
    monkeypatch.delenv("GIT_TRACE")
    # one commit of the remote to leave from: no distances to count
    assert "rev-list --count" not in trace.read_text()
    [target] = found.targets
    assert target.base == main and target.name == "refs/heads/feature"
    assert target.base_reason == (f"refs/heads/feature is new on origin; it leaves origin's "
                                  f"history at {main[:12]} (2 new commits)")
    [revisions] = resolved(work, found)
    assert revisions.merge_base == main
    assert changed_paths(work, revisions) == {"f.py", "g.py"}


def test_where_a_new_ref_leaves_the_remote_is_its_merge_base_unasked(
        tmp_path: Path, hermetic_git: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # rev-list's boundary commit is an ancestor of the head: git need not be asked for the
    # merge base again. An annotated tag names its tag object; the merge base is still with
    # the commit it points at.
    work, _ = cloned(tmp_path)
    main, head = _feature(work, "f.py")
    work.git("tag", "-a", "-m", "release", "v1")
    tag = work.git("rev-parse", "v1")
    assert tag != head
    stdin = (line("refs/heads/feature", head, "refs/heads/feature", ZERO1)
             + line("refs/tags/v1", tag, "refs/tags/v1", ZERO1))
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    repo = GitRepo.discover(str(work.path))
    try:
        found = context.detect(repo, Request(ci="pre-push", remote="origin"), PER_PUSH,
                               io.StringIO(stdin))
        revisions = [context.resolve_target(repo, target) for target in found.targets]
    finally:
        repo.close()
    assert [(r.merge_base, r.head_sha) for r in revisions] == [(main, head), (main, head)]
    assert "merge-base" not in trace.read_text()


def test_a_new_branch_that_merged_main_again_leaves_out_main(
        tmp_path: Path, hermetic_git: None, monkeypatch: pytest.MonkeyPatch) -> None:
    work, _ = cloned(tmp_path)
    work.git("checkout", "-q", "-b", "feature")
    work.write("f.py", "f = 1\n")
    work.commit("feature work")
    work.git("checkout", "-q", "main")
    work.write("main.py", "".join(f"m{i} = {i}\n" for i in range(50)))
    later_main = work.commit("main moves on")
    work.git("push", "-q", "origin", "main")
    work.git("checkout", "-q", "feature")
    work.git("merge", "-q", "--no-edit", "main")
    head = work.head()
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    found = detect(work, line("refs/heads/feature", head, "refs/heads/feature", ZERO1))
    monkeypatch.delenv("GIT_TRACE")
    assert trace.read_text().count("rev-list --count") == 2  # one per commit it builds on
    [target] = found.targets
    assert target.base == later_main
    assert "the latest of the 2 it builds on (2 new commits)" in target.base_reason
    [revisions] = resolved(work, found)
    assert changed_paths(work, revisions) == {"f.py"}


def test_a_new_ref_with_nothing_new_is_skipped(tmp_path: Path, hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    found = detect(work, line("refs/tags/v1", work.head(), "refs/tags/v1", ZERO1))
    assert found.targets == ()
    assert found.description == ("pre-push hook to origin, refs/tags/v1 with no commits new "
                                 "to origin")


def test_a_history_the_remote_has_none_of_is_checked_whole(tmp_path: Path,
                                                           hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    work.git("checkout", "-q", "--orphan", "fresh")
    work.git("rm", "-q", "-rf", ".")
    work.write("new.py", "n = 1\n")
    head = work.commit("fresh start")
    found = detect(work, line("refs/heads/fresh", head, "refs/heads/fresh", ZERO1))
    [target] = found.targets
    assert target.base is None
    assert "no commit of its history is on origin yet (1 new commit)" in target.base_reason
    [revisions] = resolved(work, found)
    assert (revisions.base_sha, revisions.merge_base, revisions.head_sha) == (None, None, head)


def test_an_update_from_a_commit_not_here_fails_closed_with_the_fetch(
        tmp_path: Path, hermetic_git: None) -> None:
    work, origin = cloned(tmp_path)
    other = tmp_path / "other"
    Repo(tmp_path).git("clone", "-q", "-b", "main", str(origin), str(other))
    elsewhere = Repo(other)
    elsewhere.write("x.py", "x = 1\n")
    theirs = elsewhere.commit("theirs")
    elsewhere.git("push", "-q", "origin", "main")
    work.write("y.py", "y = 1\n")
    ours = work.commit("ours")
    with pytest.raises(ChangeSetError) as caught:
        detect(work, line("refs/heads/main", ours, "refs/heads/main", theirs))
    assert "which this repository does not have" in caught.value.message
    assert caught.value.hint == "git fetch origin, then push again"


def test_several_refs_give_one_target_each(tmp_path: Path, hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    before = work.head()
    work.write("a.py", "a = 1\n")
    main = work.commit("a")
    work.git("checkout", "-q", "-b", "topic")
    work.write("t.py", "t = 1\n")
    topic = work.commit("t")
    stdin = (line("refs/heads/main", main, "refs/heads/main", before)
             + line("refs/heads/topic", topic, "refs/heads/topic", ZERO1)
             + line("(delete)", ZERO1, "refs/heads/gone", before))
    found = detect(work, stdin)
    assert [t.name for t in found.targets] == ["refs/heads/main", "refs/heads/topic"]
    assert found.description == "pre-push hook to origin, deleting refs/heads/gone"
    assert found.meta.target_branch is None  # one change set per ref, no single target
    assert [r.merge_base for r in resolved(work, found)] == [before, before]


def test_the_remote_is_the_one_git_named(tmp_path: Path, hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    work.git("remote", "rename", "origin", "upstream")
    main = work.head()
    work.git("checkout", "-q", "-b", "topic")
    head = work.commit("t")
    found = detect(work, line("refs/heads/topic", head, "refs/heads/topic", ZERO1),
                   remote="upstream")
    [target] = found.targets
    assert target.base == main and target.remote == "upstream"
    # With no --remote the remote is origin, which has no remote-tracking branches here.
    [fallback] = detect(work, line("HEAD", head, "refs/heads/topic", ZERO1), None).targets
    assert fallback.base is None and "on origin yet" in fallback.base_reason


def test_a_local_object_that_is_no_commit_is_skipped(tmp_path: Path,
                                                     hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    blob = work.git("hash-object", "-w", "README.md")
    found = detect(work, line("refs/tags/blob", blob, "refs/tags/blob", ZERO1))
    assert found.targets == ()
    assert f"refs/tags/blob pointing to {blob[:12]}, not a commit" in found.description


def test_sha256_repositories(tmp_path: Path, hermetic_git: None) -> None:
    work = sha256_work(tmp_path)
    before = work.head()
    assert len(before) == 64
    work.write("a.py", "a = 1\n")
    after = work.commit("a")
    found = detect(work, line("refs/heads/main", after, "refs/heads/main", before)
                   + line("refs/heads/main", after, "refs/heads/copy", ZERO256)
                   + line("(delete)", ZERO256, "refs/heads/old", before))
    assert [(t.name, t.base) for t in found.targets] == [("refs/heads/main", before),
                                                         ("refs/heads/copy", before)]
    assert "deleting refs/heads/old" in found.description
    assert [r.merge_base for r in resolved(work, found)] == [before, before]


def test_parsing_splits_from_the_right_and_rejects_anything_else() -> None:
    sha = "a" * 40
    [ref] = prepush.parse([f"HEAD@{{1 day ago}} {sha} refs/heads/x {ZERO1}\r\n"])
    assert ref == prepush.PushedRef("HEAD@{1 day ago}", sha, "refs/heads/x", ZERO1)
    assert prepush.parse(["", "  \n"]) == []
    for bad in (f"refs/heads/x {sha} refs/heads/x", f"refs/heads/x {sha[:39]} r {ZERO1}",
                f"refs/heads/x {sha.upper()} r {ZERO1}", f"x {sha} r {'0' * 50}"):
        with pytest.raises(ChangeSetError, match="line 1 of the pre-push input"):
            prepush.parse([bad])
    assert is_object_name("b" * 64) and not is_object_name("g" * 40)


def test_without_a_hooks_stdin_it_says_how_to_run_it(tmp_path: Path,
                                                     hermetic_git: None) -> None:
    work, _ = cloned(tmp_path)
    repo = GitRepo.discover(str(work.path))
    try:
        with pytest.raises(UsageError, match="reads the refs being pushed from stdin"):
            prepush.detect(repo, Request(ci="pre-push"), {}, None)
    finally:
        repo.close()


def test_the_check_command_reads_the_hook_input(tmp_path: Path) -> None:
    work, _ = cloned(tmp_path)
    before = work.head()
    work.write("a.py", "a = 1\n")
    after = work.commit("a")
    stdin = line("refs/heads/main", after, "refs/heads/main", before).encode()
    result = run_cli("check", "--ci", "pre-push", "--remote", "origin", "--format", "json",
                     cwd=work.path, input=stdin)
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "pass"
    result = run_cli("check", "--ci", "pre-push", cwd=work.path, input=b"")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("gatekeeper: PASS - nothing to check (pre-push hook to "
                                    "origin")
