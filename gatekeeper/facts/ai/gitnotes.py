"""Reads the Git AI notes of a change's commits, and blames its added lines to trace them.

A note's line numbers are those of the file in the commit it is on; ``git blame`` maps each
added line at the head back to the commit and line it came from, so lines rewritten later no
longer count and renamed files keep their attribution.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from gatekeeper.changeset.model import (
    MAX_NOTE_BYTES,
    NOTES_REF,
    ChangeSet,
    FileChange,
    FileStatus,
    LineOrigin,
)

if TYPE_CHECKING:
    from gatekeeper.gitread.gitio import GitRepo

MAX_RANGES = 200
"""Blame is given at most this many ranges of a file, each an argument of its own."""
def collect(repo: GitRepo, changeset: ChangeSet) -> ChangeSet:
    """``changeset`` with the notes of its commits and, when there are any, the origins of the
    added lines of its text files. Staged changes and diff files have no commits to read."""
    head = changeset.revisions.head_sha
    if changeset.revisions.mode != "range" or not changeset.commits or not head:
        return changeset
    shas = [c.sha for c in changeset.commits]
    found, oversized = repo.read_notes(NOTES_REF, shas, MAX_NOTE_BYTES)
    notes = {sha: found[sha] for sha in shas if sha in found}
    unread = {sha: oversized[sha] for sha in shas if sha in oversized}
    if not notes and not unread:
        return changeset
    origins = {change.path: _trace(repo, head, changeset.revisions.merge_base, change)
               for change in changeset.files if change.added and _traceable(change)}
    return replace(changeset, notes=notes, unread_notes=unread, origins=origins)


def _trace(repo: GitRepo, head: str, since: str | None,
           change: FileChange) -> tuple[LineOrigin, ...]:
    # Only a change with notes comes here: every other check loads none of blame's code.
    from gatekeeper.facts.ai.blame import parse_porcelain

    ranges = [r for hunk in change.hunks for r in hunk.added]
    if not ranges:
        return ()
    if len(ranges) <= MAX_RANGES:
        return tuple(parse_porcelain(repo.blame(head, change.path, ranges, since)))
    # One range from the first added line to the last keeps the command line short.
    wanted = set(change.added_lines())
    span = [(ranges[0][0], ranges[-1][1])]
    return tuple(o for o in parse_porcelain(repo.blame(head, change.path, span, since))
                 if o.line in wanted)


def _traceable(change: FileChange) -> bool:
    """Whether the file's added lines are text lines that exist at the head."""
    return not (change.binary or change.status is FileStatus.DELETED or change.is_symlink
                or change.is_submodule)
