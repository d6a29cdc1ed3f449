"""A merge request's approvals from the GitLab REST API, and required groups' members.

Endpoints (https://docs.gitlab.com/api/):
- ``GET /projects/:id/merge_requests/:merge_request_iid/approvals`` (merge_request_approvals,
  in every tier); ``approved_by[].user.username``. The Premium ``/approval_state`` adds the
  project's own rules, which gatekeeper does not need: the policy states the requirements.
- ``GET /groups/:id/members/all`` (members), inherited members included; each ``username``.
  Paginated with ``per_page`` (at most 100), a ``Link`` header and ``x-next-page``.
Project and group paths are URL-encoded (``group%2Fproject``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field

from gatekeeper.common.records import record
from gatekeeper.common.secret import Secret
from gatekeeper.errors import UsageError
from gatekeeper.facts.approvals.http import (
    DEFAULT_TIMEOUT,
    MAX_BYTES,
    MAX_PAGES,
    Api,
    ApprovalsError,
    Call,
    Shape,
)
from gatekeeper.facts.approvals.links import segment
from gatekeeper.facts.approvals.model import Approvals, Membership, check_owner

DEFAULT_API_URL = "https://gitlab.com/api/v4"
AUTH = {
    "private-token": ("PRIVATE-TOKEN", ""),
    "job-token": ("JOB-TOKEN", ""),
    "bearer": ("Authorization", "Bearer "),
}
"""How a token is sent: personal, project or group access tokens as PRIVATE-TOKEN, the CI/CD
job token as JOB-TOKEN, OAuth 2.0 tokens as a Bearer authorization."""
_TOKEN_HINT = ("use a personal, project or group access token with the read_api scope; "
               "CI_JOB_TOKEN reaches only some endpoints")


@record
class GitLabClient:
    """Reads approvals from gitlab.com, or from another instance through ``api_url``
    (``CI_API_V4_URL`` in GitLab CI)."""

    token: Secret | None
    api_url: str = DEFAULT_API_URL
    auth: str = "private-token"
    """A key of ``AUTH``."""
    timeout: float = DEFAULT_TIMEOUT
    max_pages: int = MAX_PAGES
    max_bytes: int = MAX_BYTES
    _api: Api = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.auth not in AUTH:
            raise UsageError(f"unknown GitLab token kind {self.auth!r}",
                             hint="use one of " + ", ".join(AUTH))
        header, prefix = AUTH[self.auth]
        api = Api("GitLab", self.api_url.rstrip("/"), "CI_API_V4_URL", token=self.token,
                  auth_header=header, auth_prefix=prefix, timeout=self.timeout,
                  max_bytes=self.max_bytes, max_pages=self.max_pages)
        object.__setattr__(self, "_api", api)

    def approvals(self, project: str | int, iid: int) -> Approvals:
        """The approvals on merge request ``iid`` of ``project`` (an id or ``group/project``)."""
        if isinstance(iid, bool) or not isinstance(iid, int) or iid < 1:
            raise UsageError(f"merge request IID {iid!r} is not a positive integer")
        if not str(project):
            raise UsageError("the GitLab project is empty", hint="give its id or group/project")
        call = Call(f"the approvals of merge request !{iid}", {
            401: f"GitLab refused the token: {_TOKEN_HINT}",
            403: f"the token may not read this merge request: {_TOKEN_HINT}",
            404: f"check the project {project} and merge request !{iid}; GitLab also answers "
                 "404 when the token cannot see the project",
        })
        approvers = self._api.get(
            f"/projects/{segment(str(project))}/merge_requests/{iid}/approvals", call,
            _approved_by)
        return Approvals("gitlab", approvers)

    def group_members(self, group: str) -> Membership:
        """The members of ``@group`` (or ``@group/subgroup``), inherited members included."""
        path = group.removeprefix("@")
        if not path:
            raise UsageError(f"group {group!r} has no name")
        call = Call(f"the members of group @{path}", {
            401: f"GitLab refused the token: {_TOKEN_HINT}",
            403: f"the token may not list the group's members: {_TOKEN_HINT}",
            404: f"check the group path {path}; GitLab also answers 404 when the token cannot "
                 "see the group",
        })
        listing = self._api.listing(f"/groups/{segment(path)}/members/all",
                                    {"per_page": "100"}, call, _username)
        return Membership(f"@{path}", listing.items, listing.complete)

    def memberships(self, owners: Iterable[str],
                    approvals: Approvals) -> dict[str, Membership]:
        """The members of every group among ``owners``. GitLab users and top-level groups share
        one namespace, so an ``@name`` that approved is a user; any other ``@name`` is looked
        up as a group, and is a user when GitLab knows no such group."""
        approved = {login.casefold() for login in approvals.approvers}
        found: dict[str, Membership] = {}
        for owner in map(check_owner, owners):
            nested = "/" in owner
            if not nested and owner[1:].casefold() in approved:
                continue
            try:
                found[owner] = self.group_members(owner)
            except ApprovalsError as exc:
                if nested or exc.status != 404:
                    raise
        return found


def _approved_by(data: object) -> tuple[str, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("approved_by"), list):
        raise Shape("an object with an 'approved_by' array")
    names: list[str] = []
    for entry in data["approved_by"]:
        user = entry.get("user") if isinstance(entry, dict) else None
        if not isinstance(user, dict) or not isinstance(user.get("username"), str):
            raise Shape("each 'approved_by' entry to hold a 'user' with a string 'username'")
        if user["username"].casefold() not in {n.casefold() for n in names}:
            names.append(user["username"])
    return tuple(names)


def _username(item: object) -> str:
    if not isinstance(item, dict) or not isinstance(item.get("username"), str):
        raise Shape("each member to be an object with a string 'username'")
    username: str = item["username"]
    return username
