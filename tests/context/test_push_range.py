"""The pre-push context judges a branch as its pull request will be: from its merge base with the
remote's default branch, found in this clone's refs. The default branch is judged per push, and
a setting judges every branch per push."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.context import prepush
from gatekeeper.errors import UsageError
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, numbered, with_origin
from tests.context.test_prepush import ZERO1, changed_paths, detect, line, resolved

pytestmark = pytest.mark.usefixtures("hermetic_git")

BRANCH: dict[str, str] = {}
"""No setting: the default, a branch as its pull request will be."""


def pushed_twice(tmp_path: Path) -> tuple[Repo, str, str]:
    """A topic branch whose first commit origin has, and a second one about to be pushed."""
    work, _ = with_origin(tmp_path)
    work.git("checkout", "-q", "-b", "topic")
    work.write("one.py", numbered(3))
    first = work.commit("one")
    work.git("push", "-q", "origin", "topic")
    work.write("two.py", numbered(3))
    return work, first, work.commit("two")


def test_a_branch_is_judged_from_its_merge_base_with_the_default_branch(tmp_path: Path) -> None:
    work, first, second = pushed_twice(tmp_path)
    found = detect(work, line("refs/heads/topic", second, "refs/heads/topic", first), env=BRANCH)
    [target] = found.targets
    assert target.base == "refs/remotes/origin/main"
    assert target.base_reason == (
        "refs/heads/topic is judged from its merge base with origin/main (origin/main, as "
        "origin/HEAD is not set here), as a pull request into it will be; git config "
        "gatekeeper.pushRange push judges each push on its own")
    assert found.meta.target_branch == "main"  # the pull request's target branch
    [revisions] = resolved(work, found)
    assert changed_paths(work, revisions) == {"one.py", "two.py"}


def test_the_setting_or_the_variable_judges_each_push(tmp_path: Path) -> None:
    work, first, second = pushed_twice(tmp_path)
    stdin = line("refs/heads/topic", second, "refs/heads/topic", first)
    [target] = detect(work, stdin, env={"GATEKEEPER_PUSH_RANGE": "push"}).targets
    assert target.base == first
    work.git("config", "gatekeeper.pushRange", "Push")
    found = detect(work, stdin, env=BRANCH)
    assert found.targets[0].base == first and found.meta.target_branch == "topic"
    # The variable wins over git config, for one push.
    [target] = detect(work, stdin, env={"GATEKEEPER_PUSH_RANGE": "branch"}).targets
    assert target.base == "refs/remotes/origin/main"


def test_a_setting_that_is_neither_is_a_usage_error(tmp_path: Path) -> None:
    work, first, second = pushed_twice(tmp_path)
    stdin = line("refs/heads/topic", second, "refs/heads/topic", first)
    with pytest.raises(UsageError) as caught:
        detect(work, stdin, env={"GATEKEEPER_PUSH_RANGE": "all"})
    assert caught.value.message == "GATEKEEPER_PUSH_RANGE is 'all', not one of branch, push"


def test_the_remote_head_wins_then_main_then_master(tmp_path: Path) -> None:
    work, _ = with_origin(tmp_path)

    def default(remote: str = "origin") -> prepush.DefaultBranch | None:
        # A run's GitRepo remembers the refs it resolved: each run here is a new one.
        repo = GitRepo.discover(str(work.path))
        try:
            return prepush.default_branch(repo, remote)
        finally:
            repo.close()

    assert default() == prepush.DefaultBranch("main", "refs/remotes/origin/main",
                                              "origin/main, as origin/HEAD is not set here")
    work.git("push", "-q", "origin", "main:develop")
    work.git("remote", "set-head", "origin", "develop")
    assert default() == prepush.DefaultBranch(
        "develop", "refs/remotes/origin/develop", "origin/HEAD")
    work.git("remote", "set-head", "origin", "--delete")
    work.git("branch", "-q", "-m", "main", "master")
    work.git("push", "-q", "origin", "master", ":main")
    assert default() == prepush.DefaultBranch(
        "master", "refs/remotes/origin/master", "origin/master, as origin/HEAD is not set here")
    assert default("elsewhere") is None


def test_the_default_branch_itself_is_judged_per_push(tmp_path: Path) -> None:
    work, _ = with_origin(tmp_path)
    before = work.head()
    work.write("a.py", "a = 1\n")
    after = work.commit("a")
    [target] = detect(work, line("refs/heads/main", after, "refs/heads/main", before),
                      env=BRANCH).targets
    assert (target.base, target.base_reason) == (before, "refs/heads/main on origin before "
                                                 "the push")


def test_an_unknown_default_branch_judges_per_push_and_says_how_to_set_it(
        tmp_path: Path) -> None:
    work, _ = with_origin(tmp_path)
    work.git("remote", "rename", "origin", "upstream")
    work.git("remote", "add", "origin", str(tmp_path / "origin.git"))  # nothing fetched yet
    work.git("checkout", "-q", "-b", "topic")
    head = work.commit("t")
    [target] = detect(work, line("refs/heads/topic", head, "refs/heads/topic", ZERO1),
                      env=BRANCH).targets
    assert target.base is None
    assert target.base_reason.endswith(
        "judged by what the push adds, as origin's default branch is not known here (no "
        "origin/HEAD, main or master: git remote set-head origin --auto sets it)")


def test_a_branch_with_no_history_in_common_is_judged_per_push(tmp_path: Path) -> None:
    work, _ = with_origin(tmp_path)
    work.git("checkout", "-q", "--orphan", "fresh")
    work.git("rm", "-q", "-rf", ".")
    work.write("new.py", "n = 1\n")
    head = work.commit("fresh start")
    [target] = detect(work, line("refs/heads/fresh", head, "refs/heads/fresh", ZERO1),
                      env=BRANCH).targets
    assert target.base is None and "no commit of its history is on origin" in target.base_reason


def test_a_tag_and_a_new_ref_with_nothing_new_stay_as_they_were(tmp_path: Path) -> None:
    work, _ = with_origin(tmp_path)
    main = work.head()
    found = detect(work, line("refs/heads/copy", main, "refs/heads/copy", ZERO1)
                   + line("refs/tags/v1", main, "refs/tags/v1", ZERO1), env=BRANCH)
    assert found.targets == ()
    assert found.description == ("pre-push hook to origin, refs/heads/copy with no commits new "
                                 "to origin, refs/tags/v1 with no commits new to origin")


def test_a_branch_needs_no_fetch_of_what_the_remote_had(tmp_path: Path) -> None:
    """Per push, an old tip this clone lacks stops the push; as a branch it is not needed."""
    work, _, second = pushed_twice(tmp_path)
    stdin = line("refs/heads/topic", second, "refs/heads/topic", "1" * 40)
    [target] = detect(work, stdin, env=BRANCH).targets
    assert target.base == "refs/remotes/origin/main"
