"""A pull request's approvals from the GitHub REST API: its reviews, and required teams' members.

Endpoints (https://docs.github.com/rest):
- ``GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews`` (pulls/reviews), chronological;
  each review's ``user.login`` and ``state``.
- ``GET /orgs/{org}/teams/{team_slug}/members`` (teams/members), members of child teams
  included; each member's ``login``.
Both are paginated with ``per_page`` (at most 100) and a ``Link`` header.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field

from gatekeeper.common.records import record
from gatekeeper.common.secret import Secret
from gatekeeper.errors import UsageError
from gatekeeper.facts.approvals.http import DEFAULT_TIMEOUT, MAX_BYTES, MAX_PAGES, Api, Call, Shape
from gatekeeper.facts.approvals.links import segment
from gatekeeper.facts.approvals.model import Approvals, Membership, check_owner

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
"""The REST API version asked for; GitHub supports a version for 24 months after its successor."""
APPROVED = "APPROVED"
CHANGES_REQUESTED = "CHANGES_REQUESTED"
# Review states that leave a reviewer's decision as it was; every other state (APPROVED,
# CHANGES_REQUESTED, DISMISSED, or one GitHub adds later) replaces it.
_UNDECIDED = frozenset({"COMMENTED", "PENDING"})
_PAGE = {"per_page": "100"}
_TOKEN_HINT = "pass a valid token (in GitHub Actions, the job's GITHUB_TOKEN)"


@record
class GitHubClient:
    """Reads approvals from github.com, or from GitHub Enterprise Server through ``api_url``
    (``GITHUB_API_URL`` in Actions, ``https://HOST/api/v3``)."""

    token: Secret | None
    api_url: str = DEFAULT_API_URL
    timeout: float = DEFAULT_TIMEOUT
    api_version: str = API_VERSION
    max_pages: int = MAX_PAGES
    max_bytes: int = MAX_BYTES
    _api: Api = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        api = Api("GitHub", self.api_url.rstrip("/"), "GITHUB_API_URL",
                  headers=(("Accept", "application/vnd.github+json"),
                           ("X-GitHub-Api-Version", self.api_version)),
                  token=self.token, auth_header="Authorization", auth_prefix="Bearer ",
                  timeout=self.timeout, max_bytes=self.max_bytes, max_pages=self.max_pages)
        object.__setattr__(self, "_api", api)

    def approvals(self, repository: str, number: int) -> Approvals:
        """The approvals on pull request ``number`` of ``repository`` (``owner/name``)."""
        owner, name = _pair(repository, "repository", "owner/name")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise UsageError(f"pull request number {number!r} is not a positive integer")
        call = Call(f"the reviews of pull request #{number}", {
            401: f"GitHub refused the token: {_TOKEN_HINT}",
            403: "the token may not read pull requests: it needs the 'Pull requests: read' "
                 "permission (pull-requests: read in a workflow)",
            404: f"check the repository {owner}/{name} and pull request #{number}; GitHub also "
                 "answers 404 when the token cannot see a private repository",
        })
        listing = self._api.listing(
            f"/repos/{segment(owner)}/{segment(name)}/pulls/{number}/reviews", _PAGE, call,
            _review)
        approvers, changes = decide(listing.items)
        return Approvals("github", approvers, listing.complete, changes, listing.pages)

    def team_members(self, team: str) -> Membership:
        """The members of ``@org/team`` (the team's slug), child teams included."""
        org, slug = _pair(team.removeprefix("@"), "team", "@org/team-slug")
        call = Call(f"the members of team @{org}/{slug}", {
            401: f"GitHub refused the token: {_TOKEN_HINT}",
            403: "the token may not list team members: it needs the organization's "
                 "'Members: read' permission (read:org for a classic token), which a "
                 "workflow's GITHUB_TOKEN does not have",
            404: f"check the organization {org} and team slug {slug}; GitHub also answers 404 "
                 "when the token cannot see the team",
        })
        listing = self._api.listing(
            f"/orgs/{segment(org)}/teams/{segment(slug)}/members", _PAGE, call, _login)
        return Membership(f"@{org}/{slug}", listing.items, listing.complete)

    def memberships(self, owners: Iterable[str]) -> dict[str, Membership]:
        """The members of every ``@org/team`` among ``owners``; ``@user`` owners need none."""
        return {owner: self.team_members(owner) for owner in map(check_owner, owners)
                if "/" in owner}


def decide(reviews: Iterable[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who approves and who requests changes, from ``(login, state)`` pairs in chronological
    order: each reviewer's latest review that is neither COMMENTED nor PENDING decides, so a
    dismissed approval (state DISMISSED) no longer counts unless the reviewer approves again."""
    latest: dict[str, tuple[str, str]] = {}
    for login, state in reviews:
        if state in _UNDECIDED:
            continue
        key = login.casefold()
        latest.pop(key, None)  # re-inserted last: reviewers in the order they last decided
        latest[key] = (login, state)
    approvers = tuple(login for login, state in latest.values() if state == APPROVED)
    changes = tuple(login for login, state in latest.values() if state == CHANGES_REQUESTED)
    return approvers, changes


def _review(item: object) -> tuple[str, str] | None:
    if not isinstance(item, dict) or not isinstance(item.get("state"), str):
        raise Shape("each review to be an object with a string 'state'")
    user = item.get("user")
    if user is None:
        return None  # the account was deleted; nobody's approval to count
    if not isinstance(user, dict) or not isinstance(user.get("login"), str):
        raise Shape("each review's 'user' to be null or an object with a string 'login'")
    return user["login"], item["state"]


def _login(item: object) -> str:
    if not isinstance(item, dict) or not isinstance(item.get("login"), str):
        raise Shape("each member to be an object with a string 'login'")
    login: str = item["login"]
    return login


def _pair(value: str, what: str, form: str) -> tuple[str, str]:
    first, slash, second = value.partition("/")
    if not first or not slash or not second or "/" in second:
        raise UsageError(f"{what} {value!r} is not of the form {form}")
    return first, second
