"""The github context: what a GitHub Actions event asks to check, read from its event payload.

``actions/checkout`` fetches one commit by default, and for a pull request that commit is a test
merge (``GITHUB_SHA``), not the pull request's head. So the head comes from the payload, the base
is the current tip of the target branch, and both are fetched when missing; resolve.py then
finds the merge base, deepening the shallow clone as far as it must. The payload (read by
payload.py) is a file an earlier step can rewrite, so agree.py checks it against the runner's
variables and the commits before it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import IO

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.context import agree, local
from gatekeeper.context.api import api_target
from gatekeeper.context.model import Context, Request, Rewrite, Target, is_zero
from gatekeeper.context.model import show as _show
from gatekeeper.context.override import narrow
from gatekeeper.context.payload import PAYLOAD_HINT as PAYLOAD_HINT
from gatekeeper.context.payload import Payload, load
from gatekeeper.context.payload import valid_ref as valid_ref
from gatekeeper.errors import UsageError
from gatekeeper.gitread.gitio import GitRepo

REMOTE = "origin"
CREDENTIALS_FIX = ("keep actions/checkout's persist-credentials at its default (true), which "
                   "leaves the job's token for git fetch, or give the remote credentials before "
                   "gatekeeper runs")


def detect(repo: GitRepo, request: Request, env: Mapping[str, str],
           stdin: IO[str] | None) -> Context:
    """The event's context, once its payload agrees with the runner; --base and --head narrow
    its range (override.py)."""
    event = env.get("GITHUB_EVENT_NAME", "")
    if not event:
        raise UsageError("GITHUB_EVENT_NAME is not set, so the GitHub Actions event is unknown",
                         hint="run gatekeeper in a GitHub Actions step, or pass --ci local")
    handler = EVENTS.get(event)
    if handler is None:
        found = local.detect(repo, request)
        return replace(found, kind="github", description=(
            f"GitHub Actions {_show(event, quote=False)} (not a pull request, push or merge "
            f"group event, so the base is chosen as for a local run: {found.description})"))
    payload = load(env, event)
    context = handler(payload)
    AGREE[event](repo, env, payload)
    context = replace(context, api=api_target("github", env, context.meta))
    return narrow(context, request, repo, "event")


def pull_request(payload: Payload) -> Context:
    """A pull_request or pull_request_target event: the head against the target branch's tip."""
    head = payload.sha("pull_request.head.sha")
    branch = payload.ref("pull_request.base.ref")
    fetch = (head, tracking_refspec(branch))
    target = Target(head, "pull_request.head.sha from the event payload", tracking_ref(branch),
                    f"tip of {REMOTE}/{branch}, the pull request's target branch", fetch=fetch,
                    remote=REMOTE, shallow_fix=shallow_fix(fetch),
                    credentials_fix=CREDENTIALS_FIX)
    number = payload.number("pull_request.number")
    meta = ChangeMeta(labels=payload.labels("pull_request.labels"), target_branch=branch,
                      number=number, draft=payload.flag("pull_request.draft"),
                      author=payload.text("pull_request.user.login", required=False),
                      title=payload.text("pull_request.title", required=False),
                      description=payload.text("pull_request.body", required=False))
    shown = f" #{number}" if number is not None else ""
    return Context("github", f"GitHub Actions {payload.event}{shown}", (target,), meta,
                   review=True)


def push(payload: Payload) -> Context:
    """A push event: what the push added to its ref, or nothing for a deletion."""
    ref = payload.ref("ref")
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    where = f"GitHub Actions push to {branch or ref}"
    meta = ChangeMeta(target_branch=branch, branch=branch)
    after = _sha_or_zero(payload, "after")
    if payload.flag("deleted") or is_zero(after):
        return Context("github", f"{where} (the ref was deleted, so there is nothing to check)",
                       (), meta)
    before = _sha_or_zero(payload, "before")
    if is_zero(before):
        default = payload.ref("repository.default_branch")
        if default == branch:
            return Context("github", f"{where} (the first push of the default branch, so "
                           "there is nothing to compare it with)", (), meta)
        target = replace(new_branch(after, default), base_reason=(
            f"tip of {REMOTE}/{default}, the default branch (a new ref: the push event's "
            "before is all zeros)"))
        return Context("github", where, (target,), meta)
    fetch = (after, before)
    target = Target(after, "after from the push event payload", before,
                    "before from the push event payload (the tip before the push)", fetch=fetch,
                    remote=REMOTE, shallow_fix=shallow_fix(fetch), credentials_fix=CREDENTIALS_FIX)
    if branch is not None:
        target = _may_rewrite(payload, target, branch)
    return Context("github", where, (target,), meta)


def _may_rewrite(payload: Payload, target: Target, branch: str) -> Target:
    """A branch push, judged like a new branch if it rewrote the branch: at once when the
    payload says ``forced: true``, else when resolve.py finds ``before`` is not an ancestor of
    ``after`` or gone from origin. The default branch's name only chooses the base a rewritten
    branch is compared with; a push reads its policy from the work tree, not from that base."""
    default = payload.ref("repository.default_branch")
    instead = None if default == branch else new_branch(target.head, default)
    forced = bool(payload.flag("forced"))
    if forced and instead is not None:
        return replace(instead, base_reason="forced: true in the push event payload (the push "
                       "rewrote the branch), so it is judged like a new branch: "
                       + instead.base_reason)
    said = "; the payload says forced: true)" if forced else ")"
    # Only the pushed commit is fetched with the target: the old tip may be gone from origin.
    return replace(target, fetch=(target.head,), rewrite=Rewrite(branch, instead),
                   base_reason=target.base_reason.removesuffix(")") + said)


def new_branch(after: str, default: str) -> Target:
    """``after`` judged like a new branch: from its merge base with the default branch."""
    fetch = (after, tracking_refspec(default))
    return Target(after, "after from the push event payload", tracking_ref(default),
                  f"from its merge base with {REMOTE}/{default}, the default branch, as a pull "
                  "request into it would be", fetch=fetch, remote=REMOTE,
                  shallow_fix=shallow_fix(fetch), credentials_fix=CREDENTIALS_FIX)


def merge_group(payload: Payload) -> Context:
    """A merge_group event: the merge queue's commit against the base it builds on."""
    head = payload.sha("merge_group.head_sha")
    base = payload.sha("merge_group.base_sha")
    base_ref = payload.ref("merge_group.base_ref")
    branch = base_ref.removeprefix("refs/heads/")
    fetch = (head, base)
    target = Target(head, "merge_group.head_sha from the event payload", base,
                    f"merge_group.base_sha from the event payload (the tip of {branch} that the "
                    "merge queue builds on)", fetch=fetch, remote=REMOTE,
                    shallow_fix=shallow_fix(fetch), credentials_fix=CREDENTIALS_FIX)
    # Read the policy from the base, as for a pull request: the queued pull requests must not
    # be able to loosen the policy that judges them.
    return Context("github", f"GitHub Actions merge_group into {branch}", (target,),
                   ChangeMeta(target_branch=branch), review=True)


EVENTS: dict[str, Callable[[Payload], Context]] = {
    "pull_request": pull_request,
    "pull_request_target": pull_request,
    "push": push,
    "merge_group": merge_group,
}


def _agree_pull_request(repo: GitRepo, env: Mapping[str, str], payload: Payload) -> None:
    agree.pull_request(repo, env, payload.event, number=payload.number("pull_request.number"),
                       head=payload.sha("pull_request.head.sha"),
                       base_ref=payload.ref("pull_request.base.ref"),
                       head_ref=payload.text("pull_request.head.ref", required=False))


def _agree_push(repo: GitRepo, env: Mapping[str, str], payload: Payload) -> None:
    agree.push(env, ref=payload.ref("ref"), after=_sha_or_zero(payload, "after"))


def _agree_merge_group(repo: GitRepo, env: Mapping[str, str], payload: Payload) -> None:
    agree.merge_group(env, head=payload.sha("merge_group.head_sha"),
                      head_ref=payload.ref("merge_group.head_ref"),
                      base_ref=payload.ref("merge_group.base_ref"),
                      base=payload.sha("merge_group.base_sha"))


AGREE: dict[str, Callable[[GitRepo, Mapping[str, str], Payload], None]] = {
    "pull_request": _agree_pull_request,
    "pull_request_target": _agree_pull_request,
    "push": _agree_push,
    "merge_group": _agree_merge_group,
}
"""What each event's payload must agree with before it is trusted (agree.py)."""


def tracking_ref(branch: str) -> str:
    """Where ``branch`` of the remote is kept locally."""
    return f"refs/remotes/{REMOTE}/{branch}"


def tracking_refspec(branch: str) -> str:
    """The refspec that fetches ``branch`` into its tracking ref."""
    return f"+refs/heads/{branch}:{tracking_ref(branch)}"


def shallow_fix(fetch: tuple[str, ...]) -> str:
    """The hint for a clone too shallow to reach the merge base of ``fetch``."""
    return ("check out with actions/checkout and fetch-depth: 0, or run git fetch --unshallow "
            f"{REMOTE} {' '.join(fetch)} before gatekeeper")


def _sha_or_zero(payload: Payload, path: str) -> str:
    value = payload.text(path, what="a commit sha") or ""
    return value if is_zero(value) else payload.sha(path)
