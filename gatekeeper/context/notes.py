"""Brings the Git AI notes (refs/notes/ai) into a CI checkout, which fetches no notes itself.

actions/checkout and GitLab Runner fetch branches and the commit to test, never refs/notes/*.
Notes are optional evidence: when the remote cannot be reached the run goes on without them and
the report says so. Local runs and hooks use the notes already in the repository.
"""

from __future__ import annotations

from gatekeeper.changeset.model import NOTES_REF
from gatekeeper.context.model import Context
from gatekeeper.gitread.gitio import GitRepo

CI_KINDS = ("github", "gitlab")
REFSPEC = f"+{NOTES_REF}:{NOTES_REF}"


def fetch_notes(repo: GitRepo, found: Context) -> tuple[str, ...]:
    """Fetch the remote's notes for a CI run's context; what the report should say, if anything.

    Call it after the targets are resolved: in a shallow clone the notes come at depth 1, and a
    later deepening would otherwise deepen the notes' history too.
    """
    if found.kind not in CI_KINDS or not found.targets:
        return ()
    remote = found.targets[0].remote
    if remote not in repo.remotes():
        return ()
    advertised = repo.remote_refs(remote, NOTES_REF)
    if advertised is None:
        return (f"AI notes ({NOTES_REF}) not read: the remote {remote} could not be reached",)
    if NOTES_REF not in advertised:
        return ()
    # A full clone stays full: --depth would make it shallow.
    depth = 1 if repo.is_shallow() else None
    if not repo.fetch(remote, (REFSPEC,), depth=depth):
        return (f"AI notes ({NOTES_REF}) not read: fetching them from {remote} failed",)
    return ()
