"""The local context: the base is --base, else the upstream, else origin/HEAD, else main."""

from __future__ import annotations

from gatekeeper.context.model import Context, Request, Target
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo


def detect(repo: GitRepo, request: Request) -> Context:
    """The local run's one target: the index against HEAD, or --head against --base."""
    if request.staged:
        target = Target("index", "the index", "HEAD", "staged changes are compared with HEAD",
                        staged=True)
        return Context("local", "local run (staged changes)", (target,))
    head = request.head or "HEAD"
    head_reason = "given with --head" if request.head else "the checked-out commit"
    if request.base:
        base, reason = request.base, "given with --base"
    else:
        base, reason = default_base(repo)
    return Context("local", "local run", (Target(head, head_reason, base, reason),))


def default_base(repo: GitRepo) -> tuple[str, str]:
    """The base when none is given, and why: upstream, origin/HEAD, then local main or master."""
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
