"""Works out which revisions to compare, and says how each was found.

This is the only layer that may read CI environment variables; for now it serves local runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.changeset import Revisions
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitio import GitRepo

SHALLOW_FIX = ("fetch the history: git fetch --unshallow (GitHub Actions: actions/checkout with "
               "fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)")


@dataclass(frozen=True)
class Request:
    base: str | None = None
    head: str | None = None
    staged: bool = False


def resolve(repo: GitRepo, request: Request) -> Revisions:
    if request.staged:
        head = repo.resolve_commit("HEAD")
        return Revisions(mode="staged", base_ref="HEAD" if head else None, base_sha=head,
                         base_reason="staged changes are compared with HEAD", head_ref="index")
    head_ref = request.head or "HEAD"
    head_sha = _must_resolve(repo, head_ref, "head")
    base_ref, reason = (request.base, "given with --base") if request.base else _default_base(repo)
    base_sha = _must_resolve(repo, base_ref, "base")
    merge_base = repo.merge_base(base_sha, head_sha)
    if merge_base is None:
        if repo.is_shallow():
            raise ChangeSetError(
                f"{base_ref} and {head_ref} have no merge base in this shallow clone, so the "
                "change set cannot be determined", hint=SHALLOW_FIX)
        raise ChangeSetError(f"{base_ref} and {head_ref} share no history",
                             hint="pass a --base that the head branch was started from")
    return Revisions(mode="range", base_ref=base_ref, base_sha=base_sha, base_reason=reason,
                     head_ref=head_ref, head_sha=head_sha, merge_base=merge_base)


def _must_resolve(repo: GitRepo, rev: str, role: str) -> str:
    sha = repo.resolve_commit(rev)
    if sha is not None:
        return sha
    if rev == "HEAD":
        raise ChangeSetError("the repository has no commits yet",
                             hint="commit something first, or check staged changes with --staged")
    hint = "check the name with git rev-parse"
    if repo.is_shallow():
        hint = f"it may be missing from this shallow clone (git fetch origin {rev}); {SHALLOW_FIX}"
    raise ChangeSetError(f"unknown {role} revision {rev!r}", hint=hint)


def _default_base(repo: GitRepo) -> tuple[str, str]:
    upstream = repo.upstream()
    if upstream:
        return upstream, "the upstream of the current branch"
    origin_head = repo.symbolic_ref("refs/remotes/origin/HEAD")
    if origin_head:
        return origin_head, "origin/HEAD (the current branch has no upstream)"
    for name in ("main", "master"):
        if repo.resolve_commit(f"refs/heads/{name}"):
            return name, f"the local {name} branch (no upstream and no origin/HEAD)"
    raise ChangeSetError(
        "cannot choose a base: the current branch has no upstream, origin/HEAD is not set and "
        "there is no main or master branch", hint="pass --base REV")
