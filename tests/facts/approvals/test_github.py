"""GitHub: reviews and team members from a real local server answering as the REST API does."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gatekeeper import __version__
from gatekeeper.common.secret import Secret
from gatekeeper.errors import UsageError
from gatekeeper.facts.approvals import ApprovalsError, GitHubClient, evaluate
from gatekeeper.facts.approvals.github import API_VERSION, decide
from tests.facts.approvals.conftest import (
    TOKEN,
    FakeApi,
    Reply,
    github_review,
    github_user,
    link_next,
)

REVIEWS = "/repos/octo/app/pulls/12/reviews"


def client(api: FakeApi, **options: object) -> GitHubClient:
    """A GitHub client for ``api`` with ``options``."""
    return GitHubClient(Secret(TOKEN), api_url=api.url, **options)  # type: ignore[arg-type]


def serve_reviews(api: FakeApi, *pages: Sequence[tuple[str | None, str]]) -> None:
    """``pages`` of (login, state) reviews, chained by Link headers, ids in order."""
    rid = 0
    for number, page in enumerate(pages, start=1):
        reviews = []
        for login, state in page:
            rid += 1
            reviews.append(github_review(rid, login, state))
        query = "per_page=100" + (f"&page={number}" if number > 1 else "")
        more = number < len(pages)
        headers = link_next(f"{api.url}{REVIEWS}?per_page=100&page={number + 1}") if more else {}
        api.route(f"{REVIEWS}?{query}", Reply(reviews, headers=headers))


def test_requests_carry_the_documented_headers_and_page_size(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED")])
    client(api).approvals("octo/app", 12)
    (seen,) = api.seen
    assert seen.path == f"{REVIEWS}?per_page=100"
    assert seen.headers["accept"] == "application/vnd.github+json"
    assert seen.headers["x-github-api-version"] == API_VERSION == "2022-11-28"
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["user-agent"] == f"gatekeeper/{__version__}"  # GitHub requires one


def test_reviews_are_read_across_pages_in_order(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED"), ("bob", "CHANGES_REQUESTED")],
                  [("carol", "APPROVED")],
                  [("bob", "APPROVED"), ("dave", "COMMENTED")])
    approvals = client(api).approvals("octo/app", 12)
    assert len(api.seen) == 3
    assert approvals.platform == "github"
    assert approvals.approvers == ("alice", "carol", "bob")
    assert approvals.changes_requested == ()
    assert (approvals.pages, approvals.complete) == (3, True)


@pytest.mark.parametrize(("reviews", "approvers", "changes"), [
    ([("alice", "APPROVED"), ("alice", "COMMENTED")], ("alice",), ()),
    ([("bob", "APPROVED"), ("bob", "CHANGES_REQUESTED")], (), ("bob",)),
    ([("carol", "CHANGES_REQUESTED"), ("carol", "APPROVED")], ("carol",), ()),
    ([("dave", "DISMISSED")], (), ()),
    ([("erin", "DISMISSED"), ("erin", "APPROVED")], ("erin",), ()),
    ([("erin", "APPROVED"), ("erin", "DISMISSED")], (), ()),
    ([("frank", "PENDING")], (), ()),
    ([("gina", "CHANGES_REQUESTED"), ("gina", "COMMENTED"), ("gina", "PENDING")], (), ("gina",)),
    ([("Hal", "APPROVED"), ("hal", "CHANGES_REQUESTED")], (), ("hal",)),
    ([("ivy", "APPROVED"), ("ivy", "A_STATE_ADDED_LATER")], (), ()),
])
def test_each_reviewers_latest_decisive_review_counts(
        api: FakeApi, reviews: list[tuple[str, str]], approvers: tuple[str, ...],
        changes: tuple[str, ...]) -> None:
    serve_reviews(api, reviews)
    approvals = client(api).approvals("octo/app", 12)
    assert (approvals.approvers, approvals.changes_requested) == (approvers, changes)


def test_a_review_by_a_deleted_account_is_skipped(api: FakeApi) -> None:
    serve_reviews(api, [(None, "APPROVED"), ("alice", "APPROVED")])
    assert client(api).approvals("octo/app", 12).approvers == ("alice",)


def test_decide_lists_reviewers_in_the_order_of_their_last_decision() -> None:
    approvers, _ = decide([("a", "APPROVED"), ("b", "APPROVED"), ("a", "APPROVED")])
    assert approvers == ("b", "a")


def test_a_listing_cut_at_the_page_limit_confirms_nothing(api: FakeApi) -> None:
    serve_reviews(api, *[[("alice", "APPROVED")]] * 5)
    approvals = client(api, max_pages=3).approvals("octo/app", 12)
    assert len(api.seen) == 3
    assert (approvals.complete, approvals.pages) == (False, 3)
    assessment = evaluate(approvals, required=1, owners=["@alice"])
    assert not assessment.satisfied
    assert all("cannot tell" in r.why for r in assessment.requirements)


def test_team_members_are_read_across_pages(api: FakeApi) -> None:
    members = "/orgs/octo/teams/core-devs/members"
    api.route(f"{members}?per_page=100", Reply(
        [github_user("alice", 1), github_user("bob", 2)],
        headers=link_next(f"{api.url}{members}?per_page=100&page=2")))
    api.route(f"{members}?per_page=100&page=2", Reply([github_user("carol", 3)]))
    team = client(api).team_members("@octo/core-devs")
    assert (team.name, team.members, team.complete) == (
        "@octo/core-devs", ("alice", "bob", "carol"), True)
    assert api.seen[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_memberships_look_up_teams_only_and_evaluate_uses_them(api: FakeApi) -> None:
    serve_reviews(api, [("carol", "APPROVED")])
    api.route("/orgs/octo/teams/core/members", Reply([github_user("carol"), github_user("dan")]))
    gh = client(api)
    approvals = gh.approvals("octo/app", 12)
    teams = gh.memberships(["@alice", "@octo/core"])
    assert list(teams) == ["@octo/core"]
    assessment = evaluate(approvals, required=2, owners=["@alice", "@octo/core"],
                          memberships=teams)
    assert [(r.requirement, r.met, r.why) for r in assessment.requirements] == [
        ("2 approvals", False, "2 approvals required, 1 given (@carol)"),
        ("@alice", False, "@alice has not approved"),
        ("@octo/core", True, "@octo/core: approved by @carol"),
    ]


def test_a_same_origin_redirect_is_followed_with_the_token(api: FakeApi) -> None:
    # GitHub answers 301 for a renamed repository; the client follows it.
    api.route("/repos/octo/old-name/pulls/12/reviews?per_page=100",
              Reply(status=301, headers={"Location": f"{api.url}{REVIEWS}?per_page=100"}))
    serve_reviews(api, [("alice", "APPROVED")])
    assert client(api).approvals("octo/old-name", 12).approvers == ("alice",)
    assert api.seen[-1].headers["authorization"] == f"Bearer {TOKEN}"


def test_a_redirect_to_another_origin_is_refused(api: FakeApi, elsewhere: FakeApi) -> None:
    api.route(REVIEWS, Reply(status=302, headers={"Location": f"{elsewhere.url}{REVIEWS}"}))
    with pytest.raises(ApprovalsError) as caught:
        client(api).approvals("octo/app", 12)
    assert caught.value.status == 302
    assert "GITHUB_API_URL" in (caught.value.hint or "")
    assert elsewhere.seen == []


def test_a_next_link_to_another_origin_is_refused(api: FakeApi, elsewhere: FakeApi) -> None:
    api.route(REVIEWS, Reply([github_review(1, "alice", "APPROVED")],
                             headers=link_next(f"{elsewhere.url}{REVIEWS}?page=2")))
    with pytest.raises(ApprovalsError, match="another server") as caught:
        client(api).approvals("octo/app", 12)
    assert elsewhere.seen == []
    assert caught.value.render().count("\n") == 0


def test_an_enterprise_api_url_keeps_its_path(api: FakeApi) -> None:
    serve_reviews(api, [])
    api.route(f"/api/v3{REVIEWS}", Reply([github_review(1, "alice", "APPROVED")]))
    gh = GitHubClient(Secret(TOKEN), api_url=f"{api.url}/api/v3/")
    assert gh.approvals("octo/app", 12).approvers == ("alice",)
    assert api.seen[0].path == f"/api/v3{REVIEWS}?per_page=100"


@pytest.mark.parametrize(("call", "argument"), [
    ("approvals", "octo"), ("approvals", "octo/app/extra"), ("approvals", "/app"),
    ("team_members", "@octo"), ("team_members", "octo/"),
])
def test_malformed_names_are_usage_errors(api: FakeApi, call: str, argument: str) -> None:
    gh = client(api)
    with pytest.raises(UsageError):
        getattr(gh, call)(argument, 12) if call == "approvals" else gh.team_members(argument)
    assert api.seen == []


@pytest.mark.parametrize("number", [0, -1, True])
def test_a_pull_request_number_must_be_positive(api: FakeApi, number: int) -> None:
    with pytest.raises(UsageError):
        client(api).approvals("octo/app", number)


@pytest.mark.parametrize("url", ["api.github.com", "ftp://example.com",
                                 f"https://user:{TOKEN}@example.com", "https://x.test/?a=1"])
def test_an_unusable_api_url_is_a_usage_error_that_hides_credentials(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        GitHubClient(Secret(TOKEN), api_url=url)
    assert TOKEN not in caught.value.render()
