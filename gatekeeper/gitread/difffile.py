"""What the file sections of a diff file become: FileChanges, judged from the headers and hunks
alone (a diff file has no raw records), with the halves of each type change joined."""

from __future__ import annotations

from gatekeeper.changeset.model import FileChange, FileStatus, Hunk
from gatekeeper.errors import DiffInputError
from gatekeeper.gitread.patchfile import PatchFile, hunks_of, join_type_change


def merge_type_changes(patches: list[PatchFile]) -> list[PatchFile]:
    """git prints a type change (file to symlink, say) as a deletion then an addition."""
    merged: list[PatchFile] = []
    for patch in patches:
        prev = merged[-1] if merged else None
        if (prev is not None and prev.git and patch.git and prev.deleted_file
                and patch.new_file and prev.old_path == patch.new_path):
            join_type_change(prev, patch)
            continue
        merged.append(patch)
    return merged


def from_patch(patch: PatchFile) -> FileChange:
    """The FileChange a diff file's section describes."""
    old, new = patch.old_path, patch.new_path
    hunks = hunks_of(patch)
    status = _status(patch, hunks)
    path = (old if status is FileStatus.DELETED else new) or old or new
    if not path:
        raise DiffInputError("a file section of the diff names no path")
    return FileChange(
        path=path,
        old_path=old if status in (FileStatus.RENAMED, FileStatus.COPIED) else None,
        status=status,
        added=patch.added,
        deleted=patch.deleted,
        binary=patch.binary,
        old_mode=None if patch.new_file else patch.old_mode,
        new_mode=None if patch.deleted_file else patch.new_mode,
        similarity=patch.similarity,
        hunks=hunks,
    )


def _status(patch: PatchFile, hunks: tuple[Hunk, ...]) -> FileStatus:
    """The change's kind by git's extended header or, in a plain diff, by its timestamps and
    hunks: a side that is the epoch, or that all hunks leave empty, is no file."""
    if patch.rename_to:
        return FileStatus.RENAMED
    if patch.copy_to:
        return FileStatus.COPIED
    if patch.new_file or (not patch.git and (patch.plain_old_epoch or _only_added(hunks))):
        return FileStatus.ADDED
    if patch.deleted_file or (not patch.git and (patch.plain_new_epoch or _only_deleted(hunks))):
        return FileStatus.DELETED
    if _mode_only(patch, hunks):
        return FileStatus.MODE_ONLY
    return FileStatus.MODIFIED


def _mode_only(patch: PatchFile, hunks: tuple[Hunk, ...]) -> bool:
    """Whether the section changes the file's mode and nothing else."""
    return bool(patch.old_mode and patch.new_mode and patch.old_mode != patch.new_mode
                and not hunks and not patch.binary)


def _only_added(hunks: tuple[Hunk, ...]) -> bool:
    """Whether every hunk adds to an empty old side (``@@ -0,0 ...``); False with no hunk."""
    return bool(hunks) and all(h.old_count == 0 and h.old_start == 0 for h in hunks)


def _only_deleted(hunks: tuple[Hunk, ...]) -> bool:
    """Whether every hunk leaves an empty new side (``... +0,0 @@``); False with no hunk."""
    return bool(hunks) and all(h.new_count == 0 and h.new_start == 0 for h in hunks)
