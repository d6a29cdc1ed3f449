"""Frozen data model of a change set: files, hunks, commits and the revisions compared."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gatekeeper.common.secret import Secret

LineRange = tuple[int, int]
"""An inclusive range of line numbers, ``(first, last)``."""
NOTES_REF = "refs/notes/ai"
"""Where Git AI keeps its authorship notes; a change set carries those of its commits."""


def fold_ranges(lines: Iterable[int]) -> tuple[LineRange, ...]:
    """Line numbers, in any order and repeated or not, folded into sorted inclusive ranges."""
    found: list[LineRange] = []
    for line in sorted(set(lines)):
        if found and found[-1][1] == line - 1:
            found[-1] = (found[-1][0], line)
        else:
            found.append((line, line))
    return tuple(found)


class FileStatus(str, enum.Enum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    MODE_ONLY = "mode-only"


class EntryKind(str, enum.Enum):
    FILE = "file"
    SYMLINK = "symlink"
    SUBMODULE = "submodule"


MODE_SYMLINK = "120000"
MODE_SUBMODULE = "160000"


def kind_of_mode(mode: str | None) -> EntryKind:
    if mode == MODE_SYMLINK:
        return EntryKind.SYMLINK
    if mode == MODE_SUBMODULE:
        return EntryKind.SUBMODULE
    return EntryKind.FILE


@dataclass(frozen=True, slots=True)
class Hunk:
    """One hunk; line numbers of added lines are in the new file, removed ones in the old."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    added: tuple[LineRange, ...]
    removed: tuple[LineRange, ...]
    section: str = ""

    def added_lines(self) -> Iterator[int]:
        for first, last in self.added:
            yield from range(first, last + 1)

    def removed_lines(self) -> Iterator[int]:
        for first, last in self.removed:
            yield from range(first, last + 1)


@dataclass(frozen=True, slots=True)
class FileChange:
    """Everything git says about one path in the change set."""

    path: str
    old_path: str | None
    status: FileStatus
    added: int
    deleted: int
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    similarity: int | None = None
    new_blob: str | None = None
    hunks: tuple[Hunk, ...] = ()
    old_blob: str | None = None
    size: int | None = None
    """Bytes of the new content, when read from git (None for a deletion or a diff file)."""
    forced_text: bool = False
    """git takes the content for binary (a NUL byte), but the name is a text or source file's,
    so its lines were counted as text all the same."""

    @property
    def kind(self) -> EntryKind:
        return kind_of_mode(self.old_mode if self.status is FileStatus.DELETED else self.new_mode)

    @property
    def is_symlink(self) -> bool:
        return self.kind is EntryKind.SYMLINK

    @property
    def is_submodule(self) -> bool:
        return self.kind is EntryKind.SUBMODULE

    @property
    def mode_changed(self) -> bool:
        return bool(self.old_mode and self.new_mode and self.old_mode != self.new_mode)

    @property
    def changed(self) -> int:
        return self.added + self.deleted

    @property
    def is_pure_rename(self) -> bool:
        """Renamed or copied with the content unchanged (a changed binary file has no lines)."""
        return (self.status in (FileStatus.RENAMED, FileStatus.COPIED) and self.changed == 0
                and self.similarity in (None, 100))

    @property
    def binary_bytes(self) -> int:
        """Bytes of binary content the change brings: the new size of a binary file that was
        added or changed (0 for text, deletions, pure renames and mode changes)."""
        if not self.binary or self.status in (FileStatus.DELETED, FileStatus.MODE_ONLY) \
                or self.is_pure_rename:
            return 0
        return self.size or 0

    def added_lines(self) -> Iterator[int]:
        for hunk in self.hunks:
            yield from hunk.added_lines()

    def removed_lines(self) -> Iterator[int]:
        """Numbers of the removed lines, in the old file."""
        for hunk in self.hunks:
            yield from hunk.removed_lines()


@dataclass(frozen=True, slots=True)
class Trailer:
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Commit:
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
        return len(self.parents) > 1

    def trailer_values(self, key: str) -> list[str]:
        """Values of every trailer named ``key``; keys compare case-insensitively."""
        wanted = key.lower()
        return [t.value for t in self.trailers if t.key.lower() == wanted]


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class AddedComment:
    """An added line that holds a comment marker (``#``, ``//``, ``/*``, ``<!--`` ...), kept
    so AI authorship comments can be found after the diff is gone."""

    path: str
    line: int
    """The line number in the new file."""
    text: str
    """The line with surrounding whitespace removed, shortened to a bounded length."""


@dataclass(frozen=True, slots=True)
class FileText:
    """The text of a file's added and removed lines, kept for the feature-flag scan.

    Each is the lines in diff order, each ending with a newline; the k-th added line is the
    k-th number of the file's added ranges (``FileChange.added_lines``), and likewise for
    removed lines and the removed ranges (numbers in the old file).
    """

    added: bytes = b""
    removed: bytes = b""


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """Where an added line at the head came from, by ``git blame``: for notes attribution."""

    line: int
    """The line number at the head."""
    commit: str
    path: str
    """The file's path in ``commit``."""
    original_line: int
    """The line number in ``commit``'s version of the file."""


@dataclass(frozen=True, slots=True)
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
        return not self.files and not self.commits
