"""GitLab: merge request approvals and group members from a real local server."""

from __future__ import annotations

import pytest

from gatekeeper.common.secret import Secret
from gatekeeper.errors import UsageError
from gatekeeper.facts.approvals import Approvals, ApprovalsError, GitLabClient, evaluate
from tests.facts.approvals.conftest import (
    TOKEN,
    FakeApi,
    Reply,
    gitlab_approvals,
    gitlab_member,
    link_next,
)

APPROVALS = "/api/v4/projects/group%2Fsub%2Fapp/merge_requests/7/approvals"


def client(api: FakeApi, **options: object) -> GitLabClient:
    """A GitLab client for ``api`` with ``options``."""
    return GitLabClient(Secret(TOKEN), api_url=f"{api.url}/api/v4", **options)  # type: ignore[arg-type]


def test_approvers_come_from_approved_by_with_the_project_path_encoded(api: FakeApi) -> None:
    api.route(APPROVALS, Reply(gitlab_approvals("root", "ryley")))
    approvals = client(api).approvals("group/sub/app", 7)
    assert (approvals.platform, approvals.approvers, approvals.complete) == (
        "gitlab", ("root", "ryley"), True)
    (seen,) = api.seen
    assert seen.path == APPROVALS
    assert seen.headers["private-token"] == TOKEN
    assert "authorization" not in seen.headers


def test_a_numeric_project_id_is_used_as_it_is(api: FakeApi) -> None:
    api.route("/api/v4/projects/42/merge_requests/7/approvals", Reply(gitlab_approvals()))
    assert client(api).approvals(42, 7).approvers == ()


@pytest.mark.parametrize(("auth", "header", "value"), [
    ("private-token", "private-token", TOKEN),
    ("job-token", "job-token", TOKEN),
    ("bearer", "authorization", f"Bearer {TOKEN}"),
])
def test_each_token_kind_travels_in_its_documented_header(
        api: FakeApi, auth: str, header: str, value: str) -> None:
    api.route(APPROVALS, Reply(gitlab_approvals("root")))
    client(api, auth=auth).approvals("group/sub/app", 7)
    sent = {k: v for k, v in api.seen[0].headers.items() if TOKEN in v}
    assert sent == {header: value}


def test_an_unknown_token_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="deploy-token") as caught:
        GitLabClient(Secret(TOKEN), auth="deploy-token")
    assert caught.value.hint == "use one of private-token, job-token, bearer"


def test_a_user_listed_twice_is_one_approver(api: FakeApi) -> None:
    api.route(APPROVALS, Reply(gitlab_approvals("root", "Root", "ryley")))
    assert client(api).approvals("group/sub/app", 7).approvers == ("root", "ryley")


@pytest.mark.parametrize("body", [
    [], {"approved_by": None}, {"approved_by": [{"user": None}]},
    {"approved_by": [{"user": {"username": 5}}]}, {"approved_by": ["root"]},
])
def test_an_approvals_answer_of_another_shape_is_an_error(api: FakeApi, body: object) -> None:
    api.route(APPROVALS, Reply(body))
    with pytest.raises(ApprovalsError, match="unexpected shape") as caught:
        client(api).approvals("group/sub/app", 7)
    assert "CI_API_V4_URL" in (caught.value.hint or "")


def test_group_members_follow_link_headers(api: FakeApi) -> None:
    members = "/api/v4/groups/platform%2Fcore/members/all"
    api.route(f"{members}?per_page=100", Reply(
        [gitlab_member("raymond_smith", 1), gitlab_member("john_doe", 2)],
        headers={**link_next(f"{api.url}{members}?page=2&per_page=100"), "x-next-page": "2"}))
    api.route(f"{members}?page=2&per_page=100", Reply([gitlab_member("foo_bar", 3)],
                                                      headers={"x-next-page": ""}))
    group = client(api).group_members("@platform/core")
    assert (group.name, group.members, group.complete) == (
        "@platform/core", ("raymond_smith", "john_doe", "foo_bar"), True)
    assert [s.path for s in api.seen] == [f"{members}?per_page=100",
                                          f"{members}?page=2&per_page=100"]


def test_group_members_follow_x_next_page_when_there_is_no_link(api: FakeApi) -> None:
    members = "/api/v4/groups/platform/members/all"
    for page, names in enumerate([["a1", "a2"], ["b1"], ["c1"]], start=1):
        query = "per_page=100" + (f"&page={page}" if page > 1 else "")
        following = {"x-next-page": str(page + 1)} if page < 3 else {"x-next-page": ""}
        api.route(f"{members}?{query}", Reply([gitlab_member(n) for n in names],
                                              headers={"x-page": str(page), **following}))
    group = client(api).group_members("@platform")
    assert group.members == ("a1", "a2", "b1", "c1")
    assert len(api.seen) == 3


def test_a_member_list_cut_at_the_page_limit_is_marked(api: FakeApi) -> None:
    members = "/api/v4/groups/platform/members/all"
    api.route(members, lambda seen: Reply([gitlab_member("m")], headers={"x-next-page": "9"}))
    group = client(api, max_pages=2).group_members("@platform")
    assert (group.complete, len(api.seen)) == (False, 2)
    (result,) = evaluate(Approvals("gitlab", ("someone",)), owners=["@platform"],
                         memberships={"@platform": group}).requirements
    assert not result.met
    assert "not certain" in result.why


def test_memberships_tell_groups_from_users(api: FakeApi) -> None:
    api.route(APPROVALS, Reply(gitlab_approvals("alice", "carol")))
    api.route("/api/v4/groups/platform/members/all", Reply([gitlab_member("carol")]))
    api.route("/api/v4/groups/platform%2Fdocs/members/all", Reply([gitlab_member("dora")]))
    gl = client(api)
    approvals = gl.approvals("group/sub/app", 7)
    groups = gl.memberships(["@alice", "@bob", "@platform", "@platform/docs"], approvals)
    assert sorted(groups) == ["@platform", "@platform/docs"]
    # @alice approved, so no lookup; @bob is not a group (404), so a user.
    assert not any("/groups/alice/" in s.path for s in api.seen)
    assert any("/groups/bob/" in s.path for s in api.seen)
    assessment = evaluate(approvals, required=2,
                          owners=["@alice", "@bob", "@platform", "@platform/docs"],
                          memberships=groups)
    assert [(r.requirement, r.met) for r in assessment.requirements] == [
        ("2 approvals", True), ("@alice", True), ("@bob", False), ("@platform", True),
        ("@platform/docs", False)]
    assert assessment.unmet[1].why == "@platform/docs: none of its 1 members has approved"


def test_a_missing_subgroup_is_an_error_not_a_user(api: FakeApi) -> None:
    api.route(APPROVALS, Reply(gitlab_approvals()))
    gl = client(api)
    with pytest.raises(ApprovalsError) as caught:
        gl.memberships(["@platform/gone"], gl.approvals("group/sub/app", 7))
    assert caught.value.status == 404
    assert "group path platform/gone" in (caught.value.hint or "")


def test_a_refused_group_lookup_is_an_error_even_for_a_plain_name(api: FakeApi) -> None:
    api.route(APPROVALS, Reply(gitlab_approvals()))
    api.route("/api/v4/groups/platform/members/all", Reply({"message": "403 Forbidden"}, 403))
    gl = client(api)
    with pytest.raises(ApprovalsError) as caught:
        gl.memberships(["@platform"], gl.approvals("group/sub/app", 7))
    assert caught.value.status == 403


@pytest.mark.parametrize("iid", [0, -3, False])
def test_a_merge_request_iid_must_be_positive(api: FakeApi, iid: int) -> None:
    with pytest.raises(UsageError):
        client(api).approvals("group/app", iid)
    assert api.seen == []
