"""A fetch that fails is named as the cause: an unreachable remote, no remote at all, or one that
wants credentials (a real HTTP server on 127.0.0.1 answering 401), never "even after fetching
3150 more commits", with git's reason on one line and a remedy that fits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_CHANGESET, ChangeSetError
from tests.conftest import Repo, run_cli
from tests.context.test_github import (
    Origin,
    checkout,
    detect_and_resolve,
    github_env,
    make_origin,
    pr_payload,
)
from tests.context.test_gitlab import clone

pytestmark = pytest.mark.usefixtures("hermetic_git")

SECRET = "glpat-S3cretJobToken0123456789"
"""A token in the remote's URL, as GitLab Runner puts CI_JOB_TOKEN there; never shown."""


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """The origin, built once for the module."""
    return make_origin(tmp_path_factory.mktemp("fetch-origin"))


@pytest.fixture(scope="module")
def locked() -> Iterator[str]:
    """The URL of a git repository on a local HTTP server that answers 401 to everything."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/octo/repo.git"
    finally:
        server.shutdown()
        server.server_close()


def needs_deepening(origin: Origin, where: Path) -> tuple[Repo, dict[str, str]]:
    """Pull request #8 (feature2 into release) in a depth-1 clone that has both sides but not
    their merge base, 60 commits down release: only deepening the clone can find it."""
    work = checkout(origin.url, where / "work", origin.feature2, "refs/remotes/pull/8/merge")
    work.git("fetch", "-q", "--depth=1", "origin",
             "+refs/heads/release:refs/remotes/origin/release")
    payload = pr_payload(origin.feature2, origin.release, number=8, base_ref="release")
    return work, github_env(where, "pull_request", payload)


def failure(work: Repo, env: dict[str, str]) -> ChangeSetError:
    """The one-line change set error detecting and resolving in ``work`` raises."""
    with pytest.raises(ChangeSetError) as caught:
        detect_and_resolve(work, env)
    assert caught.value.exit_code == EXIT_CHANGESET
    assert "\n" not in caught.value.message and "\n" not in (caught.value.hint or "")
    return caught.value


def test_an_unreachable_remote_is_named_when_deepening_fails(origin: Origin,
                                                            tmp_path: Path) -> None:
    work, env = needs_deepening(origin, tmp_path)
    gone = tmp_path / "moved.git"
    work.git("remote", "set-url", "origin", gone.as_uri())
    error = failure(work, env)
    assert error.message == (
        "cannot fetch 50 more commits of history to find the merge base of "
        "refs/remotes/origin/release and " + origin.feature2 + " from origin: '"
        + str(gone) + "' does not appear to be a git repository")
    assert "3150" not in error.message
    assert (error.hint or "").startswith("check that origin can be reached from here (git remote "
                                         "-v, then git fetch origin); check out with "
                                         "actions/checkout and fetch-depth: 0")


def test_no_remote_at_all_is_said_as_such(origin: Origin, tmp_path: Path) -> None:
    work, env = needs_deepening(origin, tmp_path)
    work.git("remote", "remove", "origin")  # which takes its remote-tracking refs along
    work.git("update-ref", "refs/remotes/origin/release", origin.release)
    error = failure(work, env)
    assert error.message.endswith("have no merge base in this shallow clone, and there is no "
                                  "remote origin to fetch more history from, so the change set "
                                  "cannot be determined")
    assert "fetch-depth: 0" in (error.hint or "")


def test_a_remote_that_wants_credentials_is_named_with_the_checkout_fix(
        origin: Origin, tmp_path: Path, locked: str) -> None:
    work, env = needs_deepening(origin, tmp_path)
    work.git("remote", "set-url", "origin", locked)
    error = failure(work, env)
    host = locked.rsplit("/", 2)[0]
    assert error.message.startswith("cannot fetch 50 more commits of history")
    assert error.message.endswith(
        "from origin: the remote wants credentials that git does not have or that it refused "
        f"(git: could not read Username for '{host}': terminal prompts disabled)")
    assert error.hint == ("keep actions/checkout's persist-credentials at its default (true), "
                          "which leaves the job's token for git fetch, or give the remote "
                          "credentials before gatekeeper runs")


def test_a_refused_token_in_the_url_never_shows(origin: Origin, tmp_path: Path,
                                                locked: str) -> None:
    work, env = needs_deepening(origin, tmp_path)
    work.git("remote", "set-url", "origin",
             locked.replace("http://", f"http://gitlab-ci-token:{SECRET}@"))
    error = failure(work, env)
    assert "Authentication failed for 'http://127.0.0.1:" in error.message
    assert SECRET not in error.message and SECRET not in (error.hint or "")
    result = run_cli("check", cwd=work.path, env=env)
    assert result.code == 3 and SECRET not in result.stderr + result.stdout
    assert "the remote wants credentials" in result.stderr


def test_a_missing_side_that_cannot_be_fetched_names_the_fetch(origin: Origin,
                                                               tmp_path: Path,
                                                               locked: str) -> None:
    """The target branch is not in the checkout and the remote wants credentials: the fetch
    is the cause, not an "unknown base revision"."""
    work = checkout(origin.url, tmp_path / "work", origin.merge, "refs/remotes/pull/7/merge")
    work.git("remote", "set-url", "origin", locked)
    env = github_env(tmp_path, "pull_request", pr_payload(origin.feature, origin.opened_at),
                     GITHUB_SHA=origin.merge)
    work.git("fetch", "-q", "--depth=1", origin.url, origin.feature)  # the head is here
    error = failure(work, env)
    assert error.message.startswith("cannot fetch the base revision refs/remotes/origin/main "
                                    "from origin: the remote wants credentials")
    assert "unknown" not in error.message


def test_a_gitlab_pipeline_says_how_gitlab_gives_credentials(tmp_path: Path,
                                                              locked: str) -> None:
    root = make_origin(tmp_path / "origin")
    work = clone(tmp_path, root.url, "refs/heads/feature2")
    work.git("remote", "set-url", "origin", locked)
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature2",
           "CI_COMMIT_SHA": root.feature2, "CI_COMMIT_BEFORE_SHA": "0" * 40,
           "CI_DEFAULT_BRANCH": "main"}
    error = failure(work, env)
    assert "the remote wants credentials" in error.message
    assert error.hint is not None and "CI_JOB_TOKEN" in error.hint
