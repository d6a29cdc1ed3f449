"""The GitLab CI context on real shallow clones, with the variables as GitLab documents them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import Revisions
from gatekeeper.context import gitlab
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import Repo, make_repo, run_cli

pytestmark = pytest.mark.usefixtures("hermetic_git")

ZERO = "0" * 40
FEATURE_COMMITS = 60
"""More than the first fetch's depth of 50, so reaching the merge base needs deepening."""
HOSTILE = "$(touch pwned) `touch pwned2` ${IFS}'\"; rm -rf / #\n\\ \u202e ünï"


@dataclass(frozen=True)
class Origin:
    """A bare origin laid out as GitLab keeps a project with an open merge request !7."""

    path: Path
    fork_point: str
    main: str
    feature: str
    small: str
    merged: str
    """The merge commit GitLab makes for a merged-results pipeline (main + feature)."""

    @property
    def url(self) -> str:
        """The file:// address of the origin."""
        return self.path.as_uri()


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """A bare origin with feature branches and merge request refs, built once."""
    root = tmp_path_factory.mktemp("gitlab-origin")
    seed = make_repo(root / "seed")
    for i in range(3):
        seed.write("app.py", f"version = {i}\n")
        seed.commit(f"main {i}")
    fork_point = seed.head()
    seed.git("checkout", "-q", "-b", "feature")
    for i in range(FEATURE_COMMITS):
        seed.write(f"feature/{i}.py", f"x = {i}\n")
        seed.commit(f"feature {i}")
    seed.git("checkout", "-q", "-b", "small", fork_point)
    seed.write("small.py", "y = 1\n")
    small = seed.commit("small change")
    seed.git("checkout", "-q", "main")
    for i in range(2):
        seed.write("later.txt", f"{i}\n")
        seed.commit(f"main later {i}")
    main, feature = seed.head(), seed.git("rev-parse", "feature")
    seed.git("checkout", "-q", "--detach", "main")
    seed.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature' into 'main'", "feature")
    merged = seed.head()
    seed.git("update-ref", "refs/merge-requests/7/head", feature)
    seed.git("update-ref", "refs/merge-requests/7/merge", merged)
    bare = root / "origin.git"
    Repo(root).git("init", "-q", "--bare", str(bare))
    seed.git("push", "-q", bare.as_uri(), "refs/heads/*:refs/heads/*",
             "refs/merge-requests/*:refs/merge-requests/*")
    return Origin(bare, fork_point, main, feature, small, merged)


def clone(tmp_path: Path, url: str, ref: str) -> Repo:
    """A depth-1 checkout of ``ref`` with a detached HEAD, as GitLab Runner makes one."""
    work = make_repo(tmp_path / "work")
    work.git("remote", "add", "origin", url)
    work.git("fetch", "-q", "--depth", "1", "origin", ref)
    work.git("checkout", "-q", "--detach", "FETCH_HEAD")
    assert work.git("rev-parse", "--is-shallow-repository") == "true"
    return work


def mr_env(origin: Origin, **extra: str) -> dict[str, str]:
    """A detached merge request pipeline for !7, feature into main."""
    env = {
        "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_COMMIT_SHA": origin.feature, "CI_COMMIT_BEFORE_SHA": ZERO,
        "CI_DEFAULT_BRANCH": "main", "CI_PROJECT_ID": "1",
        "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_EVENT_TYPE": "detached",
        "CI_MERGE_REQUEST_PROJECT_ID": "1", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "1",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": origin.fork_point,
        "CI_MERGE_REQUEST_TITLE": "Add the feature",
        "CI_MERGE_REQUEST_DESCRIPTION": "Adds it.\n\nCloses #3",
        "CI_MERGE_REQUEST_LABELS": "backend,needs review",
    }
    return {**env, **extra}


def detect(work: Repo, env: dict[str, str],
           request: context.Request | None = None) -> tuple[context.Context, Revisions]:
    """The context detected in ``work`` under ``env``, and its first target resolved."""
    repo = GitRepo.discover(str(work.path))
    try:
        found = context.detect(repo, request or context.Request(), env)
        return found, context.resolve_target(repo, found.targets[0])
    finally:
        repo.close()


def test_detached_merge_request_pipeline(tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/merge-requests/7/head")
    found, revs = detect(work, mr_env(origin))
    assert found.kind == "gitlab" and found.review
    assert found.description == "GitLab CI merge request !7 (detached)"
    assert (revs.head_sha, revs.base_sha, revs.merge_base) == \
        (origin.feature, origin.main, origin.fork_point)
    assert revs.base_ref == "refs/remotes/origin/main"
    assert "deepened the shallow clone" in revs.base_reason
    meta = found.meta
    assert (meta.number, meta.target_branch) == (7, "main")
    assert meta.labels == ("backend", "needs review")
    assert (meta.title, meta.description) == ("Add the feature", "Adds it.\n\nCloses #3")
    assert meta.draft is False
    assert meta.author is None  # GitLab has no MR-author variable; commit authors are used


def test_merged_results_pipeline_checks_the_source_head_not_the_merge_commit(
        tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/merge-requests/7/merge")
    assert work.head() == origin.merged
    env = mr_env(origin, CI_COMMIT_SHA=origin.merged, CI_MERGE_REQUEST_EVENT_TYPE="merged_result",
                 CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=origin.feature,
                 CI_MERGE_REQUEST_TARGET_BRANCH_SHA=origin.main)
    found, revs = detect(work, env)
    assert found.description == "GitLab CI merge request !7 (merged results)"
    assert (revs.head_sha, revs.base_sha, revs.merge_base) == \
        (origin.feature, origin.main, origin.fork_point)
    assert "not GitLab's merge commit" in revs.head_reason
    assert "CI_MERGE_REQUEST_TARGET_BRANCH_SHA" in revs.base_reason


def test_labels_absent_truncated_description_and_draft(tmp_path: Path, origin: Origin) -> None:
    env = mr_env(origin, CI_MERGE_REQUEST_DESCRIPTION="x" * 2700,
                 CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED="true",
                 CI_MERGE_REQUEST_TITLE="Draft: add the feature")
    del env["CI_MERGE_REQUEST_LABELS"]  # GitLab leaves it unset when there are no labels
    found, _ = detect(clone(tmp_path, origin.url, "refs/merge-requests/7/head"), env)
    assert found.meta.labels == () and found.meta.draft is True
    assert found.meta.description == "x" * 2700
    assert found.description.startswith("GitLab CI merge request !7 (detached; GitLab cut the "
                                        "description to 2700 characters")


@pytest.mark.parametrize(("flag", "title", "expected"), [
    ("true", "Add it", True), ("false", "Draft: add it", False), (None, "[Draft] add it", True),
    (None, "(draft) add it", True), (None, "Add the draft", False), (None, None, None)])
def test_draft_comes_from_the_variable_else_the_title_prefix(
        flag: str | None, title: str | None, expected: bool | None) -> None:
    assert gitlab.draft(flag, title) is expected


def test_labels_are_split_on_commas() -> None:
    assert gitlab.labels(None) == () and gitlab.labels("") == ()
    assert gitlab.labels("a, b c ,a,,") == ("a", "b c")


def test_branch_pipeline_of_a_new_branch_compares_with_the_default_branch(
        tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/heads/feature")
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature",
           "CI_COMMIT_SHA": origin.feature, "CI_COMMIT_BEFORE_SHA": ZERO,
           "CI_DEFAULT_BRANCH": "main"}
    found, revs = detect(work, env)
    assert found.description == "GitLab CI branch pipeline for feature (push)"
    assert not found.review and found.meta.target_branch == "feature"
    assert found.meta.labels == () and found.meta.number is None
    assert (revs.base_ref, revs.base_sha, revs.merge_base) == \
        ("refs/remotes/origin/main", origin.main, origin.fork_point)
    assert "all zeros" in revs.base_reason


def test_branch_pipeline_compares_with_the_previous_tip(tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/heads/feature")
    before = Repo(origin.path).git("rev-parse", "feature~2")
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature",
           "CI_COMMIT_SHA": origin.feature, "CI_COMMIT_BEFORE_SHA": before,
           "CI_DEFAULT_BRANCH": "main"}
    _, revs = detect(work, env)
    assert (revs.base_sha, revs.merge_base, revs.head_sha) == (before, before, origin.feature)


def test_fork_pipeline_uses_gitlabs_diff_base(tmp_path: Path, origin: Origin) -> None:
    fork = tmp_path / "fork.git"
    Repo(tmp_path).git("init", "-q", "--bare", str(fork))
    Repo(origin.path).git("push", "-q", fork.as_uri(), "small:refs/heads/small")
    work = clone(tmp_path, fork.as_uri(), "refs/heads/small")
    env = mr_env(origin, CI_PROJECT_ID="2", CI_MERGE_REQUEST_SOURCE_PROJECT_ID="2",
                 CI_COMMIT_SHA=origin.small, CI_MERGE_REQUEST_SOURCE_BRANCH_NAME="small")
    _, revs = detect(work, env)
    assert (revs.head_sha, revs.base_sha, revs.merge_base) == \
        (origin.small, origin.fork_point, origin.fork_point)
    assert "runs in the source fork" in revs.base_reason


def test_tag_pipeline_falls_back_to_local_rules(tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/heads/main")
    work.git("branch", "main")
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": "v1.0",
           "CI_COMMIT_SHA": origin.main}
    found, revs = detect(work, env)
    assert found.kind == "gitlab" and not found.review
    assert found.description.startswith("GitLab CI tag pipeline for v1.0")
    assert "local rules" in found.description and revs.base_ref == "main"


def test_explicit_base_wins_and_metadata_stays(tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/merge-requests/7/head")
    request = context.Request(base=origin.fork_point, ci="gitlab")
    found, revs = detect(work, mr_env(origin), request)
    assert revs.base_reason.startswith("given with --base")
    assert revs.merge_base == origin.fork_point
    assert found.meta.number == 7


def test_a_missing_target_branch_fails_closed_with_the_gitlab_remedy(
        tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/merge-requests/7/head")
    with pytest.raises(ChangeSetError) as info:
        detect(work, mr_env(origin, CI_MERGE_REQUEST_TARGET_BRANCH_NAME="gone"))
    assert "GIT_DEPTH: 0" in (info.value.hint or "")


def test_hostile_title_and_description_are_plain_data(tmp_path: Path, origin: Origin) -> None:
    work = clone(tmp_path, origin.url, "refs/merge-requests/7/head")
    env = mr_env(origin, CI_MERGE_REQUEST_TITLE=HOSTILE, CI_MERGE_REQUEST_DESCRIPTION=HOSTILE,
                 CI_MERGE_REQUEST_LABELS=f"{HOSTILE},ok")
    found, _ = detect(work, env)
    assert (found.meta.title, found.meta.description) == (HOSTILE, HOSTILE)
    assert found.meta.labels == (HOSTILE.strip(), "ok")
    result = run_cli("check", "--format", "json", cwd=work.path, env=env)
    assert result.code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["change"]["title"] == HOSTILE and report["change"]["number"] == 7
    assert not list(work.path.glob("pwned*")) and not list(Path.cwd().glob("pwned*"))
