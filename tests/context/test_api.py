"""Where approvals are read: the API, project, number and token, from the CI variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper import context
from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.context.api import ApiTarget, api_target
from gatekeeper.gitread.gitio import GitRepo
from tests.conftest import make_repo
from tests.context.test_github import github_env, pr_payload, push_payload

pytestmark = pytest.mark.usefixtures("hermetic_git")

PR = ChangeMeta(number=12)
SHA = "a" * 40
GITHUB = {"GITHUB_API_URL": "https://api.github.com", "GITHUB_REPOSITORY": "octo/app"}
GITLAB = {"CI_API_V4_URL": "https://gitlab.com/api/v4", "CI_PROJECT_ID": "278964",
          "CI_MERGE_REQUEST_PROJECT_ID": "278964", "CI_MERGE_REQUEST_IID": "12"}


def target(kind: str, env: dict[str, str], meta: ChangeMeta = PR) -> ApiTarget:
    """The API target of ``kind`` from ``env`` and ``meta``; there must be one."""
    found = api_target(kind, env, meta)
    assert found is not None
    return found


def test_a_github_pull_request() -> None:
    found = target("github", {**GITHUB, "GATEKEEPER_TOKEN": "tok-gk", "GITHUB_TOKEN": "tok-gh"})
    assert (found.platform, found.api_url, found.project, found.number) == (
        "github", "https://api.github.com", "octo/app", 12)
    assert found.token is not None and found.token.reveal() == "tok-gk"
    assert found.token_name == "GATEKEEPER_TOKEN"


def test_github_falls_back_to_github_token_and_to_the_public_api() -> None:
    found = target("github", {"GITHUB_REPOSITORY": "octo/app", "GATEKEEPER_TOKEN": "  ",
                              "GITHUB_TOKEN": "tok-gh\n"})
    assert found.api_url == "https://api.github.com"
    assert found.token is not None and found.token.reveal() == "tok-gh"
    assert found.token_name == "GITHUB_TOKEN"


def test_github_enterprise_server_keeps_its_api_url() -> None:
    found = target("github", {"GITHUB_API_URL": "https://ghe.example.com/api/v3",
                              "GITHUB_REPOSITORY": "corp/service"})
    assert (found.api_url, found.project) == ("https://ghe.example.com/api/v3", "corp/service")


def test_a_gitlab_merge_request() -> None:
    found = target("gitlab", {**GITLAB, "GITLAB_TOKEN": "glpat-x"})
    assert (found.platform, found.api_url, found.project, found.number) == (
        "gitlab", "https://gitlab.com/api/v4", "278964", 12)
    assert found.token is not None and found.token.reveal() == "glpat-x"
    assert found.token_name == "GITLAB_TOKEN"


def test_gitlab_prefers_gatekeeper_token_and_reads_a_self_managed_api_url() -> None:
    found = target("gitlab", {**GITLAB, "CI_API_V4_URL": "https://git.corp.example/api/v4",
                              "GATEKEEPER_TOKEN": "tok-gk", "GITLAB_TOKEN": "glpat-x"})
    assert found.api_url == "https://git.corp.example/api/v4"
    assert found.token is not None and found.token.reveal() == "tok-gk"


def test_gitlab_uses_the_merge_requests_project_when_the_pipeline_runs_in_a_fork() -> None:
    # The IID belongs to the target project; CI_PROJECT_ID is the fork's.
    found = target("gitlab", {**GITLAB, "CI_PROJECT_ID": "99", "CI_MERGE_REQUEST_PROJECT_ID": "7"})
    assert found.project == "7"
    only_project = {k: v for k, v in GITLAB.items() if k != "CI_MERGE_REQUEST_PROJECT_ID"}
    assert target("gitlab", only_project).project == "278964"


def test_gitlab_without_an_api_variable_uses_gitlab_com() -> None:
    found = target("gitlab", {"CI_PROJECT_ID": "5"})
    assert found.api_url == "https://gitlab.com/api/v4"


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_without_a_token_the_target_has_none(platform: str) -> None:
    found = target(platform, GITHUB if platform == "github" else GITLAB)
    assert found.token is None
    assert found.token_name == "GATEKEEPER_TOKEN"


@pytest.mark.parametrize(("kind", "env", "meta"), [
    ("github", GITHUB, ChangeMeta()),  # a push or merge group: no pull request
    ("gitlab", GITLAB, ChangeMeta()),
    ("github", {"GITHUB_API_URL": "https://api.github.com"}, PR),  # no GITHUB_REPOSITORY
    ("gitlab", {"CI_API_V4_URL": "https://gitlab.com/api/v4"}, PR),  # no project id
    ("github", GITHUB, ChangeMeta(number=0)),
    ("local", GITHUB, PR), ("pre-push", GITLAB, PR), ("pre-commit", GITHUB, PR),
])
def test_no_target_outside_a_pull_or_merge_request(kind: str, env: dict[str, str],
                                                   meta: ChangeMeta) -> None:
    assert api_target(kind, env, meta) is None


def test_the_token_never_shows_in_a_target_or_a_context() -> None:
    found = target("github", {**GITHUB, "GATEKEEPER_TOKEN": "tok-S3cret-value"})
    found_context = context.Context("github", "test", (), api=found)
    for shown in (repr(found), str(found), repr(found_context)):
        assert "tok-S3cret-value" not in shown
    assert "***" in repr(found)


def detect(tmp_path: Path, env: dict[str, str]) -> context.Context:
    """The context detected in a new repository under the CI variables ``env``."""
    repo = GitRepo.discover(str(make_repo(tmp_path / "work").path))
    try:
        return context.detect(repo, context.Request(), env)
    finally:
        repo.close()


def test_the_github_detector_fills_the_target_of_a_pull_request(tmp_path: Path) -> None:
    env = {**github_env(tmp_path, "pull_request", pr_payload(SHA, SHA, number=31)),
           "GITHUB_API_URL": "https://ghe.example.com/api/v3", "GATEKEEPER_TOKEN": "tok"}
    found = detect(tmp_path, env)
    assert found.api is not None
    assert (found.api.platform, found.api.api_url, found.api.project, found.api.number) == (
        "github", "https://ghe.example.com/api/v3", "octo/repo", 31)
    assert found.api.token is not None and found.api.token.reveal() == "tok"


def test_the_github_detector_leaves_a_push_without_a_target(tmp_path: Path) -> None:
    env = github_env(tmp_path, "push", push_payload("refs/heads/main", "b" * 40, SHA))
    assert detect(tmp_path, env).api is None


def test_the_gitlab_detector_fills_the_target_of_a_merge_request(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    head = work.commit("the merge request's head")  # CI_COMMIT_SHA must be the checkout
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
           "CI_COMMIT_SHA": head, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": "b" * 40, "GITLAB_TOKEN": "glpat-x",
           **GITLAB}
    found = detect(tmp_path, env)
    assert found.api is not None
    assert (found.api.platform, found.api.project, found.api.number) == ("gitlab", "278964", 12)
    assert found.api.token_name == "GITLAB_TOKEN"


def test_the_gitlab_detector_leaves_a_branch_pipeline_without_a_target(tmp_path: Path) -> None:
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main",
           "CI_COMMIT_SHA": SHA, "CI_COMMIT_BEFORE_SHA": "b" * 40, **GITLAB}
    assert detect(tmp_path, env).api is None


def test_a_local_run_has_no_target(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "work")
    work.write("a.txt", "a\n")
    work.commit("one")
    repo = GitRepo.discover(str(work.path))
    try:
        found = context.detect(repo, context.Request(base="HEAD"), {**GITHUB, "CI": "true"})
    finally:
        repo.close()
    assert (found.kind, found.api) == ("local", None)
