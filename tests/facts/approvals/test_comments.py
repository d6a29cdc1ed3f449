"""The sticky comment client against a real local server answering as GitHub's issue comments
and GitLab's merge request notes APIs document."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gatekeeper.common.secret import Secret
from gatekeeper.context.api import ApiTarget
from gatekeeper.facts.approvals.comments import (
    CUT,
    MARKER,
    MAX_CHARS,
    Posted,
    body_of,
    publish,
)
from gatekeeper.facts.approvals.http import ApprovalsError
from tests.facts.approvals.comment_server import CommentApi
from tests.facts.approvals.conftest import TOKEN


@pytest.fixture(params=["github", "gitlab"])
def server(request: pytest.FixtureRequest) -> Iterator[CommentApi]:
    """A comment API of each platform, stopped after the test."""
    api = CommentApi(platform=request.param)
    yield api
    api.stop()


def target(api: CommentApi, token: str = TOKEN) -> ApiTarget:
    """The pull or merge request ``api`` keeps comments for."""
    if api.platform == "github":
        return ApiTarget("github", api.api_url, "octo/app", api.number, Secret(token),
                         "GITHUB_TOKEN")
    return ApiTarget("gitlab", api.api_url, "278964", api.number, Secret(token), "GITLAB_TOKEN")


def test_the_first_run_creates_the_comment_and_the_second_edits_it(server: CommentApi) -> None:
    first = publish(target(server), body_of("### report one\n"))
    assert first == Posted("created", 1000)
    second = publish(target(server), body_of("### report two\n"))
    assert second == Posted("updated", 1000)
    (only,) = server.comments
    assert only.body == f"{MARKER}\n### report two\n"
    methods = [r.method for r in server.seen if r.path.split("?")[0] != server.collection
               or r.method != "GET"]
    edit = "PATCH" if server.platform == "github" else "PUT"
    assert methods == ["GET", "POST", "GET", edit]  # GET /user, then the write
    writes = [r for r in server.seen if r.method != "GET"]
    assert writes[1].path == server.item_path(1000)
    assert all(r.headers["content-type"] == "application/json" for r in writes)
    header = "authorization" if server.platform == "github" else "private-token"
    assert all(TOKEN in r.headers[header] for r in server.seen)


def test_a_marker_on_the_second_page_is_found(server: CommentApi) -> None:
    server.page_size = 2
    for n in range(3):
        server.add("alice", f"comment {n}")
    server.add("gatekeeper-bot", f"{MARKER}\nold report")
    server.add("bob", "later comment")
    assert publish(target(server), body_of("new")) == Posted("updated", 1003)
    assert server.comments[3].body == f"{MARKER}\nnew"
    assert len(server.comments) == 5
    pages = [r.path for r in server.seen if r.path.startswith(server.collection)
             and r.method == "GET"]
    assert len(pages) == 3 and pages[0].startswith(f"{server.collection}?per_page=100")


def test_a_marked_comment_by_someone_else_is_left_alone(server: CommentApi) -> None:
    server.add("other-bot", f"{MARKER}\nnot ours")
    server.add("alice", f"quoting: {MARKER}")
    assert publish(target(server), body_of("ours")) == Posted("created", 1002)
    assert [c.body for c in server.comments] == [f"{MARKER}\nnot ours", f"quoting: {MARKER}",
                                                 f"{MARKER}\nours"]


def test_github_installation_tokens_are_the_actions_bot() -> None:
    server = CommentApi(me=None)
    try:
        server.add("github-actions[bot]", f"{MARKER}\nold")
        assert publish(target(server), body_of("new")) == Posted("updated", 1000)
    finally:
        server.stop()


def test_gitlab_system_notes_are_skipped() -> None:
    server = CommentApi(platform="gitlab")
    try:
        server.add("gatekeeper-bot", f"{MARKER}\nsystem", system=True)
        assert publish(target(server), body_of("new")) == Posted("created", 1001)
    finally:
        server.stop()


@pytest.mark.parametrize("status", [403, 404, 422])
def test_a_refused_write_is_an_error_with_the_status(server: CommentApi, status: int) -> None:
    server.fail = {"POST": status}
    with pytest.raises(ApprovalsError) as caught:
        publish(target(server), body_of("report"))
    assert caught.value.status == status
    assert caught.value.message.startswith("cannot write the gatekeeper comment on ")
    assert f"POST {server.url}" in caught.value.message
    assert caught.value.hint
    assert server.comments == []


def test_an_echoed_token_never_reaches_an_error(server: CommentApi) -> None:
    server.fail = {"POST": 403}
    server.echo = TOKEN
    with pytest.raises(ApprovalsError) as caught:
        publish(target(server), body_of("report"))
    shown = f"{caught.value.render()} {caught.value!r}"
    assert TOKEN not in shown and TOKEN[4:20] not in shown


def test_a_long_report_is_cut_with_a_note_and_keeps_the_marker() -> None:
    report = "".join(f"| ✅ | rule-{n} | {'x' * 80} |\n" for n in range(2000))
    body = body_of(report)
    assert body.startswith(MARKER + "\n") and body.endswith(CUT)
    assert len(body.encode("utf-16-le")) // 2 <= MAX_CHARS
    kept = body[len(MARKER) + 1:-len(CUT)]
    assert report.startswith(kept) and kept.endswith("|")
    assert body_of("short\n") == f"{MARKER}\nshort\n"


def test_the_cut_body_is_accepted_within_the_limit(server: CommentApi) -> None:
    body = body_of("y" * 50 + "\n" + "z" * 100 + "\n" * 1000 + "w" * 70_000)
    publish(target(server), body)
    assert len(server.comments[0].body) <= MAX_CHARS
    assert server.comments[0].body.startswith(MARKER)
