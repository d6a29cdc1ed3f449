"""Turns a target into exact revisions: fetches what a shallow clone lacks, deepening step by
step until the merge base appears, and fails closed with the remedy when it does not."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.changeset import Revisions
from gatekeeper.context.model import Target
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitio import GitRepo

SHALLOW_FIX = ("fetch the history: git fetch --unshallow (GitHub Actions: actions/checkout with "
               "fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)")
FIRST_FETCH_DEPTH = 50
DEEPEN_STEPS = (50, 100, 200, 400, 800, 1600)
"""How far each deepening goes; about 3,000 commits in all before giving up."""


def resolve(repo: GitRepo, target: Target) -> Revisions:
    if target.staged:
        head = repo.resolve_commit("HEAD")
        return Revisions(mode="staged", base_ref="HEAD" if head else None, base_sha=head,
                         base_reason="staged changes are compared with HEAD", head_ref="index")
    notes: list[str] = []
    head_sha = _obtain(repo, target, target.head, "head", notes)
    if target.base is None:
        return Revisions(mode="range", base_ref=None, base_sha=None,
                         base_reason=target.base_reason, head_ref=target.head,
                         head_sha=head_sha, merge_base=None, head_reason=target.head_reason)
    base_sha = _obtain(repo, target, target.base, "base", notes)
    merge_base = repo.merge_base(base_sha, head_sha)
    if merge_base is None and repo.is_shallow():
        merge_base = _deepen(repo, target, base_sha, head_sha, notes)
    if merge_base is None:
        if repo.is_shallow():
            raise ChangeSetError(
                f"{target.base} and {target.head} have no merge base in this shallow clone, "
                f"even after fetching {sum(DEEPEN_STEPS)} more commits of history, so the "
                "change set cannot be determined", hint=target.shallow_fix or SHALLOW_FIX)
        raise ChangeSetError(f"{target.base} and {target.head} share no history",
                             hint="pass a --base that the head branch was started from")
    reason = target.base_reason + ("; " + "; ".join(notes) if notes else "")
    return Revisions(mode="range", base_ref=target.base, base_sha=base_sha, base_reason=reason,
                     head_ref=target.head, head_sha=head_sha, merge_base=merge_base,
                     head_reason=target.head_reason)


def policy_revisions(repo: GitRepo, target: Target, revisions: Revisions) -> Revisions:
    """The revisions the policy (and the files it leans on) are read with: ``revisions``, with
    the context's own base in place of one given with --base (``Target.policy_base``)."""
    if target.policy_base is None or revisions.mode != "range":
        return revisions
    sha = _obtain(repo, target, target.policy_base, "policy base", [])
    return replace(revisions, base_ref=target.policy_base, base_sha=sha)


def _obtain(repo: GitRepo, target: Target, rev: str, role: str, notes: list[str]) -> str:
    """The commit ``rev`` names, fetching it from the remote first if it is not here."""
    sha = repo.resolve_commit(rev)
    if sha is None and target.fetch and target.remote in repo.remotes():
        depth = FIRST_FETCH_DEPTH if repo.is_shallow() else None
        if repo.fetch(target.remote, target.fetch, depth=depth):
            notes.append(f"fetched {', '.join(target.fetch)} from {target.remote}")
            sha = repo.resolve_commit(rev)
    if sha is not None:
        return sha
    if rev == "HEAD":
        raise ChangeSetError("the repository has no commits yet",
                             hint="commit something first, or check staged changes with --staged")
    hint = "check the name with git rev-parse"
    if repo.is_shallow():
        fix = target.shallow_fix or SHALLOW_FIX
        hint = f"it may be missing from this shallow clone (git fetch origin {rev}); {fix}"
    raise ChangeSetError(f"unknown {role} revision {rev!r}", hint=hint)


def _deepen(repo: GitRepo, target: Target, base: str, head: str, notes: list[str]) -> str | None:
    if target.remote not in repo.remotes():
        return None
    fetched = 0
    for step in DEEPEN_STEPS:
        if not repo.fetch(target.remote, target.fetch, deepen=step):
            break
        fetched += step
        merge_base = repo.merge_base(base, head)
        if merge_base is not None:
            notes.append(f"deepened the shallow clone by {fetched} commits to reach the "
                         "merge base")
            return merge_base
        if not repo.is_shallow():
            break  # the whole history is here now, and there is still no merge base
    return None
