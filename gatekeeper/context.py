"""Works out which revisions to compare, and says how each was found.

This is the only layer that may read CI environment variables; for now it serves local runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.changeset import ChangeMeta, Revisions
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitio import GitRepo

SHALLOW_FIX = ("fetch the history: git fetch --unshallow (GitHub Actions: actions/checkout with "
               "fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)")


@dataclass(frozen=True)
class Request:
    base: str | None = None
    head: str | None = None
    staged: bool = False
    labels: tuple[str, ...] = ()
    target_branch: str | None = None
    author: str | None = None
    description: str | None = None


def meta(request: Request, revisions: Revisions | None) -> ChangeMeta:
    """What is known about the change beyond git: from the command line for now."""
    target = request.target_branch
    if target is None and revisions is not None and revisions.mode == "range":
        target = branch_name(revisions.base_ref)
    return ChangeMeta(labels=request.labels, target_branch=target, author=request.author,
                      description=request.description)


def branch_name(ref: str | None) -> str | None:
    """The branch a base ref names (origin/main -> main); None for a sha or an expression."""
    if not ref or any(ch in ref for ch in "~^@:") or ref == "HEAD":
        return None
    for prefix in ("refs/heads/", "refs/remotes/origin/", "remotes/origin/", "origin/"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    if ref.startswith("refs/") or _looks_like_sha(ref):
        return None
    return ref


def _looks_like_sha(ref: str) -> bool:
    return 7 <= len(ref) <= 64 and all(ch in "0123456789abcdef" for ch in ref)


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
