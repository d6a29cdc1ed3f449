"""Reads a change set's files from ``git diff --raw -z -p``, and settles git's binary verdicts
with the trusted ones: text git took for binary is diffed again as text."""

from __future__ import annotations

import dataclasses
import gc
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import field
from typing import IO

from gatekeeper.changeset.binaries import Decision
from gatekeeper.changeset.model import AddedComment, FileChange, FileStatus
from gatekeeper.common.records import record
from gatekeeper.errors import ChangeSetError, DiffInputError
from gatekeeper.gitread import blobprobe, diffparse, gitpatch, gitstream
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.gitread.patchfile import PatchFile, hunks_of, join_type_change

_ABSENT_MODE = "000000"
_STATUS = {"A": FileStatus.ADDED, "D": FileStatus.DELETED, "R": FileStatus.RENAMED,
           "C": FileStatus.COPIED, "T": FileStatus.MODIFIED, "M": FileStatus.MODIFIED}


@record(frozen=False)
class GitDiff:
    """One change set's ``git diff``, and what reading its output keeps.

    Each read of git's output (the first, and each batch diffed again) adds the added comment
    lines of its files to ``comments`` and, with a text budget, the sections that kept line
    text to ``kept``.
    """

    repo: GitRepo
    args: list[str]
    """The diff's options and revisions, ending in "--": paths may follow."""
    attr_source: str | None
    """The tree git reads .gitattributes from (``--attr-source``), or None."""
    max_comments: int
    """Added comment lines kept per read of git's output."""
    texts: diffparse.TextBudget | None
    batch: int
    """Files per ``git diff --text`` call when files git took for binary are diffed again."""
    comments: list[AddedComment] = field(default_factory=list)
    kept: list[tuple[str, PatchFile]] = field(default_factory=list)
    on_raw: Callable[[list[diffparse.RawEntry]], None] | None = None
    """Called with the raw records of the first read, before its patch is parsed."""
    started: gitstream.Running | None = None
    """The first read's git, when it was started ahead (with these ``args``)."""

    def files(self) -> tuple[FileChange, ...]:
        """The diff's files, as git judged them."""
        running = self.started or self.repo.start("diff", *self.args,
                                                  attr_source=self.attr_source)
        with running.reading() as out, _collector_paused():
            return tuple(self._read(out, self.comments, self.kept, self.on_raw))

    def settle(self, probe: blobprobe.Probe) -> tuple[FileChange, ...]:
        """The probed files with the trusted binary verdicts applied: text git took for binary
        diffed again as text (marked when a NUL byte was overruled), and files the trusted
        attributes call binary emptied of the lines git printed for them."""
        as_text = [f for f in probe.files if probe.decisions.get(f.path) is Decision.TEXT]
        redone = self._rediff(as_text) if as_text else {}
        binary = {path for path, d in probe.decisions.items() if d is Decision.BINARY}
        if binary:
            self.comments[:] = [c for c in self.comments if c.path not in binary]
            self.kept[:] = [(path, patch) for path, patch in self.kept if path not in binary]
        return tuple(_settled(f, probe, redone, binary) for f in probe.files)

    def _rediff(self, files: list[FileChange]) -> dict[str, FileChange]:
        """``files`` diffed again with ``--text``; a few hundred paths a call keep the command
        line short."""
        redone: dict[str, FileChange] = {}
        for start in range(0, len(files), self.batch):
            self._rediff_batch(files[start:start + self.batch], redone)
        return redone

    def _rediff_batch(self, batch: list[FileChange], redone: dict[str, FileChange]) -> None:
        """Diff ``batch`` again into ``redone``, both names of a rename in the same call so git
        pairs them again."""
        paths = {":(literal)" + p for f in batch for p in (f.path, f.old_path) if p}
        wanted = {f.path for f in batch}
        found: list[tuple[str, PatchFile]] = []
        noted: list[AddedComment] = []
        with self.repo.stream("diff", "--text", *self.args, *sorted(paths),
                              attr_source=self.attr_source) as out, _collector_paused():
            for change in self._read(out, noted, found):
                if change.path in wanted:
                    redone[change.path] = change
        # only the comments of the files diffed again, not of any other name in the pathspec
        self.comments += (c for c in noted if c.path in wanted)
        self.kept += [(path, patch) for path, patch in found if path in wanted]

    def _read(self, out: IO[bytes], comments: list[AddedComment],
              kept: list[tuple[str, PatchFile]],
              on_raw: Callable[[list[diffparse.RawEntry]], None] | None = None,
              ) -> Iterator[FileChange]:
        """The files of git's raw-plus-patch output; their added comment lines go to
        ``comments`` and, with a text budget, the sections that kept line text to ``kept``;
        ``on_raw`` sees the raw records first."""
        raw, first = _split_raw_section(out)
        entries = diffparse.parse_raw_z(raw)
        if on_raw is not None:
            on_raw(entries)
        try:
            patches = gitpatch.git_sections(
                itertools.chain([first], out), gitpatch.section_names(entries),
                comments=diffparse.CommentBudget(self.max_comments), texts=self.texts)
            for entry in entries:
                patch = _next_patch(patches, entry)
                comments += (AddedComment(entry.dst, line, body) for line, body in patch.comments)
                if patch.added_text is not None:
                    kept.append((entry.dst, patch))
                yield _from_raw(entry, patch)
        except DiffInputError as exc:
            raise ChangeSetError(f"could not parse git's diff output: {exc.message}") from exc


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a diff is read: the parser makes hundreds of
    thousands of small lists and records, none in a reference cycle, and each of the
    collections they would set off walks every object the process holds."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _settled(change: FileChange, probe: blobprobe.Probe, redone: dict[str, FileChange],
             binary: set[str]) -> FileChange:
    """``change`` as diffed again, or emptied when the trusted attributes call it binary."""
    if change.path in redone:
        return dataclasses.replace(redone[change.path], size=change.size,
                                   forced_text=change.path in probe.overruled)
    if change.path in binary:
        return dataclasses.replace(change, binary=True, added=0, deleted=0, hunks=())
    return change


def _split_raw_section(out: IO[bytes]) -> tuple[bytes, bytes]:
    """Split off the ``--raw -z`` records before the patch; return them and the first line."""
    buffer = b""
    while True:
        line = out.readline()
        buffer += line
        cut = buffer.find(b"\0\0")
        if cut != -1:
            return buffer[: cut + 1], buffer[cut + 2 :]
        if not line:
            return buffer, b""


def _next_patch(patches: Iterator[PatchFile], entry: diffparse.RawEntry) -> PatchFile:
    """The file section of raw record ``entry``: a type change prints as a deletion plus an
    addition, which are joined."""
    patch = next(patches, None)
    if patch is None:
        raise ChangeSetError(f"git diff printed no patch for {entry.dst}")
    if entry.status == "T":
        second = next(patches, None)
        if second is None:
            raise ChangeSetError(f"git diff printed half a type change for {entry.dst}")
        join_type_change(patch, second)
    return patch


def _from_raw(entry: diffparse.RawEntry, patch: PatchFile) -> FileChange:
    """The FileChange of a raw record and its file section."""
    status = _STATUS.get(entry.status)
    if status is None:
        raise ChangeSetError(f"unexpected change type {entry.status!r} for {entry.dst}")
    if status is FileStatus.MODIFIED and entry.old_blob == entry.new_blob \
            and entry.old_mode != entry.new_mode:
        status = FileStatus.MODE_ONLY
    return FileChange(
        path=entry.dst,
        old_path=entry.src if status in (FileStatus.RENAMED, FileStatus.COPIED) else None,
        status=status,
        added=patch.added,
        deleted=patch.deleted,
        binary=patch.binary,
        old_mode=None if entry.old_mode == _ABSENT_MODE else entry.old_mode,
        new_mode=None if entry.new_mode == _ABSENT_MODE else entry.new_mode,
        similarity=entry.score,
        new_blob=entry.new_blob if entry.new_blob.strip("0") else None,
        hunks=hunks_of(patch),
        old_blob=entry.old_blob if entry.old_blob.strip("0") else None,
    )
