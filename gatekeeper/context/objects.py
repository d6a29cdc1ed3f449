"""Reads what a CI checkout cannot fake: a commit's parents, checked against the commit's name.

A step that ran before gatekeeper can write into ``.git``: a loose object under a commit's
name, or a replace ref that makes git show another commit in its place. A commit's name is the
hash of its content, so the content is hashed again here before its parent lines are trusted.
The parent lines are read from the object itself, because a shallow clone makes git report a
boundary commit as having none.
"""

from __future__ import annotations

from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.objectname import hasher

REMOTE = "origin"
MAX_COMMIT_BYTES = 16 * 1024 * 1024


def parents(repo: GitRepo, sha: str, *, fetch: bool = False) -> tuple[str, ...] | None:
    """The parents ``sha`` names, or None when the commit is not here (after fetching it from
    origin, with ``fetch``); ChangeSetError when its content does not hash to its name."""
    if repo.resolve_commit(sha) != sha and fetch:
        obtain(repo, (sha,))
    if repo.resolve_commit(sha) != sha:  # missing, or git's own hash check refused it
        return None
    with repo.stream("cat-file", "commit", sha) as out:
        data = out.read(MAX_COMMIT_BYTES + 1)
    if not _names(sha, data):
        raise ChangeSetError(
            f"the commit object stored as {sha[:12]} is not the commit of that name (its "
            "content hashes to something else, or a replace ref stands in for it), so the "
            "repository was altered before gatekeeper ran",
            hint="run gatekeeper in a job of its own, on a fresh checkout")
    header = data.split(b"\n\n", 1)[0]
    return tuple(line[len(b"parent "):].decode("ascii", errors="replace")
                 for line in header.split(b"\n") if line.startswith(b"parent "))


def obtain(repo: GitRepo, refspecs: tuple[str, ...]) -> bool:
    """Fetch ``refspecs`` from origin, one commit deep in a shallow clone (as resolve.py does:
    a depth on a full clone would make it shallow); False when that cannot be done."""
    if REMOTE not in repo.remotes():
        return False
    return repo.fetch(REMOTE, refspecs, depth=1 if repo.is_shallow() else None)


def _names(sha: str, data: bytes) -> bool:
    """Whether ``data`` is the content of the commit named ``sha``."""
    digest = hasher("commit", len(data), sha)
    if digest is None or len(data) > MAX_COMMIT_BYTES:
        return False
    digest.update(data)
    return bool(digest.hexdigest() == sha)
