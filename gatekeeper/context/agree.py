"""Checks a GitHub Actions event payload against what a step before gatekeeper cannot change.

The payload is a file (GITHUB_EVENT_PATH) that any earlier step of the job can rewrite. The
runner's default GITHUB_* variables cannot be overwritten (GitHub's variables reference: "You
can't overwrite the value of the default environment variables named GITHUB_*"), and a commit
cannot be forged under another commit's name. So the payload's head, refs and number must agree
with those before it says what to check.
"""

from __future__ import annotations

from collections.abc import Mapping

from gatekeeper.context import objects
from gatekeeper.context.model import is_zero, show
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitread.gitio import GitRepo

Env = Mapping[str, str]

FIX = ("run gatekeeper in a job of its own (coverage handed over as an artifact), so that no "
       "step before it can rewrite GITHUB_EVENT_PATH")
QUEUE_PREFIX = "refs/heads/gh-readonly-queue/"
"""Where GitHub's merge queue keeps its temporary branches: gh-readonly-queue/<base branch>/."""


def pull_request(repo: GitRepo, env: Env, event: str, *, number: int | None, head: str,
                 base_ref: str, head_ref: str | None) -> None:
    """The payload's number, refs and head against GITHUB_REF, GITHUB_*_REF and the commits."""
    shown = "nothing" if number is None else str(number)
    if event == "pull_request":
        _same(env, event, "GITHUB_REF", f"refs/pull/{number}/merge",
              f"pull_request.number is {shown}", "the number says whose labels, description "
              "and approvals count")
    else:  # pull_request_target runs on the base branch
        _same(env, event, "GITHUB_REF", f"refs/heads/{base_ref}",
              f"pull_request.base.ref is {show(base_ref)}", "the target branch decides which "
              "policy judges the change")
    _same(env, event, "GITHUB_BASE_REF", base_ref, f"pull_request.base.ref is {show(base_ref)}",
          "the target branch decides which policy judges the change")
    _same(env, event, "GITHUB_HEAD_REF", head_ref or "",
          f"pull_request.head.ref is {show(head_ref)}", "the head branch names the change")
    sha = _variable(env, "GITHUB_SHA", event).lower()
    if event == "pull_request":
        _merge_has_head(repo, event, sha, head)
    elif number is None:
        raise _disagree(event, "it has no pull_request.number", "the number names the pull "
                        "request whose ref the head must be on")
    else:
        _head_on_pull_ref(repo, event, head, number)


def push(env: Env, *, ref: str, after: str) -> None:
    """The pushed ref and commit against GITHUB_REF and GITHUB_SHA."""
    _same(env, "push", "GITHUB_REF", ref, f"ref is {show(ref)}", "the ref names the branch "
          "that was pushed")
    if is_zero(after):  # a deletion: GitHub then sets GITHUB_SHA to the default branch's tip
        return
    _same(env, "push", "GITHUB_SHA", after, f"after is {after}", "after is the commit that was "
          "pushed, the head of the change", lower=True)


def merge_group(env: Env, *, head: str, head_ref: str, base_ref: str, base: str) -> None:
    """The group's commit and queue ref against GITHUB_SHA and GITHUB_REF, and its base branch
    against the branch the queue ref is named after."""
    _same(env, "merge_group", "GITHUB_SHA", head, f"merge_group.head_sha is {head}",
          "it is the commit the merge queue built, the head of the change", lower=True)
    _same(env, "merge_group", "GITHUB_REF", head_ref,
          f"merge_group.head_ref is {show(head_ref)}", "it is the queue's branch")
    branch = base_ref.removeprefix("refs/heads/")
    if not head_ref.startswith(f"{QUEUE_PREFIX}{branch}/"):
        raise _disagree("merge_group", f"merge_group.base_ref is {show(base_ref)} but the queue "
                        f"ref GITHUB_REF {show(head_ref)} is not under "
                        f"{QUEUE_PREFIX}{branch}/", "the base branch decides which policy "
                        "judges the group, and GitHub names the queue's branches after it")
    if base == head:
        raise _disagree("merge_group", f"merge_group.base_sha is the group's own commit {head}",
                        "the base must be the commit the group was built on, or there is "
                        "nothing left to check")


def _merge_has_head(repo: GitRepo, event: str, sha: str, head: str) -> None:
    """GITHUB_SHA of a pull_request run is the test merge of the head into the base: its second
    parent must be the payload's head (or, where a workflow's runner says so, the head itself)."""
    if sha == head:
        return
    parents = objects.parents(repo, sha, fetch=True)
    if parents is None:
        raise ChangeSetError(
            f"GITHUB_SHA {sha[:12]}, the test merge commit GitHub made for this run, cannot be "
            "read from the repository (missing, or its object does not match its name) nor "
            "fetched from origin, so the event payload's pull_request.head.sha cannot be "
            "checked against it",
            hint="check out with actions/checkout, whose default is that commit, or fetch it "
                 "before gatekeeper")
    if len(parents) < 2 or parents[1] != head:
        found = f"its parents are {', '.join(p[:12] for p in parents) or 'none'}"
        raise _disagree(event, f"pull_request.head.sha {head[:12]} is not the second parent of "
                        f"GITHUB_SHA {sha[:12]}, the test merge commit GitHub made for this run "
                        f"({found})", "the head decides which commits are checked")


def _head_on_pull_ref(repo: GitRepo, event: str, head: str, number: int) -> None:
    """In a pull_request_target run GITHUB_SHA is the base branch's tip, so the head is checked
    against the pull request's own ref on origin, which only GitHub moves."""
    ref = f"refs/pull/{number}/head"
    local = f"refs/remotes/pull/{number}/head"
    tip = repo.resolve_commit(local) if objects.obtain(repo, (f"+{ref}:{local}",)) else None
    if tip is None:
        raise ChangeSetError(
            f"cannot fetch {ref} from origin, so the {event} event payload's "
            "pull_request.head.sha cannot be checked against the pull request",
            hint="run gatekeeper in a checkout whose origin is the repository the pull request "
                 "targets")
    if tip != head:
        # Not an ancestor either: any earlier commit of the branch (down to where it left the
        # base) would let a rewritten payload shrink the change to nothing.
        raise _disagree(event, f"pull_request.head.sha {head[:12]} is not the head of pull "
                        f"request #{number}, which {ref} on origin says is {tip[:12]}",
                        "the head decides which commits are checked; if the pull request was "
                        "updated after this run started, the run for that update checks it")


def _same(env: Env, event: str, name: str, expected: str, said: str, why: str, *,
          lower: bool = False) -> None:
    actual = _variable(env, name, event)
    if (actual.lower() if lower else actual) != expected:
        raise _disagree(event, f"{said} but the runner's {name} is {show(actual)}", why)


def _variable(env: Env, name: str, event: str) -> str:
    value = env.get(name)
    if not value:
        raise UsageError(f"{name} is not set, so the {event} event payload cannot be checked "
                         "against the runner",
                         hint="run gatekeeper in a GitHub Actions step, where the runner sets "
                              "it, or pass --ci local")
    return value


def _disagree(event: str, what: str, why: str) -> ChangeSetError:
    return ChangeSetError(f"the {event} event payload disagrees with the runner: {what} ({why}); "
                          "a step before gatekeeper may have rewritten GITHUB_EVENT_PATH",
                          hint=FIX)
