"""Tests for the file-change model's helpers."""

from __future__ import annotations

import dataclasses

from gatekeeper.changeset.files import FileChange, FileStatus, Hunk, with_size


def _every_field_set() -> FileChange:
    """A change whose every field differs from its default, so a field copied wrongly shows."""
    return FileChange(
        path="new/name.py", old_path="old/name.py", status=FileStatus.RENAMED, added=3,
        deleted=2, binary=True, old_mode="100644", new_mode="100755", similarity=87,
        new_blob="a" * 40, hunks=(Hunk(1, 2, 1, 3, ((1, 3),), ((1, 2),), "def f():"),),
        old_blob="b" * 40, size=99, forced_text=True)


def test_with_size_changes_the_size_and_nothing_else() -> None:
    change = _every_field_set()
    sized = with_size(change, 12345)
    assert sized == dataclasses.replace(change, size=12345)
    assert sized.size == 12345 and change.size == 99
    assert all(getattr(sized, f.name) == getattr(change, f.name)
               for f in dataclasses.fields(FileChange) if f.name != "size")
