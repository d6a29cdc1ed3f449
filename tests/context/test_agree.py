"""A rewritten event payload, or a checkout that is not what the CI variables say, stops the run.

An earlier step of the job can rewrite GITHUB_EVENT_PATH and write into .git; it cannot change
the runner's GITHUB_* variables or forge a commit under another commit's name. Each attack is
played on a real bare origin and a depth-1 checkout made as actions/checkout or GitLab Runner
makes it, through the CLI, next to the honest run it must not disturb.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, RunResult, make_repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload, push_payload

pytestmark = pytest.mark.usefixtures("hermetic_git")

STRICT = "rules:\n  - {id: size, kind: batch-size, max_effective_lines: 5}\n"
LOOSE = "rules:\n  - {id: size, kind: batch-size, max_effective_lines: 5000}\n"
DISAGREES = "event payload disagrees with the runner"


@dataclass(frozen=True)
class Origin:
    """main has a strict policy and lenient a loose one; #7 is too large for main's and
    loosens it, #8 is tiny. GitHub's and GitLab's refs for both live side by side."""

    path: Path
    fork: str
    """Where both pull requests and lenient left main: base.sha when #7 was opened."""
    main: str
    big: str
    tiny: str
    merge: str
    """The test merge of #7 into main: GITHUB_SHA of a pull_request run."""
    lenient: str

    @property
    def url(self) -> str:
        """The file:// address of the origin."""
        return self.path.as_uri()


def make_origin(root: Path) -> Origin:
    """A bare origin with #7 (big, loosening the policy) and #8 (tiny) on both forges."""
    seed = make_repo(root / "seed")
    seed.write(".gatekeeper.yml", STRICT)
    seed.write("app.py", "version = 1\n")
    fork = seed.commit("main, with a strict policy")
    seed.git("checkout", "-q", "-b", "lenient")
    seed.write(".gatekeeper.yml", LOOSE)
    lenient = seed.commit("a branch with a loose policy")
    seed.git("checkout", "-q", "-b", "big", fork)
    seed.write("src/big.py", "".join(f"x{i} = {i}\n" for i in range(40)))
    seed.write(".gatekeeper.yml", LOOSE)
    big = seed.commit("a large change that loosens the policy")
    seed.git("checkout", "-q", "-b", "tiny", fork)
    seed.write("src/tiny.py", "y = 1\n")
    tiny = seed.commit("a tiny change")
    seed.git("checkout", "-q", "main")
    seed.write("later.txt", "main moves on\n")
    main = seed.commit("main moves on")
    merges = {}
    for number, head in ((7, big), (8, tiny)):
        seed.git("checkout", "-q", "--detach", main)
        seed.git("merge", "-q", "--no-ff", "-m", f"Merge #{number}", head)
        merges[number] = seed.head()
        for kind, sha in (("head", head), ("merge", merges[number])):
            seed.git("update-ref", f"refs/pull/{number}/{kind}", sha)
            seed.git("update-ref", f"refs/merge-requests/{number}/{kind}", sha)
    bare = root / "origin.git"
    Repo(root).git("init", "-q", "--bare", str(bare))
    seed.git("push", "-q", bare.as_uri(), "refs/heads/*:refs/heads/*", "refs/pull/*:refs/pull/*",
             "refs/merge-requests/*:refs/merge-requests/*")
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    return Origin(bare, fork, main, big, tiny, merges[7], lenient)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """The origin, built once for the module."""
    return make_origin(tmp_path_factory.mktemp("agree-origin"))


def pr7(origin: Origin, **fields: Any) -> dict[str, Any]:
    """Pull request #7's payload as GitHub writes it (base.sha: main when it was opened)."""
    payload = pr_payload(origin.big, origin.fork, title="Big", labels=("needs-review",))
    payload["pull_request"]["head"]["ref"] = "big"
    for path, value in fields.items():
        *parents, last = path.split(".")
        node = payload["pull_request"]
        for key in parents:
            node = node[key]
        node[last] = value
    return payload


def pr_job(origin: Origin, where: Path, payload: dict[str, Any], *, event: str = "pull_request",
           honest: dict[str, Any] | None = None) -> tuple[Repo, dict[str, str]]:
    """The checkout and variables of a run for #7; ``payload`` is what a step left in the file,
    ``honest`` (default: the same) what the runner's variables were set from."""
    if event == "pull_request":
        work = checkout(origin.url, where / "work", origin.merge, "refs/remotes/pull/7/merge")
        runner = {"GITHUB_SHA": origin.merge}
    else:  # pull_request_target checks out the base branch
        work = checkout(origin.url, where / "work", origin.main, "refs/remotes/origin/main")
        runner = {"GITHUB_SHA": origin.main}
    env = github_env(where, event, honest or payload, **runner)
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(payload), encoding="utf-8")
    return work, env


def check(work: Repo, env: dict[str, str], *args: str) -> RunResult:
    """Runs ``gatekeeper check`` with ``args`` in ``work`` under the CI variables ``env``."""
    return run_cli("check", *args, cwd=work.path, env=env)


def refused(result: RunResult, *says: str) -> None:
    """Exit 3, one line on stderr naming what disagreed, nothing on stdout."""
    assert result.code == 3, (result.code, result.stdout[:300], result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gatekeeper: error: "), result.stderr
    assert result.stdout == "" and "(fix: " in lines[0]
    for text in says:
        assert text in lines[0], lines[0]


def test_the_honest_pull_request_is_judged_by_mains_policy(origin: Origin,
                                                           tmp_path: Path) -> None:
    work, env = pr_job(origin, tmp_path, pr7(origin))
    result = check(work, env, "--format", "json")
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["revisions"]["head_sha"] == origin.big
    assert report["change"]["labels"] == ["needs-review"]


def test_a_head_rewritten_to_the_base_is_refused(origin: Origin, tmp_path: Path) -> None:
    # Before: "PASS - nothing to check" for a change of 41 lines.
    work, env = pr_job(origin, tmp_path, pr7(origin, **{"head.sha": origin.fork}),
                       honest=pr7(origin))
    refused(check(work, env), DISAGREES, f"pull_request.head.sha {origin.fork[:12]} is not the "
            f"second parent of GITHUB_SHA {origin.merge[:12]}", "GITHUB_EVENT_PATH")


def test_another_pull_requests_number_and_head_are_refused(origin: Origin,
                                                           tmp_path: Path) -> None:
    # Before: #8's tiny change was checked (and passed), with #8's approvals and labels.
    payload = pr7(origin, number=8, **{"head.sha": origin.tiny})
    work, env = pr_job(origin, tmp_path, payload, honest=pr7(origin))
    refused(check(work, env), "pull_request.number is 8 but the runner's GITHUB_REF is "
            '"refs/pull/7/merge"', "approvals")


def test_a_base_rewritten_to_a_branch_with_a_looser_policy_is_refused(origin: Origin,
                                                                     tmp_path: Path) -> None:
    # Before: the policy came from lenient, and the 41 lines passed.
    payload = pr7(origin, **{"base.ref": "lenient", "base.sha": origin.lenient})
    work, env = pr_job(origin, tmp_path, payload, honest=pr7(origin))
    refused(check(work, env), 'pull_request.base.ref is "lenient" but the runner\'s '
            'GITHUB_BASE_REF is "main"', "which policy judges the change")


def test_a_pull_request_target_head_must_be_the_pull_requests_ref(origin: Origin,
                                                                 tmp_path: Path) -> None:
    work, env = pr_job(origin, tmp_path, pr7(origin), event="pull_request_target")
    assert check(work, env).code == 1  # honest: the 41 lines against main's policy
    # Before: the fork point, an ancestor of the head, left nothing to check.
    work, env = pr_job(origin, tmp_path / "attack", pr7(origin, **{"head.sha": origin.fork}),
                       event="pull_request_target", honest=pr7(origin))
    refused(check(work, env), f"pull_request.head.sha {origin.fork[:12]} is not the head of "
            f"pull request #7, which refs/pull/7/head on origin says is {origin.big[:12]}")


def _graft(work: Repo, origin: Origin) -> None:
    """A replace ref that shows the test merge with the fork point as its second parent."""
    work.git("fetch", "-q", "--depth=1", "origin", origin.main, origin.fork)
    work.git("replace", "--graft", origin.merge, origin.main, origin.fork)


def _loose(work: Repo, origin: Origin) -> None:
    """A loose object under the test merge's name, with the fork point as its second parent."""
    real = work.git("cat-file", "commit", origin.merge)
    forged = real.replace(f"parent {origin.big}", f"parent {origin.fork}") + "\n"
    data = forged.encode()
    path = work.path / ".git" / "objects" / origin.merge[:2] / origin.merge[2:]
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(zlib.compress(b"commit %d\0" % len(data) + data))


@pytest.mark.parametrize("forge", [_graft, _loose])
def test_a_forged_test_merge_commit_is_refused(origin: Origin, tmp_path: Path,
                                               forge: Any) -> None:
    work, env = pr_job(origin, tmp_path, pr7(origin, **{"head.sha": origin.fork}),
                       honest=pr7(origin))
    forge(work, origin)
    refused(check(work, env), "GITHUB_SHA" if forge is _loose else "replace ref")


def test_the_test_merge_is_fetched_when_the_workflow_checked_out_the_head(
        origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.big, "refs/remotes/pull/7/head")
    env = github_env(tmp_path, "pull_request", pr7(origin), GITHUB_SHA=origin.merge)
    result = check(work, env)
    assert result.code == 1, result.stderr
    assert work.git("cat-file", "-t", origin.merge) == "commit"


def test_a_missing_runner_variable_is_a_usage_error(origin: Origin, tmp_path: Path) -> None:
    work, env = pr_job(origin, tmp_path, pr7(origin))
    del env["GITHUB_SHA"]
    result = check(work, env)
    assert result.code == 2 and "GITHUB_SHA is not set" in result.stderr
    assert "--ci local" in result.stderr


def test_a_push_payload_must_name_the_pushed_commit(origin: Origin, tmp_path: Path) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.big, "refs/remotes/origin/big")
    honest = push_payload("refs/heads/big", origin.fork, origin.big)
    env = github_env(tmp_path, "push", honest)
    assert check(work, env).code == 0  # a push reads the work tree's (loosened) policy
    Path(env["GITHUB_EVENT_PATH"]).write_text(
        json.dumps(push_payload("refs/heads/big", origin.fork, origin.fork)), encoding="utf-8")
    refused(check(work, env), f"after is {origin.fork} but the runner's GITHUB_SHA is "
            f'"{origin.big}"')


def _group(origin: Origin, **fields: str) -> dict[str, Any]:
    group = {"head_sha": origin.merge, "head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-"
             f"{origin.big}", "base_sha": origin.main, "base_ref": "refs/heads/main",
             "head_commit": {"id": origin.merge, "message": "Merge #7"}}
    return {"action": "checks_requested", "merge_group": group | fields,
            "repository": {"full_name": "octo/repo"}}


@pytest.mark.parametrize(("fields", "says"), [
    ({"head_sha": "MAIN"}, "merge_group.head_sha is"),
    ({"base_ref": "refs/heads/lenient", "base_sha": "LENIENT"},
     "is not under refs/heads/gh-readonly-queue/lenient/"),
])
def test_a_merge_group_payload_must_match_the_queue(origin: Origin, tmp_path: Path,
                                                   fields: dict[str, str], says: str) -> None:
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/origin/queue")
    env = github_env(tmp_path, "merge_group", _group(origin))
    assert check(work, env).code == 1
    shas = {"MAIN": origin.main, "LENIENT": origin.lenient}
    rewritten = _group(origin, **{k: shas.get(v, v) for k, v in fields.items()})
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(rewritten), encoding="utf-8")
    refused(check(work, env), says)


# -- GitLab: the checkout against the merge request pipeline's variables ------------------------


def mr_job(origin: Origin, where: Path, ref: str, **variables: str) -> tuple[Repo, dict[str, str]]:
    """A depth-1 clone of ``ref`` as GitLab Runner makes it, and merge request !7's variables."""
    work = make_repo(where / "work")
    work.git("remote", "add", "origin", origin.url)
    work.git("fetch", "-q", "--depth", "1", "origin", ref)
    work.git("checkout", "-q", "--detach", "FETCH_HEAD")
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
           "CI_COMMIT_SHA": work.head(), "CI_PROJECT_ID": "1", "CI_MERGE_REQUEST_IID": "7",
           "CI_MERGE_REQUEST_PROJECT_ID": "1", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "1",
           "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "big",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_LABELS": "backend",
           "CI_MERGE_REQUEST_EVENT_TYPE": "detached", **variables}
    return work, env


def merged_results(origin: Origin, where: Path, **variables: str) -> tuple[Repo, dict[str, str]]:
    """A GitLab merged-results pipeline job for !7, checked out in ``where``."""
    return mr_job(origin, where, "refs/merge-requests/7/merge", **{
        "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": origin.big,
        "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": origin.main, **variables})


def test_honest_merge_request_pipelines_still_fail_the_large_change(origin: Origin,
                                                                    tmp_path: Path) -> None:
    for where, (work, env) in enumerate((
            mr_job(origin, tmp_path / "detached", "refs/merge-requests/7/head"),
            merged_results(origin, tmp_path / "merged"))):
        result = check(work, env, "--format", "json")
        assert result.code == 1, (where, result.stderr)
        assert json.loads(result.stdout)["revisions"]["head_sha"] == origin.big


def test_a_detached_pipelines_source_sha_must_be_its_commit(origin: Origin,
                                                           tmp_path: Path) -> None:
    # Before: the fork point was taken as the head, and nothing was checked.
    work, env = mr_job(origin, tmp_path, "refs/merge-requests/7/head",
                       CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=origin.fork)
    refused(check(work, env), f"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is {origin.fork[:12]} but "
            f"CI_COMMIT_SHA is {origin.big[:12]}")


def test_a_merged_results_source_sha_must_be_a_parent(origin: Origin, tmp_path: Path) -> None:
    # Before: the fork point was taken as the head, and nothing was checked.
    work, env = merged_results(origin, tmp_path, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=origin.fork)
    refused(check(work, env), f"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA {origin.fork[:12]} is not a "
            f"parent of CI_COMMIT_SHA {origin.merge[:12]}", "merged results")


def test_a_checkout_moved_away_from_ci_commit_sha_is_refused(origin: Origin,
                                                            tmp_path: Path) -> None:
    work, env = mr_job(origin, tmp_path, "refs/merge-requests/7/head")
    work.git("fetch", "-q", "--depth=1", "origin", origin.tiny)
    work.git("checkout", "-q", "--detach", origin.tiny)
    refused(check(work, env), f"the checked-out commit (HEAD) is {origin.tiny[:12]} but "
            f"CI_COMMIT_SHA is {origin.big[:12]}")


def test_a_merge_train_that_squashed_names_no_source_head(origin: Origin,
                                                         tmp_path: Path) -> None:
    work, env = mr_job(origin, tmp_path, "refs/heads/main")
    work.write("src/big.py", "".join(f"x{i} = {i}\n" for i in range(40)))
    squash = work.commit("Squashed !7")  # one parent: main's tip
    env |= {"CI_COMMIT_SHA": squash, "CI_MERGE_REQUEST_EVENT_TYPE": "merge_train",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": origin.big}
    assert check(work, env).code == 1
    refused(check(work, env | {"CI_MERGE_REQUEST_EVENT_TYPE": "merged_result"}),
            "is not a parent of CI_COMMIT_SHA")
