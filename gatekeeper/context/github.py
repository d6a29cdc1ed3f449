"""The github context: what a GitHub Actions event asks to check, read from its event payload.

``actions/checkout`` fetches one commit by default, and for a pull request that commit is a test
merge (``GITHUB_SHA``), not the pull request's head. So the head comes from the payload, the base
is the current tip of the target branch, and both are fetched when missing; resolve.py then
finds the merge base, deepening the shallow clone as far as it must. The payload is a file an
earlier step can rewrite, so agree.py checks it against the runner's variables and the commits
before it is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import IO

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.context import agree, local
from gatekeeper.context.api import api_target
from gatekeeper.context.model import Context, Request, Rewrite, Target, is_zero
from gatekeeper.context.model import show as _show
from gatekeeper.context.override import narrow
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitread.gitio import GitRepo

REMOTE = "origin"
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
CREDENTIALS_FIX = ("keep actions/checkout's persist-credentials at its default (true), which "
                   "leaves the job's token for git fetch, or give the remote credentials before "
                   "gatekeeper runs")
PAYLOAD_HINT = ("gatekeeper reads the payload GitHub Actions writes to GITHUB_EVENT_PATH: run it "
                "in a workflow step without changing that file, or choose the revisions with "
                "--base and --head")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
_MISSING = object()


class Payload:
    """The event payload, read defensively: a workflow can rewrite it before gatekeeper runs."""

    def __init__(self, data: dict[str, object], event: str) -> None:
        self.data = data
        self.event = event

    def _fail(self, path: str, what: str, value: object = _MISSING) -> ChangeSetError:
        found = "nothing" if value is _MISSING else _show(value)
        return ChangeSetError(f"the {self.event} event payload has {found} at {path}, not {what}",
                              hint=PAYLOAD_HINT)

    def _lookup(self, path: str, what: str, required: bool) -> object:
        """The value at a dotted path; None when an optional value (or its parent) is absent."""
        node: object = self.data
        walked: list[str] = []
        for key in path.split("."):
            if (node is None or node is _MISSING) and not required:
                return None
            if not isinstance(node, dict):
                raise self._fail(".".join(walked), "an object", node)
            walked.append(key)
            node = node.get(key, _MISSING)
        if node is _MISSING or node is None:
            if required:
                raise self._fail(path, what, node)
            return None
        return node

    def text(self, path: str, *, required: bool = True, what: str = "a string") -> str | None:
        value = self._lookup(path, what, required)
        if value is None or isinstance(value, str):
            return value
        raise self._fail(path, what, value)

    def flag(self, path: str) -> bool | None:
        value = self._lookup(path, "true or false", False)
        if value is None or isinstance(value, bool):
            return value
        raise self._fail(path, "true or false", value)

    def number(self, path: str) -> int | None:
        value = self._lookup(path, "a number", False)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._fail(path, "a number", value)

    def sha(self, path: str) -> str:
        value = self.text(path, what="a commit sha") or ""
        if not _SHA.fullmatch(value.lower()):
            raise self._fail(path, "a commit sha", value)
        return value.lower()

    def ref(self, path: str) -> str:
        value = self.text(path, what="a git ref name") or ""
        if not valid_ref(value):
            raise self._fail(path, "a git ref name", value)
        return value

    def labels(self, path: str) -> tuple[str, ...]:
        value = self._lookup(path, "a list of labels", False)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self._fail(path, "a list of labels", value)
        names = []
        for item in value:
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                raise self._fail(path, "a list of labels with names", item)
            names.append(name)
        return tuple(names)


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


def load(env: Mapping[str, str], event: str) -> Payload:
    """The JSON payload of the event that started the workflow."""
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise UsageError("GITHUB_EVENT_PATH is not set, so the event payload cannot be read",
                         hint="run gatekeeper in a GitHub Actions step, or pass --ci local")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PAYLOAD_BYTES + 1)
    except OSError as exc:
        raise ChangeSetError(f"cannot read the event payload {_show(path)}: {exc.strerror}",
                             hint=PAYLOAD_HINT) from exc
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise ChangeSetError(f"the event payload {_show(path)} is larger than "
                             f"{MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB", hint=PAYLOAD_HINT)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ChangeSetError(f"the event payload {_show(path)} is not valid JSON: "
                             f"{_show(str(exc), quote=False)}", hint=PAYLOAD_HINT) from exc
    if not isinstance(data, dict):
        raise ChangeSetError(f"the event payload {_show(path)} is not a JSON object",
                             hint=PAYLOAD_HINT)
    return Payload(data, event)


def pull_request(payload: Payload) -> Context:
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
    return f"refs/remotes/{REMOTE}/{branch}"


def tracking_refspec(branch: str) -> str:
    return f"+refs/heads/{branch}:{tracking_ref(branch)}"


def shallow_fix(fetch: tuple[str, ...]) -> str:
    return ("check out with actions/checkout and fetch-depth: 0, or run git fetch --unshallow "
            f"{REMOTE} {' '.join(fetch)} before gatekeeper")


def valid_ref(name: str) -> bool:
    """Whether git would accept ``name`` as a branch or ref name (git check-ref-format's rules),
    so that it can go into a refspec without changing what the refspec means."""
    if not name or len(name) > 1024 or name.startswith(("-", "/")) or name == "@":
        return False
    if name.endswith(("/", ".", ".lock")) or _REF_FORBIDDEN.search(name):
        return False
    return not any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))


def _sha_or_zero(payload: Payload, path: str) -> str:
    value = payload.text(path, what="a commit sha") or ""
    return value if is_zero(value) else payload.sha(path)
