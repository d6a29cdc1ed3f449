"""The parsed form of one file section of a unified diff: its header facts and its hunks.

Shared by the parser (``diffparse``, ``diffheaders``), the budgets that decide what it keeps
(``comments``) and both builders of the change set (``gitdiff`` for git's output, ``difffile``
for a diff file); it imports none of them.
"""

from __future__ import annotations

from dataclasses import field
from typing import cast

from gatekeeper.changeset.files import LineRange
from gatekeeper.changeset.model import Hunk
from gatekeeper.common.records import record


@record(slots=True)
class ParsedHunk:
    """One hunk as read: its header's numbers and the added and removed line ranges.

    Each range is ``[first, last]`` line numbers (new-file numbers for ``added``, old-file ones
    for ``removed``); the parser extends the last range in place while it reads the hunk.
    """

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    """The text after the closing ``@@`` (git's function context), or ""."""
    added: list[list[int]]
    removed: list[list[int]]


@record(frozen=False, slots=True)
class PatchFile:
    """One file's section of a unified diff, as the headers and hunks describe it."""

    git: bool
    header_old: str | None = None
    header_new: str | None = None
    minus_path: str | None = None
    plus_path: str | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    new_file: bool = False
    deleted_file: bool = False
    rename_from: str | None = None
    rename_to: str | None = None
    copy_from: str | None = None
    copy_to: str | None = None
    similarity: int | None = None
    index_old: str | None = None
    index_new: str | None = None
    binary: bool = False
    plain_old_epoch: bool = False
    plain_new_epoch: bool = False
    added: int = 0
    deleted: int = 0
    hunks: list[ParsedHunk] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    """Added lines holding a comment: the line number in the new file and the stripped text."""
    added_text: bytearray | None = None
    """With a text budget that wants the file: its added lines, each ending in a newline."""
    removed_text: bytearray | None = None
    text_decided: bool = False
    text_charged: int = 0
    """Bytes of kept text already taken from the budget."""

    @property
    def old_path(self) -> str | None:
        """The file's name before the change, by the most telling header that gives one."""
        return self.rename_from or self.copy_from or self.minus_path or self.header_old

    @property
    def new_path(self) -> str | None:
        """The file's name after the change, by the most telling header that gives one."""
        return self.rename_to or self.copy_to or self.plus_path or self.header_new


def hunks_of(patch: PatchFile) -> tuple[Hunk, ...]:
    """The section's hunks as the change set keeps them."""
    # map(tuple) turns each [first, last] into a pair in C, as a generator would not
    return tuple(
        Hunk(h.old_start, h.old_count, h.new_start, h.new_count,
             cast("tuple[LineRange, ...]", tuple(map(tuple, h.added))),
             cast("tuple[LineRange, ...]", tuple(map(tuple, h.removed))), h.section)
        for h in patch.hunks
    )


def join_type_change(removal: PatchFile, addition: PatchFile) -> None:
    """Fold the addition half of a type change (file to symlink, say) into its deletion half:
    git prints such a change as a deletion then an addition."""
    removal.deleted_file = False
    removal.plus_path = removal.header_new = addition.new_path
    removal.new_mode = addition.new_mode
    removal.added += addition.added
    removal.deleted += addition.deleted
    removal.hunks += addition.hunks
    removal.comments += addition.comments
    if removal.added_text is not None or addition.added_text is not None:
        removal.added_text = (removal.added_text or bytearray()) + (addition.added_text or b"")
        removal.removed_text = ((removal.removed_text or bytearray())
                                + (addition.removed_text or b""))
    removal.binary = removal.binary or addition.binary
