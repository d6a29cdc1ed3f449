"""The files of a change set: what happened to each path, and its hunks' line ranges."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import fields
from operator import attrgetter

from gatekeeper.common.records import record

LineRange = tuple[int, int]
"""An inclusive range of line numbers, ``(first, last)``."""


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
    """What happened to a path in the change."""

    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    MODE_ONLY = "mode-only"


class EntryKind(str, enum.Enum):
    """What a tree entry is, by its mode."""

    FILE = "file"
    SYMLINK = "symlink"
    SUBMODULE = "submodule"


MODE_SYMLINK = "120000"
MODE_SUBMODULE = "160000"


def kind_of_mode(mode: str | None) -> EntryKind:
    """The kind of entry git's ``mode`` (``100644``, ``120000``, ...) stands for."""
    if mode == MODE_SYMLINK:
        return EntryKind.SYMLINK
    if mode == MODE_SUBMODULE:
        return EntryKind.SUBMODULE
    return EntryKind.FILE


@record(slots=True)
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
        """Numbers of the added lines, in the new file."""
        for first, last in self.added:
            yield from range(first, last + 1)

    def removed_lines(self) -> Iterator[int]:
        """Numbers of the removed lines, in the old file."""
        for first, last in self.removed:
            yield from range(first, last + 1)


@record(slots=True)
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
        """What the path is: its mode after the change, or before it for a deletion."""
        return kind_of_mode(self.old_mode if self.status is FileStatus.DELETED else self.new_mode)

    @property
    def is_symlink(self) -> bool:
        """Whether the path is a symbolic link."""
        # The mode compared here, not through ``kind``: asked several times of every file.
        return (self.old_mode if self.status is FileStatus.DELETED
                else self.new_mode) == MODE_SYMLINK

    @property
    def is_submodule(self) -> bool:
        """Whether the path is a submodule (a gitlink)."""
        return (self.old_mode if self.status is FileStatus.DELETED
                else self.new_mode) == MODE_SUBMODULE

    @property
    def mode_changed(self) -> bool:
        """Whether the change gives the path a different mode."""
        return bool(self.old_mode and self.new_mode and self.old_mode != self.new_mode)

    @property
    def changed(self) -> int:
        """Lines added plus lines deleted."""
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
        """Numbers of the added lines, in the new file."""
        for hunk in self.hunks:
            yield from hunk.added_lines()

    def removed_lines(self) -> Iterator[int]:
        """Numbers of the removed lines, in the old file."""
        for hunk in self.hunks:
            yield from hunk.removed_lines()


_FILE_FIELDS = attrgetter(*(f.name for f in fields(FileChange)))
_SIZE_AT = [f.name for f in fields(FileChange)].index("size")


def with_size(change: FileChange, size: int) -> FileChange:
    """``change`` with its ``size`` set. It is done once per file of a change, 50,000 times or
    more; ``dataclasses.replace`` takes twice as long, as it looks up every field by name."""
    values = list(_FILE_FIELDS(change))
    values[_SIZE_AT] = size
    return FileChange(*values)
