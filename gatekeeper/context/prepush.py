"""The pre-push context: one target per ref git is about to push, read from the hook's stdin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from gatekeeper.changeset import ChangeMeta
from gatekeeper.context.model import Context, Request, Target, is_zero
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitio import GitRepo

DEFAULT_REMOTE = "origin"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class PushedRef:
    """One line of git's pre-push input."""

    local_ref: str
    """As given to git push: a ref, ``(delete)``, or an expression such as ``HEAD~``."""
    local_sha: str
    remote_ref: str
    remote_sha: str


@dataclass(frozen=True)
class Departure:
    """Where a commit leaves a remote's history, for a ref the remote does not have yet."""

    base: str | None
    """The remote commit to compare with; None when no commit of the history is there."""
    reason: str
    new_commits: int


def detect(repo: GitRepo, request: Request, env: Mapping[str, str],
           stdin: IO[str] | None) -> Context:
    remote = request.remote or DEFAULT_REMOTE
    if stdin is None or stdin.isatty():
        raise UsageError("the pre-push context reads the refs being pushed from stdin, as git "
                         "hands them to a pre-push hook",
                         hint="install the hook with gatekeeper install-hook and run git push")
    targets: list[Target] = []
    skipped: list[str] = []
    for ref in parse(stdin):
        found = target_for(repo, remote, ref)
        if isinstance(found, Target):
            targets.append(found)
        else:
            skipped.append(found)
    description = f"pre-push hook to {remote}"
    if skipped:
        description += ", " + ", ".join(skipped)
    meta = ChangeMeta(target_branch=branch_of(targets[0].name)) if len(targets) == 1 else \
        ChangeMeta()
    return Context("pre-push", description, tuple(targets), meta=meta)


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


def is_object_name(text: str) -> bool:
    """A full SHA-1 or SHA-256 object name in lower-case hex."""
    return len(text) in (40, 64) and set(text) <= _HEX


def target_for(repo: GitRepo, remote: str, ref: PushedRef) -> Target | str:
    """The target for one pushed ref, or a note saying why there is nothing to check."""
    if is_zero(ref.local_sha):
        return f"deleting {ref.remote_ref}"
    head = repo.resolve_commit(ref.local_sha)
    if head is None:
        return f"{ref.remote_ref} pointing to {ref.local_sha[:12]}, not a commit"
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
    distance = {edge: int(repo.rev_list("--count", f"{edge}..{head}")[0]) for edge in edges}
    base = min(edges, key=lambda edge: distance[edge])
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
