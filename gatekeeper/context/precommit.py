"""The pre-commit framework's context: the range it exports as PRE_COMMIT_FROM_REF..TO_REF."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.context.local import default_base
from gatekeeper.context.model import Context, Request, Target, is_zero
from gatekeeper.context.prepush import DEFAULT_REMOTE, branch_of, depart
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo

# pre-commit 2.x and later export both; the older ORIGIN and SOURCE names are still set.
FROM_VARS = ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_ORIGIN")
TO_VARS = ("PRE_COMMIT_TO_REF", "PRE_COMMIT_SOURCE")


def detect(repo: GitRepo, request: Request, env: Mapping[str, str],
           stdin: IO[str] | None) -> Context:
    """The range pre-commit exports; with no FROM ref, from where the push leaves the remote."""
    remote = env.get("PRE_COMMIT_REMOTE_NAME") or request.remote
    pushed = env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    description = f"pre-commit framework, pushing to {remote}" if remote else \
        "pre-commit framework"
    meta = ChangeMeta(target_branch=branch_of(pushed))
    from_name, from_ref = _first(env, FROM_VARS)
    to_name, to_ref = _first(env, TO_VARS)
    if is_zero(to_ref):
        return Context("pre-commit", description + f" ({to_name} is all zeros: a deletion)",
                       (), meta=meta)
    head, head_reason = _head(request, env, to_name, to_ref)
    base: str | None
    if request.base:
        base, reason = request.base, "given with --base"
    elif from_ref and not is_zero(from_ref):
        base, reason = from_ref, f"{from_name}, set by the pre-commit framework"
    else:
        missing = f"{from_name} is all zeros" if from_ref else "no PRE_COMMIT_FROM_REF"
        fallback = _fallback(repo, remote, head, missing)
        if fallback is None:
            return Context("pre-commit", description + f" ({missing}, and every commit of "
                           f"{head} is on {remote} already)", (), meta=meta)
        base, reason = fallback
    target = Target(head, head_reason, base, reason, name=pushed, remote=remote or DEFAULT_REMOTE)
    return Context("pre-commit", description, (target,), meta=meta)


def _fallback(repo: GitRepo, remote: str | None, head: str,
              missing: str) -> tuple[str | None, str] | None:
    """The base without a FROM ref: where a push leaves the remote's history, else the local
    default; None when the remote has every commit already."""
    if not remote:
        base, why = default_base(repo)
        return base, f"{why}; {missing}"
    head_sha = repo.resolve_commit(head)
    if head_sha is None:
        raise ChangeSetError(f"unknown head revision {head!r}",
                             hint="check the name with git rev-parse")
    departure = depart(repo, remote, head_sha)
    if departure is None:
        return None
    return departure.base, f"{missing}; {departure.reason}"


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str]:
    """The first of ``names`` that is set, and its value; the preferred name if none is."""
    for name in names:
        if env.get(name):
            return name, env[name]
    return names[0], ""


def _head(request: Request, env: Mapping[str, str], to_name: str,
          to_ref: str) -> tuple[str, str]:
    if request.head:
        return request.head, "given with --head"
    if to_ref:
        return to_ref, f"{to_name}, set by the pre-commit framework"
    # For a push whose history starts at a root commit pre-commit sets no range at all.
    local_branch = env.get("PRE_COMMIT_LOCAL_BRANCH")
    if local_branch:
        return local_branch, "PRE_COMMIT_LOCAL_BRANCH (no PRE_COMMIT_TO_REF was set)"
    return "HEAD", "the checked-out commit (no PRE_COMMIT_TO_REF was set)"
