"""The pre-push context: one target per ref git is about to push, read from the hook's stdin.

A branch other than the remote's default branch is judged from its merge base with that
branch, as its pull request will be, so that two small pushes cannot pass a change that is too
big as a whole; the default branch itself is judged by what each push adds. ``git config
gatekeeper.pushRange push`` (or ``GATEKEEPER_PUSH_RANGE=push``) judges every push on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import IO

from gatekeeper.changeset.model import ChangeMeta
from gatekeeper.common.records import record
from gatekeeper.context.model import Context, Request, Target, is_object_name, is_zero
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitread.gitio import GitRepo

DEFAULT_REMOTE = "origin"
SETTING = "gatekeeper.pushRange"
SETTING_VARIABLE = "GATEKEEPER_PUSH_RANGE"
RANGES = ("branch", "push")
"""branch: a branch as its pull request will be judged (the default); push: what it adds."""


@record
class PushedRef:
    """One line of git's pre-push input."""

    local_ref: str
    """As given to git push: a ref, ``(delete)``, or an expression such as ``HEAD~``."""
    local_sha: str
    remote_ref: str
    remote_sha: str


@record
class DefaultBranch:
    """The remote's default branch, as this clone knows it (no network call in a hook)."""

    name: str
    ref: str
    """Its remote-tracking ref, refs/remotes/<remote>/<name>."""
    how: str
    """Which local ref said so, for the report."""


@record
class Departure:
    """Where a commit leaves a remote's history, for a ref the remote does not have yet."""

    base: str | None
    """The remote commit to compare with; None when no commit of the history is there."""
    reason: str
    new_commits: int


def detect(repo: GitRepo, request: Request, env: Mapping[str, str],
           stdin: IO[str] | None) -> Context:
    """A target per ref on the hook's stdin; refs with nothing to check go in the description."""
    remote = request.remote or DEFAULT_REMOTE
    if stdin is None or stdin.isatty():
        raise UsageError("the pre-push context reads the refs being pushed from stdin, as git "
                         "hands them to a pre-push hook",
                         hint="install the hook with gatekeeper install-hook and run git push")
    by_branch = push_range(repo, env) == "branch"
    default = default_branch(repo, remote) if by_branch else None
    targets: list[Target] = []
    skipped: list[str] = []
    for ref in parse(stdin):
        found = target_for(repo, remote, ref, default, unknown=by_branch and default is None)
        if isinstance(found, Target):
            targets.append(found)
        else:
            skipped.append(found)
    description = f"pre-push hook to {remote}"
    if skipped:
        description += ", " + ", ".join(skipped)
    one = len(targets) == 1
    meta = ChangeMeta(target_branch=_target_branch(targets[0], default) if one else None)
    return Context("pre-push", description, tuple(targets), meta=meta)


def push_range(repo: GitRepo, env: Mapping[str, str]) -> str:
    """``branch`` or ``push``: GATEKEEPER_PUSH_RANGE, else git config gatekeeper.pushRange,
    else ``branch``."""
    where, value = SETTING_VARIABLE, env.get(SETTING_VARIABLE, "")
    if not value.strip():
        where, value = f"git config {SETTING}", repo.config(SETTING) or "branch"
    if value.strip().lower() not in RANGES:
        raise UsageError(f"{where} is {value[:60]!r}, not one of {', '.join(RANGES)}",
                         hint="branch judges a branch as its pull request will be; push judges "
                              "what each push adds")
    return value.strip().lower()


def default_branch(repo: GitRepo, remote: str) -> DefaultBranch | None:
    """The remote's default branch from this clone's refs: <remote>/HEAD, else <remote>/main,
    else <remote>/master; None when none of them is here."""
    prefix = f"refs/remotes/{remote}/"
    head = repo.symbolic_ref(f"{prefix}HEAD", short=False)
    if head and head.startswith(prefix) and repo.resolve_commit(head):
        return DefaultBranch(head[len(prefix):], head, f"{remote}/HEAD")
    for name in ("main", "master"):
        if repo.resolve_commit(prefix + name):
            return DefaultBranch(name, prefix + name, f"{remote}/{name}, as {remote}/HEAD is "
                                 "not set here")
    return None


def _target_branch(target: Target, default: DefaultBranch | None) -> str | None:
    # A branch judged as its pull request will be has that pull request's target branch.
    if default is not None and target.base == default.ref:
        return default.name
    return branch_of(target.name)


def parse(lines: Iterable[str]) -> list[PushedRef]:
    """git's pre-push lines: ``<local ref> <local object> <remote ref> <remote object>``."""
    refs = []
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        # The local side is the one that may be an arbitrary expression, so split from the right.
        parts = text.rsplit(" ", 3)
        if len(parts) != 4 or not (is_object_name(parts[1]) and is_object_name(parts[3])):
            raise ChangeSetError(
                f"line {number} of the pre-push input is not '<local ref> <local object> "
                f"<remote ref> <remote object>': {text[:120]!r}",
                hint="let git feed the hook's stdin to gatekeeper unchanged")
        refs.append(PushedRef(*parts))
    return refs


def target_for(repo: GitRepo, remote: str, ref: PushedRef, default: DefaultBranch | None = None,
               *, unknown: bool = False) -> Target | str:
    """The target for one pushed ref, or a note saying why there is nothing to check. With
    ``default``, a branch other than it is judged from its merge base with it; ``unknown``:
    that was asked for, but the remote's default branch is not known here."""
    if is_zero(ref.local_sha):
        return f"deleting {ref.remote_ref}"
    head = repo.resolve_commit(ref.local_sha)
    if head is None:
        return f"{ref.remote_ref} pointing to {ref.local_sha[:12]}, not a commit"
    branch = branch_of(ref.remote_ref)
    if default is not None and branch is not None and branch != default.name:
        judged = _as_branch(repo, remote, ref, head, default)
        if judged is not None:
            return judged
    found = _per_push(repo, remote, ref, head)
    if unknown and branch is not None and isinstance(found, Target):
        return replace(found, base_reason=(
            f"{found.base_reason}; judged by what the push adds, as {remote}'s default branch "
            f"is not known here (no {remote}/HEAD, main or master: git remote set-head "
            f"{remote} --auto sets it)"))
    return found


def _as_branch(repo: GitRepo, remote: str, ref: PushedRef, head: str,
               default: DefaultBranch) -> Target | str | None:
    """The branch judged from its merge base with the default branch, as its pull request
    will be; None when they share no history here (it is then judged by what it adds)."""
    if is_zero(ref.remote_sha) and depart(repo, remote, head) is None:
        return f"{ref.remote_ref} with no commits new to {remote}"
    # Base first, as the pipeline asks for the merge base it diffs from: git answers once.
    if repo.merge_base(default.ref, head) is None:
        return None
    return Target(ref.local_sha, f"pushing {ref.local_ref}", default.ref, (
        f"{ref.remote_ref} is judged from its merge base with {remote}/{default.name} "
        f"({default.how}), as a pull request into it will be; git config {SETTING} push "
        "judges each push on its own"), name=ref.remote_ref, remote=remote,
        shallow_fix=_shallow_fix(remote))


def _per_push(repo: GitRepo, remote: str, ref: PushedRef, head: str) -> Target | str:
    """What the push adds: an update from the remote's old tip, a new ref from where it
    leaves the remote's history."""
    head_reason = f"pushing {ref.local_ref}"
    if not is_zero(ref.remote_sha):
        if repo.resolve_commit(ref.remote_sha) is None:
            raise ChangeSetError(
                f"{ref.remote_ref} on {remote} is at {ref.remote_sha[:12]}, which this "
                "repository does not have, so what the push adds cannot be determined",
                hint=f"git fetch {remote}, then push again")
        return Target(ref.local_sha, head_reason, ref.remote_sha,
                      f"{ref.remote_ref} on {remote} before the push",
                      name=ref.remote_ref, remote=remote, shallow_fix=_shallow_fix(remote))
    departure = depart(repo, remote, head)
    if departure is None:
        return f"{ref.remote_ref} with no commits new to {remote}"
    return Target(ref.local_sha, head_reason, departure.base,
                  f"{ref.remote_ref} is new on {remote}; {departure.reason}",
                  name=ref.remote_ref, remote=remote, shallow_fix=_shallow_fix(remote))


def depart(repo: GitRepo, remote: str, head: str) -> Departure | None:
    """Where ``head`` (a commit name) leaves the history of ``remote``'s remote-tracking
    branches; None when every commit of it is there already.

    The candidates are the remote commits that new commits build on (rev-list's boundary).
    A branch that merged the remote's main again builds on several; the latest is the one
    with the fewest commits up to the head, and comparing with it leaves out what the
    remote already has.
    """
    listed = repo.rev_list("--boundary", head, "--not", f"--remotes={remote}")
    edges = [line[1:] for line in listed if line.startswith("-")]
    new = len(listed) - len(edges)
    if new == 0:
        return None
    if not edges:
        return Departure(None, f"no commit of its history is on {remote} yet "
                         f"({_commits(new)}), so the whole tree counts as added", new)
    base = edges[0] if len(edges) == 1 else min(
        edges, key=lambda edge: int(repo.rev_list("--count", f"{edge}..{head}")[0]))
    repo.note_ancestor(base, head)  # a boundary commit: the merge base need not be asked
    where = "" if len(edges) == 1 else f", the latest of the {len(edges)} it builds on"
    return Departure(base, f"it leaves {remote}'s history at {base[:12]}{where} "
                     f"({_commits(new)})", new)


def branch_of(ref: str) -> str | None:
    """The branch a pushed ref names (refs/heads/main -> main); None for tags and others."""
    return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None


def _commits(count: int) -> str:
    return f"{count} new commit" + ("" if count == 1 else "s")


def _shallow_fix(remote: str) -> str:
    return f"fetch the history: git fetch --unshallow {remote}"
