"""Enforcing the review tier's approvals against a real local server answering as the GitHub
and GitLab REST APIs document, through to the verdict, its exit code and every report."""

from __future__ import annotations

import logging
import socket
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.common.secret import Secret
from gatekeeper.context.api import ApiTarget
from gatekeeper.errors import EXIT_CHANGESET, ChangeSetError, PolicyError
from gatekeeper.evaluation.evaluate import evaluate
from gatekeeper.evaluation.review import enforce
from gatekeeper.evaluation.review.enforce import apply, client_for, with_result
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.facts.approvals.github import GitHubClient
from gatekeeper.facts.approvals.http import ApprovalsError
from gatekeeper.facts.codeowners.model import RequiredApproval
from gatekeeper.policy.compose import compose
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.policy.review import ApprovalSettings, ReviewSettings
from gatekeeper.policy.sources import PolicySource
from gatekeeper.reporters import FORMATS, renderer
from gatekeeper.rules.findings import Severity, Status
from tests.builders import change, facts_of
from tests.facts.approvals.conftest import (
    TOKEN,
    FakeApi,
    Reply,
    github_user,
    gitlab_approvals,
    gitlab_member,
    link_next,
)
from tests.facts.approvals.test_github import serve_reviews
from tests.policy.test_compose import put

REVIEWS = "/repos/octo/app/pulls/12/reviews"
CORE = "/orgs/octo/teams/core/members"
MR = "/api/v4/projects/278964/merge_requests/12/approvals"
TIERS = [{"name": "light", "approvals": 1},
         {"name": "deep", "approvals": 2, "owners": ["@octo/core", "@alice"]}]
ENFORCE = ApprovalSettings(enforce=True)
LENIENT = ApprovalSettings(enforce=True, unreachable="pass")
DEEP_ASKS = ("review tier deep asks for 2 approvals; an approval from @octo/core; "
             "an approval from @alice")


def verdict_for(*paths: str, tiers: list[dict[str, Any]] | None = None,
                number: int | None = 12) -> Verdict:
    """The verdict of a policy with review tiers and no rules; src/auth raises to deep."""
    review = ReviewSettings.model_validate({
        "tiers": TIERS if tiers is None else tiers,
        "rules": [{"id": "auth", "tier": "deep", "when": {"paths": "src/auth/**"}}]})
    policy = ComposedPolicy((), {}, (), ("test",), review=review)
    facts = facts_of(*(change(path, 3) for path in paths), number=number)
    return evaluate(policy, facts, PolicySource(None, False, "test policy"))


def github(api: FakeApi, token: str | None = TOKEN) -> ApiTarget:
    """The GitHub pull request 12 of octo/app on ``api``, read with ``token``."""
    return ApiTarget("github", api.url, "octo/app", 12, Secret(token) if token else None,
                     "GATEKEEPER_TOKEN")


def gitlab(api: FakeApi) -> ApiTarget:
    """The GitLab merge request 12 of project 278964 on ``api``."""
    return ApiTarget("gitlab", f"{api.url}/api/v4", "278964", 12, Secret(TOKEN), "GITLAB_TOKEN")


def serve_team(api: FakeApi, path: str, *logins: str) -> None:
    """Serves the members ``logins`` of a GitHub team at ``path``."""
    api.route(path, Reply([github_user(login, i) for i, login in enumerate(logins, 1)]))


def only(verdict: Verdict) -> RuleResult:
    """The review-approvals result of ``verdict``; there must be exactly one."""
    [result] = [r for r in verdict.results if r.rule_id == "review-approvals"]
    assert result.kind == "review-approvals"
    return result


def fast(target: ApiTarget) -> enforce.Client:
    """A client for ``target`` that gives up after 0.3 s."""
    return client_for(target, timeout=0.3)


def free_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- when nothing is added ------------------------------------------------------------------


def test_without_enforce_or_a_tier_the_verdict_is_left_as_it_is(api: FakeApi) -> None:
    verdict = verdict_for("src/auth/login.py")
    assert apply(verdict, github(api), ApprovalSettings()) is verdict
    untiered = verdict_for("src/auth/login.py", tiers=[])
    assert untiered.review is None
    assert apply(untiered, github(api), ENFORCE) is untiered
    assert api.seen == []


# -- GitHub ---------------------------------------------------------------------------------


def test_github_reviews_across_pages_meet_the_tier(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED"), ("bob", "CHANGES_REQUESTED")],
                  [("carol", "APPROVED"), ("bob", "COMMENTED")])
    serve_team(api, CORE, "carol", "dan")
    verdict = apply(verdict_for("src/auth/login.py"), github(api), ENFORCE)
    result = only(verdict)
    assert (result.status, result.severity, result.blocking) == (
        Status.PASS, Severity.ERROR, False)
    assert result.message == (
        "approvals meet review tier deep: 2 approvals required, 2 given (@alice, @carol); "
        "@octo/core: approved by @carol; @alice approved (changes requested by @bob)")
    assert (verdict.passed, verdict.exit_code) == (True, 0)
    assert [s.path for s in api.seen] == [f"{REVIEWS}?per_page=100",
                                         f"{REVIEWS}?per_page=100&page=2",
                                         f"{CORE}?per_page=100"]
    assert all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in api.seen)


def test_unmet_github_approvals_fail_and_say_whom_to_ask(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED"), ("carol", "COMMENTED")])
    serve_team(api, CORE, "carol", "dan")
    verdict = apply(verdict_for("src/auth/login.py"), github(api), ENFORCE)
    result = only(verdict)
    assert (result.status, result.severity, result.blocking) == (Status.FAIL, Severity.ERROR, True)
    assert result.message == (
        "approvals do not meet review tier deep: 2 approvals required, 1 given (@alice); "
        "@octo/core: none of its 2 members has approved (met: @alice approved)")
    assert result.remediation == ("ask for 1 more approval (reviewers: @octo/core, @alice); "
                                  "an approval from @octo/core")
    assert (verdict.passed, verdict.exit_code) == (False, 1)


def test_team_members_are_read_across_pages(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED"), ("zoe", "APPROVED")])
    api.route(f"{CORE}?per_page=100", Reply([github_user("dan", 1)],
                                           headers=link_next(f"{api.url}{CORE}?page=2")))
    api.route(f"{CORE}?page=2", Reply([github_user("Zoe", 2)]))
    result = only(apply(verdict_for("src/auth/login.py"), github(api), ENFORCE))
    assert result.status is Status.PASS
    assert "@octo/core: approved by @zoe" in result.message


def test_a_listing_cut_at_the_page_limit_confirms_nothing(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED")], [("carol", "APPROVED")], [("dan", "APPROVED")])
    serve_team(api, CORE, "carol")

    def one_page(target: ApiTarget) -> enforce.Client:
        return GitHubClient(target.token, api_url=target.api_url, max_pages=1)

    result = only(apply(verdict_for("src/auth/login.py"), github(api), ENFORCE, one_page))
    assert result.status is Status.FAIL
    assert "cannot tell: only the first 1 pages of the GitHub listing were read" in (
        result.message)


def test_a_team_is_not_looked_up_when_its_users_already_approved(api: FakeApi) -> None:
    groups = (RequiredApproval(None, ("@dora", "@octo/docs"), 1, ("docs/guide.md",)),)
    serve_reviews(api, [("dora", "APPROVED")])
    verdict = verdict_for("docs/guide.md")
    assert verdict.review is not None
    verdict = replace(verdict, review=replace(verdict.review, owner_groups=groups))
    result = only(apply(verdict, github(api), ENFORCE))
    assert result.status is Status.PASS
    assert [s.path for s in api.seen] == [f"{REVIEWS}?per_page=100"]


def test_a_team_github_does_not_let_the_token_list_fails_closed(api: FakeApi) -> None:
    serve_reviews(api, [("alice", "APPROVED"), ("carol", "APPROVED")])
    api.route(CORE, Reply({"message": "Resource not accessible by integration"}, 403))
    for settings in (ENFORCE, LENIENT):  # a refusal is not an API that cannot answer
        with pytest.raises(ApprovalsError) as caught:
            apply(verdict_for("src/auth/login.py"), github(api), settings)
        assert caught.value.exit_code == EXIT_CHANGESET
        assert caught.value.message.startswith(
            "review approvals: cannot read the members of team @octo/core: ")
        assert "'Members: read' permission" in (caught.value.hint or "")
        assert "unreachable" not in (caught.value.hint or "")


# -- GitLab ---------------------------------------------------------------------------------


def test_gitlab_approvals_and_group_members_meet_the_tier(api: FakeApi) -> None:
    api.route(MR, Reply(gitlab_approvals("alice", "carol")))
    api.route("/api/v4/groups/octo%2Fcore/members/all",
              Reply([gitlab_member("carol", 3), gitlab_member("dan", 4)]))
    verdict = apply(verdict_for("src/auth/login.py"), gitlab(api), ENFORCE)
    result = only(verdict)
    assert result.status is Status.PASS and verdict.passed
    assert "@octo/core: approved by @carol" in result.message
    assert [s.path for s in api.seen] == [MR, "/api/v4/groups/octo%2Fcore/members/all?per_page=100"]
    assert all(s.headers["private-token"] == TOKEN for s in api.seen)
    assert all("authorization" not in s.headers for s in api.seen)


def test_unmet_gitlab_approvals_fail(api: FakeApi) -> None:
    api.route(MR, Reply(gitlab_approvals("carol")))
    api.route("/api/v4/groups/octo%2Fcore/members/all", Reply([gitlab_member("dan", 4)]))
    api.route("/api/v4/groups/alice/members/all", Reply({"message": "404 Group Not Found"}, 404))
    verdict = apply(verdict_for("src/auth/login.py"), gitlab(api), ENFORCE)
    result = only(verdict)
    assert result.status is Status.FAIL and verdict.exit_code == 1
    assert result.message == (
        "approvals do not meet review tier deep: 2 approvals required, 1 given (@carol); "
        "@octo/core: none of its 1 members has approved; @alice has not approved")


# -- code owner groups ----------------------------------------------------------------------


def test_code_owner_groups_need_their_approvals(api: FakeApi) -> None:
    groups = (RequiredApproval("Docs", ("@dora", "@octo/docs"), 1, ("docs/guide.md",)),
              RequiredApproval(None, ("@bob", "ops@example.com"), 2, ("ops/deploy.sh",)))
    serve_reviews(api, [("erin", "APPROVED"), ("bob", "APPROVED")])
    serve_team(api, "/orgs/octo/teams/docs/members", "erin", "frank")
    tiers = [{"name": "light", "approvals": 1, "code_owners": True,
              "owners": ["lead@example.com"]}]
    verdict = verdict_for("docs/guide.md", "ops/deploy.sh", tiers=tiers)
    assert verdict.review is not None
    verdict = replace(verdict, review=replace(
        verdict.review, owner_groups=groups, request=("@dora", "@octo/docs", "@bob")))
    result = only(apply(verdict, github(api), ENFORCE))
    assert result.status is Status.FAIL
    assert result.message == (
        "approvals do not meet review tier light: code owners: 2 approvals from @bob, "
        "ops@example.com: 1 given (@bob); ops@example.com cannot be matched to an approver "
        "(write owners as @login to count them); lead@example.com cannot be matched to an "
        "approver: the API names approvers by login (met: 1 approval required, 2 given "
        "(@erin, @bob); code owners [Docs]: 1 approval from @dora, @octo/docs: approved by "
        "@erin)")
    assert result.remediation == (
        "ask for 2 approvals from @bob, ops@example.com; an approval from lead@example.com, "
        "written in the policy as its @login")


def test_the_requirement_without_a_token_names_code_owner_groups(api: FakeApi) -> None:
    groups = (RequiredApproval("Docs", ("@dora",), 2, ("docs/guide.md",)),)
    verdict = verdict_for("docs/guide.md")
    assert verdict.review is not None
    verdict = replace(verdict, review=replace(verdict.review, owner_groups=groups))
    result = only(apply(verdict, github(api, token=None), ENFORCE))
    assert result.message == (
        "approvals not checked, so the review tier is not shown to be met: there is no token "
        "to read approvals with; review tier light asks for 1 approval; 2 approvals from @dora "
        "(code owners [Docs])")


# -- without a token, a pull request or a requirement ---------------------------------------


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_without_a_token_enforced_approvals_fail_with_the_fix(api: FakeApi,
                                                              platform: str) -> None:
    target = replace(github(api) if platform == "github" else gitlab(api), token=None,
                     token_name="GATEKEEPER_TOKEN")
    verdict = apply(verdict_for("src/auth/login.py"), target, ENFORCE)
    result = only(verdict)
    assert (result.status, result.blocking, verdict.passed, verdict.exit_code) == (
        Status.FAIL, True, False, 1)
    token = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}[platform]
    hint = f"to enforce it, set GATEKEEPER_TOKEN (or {token}) to "
    assert result.message == ("approvals not checked, so the review tier is not shown to be "
                              f"met: there is no token to read approvals with; {DEEP_ASKS}")
    assert result.remediation is not None and result.remediation.startswith(hint)
    assert result.remediation.endswith("; or set review.approvals.missing_token: skip to "
                                       "report it unchecked")
    assert ("action's token input" in result.remediation) == (platform == "github")
    assert ("read_api" in result.remediation) == (platform == "gitlab")
    assert api.seen == []


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_without_a_token_the_opt_out_reports_the_requirement_and_passes(api: FakeApi,
                                                                        platform: str) -> None:
    target = replace(github(api) if platform == "github" else gitlab(api), token=None,
                     token_name="GATEKEEPER_TOKEN")
    settings = ApprovalSettings(enforce=True, unreachable="fail", missing_token="skip")
    verdict = apply(verdict_for("src/auth/login.py"), target, settings)
    result = only(verdict)
    assert (result.status, result.blocking, verdict.passed) == (Status.SKIP, False, True)
    token = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}[platform]
    hint = f"to enforce it, set GATEKEEPER_TOKEN (or {token}) to "
    assert result.message.startswith(
        f"not checked: there is no token to read approvals with; {DEEP_ASKS}; {hint}")
    assert result.remediation is not None and result.remediation.startswith(hint)
    assert result.message.endswith(result.remediation)  # shown where a skip shows no fix
    assert api.seen == []


def test_outside_a_pull_request_approvals_are_skipped(api: FakeApi) -> None:
    verdict = apply(verdict_for("src/auth/login.py", number=None), None, ENFORCE)
    result = only(verdict)
    assert (result.status, verdict.passed) == (Status.SKIP, True)
    assert result.message == ("not checked: approvals are read only on a pull or merge request "
                              f"in GitHub Actions or GitLab CI; {DEEP_ASKS}")


def test_a_pull_request_whose_repository_is_unknown_fails_closed() -> None:
    with pytest.raises(ChangeSetError) as caught:
        apply(verdict_for("src/auth/login.py"), None, LENIENT)
    assert caught.value.exit_code == EXIT_CHANGESET
    assert caught.value.message == ("the policy enforces review approvals, but the CI "
                                    "environment does not name the repository of pull or "
                                    "merge request 12")
    assert "GITHUB_REPOSITORY" in (caught.value.hint or "")


def test_a_tier_that_asks_for_nothing_passes_without_asking_the_api(api: FakeApi) -> None:
    tiers = [{"name": "none", "approvals": 0}]
    result = only(apply(verdict_for("a.py", tiers=tiers), github(api), ENFORCE))
    assert (result.status, result.message) == (Status.PASS,
                                                "review tier none asks for no approvals")
    assert api.seen == []


# -- when the API cannot answer -------------------------------------------------------------


@pytest.mark.parametrize(("status", "hint", "lenient"), [
    (401, "GitHub refused the token", False),
    (403, "'Pull requests: read'", False),
    (404, "check the repository octo/app and pull request #12", False),
    (500, "GitHub failed on its side", True),
    (503, "GitHub failed on its side", True),
])
def test_an_api_error_fails_closed_with_exit_3(api: FakeApi, status: int, hint: str,
                                              lenient: bool) -> None:
    api.route(REVIEWS, Reply({"message": "Nope"}, status))
    with pytest.raises(ApprovalsError) as caught:
        apply(verdict_for("src/auth/login.py"), github(api), ENFORCE)
    error = caught.value
    assert (error.exit_code, error.status) == (EXIT_CHANGESET, status)
    assert error.message.startswith(
        f"review approvals: cannot read the reviews of pull request #12: GET {api.url}"
        f"{REVIEWS} answered {status}")
    assert hint in (error.hint or "")
    assert ("unreachable: pass" in (error.hint or "")) == lenient
    assert "\n" not in error.render()


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_refusal_fails_closed_even_when_the_policy_lets_errors_pass(api: FakeApi,
                                                                     status: int) -> None:
    api.route(REVIEWS, Reply({"message": "Nope"}, status))
    with pytest.raises(ApprovalsError):
        apply(verdict_for("src/auth/login.py"), github(api), LENIENT)


def test_a_server_error_is_a_warning_when_the_policy_lets_errors_pass(api: FakeApi) -> None:
    api.route(REVIEWS, Reply({"message": "Server Error"}, 500))
    verdict = apply(verdict_for("src/auth/login.py"), github(api), LENIENT)
    result = only(verdict)
    assert (result.status, result.severity, result.blocking) == (
        Status.WARN, Severity.WARNING, False)
    assert result.message.startswith("approvals not checked: cannot read the reviews of pull "
                                     "request #12: ")
    assert result.remediation == "GitHub failed on its side; run the check again later"
    assert (verdict.passed, verdict.exit_code) == (True, 0)


def test_a_timeout_fails_closed_or_warns(api: FakeApi) -> None:
    api.route(REVIEWS, Reply([], delay=2))
    with pytest.raises(ApprovalsError, match=r"timed out after 0\.3 s") as caught:
        apply(verdict_for("src/auth/login.py"), github(api), ENFORCE, fast)
    assert "unreachable: pass" in (caught.value.hint or "")
    result = only(apply(verdict_for("src/auth/login.py"), github(api), LENIENT, fast))
    assert result.status is Status.WARN and "timed out" in result.message


def test_an_unreachable_api_fails_closed_or_warns() -> None:
    port = free_port()
    target = ApiTarget("gitlab", f"http://127.0.0.1:{port}/api/v4", "278964", 12,
                       Secret(TOKEN), "GITLAB_TOKEN")
    with pytest.raises(ApprovalsError) as caught:
        apply(verdict_for("src/auth/login.py"), target, ENFORCE, fast)
    assert caught.value.message.startswith(
        f"review approvals: cannot read the approvals of merge request !12: GET "
        f"http://127.0.0.1:{port}{MR} failed: ")
    assert caught.value.hint == ("check the network and CI_API_V4_URL; or set "
                                 "review.approvals.unreachable: pass to go on with a warning "
                                 "when the API cannot answer")
    verdict = apply(verdict_for("src/auth/login.py"), target, LENIENT, fast)
    assert only(verdict).status is Status.WARN and verdict.passed


def test_an_answer_of_the_wrong_shape_is_an_api_error(api: FakeApi) -> None:
    api.route(MR, Reply({"approvers": []}))
    with pytest.raises(ApprovalsError, match="unexpected shape"):
        apply(verdict_for("src/auth/login.py"), gitlab(api), ENFORCE)
    assert only(apply(verdict_for("src/auth/login.py"), gitlab(api), LENIENT)).status is (
        Status.WARN)


# -- the token never shows ------------------------------------------------------------------


def everything_rendered(verdict: Verdict) -> str:
    """``verdict`` rendered in every report format."""
    return "\n".join(renderer(name)(verdict) for name in FORMATS)


def echo(status: int) -> Reply:
    """A reply with ``status`` that echoes the token in its body, reason and headers."""
    return Reply({"message": f"Bad credentials {TOKEN}"}, status, reason=f"No {TOKEN}",
                 headers={"X-Echo": TOKEN})


def test_the_token_reaches_no_report_message_or_log(
        api: FakeApi, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.route(REVIEWS, echo(500))
    warned = apply(verdict_for("src/auth/login.py"), github(api), LENIENT)
    assert "Bad credentials" not in only(warned).message  # no word of the server's
    assert "answered 500 Internal Server Error" in only(warned).message
    shown = [everything_rendered(warned)]
    api.route(REVIEWS, echo(401))
    with pytest.raises(ApprovalsError) as caught:
        apply(verdict_for("src/auth/login.py"), github(api), LENIENT)
    error = caught.value
    shown += [str(error), repr(error), error.render(), error.hint or "",
              "".join(traceback.format_exception(error))]
    serve_reviews(api, [("alice", "APPROVED")])  # served before the echoing route
    serve_team(api, CORE, "dan")
    failed = apply(verdict_for("src/auth/login.py"), github(api), ENFORCE)
    shown += [everything_rendered(failed), repr(failed)]
    out, err = capsys.readouterr()
    assert TOKEN not in "\n".join([*shown, out, err, caplog.text])
    assert api.seen[0].headers["authorization"] == f"Bearer {TOKEN}"  # it was sent, though


# -- the verdict and the policy -------------------------------------------------------------


def test_adding_a_result_recomputes_the_verdict_as_evaluate_does() -> None:
    verdict = verdict_for("a.py")

    def result(status: Status, enforced: bool = True) -> RuleResult:
        return RuleResult("r", "k", Severity.ERROR, status, "m", enforced=enforced)

    failing = with_result(verdict, result(Status.FAIL))
    assert (failing.passed, failing.exit_code) == (False, 1)
    assert with_result(failing, result(Status.PASS)).passed is False
    assert with_result(verdict, result(Status.FAIL, enforced=False)).passed is True
    assert with_result(verdict, result(Status.WARN)).results[-1].status is Status.WARN


def test_the_policy_reads_approvals_and_composes_them_key_by_key(tmp_path: Path) -> None:
    put(tmp_path, "base.yml", "review:\n  tiers: [{name: light}]\n"
        "  approvals: {enforce: true, unreachable: pass}\n")
    top = put(tmp_path, "top.yml", "extends: base.yml\nreview:\n  default: light\n")
    review = compose(top, "top.yml").review
    assert review.approvals == LENIENT
    assert ReviewSettings().approvals == ApprovalSettings(enforce=False, unreachable="fail",
                                                         missing_token="fail")
    lax = put(tmp_path, "lax.yml", "review:\n  approvals: {enforce: true, missing_token: skip}\n")
    assert compose(lax, "lax.yml").review.approvals.missing_token == "skip"
    with pytest.raises(PolicyError, match="missing_token"):
        compose(put(tmp_path, "odd.yml", "review:\n  approvals: {missing_token: pass}\n"),
                "odd.yml")
    bad = put(tmp_path, "bad.yml", "review:\n  approvals: {enforce: true, on_error: pass}\n")
    with pytest.raises(PolicyError, match="on_error"):
        compose(bad, "bad.yml")
    worse = put(tmp_path, "worse.yml", "review:\n  approvals: {unreachable: ignore}\n")
    with pytest.raises(PolicyError):
        compose(worse, "worse.yml")
