"""Where policy files are read from: the file system, or a commit's tree (the trusted base)."""

from __future__ import annotations

import errno
import posixpath
from collections.abc import Callable
from pathlib import Path

from gatekeeper.common.records import record
from gatekeeper.errors import PolicyError

MAX_LINKS = 8
"""Symlinks followed to reach one policy file in a commit; a longer chain is refused."""
SYMLINK = "120000"
BLOBS = ("100644", "100755")


class FileSource:
    """Policy files on disk; keys are absolute paths."""

    label = "worktree"

    def key(self, path: Path) -> str:
        """The absolute, symlink-resolved path that names the policy file ``path``."""
        return str(path.resolve())

    def read(self, key: str) -> bytes | None:
        """The file's bytes, or None when there is no such file. A file that is there but
        cannot be read (permission denied, an I/O error) raises OSError: it is not missing."""
        try:
            return Path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError):
            return None  # missing, a folder, a NUL byte
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                return None
            raise

    def join(self, parent: str, entry: str) -> str | None:
        """The key of ``entry`` relative to the folder of ``parent``; None if it cannot resolve."""
        try:
            return str((Path(parent).parent / entry).resolve())
        except (OSError, ValueError):
            return None


@record
class TreeSource:
    """Policy files in a commit; keys are repository-relative paths. ``read_blob`` and
    ``entry_mode`` come from the git layer, so this module never runs git itself.

    A symlink is followed as the commit records it (a symlink blob naming another path of the
    same tree), never through the work tree, where a change could point it anywhere.
    """

    label: str
    """``base`` or ``head``: shown in the report as where the policy came from."""
    rev: str
    read_blob: Callable[[str, str], bytes | None]
    entry_mode: Callable[[str, str], str | None]
    """The git mode of a path in a commit (``100644``, ``120000``, ...), None if absent."""

    def key(self, path: Path) -> str:
        """``path`` as a normalised repository-relative path: the file's key in the commit."""
        return posixpath.normpath(path.as_posix()).lstrip("/")

    def read(self, key: str) -> bytes | None:
        """The blob of the file ``key`` names, symlinks followed; None when the commit lacks it."""
        path = self.resolve(key)
        return None if path is None else self.read_blob(self.rev, path)

    def resolve(self, key: str) -> str | None:
        """The path of the file ``key`` names once the tree's symlinks are followed; None
        when the commit has no such file. A symlink that leaves the tree, dangles or leads
        through more than ``MAX_LINKS`` links is a ``PolicyError``."""
        if self.entry_mode(self.rev, key) in BLOBS:  # no symlink on the way: the usual case
            return key
        pending, done, hops = key.split("/"), list[str](), 0
        while pending:
            name = pending.pop(0)
            if name in ("", "."):
                continue
            if name == "..":
                if not done:
                    raise self._link_error(key, "leads out of the repository")
                done.pop()
                continue
            path = "/".join([*done, name])
            mode = self.entry_mode(self.rev, path)
            if mode is None:
                if hops:
                    raise self._link_error(key, f"leads to {path}, which the commit lacks")
                return None
            if mode != SYMLINK:
                done.append(name)
                continue
            hops += 1
            if hops > MAX_LINKS:
                raise self._link_error(key, f"leads through more than {MAX_LINKS} symlinks")
            target = (self.read_blob(self.rev, path) or b"").decode("utf-8", "replace")
            if target.startswith("/"):
                raise self._link_error(key, "leads out of the repository")
            pending = target.split("/") + pending
        final = "/".join(done)
        return final if done and self.entry_mode(self.rev, final) in BLOBS else None

    def _link_error(self, key: str, problem: str) -> PolicyError:
        return PolicyError(f"a symlink in the {self.label} commit {self.rev[:12]} {problem}",
                           file=key, hint="point the symlink at a policy file inside the "
                           "repository, or name that file itself")

    def join(self, parent: str, entry: str) -> str | None:
        """The path of ``entry`` relative to ``parent``'s folder; None if it leaves the tree."""
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(parent), entry))
        # A commit's tree has no outside: an extends that climbs out of it names nothing.
        if entry.startswith("/") or joined == ".." or joined.startswith("../"):
            return None
        return joined


Source = FileSource | TreeSource


@record(slots=True)
class PolicySource:
    """Which policy a run used, as reports name it; ``path`` is None for the built-in default."""

    path: str | None
    builtin: bool
    description: str
    files: tuple[str, ...] = ()
    """Every file the policy was composed from, packs and extends first."""
