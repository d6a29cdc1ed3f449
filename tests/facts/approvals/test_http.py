"""Failures: each status, network trouble, slow or huge answers and bad JSON end in one error."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gatekeeper.common.secret import Secret
from gatekeeper.errors import EXIT_CHANGESET
from gatekeeper.facts.approvals import ApprovalsError, GitHubClient, GitLabClient
from gatekeeper.facts.approvals.http import MAX_BYTES
from gatekeeper.facts.approvals.links import next_link
from tests.facts.approvals.conftest import TOKEN, FakeApi, Reply, github_review

REVIEWS = "/repos/octo/app/pulls/12/reviews"
APPROVALS = "/api/v4/projects/group%2Fapp/merge_requests/7/approvals"


def github(api: FakeApi, **options: object) -> GitHubClient:
    """A GitHub client for ``api`` with ``options``."""
    return GitHubClient(Secret(TOKEN), api_url=api.url, **options)  # type: ignore[arg-type]


def fail(api: FakeApi, reply: Reply, **options: object) -> ApprovalsError:
    """The error reading approvals raises when the reviews are answered with ``reply``."""
    api.route(REVIEWS, reply)
    with pytest.raises(ApprovalsError) as caught:
        github(api, **options).approvals("octo/app", 12)
    return caught.value


@pytest.mark.parametrize(("status", "hint"), [
    (401, "GitHub refused the token"),
    (403, "'Pull requests: read'"),
    (404, "check the repository octo/app and pull request #12"),
    (500, "GitHub failed on its side"),
    (502, "GitHub failed on its side"),
    (418, "check that GITHUB_API_URL points at the GitHub REST API"),
])
def test_an_error_status_names_the_endpoint_and_status_on_one_line(
        api: FakeApi, status: int, hint: str) -> None:
    error = fail(api, Reply({"message": "Bad credentials",
                             "documentation_url": "https://docs.github.com/rest"}, status))
    assert error.status == status
    assert error.exit_code == EXIT_CHANGESET
    assert f"GET {api.url}{REVIEWS} answered {status}" in error.message
    assert error.message.startswith("cannot read the reviews of pull request #12: ")
    assert "Bad credentials" not in error.message  # the server's words are never repeated
    assert "per_page" not in error.message
    assert hint in (error.hint or "")
    assert "\n" not in error.render()


def test_429_says_when_to_retry(api: FakeApi) -> None:
    error = fail(api, Reply({"message": "API rate limit exceeded"}, 429,
                            headers={"Retry-After": "30"}))
    assert error.hint == ("the GitHub API rate limit is used up (retry after 30 s); "
                          "run the check again later")


def test_a_403_with_no_requests_left_is_a_rate_limit_not_a_permission(api: FakeApi) -> None:
    error = fail(api, Reply({"message": "API rate limit exceeded"}, 403,
                            headers={"x-ratelimit-remaining": "0"}))
    assert (error.status, error.hint) == (
        403, "the GitHub API rate limit is used up; run the check again later")


def test_a_gitlab_refusal_points_at_token_kinds(api: FakeApi) -> None:
    api.route(APPROVALS, Reply({"message": "401 Unauthorized"}, 401))
    with pytest.raises(ApprovalsError) as caught:
        GitLabClient(Secret(TOKEN), api_url=f"{api.url}/api/v4",
                     auth="job-token").approvals("group/app", 7)
    assert caught.value.message.endswith("answered 401 Unauthorized")
    assert "read_api" in (caught.value.hint or "")
    assert "CI_JOB_TOKEN" in (caught.value.hint or "")


def test_a_server_that_does_not_answer_in_time_is_a_timeout(api: FakeApi) -> None:
    started = time.monotonic()
    error = fail(api, Reply([], delay=3), timeout=0.3)
    assert time.monotonic() - started < 2
    assert error.message == (f"cannot read the reviews of pull request #12: GET {api.url}"
                             f"{REVIEWS} timed out after 0.3 s")
    assert error.status is None


def test_a_server_that_trickles_its_answer_still_meets_the_deadline(api: FakeApi) -> None:
    body = [github_review(1, "alice", "APPROVED")]
    started = time.monotonic()
    error = fail(api, Reply(body, trickle=0.02), timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert "timed out" in error.message


def test_a_trickled_error_body_does_not_hold_up_the_status_error(api: FakeApi) -> None:
    started = time.monotonic()
    error = fail(api, Reply({"message": "x" * 500}, 503, trickle=0.02), timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert error.status == 503
    assert "x" * 10 not in error.message


def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ApprovalsError) as caught:
        GitHubClient(Secret(TOKEN), api_url=f"http://127.0.0.1:{port}").approvals("octo/app", 1)
    assert f"GET http://127.0.0.1:{port}{REVIEWS.replace('12', '1')} failed: " in (
        caught.value.message)
    assert caught.value.hint == "check the network and GITHUB_API_URL"


@pytest.mark.parametrize("body", [b"{not json", b"<html><body>Sign in</body></html>",
                                  b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000])
def test_an_answer_that_is_not_json_is_an_error(api: FakeApi, body: bytes) -> None:
    error = fail(api, Reply(body))
    assert error.message.endswith("did not answer JSON")
    assert error.hint == "check that GITHUB_API_URL points at the GitHub REST API"


@pytest.mark.parametrize(("body", "expected"), [
    ({"reviews": []}, "a JSON array, not an object"),
    ([["APPROVED"]], "each review to be an object with a string 'state'"),
    ([{"user": {"login": "a"}}], "each review to be an object with a string 'state'"),
    ([{"user": "alice", "state": "APPROVED"}], "'user' to be null or an object"),
    ([{"user": {"login": 7}, "state": "APPROVED"}], "'user' to be null or an object"),
])
def test_json_of_another_shape_is_an_error(api: FakeApi, body: object, expected: str) -> None:
    error = fail(api, Reply(body))
    assert "answered JSON of an unexpected shape (expected " in error.message
    assert expected in error.message


@pytest.mark.parametrize("length", [True, False])
def test_an_answer_over_the_size_limit_is_refused(api: FakeApi, length: bool) -> None:
    error = fail(api, Reply(b"[" + b" " * 4000 + b"]", length=length), max_bytes=1024)
    assert error.message.endswith("answered more than 1024 bytes")


def test_the_default_size_limit_stops_a_huge_answer(api: FakeApi) -> None:
    error = fail(api, Reply(b"[" + b" " * (MAX_BYTES + 1) + b"]", length=False))
    assert error.message.endswith(f"answered more than {MAX_BYTES} bytes")


def test_without_a_token_no_credentials_are_sent(api: FakeApi) -> None:
    api.route(REVIEWS, Reply([github_review(1, "alice", "APPROVED")]))
    GitHubClient(None, api_url=api.url).approvals("octo/app", 12)
    assert "authorization" not in api.seen[0].headers


@pytest.mark.parametrize(("value", "target"), [
    ('<https://x.test/r?page=2>; rel="next", <https://x.test/r?page=9>; rel="last"',
     "https://x.test/r?page=2"),
    ('<https://x.test/r?page=1>; rel="prev", <https://x.test/r?page=3>; rel="next"',
     "https://x.test/r?page=3"),
    ("<https://x.test/r?page=4>; rel=next", "https://x.test/r?page=4"),
    ('<https://x.test/r?page=5>; rel="next last"', "https://x.test/r?page=5"),
    ('<https://x.test/r?page=9>; rel="last"', None),
    ("", None),
])
def test_next_links_are_found_in_link_headers(value: str, target: str | None) -> None:
    assert next_link(value) == target


def test_importing_the_package_does_not_import_urllib_or_json() -> None:
    code = ("import sys, gatekeeper.facts.approvals\n"
            "print(sorted(m for m in ('urllib.request', 'urllib.parse', 'http.client', 'json')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[3]).stdout
    assert out.strip() == "[]"
