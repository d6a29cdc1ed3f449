"""The token never shows: not in messages, hints, reprs, tracebacks, logs or output, even when
a server echoes it back."""

from __future__ import annotations

import copy
import logging
import pickle
import traceback

import pytest

from gatekeeper.common.secret import Secret
from gatekeeper.facts.approvals import ApprovalsError, GitHubClient, GitLabClient
from tests.facts.approvals.conftest import TOKEN, FakeApi, Reply, github_review

REVIEWS = "/repos/octo/app/pulls/12/reviews"


def everything_shown(error: ApprovalsError) -> str:
    """Every text an error can put in front of a user or into a log."""
    return "\n".join([str(error), repr(error), error.message, error.hint or "", error.render(),
                      "".join(traceback.format_exception(error)), repr(error.__dict__)])


def echo_everywhere(api: FakeApi, status: int) -> Reply:
    """A reply with ``status`` that echoes the token in every part of it."""
    return Reply({"message": f"Bad credentials: {TOKEN}", "token": TOKEN}, status,
                 reason=f"Denied {TOKEN}", headers={"X-Echo": TOKEN, "Retry-After": TOKEN})


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500])
def test_an_echoed_token_is_scrubbed_from_status_errors(
        api: FakeApi, status: int, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.route(REVIEWS, echo_everywhere(api, status))
    with pytest.raises(ApprovalsError) as caught:
        GitHubClient(Secret(TOKEN), api_url=api.url).approvals("octo/app", 12)
    shown = everything_shown(caught.value)
    assert TOKEN not in shown
    assert "Bad credentials" not in shown and "Denied" not in shown  # no word of the server's
    assert api.seen[0].headers["authorization"] == f"Bearer {TOKEN}"  # it was sent, though
    out, err = capsys.readouterr()
    assert TOKEN not in out + err + caplog.text


def test_a_token_in_a_foreign_next_link_is_not_shown(api: FakeApi, elsewhere: FakeApi) -> None:
    api.route(REVIEWS, Reply([github_review(1, "alice", "APPROVED")], headers={
        "Link": f'<{elsewhere.url}/{TOKEN}/reviews?access_token={TOKEN}>; rel="next"'}))
    with pytest.raises(ApprovalsError) as caught:
        GitHubClient(Secret(TOKEN), api_url=api.url).approvals("octo/app", 12)
    assert TOKEN not in everything_shown(caught.value)
    assert elsewhere.seen == []


def test_a_token_echoed_inside_json_of_the_wrong_shape_is_not_shown(api: FakeApi) -> None:
    api.route(REVIEWS, Reply({"token": TOKEN}))
    with pytest.raises(ApprovalsError) as caught:
        GitHubClient(Secret(TOKEN), api_url=api.url).approvals("octo/app", 12)
    assert TOKEN not in everything_shown(caught.value)


def test_a_token_echoed_in_a_gitlab_error_is_scrubbed(api: FakeApi) -> None:
    api.route("/projects/group%2Fapp/merge_requests/7/approvals",
              Reply({"message": f"401 Unauthorized {TOKEN}"}, 401))
    with pytest.raises(ApprovalsError) as caught:
        GitLabClient(Secret(TOKEN), api_url=api.url).approvals("group/app", 7)
    assert TOKEN not in everything_shown(caught.value)


def test_a_timeout_error_does_not_carry_the_token(api: FakeApi) -> None:
    api.route(REVIEWS, Reply([], delay=2))
    with pytest.raises(ApprovalsError) as caught:
        GitHubClient(Secret(TOKEN), api_url=api.url, timeout=0.2).approvals("octo/app", 12)
    assert TOKEN not in everything_shown(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_clients_and_secrets_do_not_show_the_token() -> None:
    secret = Secret(TOKEN)
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}",
                  repr(GitHubClient(secret)), repr(GitLabClient(secret, auth="bearer"))):
        assert TOKEN not in shown
    assert "***" in repr(GitHubClient(secret))
    assert secret.reveal() == TOKEN


def test_a_secret_cannot_be_pickled_even_inside_a_client() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(GitHubClient(Secret(TOKEN)))


def test_a_client_can_still_be_copied(api: FakeApi) -> None:
    api.route(REVIEWS, Reply([github_review(1, "alice", "APPROVED")]))
    copied = copy.deepcopy(GitHubClient(Secret(TOKEN), api_url=api.url))
    assert copied.approvals("octo/app", 12).approvers == ("alice",)
    assert api.seen[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_a_successful_read_prints_and_logs_nothing(
        api: FakeApi, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.route(REVIEWS, Reply([github_review(1, "alice", "APPROVED")]))
    GitHubClient(Secret(TOKEN), api_url=api.url).approvals("octo/app", 12)
    out, err = capsys.readouterr()
    assert (out, err, caplog.text) == ("", "", "")
