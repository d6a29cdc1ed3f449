"""Where a pull or merge request's approvals can be read: the REST API, the project, the
number and the token, from the variables GitHub Actions and GitLab CI set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.common.records import record

if TYPE_CHECKING:
    from gatekeeper.common.secret import Secret

GITHUB_API_URL = "https://api.github.com"
GITLAB_API_URL = "https://gitlab.com/api/v4"
TOKEN_VARIABLE = "GATEKEEPER_TOKEN"
"""Read first on either platform, so one setting serves both."""
PLATFORM_TOKENS = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}

Platform = Literal["github", "gitlab"]


@record
class ApiTarget:
    """One pull or merge request on one platform's REST API, and the token to read it with."""

    platform: Platform
    api_url: str
    project: str
    """GitHub's ``owner/name``; GitLab's project id."""
    number: int
    """The pull request number, or the merge request IID."""
    token: Secret | None
    token_name: str
    """The variable the token came from, or the first one looked at when there is none."""


def api_target(kind: str, env: Mapping[str, str], meta: ChangeMeta) -> ApiTarget | None:
    """The pull or merge request of a ``github`` or ``gitlab`` context; None for any other
    run, or when the platform does not name the change or its repository."""
    if kind not in PLATFORM_TOKENS or meta.number is None or meta.number < 1:
        return None
    if kind == "github":
        platform: Platform = "github"
        api_url = _value(env, "GITHUB_API_URL") or GITHUB_API_URL
        project = _value(env, "GITHUB_REPOSITORY")
    else:
        platform = "gitlab"
        api_url = _value(env, "CI_API_V4_URL") or GITLAB_API_URL
        # In a fork's pipeline CI_PROJECT_ID is the fork; the IID belongs to the target project.
        project = _value(env, "CI_MERGE_REQUEST_PROJECT_ID") or _value(env, "CI_PROJECT_ID")
    if not project:
        return None
    token, name = _token(env, platform)
    return ApiTarget(platform, api_url, project, meta.number, token, name)


def _token(env: Mapping[str, str], platform: Platform) -> tuple[Secret | None, str]:
    for name in (TOKEN_VARIABLE, PLATFORM_TOKENS[platform]):
        value = _value(env, name)
        if value:
            from gatekeeper.common.secret import Secret  # only when a token is set

            return Secret(value), name
    return None, TOKEN_VARIABLE


def _value(env: Mapping[str, str], name: str) -> str:
    """A variable, with the spaces and line ends a copied secret often carries taken off."""
    return env.get(name, "").strip()
