"""--base and --head inside a pull or merge request job narrow the range, and nothing else.

The policy still comes from the request's own base, the labels and number from the platform,
and the report says what the command line overrode. ``--ci local`` stays the way to run with
local rules on purpose; --staged has no place in such a job.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.context.test_agree import Origin, check, make_origin, mr_job, pr7, pr_job

pytestmark = pytest.mark.usefixtures("hermetic_git")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """The origin, built once for the module."""
    return make_origin(tmp_path_factory.mktemp("override-origin"))


def test_a_pull_request_checked_with_base_and_head_keeps_its_policy_and_labels(
        origin: Origin, tmp_path: Path) -> None:
    # #7 loosens .gatekeeper.yml; the checkout (the test merge) holds the loosened file.
    work, env = pr_job(origin, tmp_path, pr7(origin))
    work.git("fetch", "-q", "--unshallow", "origin")  # fetch-depth: 0, as --base often needs
    # lenient's tip has the same merge base with #7 as main, and a looser policy.
    revisions = ("--base", origin.lenient, "--head", origin.big)
    result = check(work, env, *revisions, "--format", "json")
    assert result.code == 1, (result.stdout[:300], result.stderr)  # before: 0, the loose policy
    report = json.loads(result.stdout)
    assert report["policy"]["description"] == (
        f"policy .gatekeeper.yml from the base commit {origin.main[:12]}")
    assert report["change"]["labels"] == ["needs-review"] and report["change"]["number"] == 7
    found = report["revisions"]
    assert (found["base_sha"], found["head_sha"], found["merge_base"]) == (
        origin.lenient, origin.big, origin.fork)
    assert found["context"] == ("GitHub Actions pull_request #7 (base given with --base and head "
                                "given with --head, overriding the event's)")
    console = check(work, env, *revisions)
    assert console.code == 1
    assert "given with --base, in place of the event's: tip of origin/main" in console.stdout
    assert "the policy is still read from that one" in console.stdout


def test_ci_local_is_the_explicit_way_to_use_local_rules(origin: Origin, tmp_path: Path) -> None:
    work, env = pr_job(origin, tmp_path, pr7(origin))
    work.git("fetch", "-q", "--unshallow", "origin")  # a local run fetches nothing itself
    result = check(work, env, "--ci", "local", "--base", origin.fork, "--format", "json")
    assert result.code == 0, result.stderr  # the work tree's (loosened) policy, by request
    report = json.loads(result.stdout)
    assert report["revisions"]["context"] == "local run" and report["change"]["labels"] == []


@pytest.mark.parametrize("ci", [(), ("--ci", "github")])
def test_staged_is_refused_in_a_pull_request_job(origin: Origin, tmp_path: Path,
                                                 ci: tuple[str, ...]) -> None:
    work, env = pr_job(origin, tmp_path, pr7(origin))
    result = check(work, env, "--staged", *ci)
    assert result.code == 2 and result.stdout == ""
    assert "--staged checks the index" in result.stderr and "--ci local" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_merge_request_checked_with_base_keeps_the_target_branch_policy(
        origin: Origin, tmp_path: Path) -> None:
    work, env = mr_job(origin, tmp_path, "refs/merge-requests/7/head")
    work.git("fetch", "-q", "--unshallow", "origin")  # GIT_DEPTH: 0
    result = check(work, env, "--base", origin.lenient, "--format", "json")
    assert result.code == 1, result.stderr  # before: 0, the policy was read from lenient
    report = json.loads(result.stdout)
    assert report["policy"]["description"].endswith(f"from the base commit {origin.main[:12]}")
    assert report["change"]["labels"] == ["backend"] and report["change"]["number"] == 7
    assert report["revisions"]["context"] == ("GitLab CI merge request !7 (detached) (base given "
                                              "with --base, overriding the pipeline's)")
    assert report["revisions"]["base_reason"].startswith("given with --base, in place of the "
                                                         "pipeline's: the merge request's target")
