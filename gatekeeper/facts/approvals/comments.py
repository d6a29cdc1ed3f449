"""The one sticky comment on a pull or merge request: found by its marker, created once, then
edited in place.

Endpoints (https://docs.github.com/rest, https://docs.gitlab.com/api/):
- GitHub issue comments (every pull request is an issue): ``GET`` and ``POST
  /repos/{owner}/{repo}/issues/{number}/comments`` (ascending ids, ``per_page`` and a ``Link``
  header), ``PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}``; each ``user.login``.
- GitLab merge request notes: ``GET`` and ``POST /projects/:id/merge_requests/:iid/notes``
  (``sort=asc``, system notes skipped), ``PUT .../notes/:note_id``; each ``author.username``.
- Who the token belongs to: ``GET /user`` on both (``login``, ``username``). GitHub answers it
  403 for a GitHub App installation token, such as a workflow's GITHUB_TOKEN, whose comments
  are written by ``github-actions[bot]``: that login is taken then.

Only a marked comment by that account is edited; one with the marker written by anyone else
is left alone and our own is created beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from gatekeeper.common.records import record
from gatekeeper.context.api import ApiTarget
from gatekeeper.facts.approvals.github import API_VERSION
from gatekeeper.facts.approvals.http import DEFAULT_TIMEOUT, Api, ApprovalsError, Call, Shape
from gatekeeper.facts.approvals.links import segment

MARKER = "<!-- gatekeeper:sticky -->"
"""The first line of the comment: hidden when rendered, the way a later run finds it."""
MAX_CHARS = 65_536
"""GitHub refuses a comment body longer than this; GitLab allows more, the same cut serves."""
ACTIONS_BOT = "github-actions[bot]"
"""The author of what a workflow's GITHUB_TOKEN writes."""
CUT = ("\n\n_The report was cut to fit the comment's size limit; the job's summary and JSON "
       "report have everything._\n")
_PAGE = {"per_page": "100"}


@record
class Comment:
    """One comment or note: its id, its author's login (None for a deleted account), its text."""

    id: int
    author: str | None
    body: str


@record
class Posted:
    """What was done: the comment ``created`` or ``updated``, and its id."""

    action: Literal["created", "updated"]
    id: int


@record
class _Site:
    api: Api
    list_path: str
    query: dict[str, str]
    edit_path: Callable[[int], str]
    edit_method: str
    pick: Callable[[object], Comment | None]
    who: str
    """The field of ``GET /user`` that names the account."""
    hints: dict[int, str]
    fallback: str | None = None
    """The account taken when ``GET /user`` answers 403."""


def body_of(report: str, limit: int = MAX_CHARS) -> str:
    """The marker, then ``report``, cut at a line end with a note to stay within ``limit``
    characters (counted as UTF-16 units, never fewer than the characters GitHub counts)."""
    whole = f"{MARKER}\n{report}"
    if _units(whole) <= limit:
        return whole
    room = limit - _units(MARKER) - 1 - _units(CUT)
    kept: list[str] = []
    for line in report.splitlines(keepends=True):
        room -= _units(line)
        if room < 0:
            break
        kept.append(line)
    return f"{MARKER}\n{''.join(kept).rstrip()}{CUT}"


def publish(target: ApiTarget, body: str, timeout: float = DEFAULT_TIMEOUT) -> Posted:
    """Edit our marked comment on ``target``'s pull or merge request to ``body``, or create it."""
    site = _site(target, timeout)
    me = _whoami(site).casefold()
    listing = site.api.listing(site.list_path, site.query, Call(
        f"the comments on {_change(target)}", site.hints), site.pick)
    ours = next((c for c in listing.items if c.body.startswith(MARKER)
                 and c.author is not None and c.author.casefold() == me), None)
    what = f"the gatekeeper comment on {_change(target)}"
    if ours is None:
        made = site.api.send(site.list_path, {"body": body}, Call(what, site.hints, "POST"), _id)
        return Posted("created", made)
    site.api.send(site.edit_path(ours.id), {"body": body},
                  Call(what, site.hints, site.edit_method), _id)
    return Posted("updated", ours.id)


def _whoami(site: _Site) -> str:
    call = Call("the account the token belongs to", site.hints)
    try:
        return site.api.get("/user", call, lambda data: _field(data, site.who, "the user"))
    except ApprovalsError as exc:
        if exc.status == 403 and site.fallback is not None:
            return site.fallback
        raise


def _site(target: ApiTarget, timeout: float) -> _Site:
    base = target.api_url.rstrip("/")
    if target.platform == "github":
        owner, _, name = target.project.partition("/")
        repo = f"/repos/{segment(owner)}/{segment(name)}"
        api = Api("GitHub", base, "GITHUB_API_URL",
                  headers=(("Accept", "application/vnd.github+json"),
                           ("X-GitHub-Api-Version", API_VERSION)),
                  token=target.token, auth_header="Authorization", auth_prefix="Bearer ",
                  timeout=timeout)
        return _Site(api, f"{repo}/issues/{target.number}/comments", _PAGE,
                     lambda cid: f"{repo}/issues/comments/{cid}", "PATCH",
                     lambda item: _comment(item, "user", "login"), "login", _GITHUB_HINTS,
                     ACTIONS_BOT)
    notes = f"/projects/{segment(target.project)}/merge_requests/{target.number}/notes"
    api = Api("GitLab", base, "CI_API_V4_URL", token=target.token, auth_header="PRIVATE-TOKEN",
              timeout=timeout)
    return _Site(api, notes, {**_PAGE, "sort": "asc", "order_by": "created_at"},
                 lambda nid: f"{notes}/{nid}", "PUT", _note, "username", _GITLAB_HINTS)


_GITHUB_HINTS = {
    401: "GitHub refused the token: pass a valid token (in GitHub Actions, the job's "
         "GITHUB_TOKEN)",
    403: "the token may not write comments: it needs the 'Pull requests: write' permission "
         "(pull-requests: write in a workflow); a pull request from a fork gets a read-only "
         "token",
    404: "check the repository and pull request number; GitHub also answers 404 when the "
         "token cannot see a private repository",
    422: "GitHub refused the comment (a locked conversation, or a body it does not accept)",
}
_GITLAB_HINTS = {
    401: "GitLab refused the token: use a personal, project or group access token with the "
         "api scope",
    403: "the token may not write notes: it needs the api scope and at least the Reporter role",
    404: "check the project and merge request IID; GitLab also answers 404 when the token "
         "cannot see the project",
    422: "GitLab refused the note (a locked discussion, or a body it does not accept)",
}


def _change(target: ApiTarget) -> str:
    return (f"pull request #{target.number}" if target.platform == "github"
            else f"merge request !{target.number}")


def _comment(item: object, who: str, name: str) -> Comment:
    if not isinstance(item, dict) or not isinstance(item.get("body"), (str, type(None))):
        raise Shape("each comment to be an object with a string 'body'")
    author = item.get(who)
    login = author.get(name) if isinstance(author, dict) else None
    if author is not None and not isinstance(login, str):
        raise Shape(f"each comment's '{who}' to be null or an object with a string '{name}'")
    return Comment(_id(item), login, item.get("body") or "")


def _note(item: object) -> Comment | None:
    if isinstance(item, dict) and item.get("system") is True:
        return None  # GitLab's own notes: "added 1 commit", "approved this merge request"
    return _comment(item, "author", "username")


def _id(data: object) -> int:
    value = data.get("id") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Shape("an object with a positive integer 'id'")
    return value


def _field(data: object, name: str, what: str) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise Shape(f"{what} to be an object with a string '{name}'")
    return value


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
