"""Turns a target into exact revisions: fetches what a shallow clone lacks, deepening step by
step until the merge base appears, and fails closed with the remedy when it does not.

A CI push names the branch's tip before the push. When the push rewrote the branch (that tip is
not an ancestor of the pushed commit, or the remote no longer has it), the range from that tip
would count whatever the new history was rebased onto, so the push is judged like a new branch
instead (``Target.rewrite``). A fetch that fails is named as the cause, with git's reason.
"""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.changeset.model import Revisions
from gatekeeper.context.model import Rewrite, Target
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread import giterrors
from gatekeeper.gitread.gitio import GitRepo

SHALLOW_FIX = ("fetch the history: git fetch --unshallow (GitHub Actions: actions/checkout with "
               "fetch-depth: 0; GitLab CI: GIT_DEPTH: 0)")
FIRST_FETCH_DEPTH = 50
DEEPEN_STEPS = (50, 100, 200, 400, 800, 1600)
"""How far each deepening goes; about 3,000 commits in all before giving up."""
GONE_FIX = ("check the push with --base naming the commit to compare it with (a full commit "
            "name is fetched from the remote); no fetch depth brings back a commit the remote "
            "no longer has")


def resolve(repo: GitRepo, target: Target) -> Revisions:
    """The exact revisions of ``target``, fetching what is missing and judging a rewritten push."""
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
    if target.rewrite is not None:
        instead = _rewritten(repo, target, target.rewrite, head_sha, notes)
        if instead is not None:
            return resolve(repo, instead)
    base_sha = _obtain(repo, target, target.base, "base", notes)
    merge_base = _merge_base(repo, target, base_sha, head_sha, notes, target.fetch)
    if merge_base is None:
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
        if _fetch(repo, target, target.fetch, f"the {role} revision {rev}", depth=depth,
                  missing_ok=True):
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


def _fetch(repo: GitRepo, target: Target, refspecs: tuple[str, ...], what: str, *,
           depth: int | None = None, deepen: int | None = None,
           missing_ok: bool = False) -> bool:
    """Fetch ``refspecs`` from the target's remote. With ``missing_ok``, False when the remote
    answered that it has no such commit or ref; any other failure (no credentials, a remote
    that cannot be reached) stops the run and says so."""
    said = repo.try_fetch(target.remote, refspecs, depth=depth, deepen=deepen)
    if said is None:
        return True
    if missing_ok and giterrors.not_served(said):
        return False
    raise giterrors.fetch_failed(target.remote, what, said,
                                 credentials_fix=target.credentials_fix,
                                 fix=target.shallow_fix or SHALLOW_FIX)


def _merge_base(repo: GitRepo, target: Target, base: str, head: str, notes: list[str],
                refspecs: tuple[str, ...]) -> str | None:
    """The merge base of ``base`` and ``head``, deepening a shallow clone until it appears;
    None only when the whole history is here and they share none."""
    merge_base = repo.merge_base(base, head)
    if merge_base is not None or not repo.is_shallow():
        return merge_base
    merge_base, fetched = _deepen(repo, target, base, head, refspecs)
    if merge_base is not None:
        notes.append(f"deepened the shallow clone by {fetched} commits to reach the merge base")
        return merge_base
    if not repo.is_shallow():
        return None
    tried = (f"even after fetching {fetched} more commits of history" if fetched else
             f"and there is no remote {target.remote} to fetch more history from")
    raise ChangeSetError(f"{target.base} and {target.head} have no merge base in this shallow "
                         f"clone, {tried}, so the change set cannot be determined",
                         hint=target.shallow_fix or SHALLOW_FIX)


def _deepen(repo: GitRepo, target: Target, base: str, head: str,
            refspecs: tuple[str, ...]) -> tuple[str | None, int]:
    """The merge base once found, and how many commits deeper the clone was fetched."""
    if target.remote not in repo.remotes():
        return None, 0
    fetched = 0
    for step in DEEPEN_STEPS:
        _fetch(repo, target, refspecs, f"{step} more commits of history to find the merge base "
               f"of {target.base} and {target.head}", deepen=step)
        fetched += step
        merge_base = repo.merge_base(base, head)
        if merge_base is not None:
            return merge_base, fetched
        if not repo.is_shallow():
            break  # the whole history is here now, and there is still no merge base
    return None, fetched


def _rewritten(repo: GitRepo, target: Target, rewrite: Rewrite, head: str,
               notes: list[str]) -> Target | None:
    """The target to judge in place of a push that rewrote its branch; None to judge the push
    from its ``before`` (with a note when the default branch itself was rewritten)."""
    before = target.base or ""
    sha = _before(repo, target, before, notes)
    if sha is None:
        why = (f"{before[:12]}, the tip of {rewrite.branch} before the push, is no longer on "
               f"{target.remote} (the push rewrote the branch)")
        if rewrite.instead is None:
            raise ChangeSetError(f"{why}, so what the push changed cannot be determined",
                                 hint=GONE_FIX)
        return _instead(rewrite.instead, why)
    merge_base = _merge_base(repo, target, sha, head, notes, (*target.fetch, sha))
    if merge_base == sha:
        return None
    why = (f"before {sha[:12]} is not an ancestor of after {head[:12]} (the push rewrote "
           f"{rewrite.branch})")
    if rewrite.instead is None:
        notes.append(f"{why}, so the change is what after adds since the two histories part")
        return None
    return _instead(rewrite.instead, why)


def _before(repo: GitRepo, target: Target, before: str, notes: list[str]) -> str | None:
    """The commit the branch pointed to before the push, fetched if need be (the pushed
    commit's own history first, then by name); None when the remote no longer has it."""
    if repo.resolve_commit(before) is None and target.remote in repo.remotes():
        depth = FIRST_FETCH_DEPTH if repo.is_shallow() else None
        if target.fetch and _fetch(repo, target, target.fetch, "the pushed commit",
                                   depth=depth, missing_ok=True):
            notes.append(f"fetched {', '.join(target.fetch)} from {target.remote}")
        if repo.resolve_commit(before) is None:
            if not _fetch(repo, target, (before,), f"{before[:12]}, the tip before the push",
                          depth=depth, missing_ok=True):
                return None
            notes.append(f"fetched {before[:12]} from {target.remote}")
    return _obtain(repo, target, before, "base", notes)


def _instead(instead: Target, why: str) -> Target:
    return replace(instead, base_reason=f"{why}, so it is judged like a new branch: "
                   f"{instead.base_reason}")
