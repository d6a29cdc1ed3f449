"""Reads a blob's bytes from the checked-out file at its path, when that file is the blob.

A CI job's clone has the change's head checked out, so most new blobs of a change already sit
in the work tree, and reading a file costs far less than git inflating the blob through
``cat-file``. The work tree is not trusted: earlier steps of the job may have run the change's
code, which could edit a file (add a generator banner, say) or swap it for a link. So a file
counts as the blob only when the git object name of exactly the bytes read equals the blob's
name; anything else (an edit, a line-ending conversion, a filter, a link, a device) is left to
``cat-file``. git's SHA-1 refuses objects that carry the known collision attacks, so a
committed blob cannot have a crafted twin of that kind.

Pure file reading; never runs git.
"""

from __future__ import annotations

import os
import stat

from gatekeeper.gitread.objectname import hasher

MAX_BYTES = 64 << 20
"""Larger files are left to git: a swapped-in huge file must not cost a full read."""
GIVE_UP_AFTER = 16
"""Files that differ, with none yet matching, after which the work tree is taken to hold
another revision and no more files are read."""
WASTE_BYTES = 64 << 20
"""Bytes read of files that then differed, after which no more files are read: a tree whose
files were swapped for large ones cannot make a check read them all."""
CHUNK = 1 << 20
"""Bytes read at a time."""
SAMPLE = 256
SMALL_MEAN = 4 << 10
"""Reading a file costs a few system calls whatever its size, about what ``cat-file`` costs
the parser per blob; the gain is in the bytes git need not inflate and pipe. So once SAMPLE
files matched, a change whose files average under SMALL_MEAN bytes reads no more of them."""
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_ODD_PARTS = ("//", "/./", "/../", "/.git/") + (("\\", ":") if os.sep != "/" else ())
"""What a path must not hold: empty, relative or .git parts, and where "/" is not the only
separator, the other one and drive or stream names."""


class CheckedOut:
    """The work tree at ``root``, read for blobs; counts what it found, to stop early."""

    def __init__(self, root: str) -> None:
        self.root = root + os.sep
        self.matched = 0
        self.matched_bytes = 0
        self.differed = 0
        self.wasted = 0
        self._folders: dict[str, bool] = {"": True}

    @property
    def worth_reading(self) -> bool:
        """Whether more files may come from the work tree (see GIVE_UP_AFTER, WASTE_BYTES,
        SMALL_MEAN)."""
        if self.wasted > WASTE_BYTES:
            return False
        if not self.matched:
            return self.differed < GIVE_UP_AFTER
        return self.matched < SAMPLE or self.matched_bytes >= SMALL_MEAN * self.matched

    def read(self, path: str, blob: str, keep: int) -> tuple[bytes, int] | None:
        """The first ``keep`` bytes and the size of blob ``blob``, from the file at ``path``
        (relative, "/"-separated); None when that file is not exactly the blob or no longer
        worth reading."""
        if not self.worth_reading:
            return None
        found = self._plain_file(path, blob, keep)
        if found is not None and found[0] == blob:
            self.matched += 1
            self.matched_bytes += found[2]
            return found[1], found[2]
        self.differed += 1
        self.wasted += found[2] if found is not None else 0
        return None

    def _plain_file(self, path: str, blob: str, keep: int) -> tuple[str, bytes, int] | None:
        """The object name (in ``blob``'s hash), first ``keep`` bytes and size of the regular
        file at ``path``, reached through real folders only."""
        framed = f"/{path.lower()}/"
        if any(odd in framed for odd in _ODD_PARTS) or not self._real_folder(
                path.rpartition("/")[0]):
            return None
        full = self.root + path if os.sep == "/" else os.path.join(self.root, *path.split("/"))
        try:
            seen = os.lstat(full)
            if not stat.S_ISREG(seen.st_mode) or seen.st_size > MAX_BYTES:
                return None
            descriptor = os.open(full, _OPEN_FLAGS)
        except (OSError, ValueError):
            return None
        try:
            opened = os.fstat(descriptor)
            if (opened.st_dev, opened.st_ino) != (seen.st_dev, seen.st_ino):
                return None  # swapped between the look and the open
            return _hashed(descriptor, opened.st_size, blob, keep)
        except OSError:
            return None
        finally:
            os.close(descriptor)

    def _real_folder(self, folder: str) -> bool:
        """Whether ``folder`` and each folder above it is a folder, not a link to one; asked
        of the system once per folder, from the deepest one already known down (a loop: a
        change's path may be thousands of folders deep)."""
        unknown = []
        while folder not in self._folders:
            unknown.append(folder)
            folder = folder.rpartition("/")[0]
        real = self._folders[folder]
        for name in reversed(unknown):
            if real:
                try:
                    real = stat.S_ISDIR(os.lstat(self.root + name).st_mode)
                except (OSError, ValueError):
                    real = False
            self._folders[name] = real
        return real


def _hashed(descriptor: int, size: int, blob: str, keep: int) -> tuple[str, bytes, int] | None:
    """The object name, first ``keep`` bytes and size of the file behind ``descriptor``,
    ``size`` bytes as it was looked at; None if it holds more. Read in CHUNK pieces into the
    hash, so that a large file never sits in memory whole; a short read can only fail the
    object name test."""
    digest = hasher("blob", size, blob)
    if digest is None or size > MAX_BYTES:
        return None
    first = b""
    done = 0
    while done <= size:
        wanted = min(size - done + 1, CHUNK)  # one byte past the size: a grown file shows
        chunk = os.read(descriptor, wanted)
        if done < keep:
            first += chunk[:keep - done]
        digest.update(chunk)
        done += len(chunk)
        if len(chunk) < wanted:  # the end: a small file takes one read
            break
    return (str(digest.hexdigest()), first, size) if done == size else None
