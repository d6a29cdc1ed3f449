"""Where policy files are read from: the file system, or a commit's tree (the trusted base)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class FileSource:
    """Policy files on disk; keys are absolute paths."""

    label = "worktree"

    def key(self, path: Path) -> str:
        return str(path.resolve())

    def read(self, key: str) -> bytes | None:
        try:
            return Path(key).read_bytes()
        except (OSError, ValueError):  # missing, a folder, a name too long, a NUL byte
            return None

    def join(self, parent: str, entry: str) -> str | None:
        try:
            return str((Path(parent).parent / entry).resolve())
        except (OSError, ValueError):
            return None


@dataclass(frozen=True)
class TreeSource:
    """Policy files in a commit; keys are repository-relative paths. ``read_blob`` comes from
    the git layer, so this module never runs git itself."""

    label: str
    """``base`` or ``head``: shown in the report as where the policy came from."""
    rev: str
    read_blob: Callable[[str, str], bytes | None]

    def key(self, path: Path) -> str:
        return posixpath.normpath(path.as_posix()).lstrip("/")

    def read(self, key: str) -> bytes | None:
        return self.read_blob(self.rev, key)

    def join(self, parent: str, entry: str) -> str | None:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(parent), entry))
        # A commit's tree has no outside: an extends that climbs out of it names nothing.
        if entry.startswith("/") or joined == ".." or joined.startswith("../"):
            return None
        return joined


Source = FileSource | TreeSource
