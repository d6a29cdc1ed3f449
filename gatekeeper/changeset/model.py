"""Frozen data model of a change set: files, hunks, commits and the revisions compared."""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

from gatekeeper.changeset.files import (
    MODE_SUBMODULE,
    MODE_SYMLINK,
    EntryKind,
    FileChange,
    FileStatus,
    Hunk,
    LineRange,
    fold_ranges,
    kind_of_mode,
)

# The files' model has a module of its own; every name of the change set is offered here.
from gatekeeper.common.records import record

if TYPE_CHECKING:
    from gatekeeper.common.secret import Secret

__all__ = ["MAX_NOTE_BYTES", "MODE_SUBMODULE", "MODE_SYMLINK", "NOTES_REF", "AddedComment",
           "ChangeMeta", "ChangeSet", "Commit", "EntryKind", "FileChange", "FileStatus", "FileText",
           "Hunk", "LineOrigin", "LineRange", "Revisions", "Trailer", "fold_ranges", "kind_of_mode"]

NOTES_REF = "refs/notes/ai"
"""Where Git AI keeps its authorship notes; a change set carries those of its commits."""
MAX_NOTE_BYTES = 8 << 20
"""A larger note is not read: the change's author writes it."""


@record(slots=True)
class Trailer:
    """One ``Key: value`` trailer of a commit message."""

    key: str
    value: str


@record(slots=True)
class Commit:
    """One commit of the change: identities, message and trailers."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    subject: str
    body: str
    trailers: tuple[Trailer, ...] = ()

    @property
    def is_merge(self) -> bool:
        """Whether the commit has more than one parent."""
        return len(self.parents) > 1

    def trailer_values(self, key: str) -> list[str]:
        """Values of every trailer named ``key``; keys compare case-insensitively."""
        wanted = key.lower()
        return [t.value for t in self.trailers if t.key.lower() == wanted]


@record(slots=True)
class Revisions:
    """Which revisions were compared and how each was found, for the report."""

    mode: str  # "range", "staged" or "diff-file"
    base_ref: str | None = None
    base_sha: str | None = None
    base_reason: str = ""
    head_ref: str | None = None
    head_sha: str | None = None
    merge_base: str | None = None
    source: str | None = None  # the diff file, in diff-file mode
    head_reason: str = ""
    context: str = ""
    """The context the revisions came from (``GitHub Actions pull_request``, ``local run``)."""
    name: str = ""
    """What was checked when a run checks several things, such as a pushed ref."""

    def describe(self) -> str:
        """The compared revisions in words, for the report."""
        if self.mode == "diff-file":
            return f"diff read from {self.source}"
        if self.mode == "staged":
            return f"staged changes against {self.base_ref or 'the empty tree'}"
        head = self.head_ref or "HEAD"
        if self.head_reason:
            head += f" ({self.head_reason})"
        if self.base_ref is None:
            return f"{head} with no base ({self.base_reason})"
        short = (self.merge_base or "")[:12]
        return f"{head} against {self.base_ref} (merge base {short}; {self.base_reason})"


@record(slots=True)
class ChangeMeta:
    """What the review platform knows about the change; empty when run outside a PR or MR."""

    labels: tuple[str, ...] = ()
    target_branch: str | None = None
    number: int | None = None
    """The PR or MR number (GitLab's IID)."""
    draft: bool | None = None
    author: str | None = None
    """The PR or MR author's login; None when unknown (rules then look at commit authors)."""
    title: str | None = None
    description: str | None = None
    repository: str | None = None
    """Who the repository is (``github.com/acme/app``): from the CI platform's variables, else
    the remote's URL or the root commit. It keys the spot check, with ``number`` or ``branch``."""
    repository_from: str = ""
    """Where ``repository`` came from, for the report (``GITHUB_REPOSITORY``)."""
    branch: str | None = None
    """The branch the change is on (a push's branch, the checked-out branch), when known."""
    salt: Secret | None = field(default=None, repr=False, compare=False)
    """The secret spot check salt from the environment; it never shows in any output."""


@record(slots=True)
class AddedComment:
    """An added line that holds a comment marker (``#``, ``//``, ``/*``, ``<!--`` ...), kept
    so AI authorship comments can be found after the diff is gone."""

    path: str
    line: int
    """The line number in the new file."""
    text: str
    """The line with surrounding whitespace removed, shortened to a bounded length."""


@record(slots=True)
class FileText:
    """The text of a file's added and removed lines, kept for the feature-flag scan.

    Each is the lines in diff order, each ending with a newline; the k-th added line is the
    k-th number of the file's added ranges (``FileChange.added_lines``), and likewise for
    removed lines and the removed ranges (numbers in the old file).
    """

    added: bytes = b""
    removed: bytes = b""


@record(slots=True)
class LineOrigin:
    """Where an added line at the head came from, by ``git blame``: for notes attribution."""

    line: int
    """The line number at the head."""
    commit: str
    path: str
    """The file's path in ``commit``."""
    original_line: int
    """The line number in ``commit``'s version of the file."""


@record(slots=True)
class ChangeSet:
    """The raw change set: what changed and in which commits, before any policy is applied."""

    revisions: Revisions
    files: tuple[FileChange, ...]
    commits: tuple[Commit, ...] = ()
    attributes: dict[str, dict[str, bool]] = field(default_factory=dict)
    """Path to the linguist attributes .gitattributes sets or unsets for it."""
    headers: dict[str, str] = field(default_factory=dict)
    """Path to the first bytes of its new content, for generated-file banners."""
    meta: ChangeMeta = ChangeMeta()
    comments: tuple[AddedComment, ...] = ()
    """Added lines holding a comment, for AI authorship comments."""
    notes: dict[str, bytes] = field(default_factory=dict)
    """Commit to its note on refs/notes/ai, for the commits of the change that have one."""
    unread_notes: dict[str, int] = field(default_factory=dict)
    """Commit to the size of its note, for notes too big to read."""
    origins: dict[str, tuple[LineOrigin, ...]] = field(default_factory=dict)
    """Path to where its added lines came from, for files that commits with notes touched."""
    texts: dict[str, FileText] = field(default_factory=dict)
    """Path to the text of its added and removed lines, when the policy scans for flags."""
    unscanned: tuple[str, ...] = ()
    """Paths whose line text was not kept: the change set's text budget ran out."""
    attributes_from: str = ""
    """The tree .gitattributes were read from, in words ("the base commit 1a2b3c4d5e6f");
    empty when none were read (a diff file)."""

    @property
    def empty(self) -> bool:
        """Whether the change set has neither files nor commits."""
        return not self.files and not self.commits
