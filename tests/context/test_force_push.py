"""Force pushes in GitHub Actions push runs and GitLab branch pipelines, on real origins.

A branch rebased onto a main that moved on, then force-pushed, must be judged by what it adds to
main, not from its old tip (which would count the commit someone else landed on main), whether
or not the old tip is still on the remote. The default branch itself, force-pushed, is judged
from where the old and the new history part, or refused with a remedy that can work.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import Revisions
from gatekeeper.context.model import Context, Request
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread import collect
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import BATCH_POLICY, Repo, make_repo, numbered, run_cli
from tests.context.test_github import checkout, github_env, push_payload
from tests.context.test_gitlab import clone

pytestmark = pytest.mark.usefixtures("hermetic_git")

THEIRS = 450
"""Lines of the commit someone else landed on main while the branch was being rebased."""
OURS = 12
"""Lines the branch adds."""


@dataclass(frozen=True)
class Rebased:
    """A bare origin whose ``feature`` was rebased onto a main that moved on, and force-pushed."""

    origin: Path
    old_main: str
    main: str
    """main with someone else's 450-line commit on top."""
    before: str
    """feature's tip before the force push, built on the old main."""
    after: str
    """feature's tip after it, the same change rebased onto the new main."""

    @property
    def url(self) -> str:
        """The file:// address of the origin."""
        return self.origin.as_uri()


def rebased(root: Path, *, prune: bool = False) -> Rebased:
    """The force push, made for real: ``prune`` lets origin forget the old tip (reflog expired,
    gc), as a remote does some time after a force push."""
    origin = root / "origin.git"
    Repo(root).git("init", "-q", "--bare", "-b", "main", str(origin))
    seed = make_repo(root / "seed")
    seed.write(".gatekeeper.yml", BATCH_POLICY.replace("20", "100"))
    seed.write("app.py", "version = 1\n")
    old_main = seed.commit("main")
    seed.git("remote", "add", "origin", origin.as_uri())
    seed.git("push", "-q", "origin", "main")
    seed.git("checkout", "-q", "-b", "feature")
    seed.write("feature.py", numbered(OURS, "feature"))
    before = seed.commit("the feature")
    seed.git("push", "-q", "origin", "feature")
    other = Repo(root / "other")
    Repo(root).git("clone", "-q", origin.as_uri(), str(other.path))
    other.write("theirs.py", numbered(THEIRS, "theirs"))
    main = other.commit("someone else's large change")
    other.git("push", "-q", "origin", "main")
    seed.git("fetch", "-q", "origin")
    seed.git("rebase", "-q", "origin/main")
    after = seed.head()
    seed.git("push", "-q", "--force", "origin", "feature")
    if prune:
        forget(origin)
    return Rebased(origin, old_main, main, before, after)


def forget(origin: Path) -> None:
    """Drop every commit no ref of ``origin`` reaches, and check that git no longer has it."""
    Repo(origin).git("reflog", "expire", "--expire=now", "--all")
    Repo(origin).git("gc", "-q", "--prune=now")


def has(origin: Path, sha: str) -> bool:
    """Whether ``origin`` still holds the object ``sha``."""
    try:
        Repo(origin).git("cat-file", "-e", sha)
    except subprocess.CalledProcessError:
        return False
    return True


def detect_and_resolve(work: Repo, env: dict[str, str]) -> tuple[Context, Revisions, int]:
    """The context, the revisions of its one target and how many lines the change adds."""
    repo = GitRepo.discover(str(work.path))
    try:
        found = context.detect(repo, Request(), env)
        [target] = found.targets
        revisions = context.resolve_target(repo, target)
        added = sum(f.added for f in collect.from_git(repo, revisions).files)
        return found, revisions, added
    finally:
        repo.close()


def github_push(tmp_path: Path, state: Rebased, *, forced: bool, branch: str = "feature",
                before: str | None = None, after: str | None = None) -> tuple[Repo, dict[str, str]]:
    """actions/checkout's depth-1 clone of the pushed commit, and the push event's variables."""
    head = after or state.after
    work = checkout(state.url, tmp_path / "work", head, f"refs/remotes/origin/{branch}")
    payload = push_payload(f"refs/heads/{branch}", before or state.before, head)
    payload["forced"] = forced
    return work, github_env(tmp_path, "push", payload)


def gitlab_push(tmp_path: Path, state: Rebased, *, branch: str = "feature",
                before: str | None = None, after: str | None = None) -> tuple[Repo, dict[str, str]]:
    """GitLab Runner's shallow clone of the branch, and a branch pipeline's variables."""
    work = clone(tmp_path, state.url, f"refs/heads/{branch}")
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": branch,
           "CI_COMMIT_SHA": after or state.after,
           "CI_COMMIT_BEFORE_SHA": before or state.before, "CI_DEFAULT_BRANCH": "main"}
    return work, env


# -- a rebased branch, force-pushed --------------------------------------------------------------


@pytest.mark.parametrize("forced", [True, False])
def test_a_github_force_push_counts_only_what_the_branch_adds_to_main(tmp_path: Path,
                                                                      forced: bool) -> None:
    state = rebased(tmp_path)
    # GitHub (and Gitaly) can still serve the old tip for a while: it is there, but is not an
    # ancestor of the new one. The payload's forced flag is read, never needed.
    Repo(state.origin).git("config", "uploadpack.allowAnySHA1InWant", "true")
    work, env = github_push(tmp_path, state, forced=forced)
    found, revisions, added = detect_and_resolve(work, env)
    assert (revisions.base_ref, revisions.base_sha, revisions.merge_base) == (
        "refs/remotes/origin/main", state.main, state.main)
    assert added == OURS  # not OURS + THEIRS, the range from the old tip
    if forced:
        assert revisions.base_reason.startswith("forced: true in the push event payload (the "
                                                "push rewrote the branch), so it is judged like "
                                                "a new branch: from its merge base with "
                                                "origin/main, the default branch")
    else:
        assert revisions.base_reason.startswith(
            f"before {state.before[:12]} is not an ancestor of after {state.after[:12]} (the "
            "push rewrote feature), so it is judged like a new branch: from its merge base "
            "with origin/main, the default branch, as a pull request into it would be")
    assert found.meta.target_branch == "feature"


def test_a_github_force_push_whose_old_tip_is_gone_is_judged_like_a_new_branch(
        tmp_path: Path) -> None:
    state = rebased(tmp_path, prune=True)
    assert not has(state.origin, state.before)
    work, env = github_push(tmp_path, state, forced=False)
    _, revisions, added = detect_and_resolve(work, env)
    assert (revisions.base_sha, revisions.merge_base, added) == (state.main, state.main, OURS)
    assert revisions.base_reason.startswith(
        f"{state.before[:12]}, the tip of feature before the push, is no longer on origin (the "
        "push rewrote the branch), so it is judged like a new branch")


def test_a_gitlab_force_push_counts_only_what_the_branch_adds_to_main(tmp_path: Path) -> None:
    state = rebased(tmp_path)
    Repo(state.origin).git("config", "uploadpack.allowAnySHA1InWant", "true")  # as Gitaly
    work, env = gitlab_push(tmp_path, state)
    found, revisions, added = detect_and_resolve(work, env)
    assert (revisions.base_ref, revisions.merge_base, added) == (
        "refs/remotes/origin/main", state.main, OURS)
    assert revisions.base_reason.startswith(
        f"before {state.before[:12]} is not an ancestor of after {state.after[:12]} (the push "
        "rewrote feature), so it is judged like a new branch: from its merge base with the "
        "default branch main, CI_DEFAULT_BRANCH")
    assert found.description == "GitLab CI branch pipeline for feature (push)"


def test_a_gitlab_force_push_whose_old_tip_is_gone_is_judged_like_a_new_branch(
        tmp_path: Path) -> None:
    state = rebased(tmp_path, prune=True)
    work, env = gitlab_push(tmp_path, state)
    _, revisions, added = detect_and_resolve(work, env)
    assert (revisions.merge_base, added) == (state.main, OURS)
    assert "is no longer on origin (the push rewrote the branch)" in revisions.base_reason


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_an_ordinary_push_is_still_judged_from_its_old_tip(tmp_path: Path,
                                                            platform: str) -> None:
    state = rebased(tmp_path)
    seed = Repo(tmp_path / "seed")
    seed.write("more.py", numbered(3, "more"))
    after = seed.commit("more")
    seed.git("push", "-q", "origin", "feature")
    work, env = (github_push(tmp_path, state, forced=False, before=state.after, after=after)
                 if platform == "github" else
                 gitlab_push(tmp_path, state, before=state.after, after=after))
    _, revisions, added = detect_and_resolve(work, env)
    assert (revisions.base_sha, revisions.merge_base, added) == (state.after, state.after, 3)
    assert "not an ancestor" not in revisions.base_reason


def test_the_cli_passes_the_rebased_branch_and_says_why(tmp_path: Path) -> None:
    state = rebased(tmp_path, prune=True)
    work, env = github_push(tmp_path, state, forced=False)
    result = run_cli("check", cwd=work.path, env=env)
    assert result.code == 0, (result.stdout, result.stderr)
    assert "is no longer on origin (the push rewrote the branch)" in result.stdout
    assert f"effective 1 files, +{OURS} -0" in result.stdout  # not theirs.py's 450 lines


# -- the default branch, force-pushed ------------------------------------------------------------


def rewritten_main(root: Path, *, prune: bool = False) -> tuple[Rebased, str, str]:
    """main force-pushed back to its first commit plus a new one: (state, old tip, new tip)."""
    state = rebased(root)
    seed = Repo(root / "seed")
    seed.git("checkout", "-q", "-B", "main", state.old_main)
    seed.write("fix.py", numbered(7, "fix"))
    new_main = seed.commit("main, rewritten")
    seed.git("push", "-q", "--force", "origin", "main")
    seed.git("push", "-q", "origin", "--delete", "feature")  # it held the old main too
    if prune:
        forget(state.origin)
        assert not has(state.origin, state.main)
    return state, state.main, new_main


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_a_rewritten_default_branch_is_judged_from_where_the_histories_part(
        tmp_path: Path, platform: str) -> None:
    state, old_tip, new_tip = rewritten_main(tmp_path)
    Repo(state.origin).git("config", "uploadpack.allowAnySHA1InWant", "true")
    work, env = (github_push(tmp_path, state, forced=True, branch="main", before=old_tip,
                             after=new_tip) if platform == "github" else
                 gitlab_push(tmp_path, state, branch="main", before=old_tip, after=new_tip))
    _, revisions, added = detect_and_resolve(work, env)
    assert (revisions.base_sha, revisions.merge_base, added) == (old_tip, state.old_main, 7)
    assert (f"before {old_tip[:12]} is not an ancestor of after {new_tip[:12]} (the push "
            "rewrote main), so the change is what after adds since the two histories part"
            ) in revisions.base_reason


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_a_rewritten_default_branch_whose_old_tip_is_gone_fails_with_a_remedy_that_works(
        tmp_path: Path, platform: str) -> None:
    state, old_tip, new_tip = rewritten_main(tmp_path, prune=True)
    work, env = (github_push(tmp_path, state, forced=True, branch="main", before=old_tip,
                             after=new_tip) if platform == "github" else
                 gitlab_push(tmp_path, state, branch="main", before=old_tip, after=new_tip))
    with pytest.raises(ChangeSetError) as caught:
        detect_and_resolve(work, env)
    assert caught.value.message == (
        f"{old_tip[:12]}, the tip of main before the push, is no longer on origin (the push "
        "rewrote the branch), so what the push changed cannot be determined")
    hint = caught.value.hint or ""
    assert "--base" in hint and "fetch-depth" not in hint and "GIT_DEPTH" not in hint
    # The remedy works: the job's own range, narrowed with --base, keeps its context.
    result = run_cli("check", "--base", state.old_main, cwd=work.path, env=env)
    assert result.code in (0, 1), result.stderr
    assert "given with --base" in result.stdout
