"""Builds a ChangeSet from git (a revision range or the index) or from a unified diff file."""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from gatekeeper.changeset.binaries import Decision
from gatekeeper.changeset.model import (
    AddedComment,
    ChangeSet,
    Commit,
    FileChange,
    FileStatus,
    FileText,
    Hunk,
    Revisions,
)
from gatekeeper.errors import ChangeSetError, DiffInputError, UsageError
from gatekeeper.gitread import blobprobe, diffparse
from gatekeeper.gitread.commitlog import read_commits
from gatekeeper.gitread.gitio import GitRepo

DIFF_OPTIONS = (
    "--raw", "-z", "-p", "-M", "--no-abbrev", "--full-index", "--no-ext-diff", "--no-textconv",
    "--no-color", "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=none",
    "--submodule=short", "--no-relative", "--unified=3",
)
_ZERO = frozenset("0")
REDIFF_BATCH = 500
"""Files per ``git diff --text`` call when files git took for binary are diffed again."""
MAX_COMMENTS = 200_000
"""Added comment lines kept per change set, at most ~240 characters each: this bounds their
memory (tens of MB at worst) on huge generated or vendored changes. Later ones are dropped."""
MAX_TEXT_BYTES = 64 << 20
"""Added and removed line text kept per change set for the flag scan; files past it are listed
as unscanned, so a rule that needs them can say so rather than pass."""
Wants = Callable[[str], bool]


def _texts(budget: diffparse.TextBudget | None,
           patches: Iterable[tuple[str, diffparse.PatchFile]],
           unscanned: tuple[str, ...]) -> dict[str, FileText]:
    """The kept text by path; a file half of which went over the budget (one side of a type
    change) keeps none, so it is only ever whole or listed as unscanned."""
    if budget is None:
        return {}
    return {path: FileText(bytes(p.added_text), bytes(p.removed_text or b""))
            for path, p in patches if p.added_text is not None and path not in unscanned}


def from_git(repo: GitRepo, revisions: Revisions, *, find_copies: bool = False,
             texts: Wants | None = None, attributes_from: str | None = None) -> ChangeSet:
    """The change set of ``revisions``; ``texts`` says which files' line text to keep.

    ``attributes_from`` is the trusted commit (a PR's base) whose .gitattributes decide what
    is binary, generated or vendored; without it the head's (or the index's) do. git 2.41
    reads them from there itself (``--attr-source``); with any git, ``blobprobe`` judges each
    file from those attributes and its bytes, and a file git took for binary that is text by
    that judgement is diffed again as text, so the counts agree across git versions.
    """
    args = list(DIFF_OPTIONS)
    if find_copies:
        args.append("-C")
    if revisions.mode == "staged":
        args += ["--cached", revisions.base_sha or repo.empty_tree(), "--"]
    else:
        if not revisions.head_sha:
            raise ChangeSetError("no head revision to check")
        # No base (a branch none of whose history the remote has): everything is new.
        args += [revisions.merge_base or repo.empty_tree(), revisions.head_sha, "--"]
    tree = (revisions.head_sha or "") if revisions.mode == "range" else ""
    attr_tree = attributes_from or tree
    native = attr_tree if attr_tree and repo.reads_attributes_from_trees() else None
    comments: list[AddedComment] = []
    budget = diffparse.TextBudget(texts, MAX_TEXT_BYTES) if texts is not None else None
    kept: list[tuple[str, diffparse.PatchFile]] = []
    with repo.stream("diff", *args, attr_source=native) as out:
        files = tuple(_zip_raw_and_patch(out, comments, budget, kept))
    commits: tuple[Commit, ...] = ()
    if revisions.mode == "range" and revisions.merge_base != revisions.head_sha:
        spec = (f"{revisions.merge_base}..{revisions.head_sha}" if revisions.merge_base
                else str(revisions.head_sha))
        commits = read_commits(repo, spec)
    probe = blobprobe.probe(repo, tree, files, attributes_from)
    files = _settle(probe, lambda paths: _rediff(repo, args, paths, comments, budget, kept,
                                                 native), comments, kept)
    unscanned = _over(budget, files)
    where = "the index" if not attr_tree else \
        f"the {'base' if attributes_from else 'head'} commit {attr_tree[:12]}"
    return ChangeSet(revisions, files, commits, probe.attributes, probe.headers,
                     comments=tuple(comments), texts=_texts(budget, kept, unscanned),
                     unscanned=unscanned, attributes_from=where)


def _settle(probe: blobprobe.Probe, rediff: Callable[[list[FileChange]], dict[str, FileChange]],
            comments: list[AddedComment], kept: list[tuple[str, diffparse.PatchFile]]
            ) -> tuple[FileChange, ...]:
    """The files with the trusted binary verdicts applied: text git took for binary diffed
    again as text (marked when a NUL byte was overruled), and files the trusted attributes
    call binary emptied of the lines git printed for them."""
    as_text = [f for f in probe.files if probe.decisions.get(f.path) is Decision.TEXT]
    redone = rediff(as_text) if as_text else {}
    binary = {path for path, d in probe.decisions.items() if d is Decision.BINARY}
    if binary:
        comments[:] = [c for c in comments if c.path not in binary]
        kept[:] = [(path, patch) for path, patch in kept if path not in binary]
    settled = []
    for f in probe.files:
        if f.path in redone:
            f = dataclasses.replace(redone[f.path], size=f.size,
                                    forced_text=f.path in probe.overruled)
        elif f.path in binary:
            f = dataclasses.replace(f, binary=True, added=0, deleted=0, hunks=())
        settled.append(f)
    return tuple(settled)


def _rediff(repo: GitRepo, args: list[str], files: list[FileChange],
            comments: list[AddedComment], budget: diffparse.TextBudget | None,
            kept: list[tuple[str, diffparse.PatchFile]], attr_source: str | None
            ) -> dict[str, FileChange]:
    """``files`` diffed again with ``--text``, both names of a rename in the same call so git
    pairs them again; a few hundred paths a call keep the command line short."""
    redone: dict[str, FileChange] = {}
    for start in range(0, len(files), REDIFF_BATCH):
        batch = files[start:start + REDIFF_BATCH]
        paths = {":(literal)" + p for f in batch for p in (f.path, f.old_path) if p}
        wanted = {f.path for f in batch}
        found: list[tuple[str, diffparse.PatchFile]] = []
        noted: list[AddedComment] = []
        with repo.stream("diff", "--text", *args, *sorted(paths), attr_source=attr_source) as out:
            for change in _zip_raw_and_patch(out, noted, budget, found):
                if change.path in wanted:
                    redone[change.path] = change
        # only the comments of the files diffed again, not of any other name in the pathspec
        comments += (c for c in noted if c.path in wanted)
        kept += [(path, patch) for path, patch in found if path in wanted]
    return redone


def _over(budget: diffparse.TextBudget | None, files: Iterable[FileChange]) -> tuple[str, ...]:
    """The change set's paths whose text the budget dropped (the parser saw them by either
    side's name)."""
    if budget is None or not budget.over:
        return ()
    dropped = set(budget.over)
    return tuple(f.path for f in files if f.path in dropped or f.old_path in dropped)


def from_diff_file(path: str, *, texts: Wants | None = None) -> ChangeSet:
    stream: IO[bytes]
    if path == "-":
        stream, name = sys.stdin.buffer, "<stdin>"
    else:
        try:
            stream, name = open(path, "rb"), path  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"cannot read diff file {path}: {exc.strerror}",
                             hint="pass an existing file, or - for stdin") from exc
    budget = diffparse.TextBudget(texts, MAX_TEXT_BYTES) if texts is not None else None
    try:
        # Text without any file section is an error there; empty or blank input is no change.
        patches = list(diffparse.parse_patch(
            stream, source=name, comments=diffparse.CommentBudget(MAX_COMMENTS), texts=budget))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    merged = _merge_type_changes(patches)
    files = tuple(_from_patch(p) for p in merged)
    comments = tuple(AddedComment(f.path, line, text)
                     for f, p in zip(files, merged, strict=True) for line, text in p.comments)
    kept = [(f.path, p) for f, p in zip(files, merged, strict=True)]
    unscanned = _over(budget, files)
    return ChangeSet(Revisions(mode="diff-file", source=name), files, comments=comments,
                     texts=_texts(budget, kept, unscanned), unscanned=unscanned)


def _merge_type_changes(patches: list[diffparse.PatchFile]) -> list[diffparse.PatchFile]:
    """git prints a type change (file to symlink, say) as a deletion then an addition."""
    merged: list[diffparse.PatchFile] = []
    for patch in patches:
        prev = merged[-1] if merged else None
        if (prev is not None and prev.git and patch.git and prev.deleted_file
                and patch.new_file and prev.old_path == patch.new_path):
            _join_type_change(prev, patch)
            continue
        merged.append(patch)
    return merged


def _join_type_change(removal: diffparse.PatchFile, addition: diffparse.PatchFile) -> None:
    """Fold the addition half of a type change into its deletion half."""
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


def _zip_raw_and_patch(out: IO[bytes], comments: list[AddedComment],
                       text: diffparse.TextBudget | None = None,
                       kept: list[tuple[str, diffparse.PatchFile]] | None = None
                       ) -> Iterator[FileChange]:
    """The files of git's raw-plus-patch output; their added comment lines go to ``comments``
    and, with a ``text`` budget, the sections that kept line text to ``kept``."""
    raw, first = _split_raw_section(out)
    entries = diffparse.parse_raw_z(raw)
    try:
        patches = diffparse.parse_patch(itertools.chain([first], out), source="git diff",
                                        comments=diffparse.CommentBudget(MAX_COMMENTS),
                                        texts=text)
        for entry in entries:
            patch = next(patches, None)
            if patch is None:
                raise ChangeSetError(f"git diff printed no patch for {entry.dst}")
            if entry.status == "T":  # a type change prints as a deletion plus an addition
                second = next(patches, None)
                if second is None:
                    raise ChangeSetError(f"git diff printed half a type change for {entry.dst}")
                _join_type_change(patch, second)
            comments += (AddedComment(entry.dst, line, body) for line, body in patch.comments)
            if kept is not None and patch.added_text is not None:
                kept.append((entry.dst, patch))
            yield _from_raw(entry, patch)
    except DiffInputError as exc:
        raise ChangeSetError(f"could not parse git's diff output: {exc.message}") from exc


_STATUS = {"A": FileStatus.ADDED, "D": FileStatus.DELETED, "R": FileStatus.RENAMED,
           "C": FileStatus.COPIED, "T": FileStatus.MODIFIED, "M": FileStatus.MODIFIED}


def _from_raw(entry: diffparse.RawEntry, patch: diffparse.PatchFile) -> FileChange:
    status = _STATUS.get(entry.status)
    if status is None:
        raise ChangeSetError(f"unexpected change type {entry.status!r} for {entry.dst}")
    if status is FileStatus.MODIFIED and entry.old_blob == entry.new_blob \
            and entry.old_mode != entry.new_mode:
        status = FileStatus.MODE_ONLY
    absent = "000000"
    return FileChange(
        path=entry.dst,
        old_path=entry.src if status in (FileStatus.RENAMED, FileStatus.COPIED) else None,
        status=status,
        added=patch.added,
        deleted=patch.deleted,
        binary=patch.binary,
        old_mode=None if entry.old_mode == absent else entry.old_mode,
        new_mode=None if entry.new_mode == absent else entry.new_mode,
        similarity=entry.score,
        new_blob=None if set(entry.new_blob) <= _ZERO else entry.new_blob,
        hunks=_hunks(patch),
        old_blob=None if set(entry.old_blob) <= _ZERO else entry.old_blob,
    )


def _from_patch(patch: diffparse.PatchFile) -> FileChange:
    old, new = patch.old_path, patch.new_path
    hunks = _hunks(patch)
    only_added = bool(hunks) and all(h.old_count == 0 and h.old_start == 0 for h in hunks)
    only_deleted = bool(hunks) and all(h.new_count == 0 and h.new_start == 0 for h in hunks)
    if patch.rename_to:
        status = FileStatus.RENAMED
    elif patch.copy_to:
        status = FileStatus.COPIED
    elif patch.new_file or (not patch.git and (patch.plain_old_epoch or only_added)):
        status = FileStatus.ADDED
    elif patch.deleted_file or (not patch.git and (patch.plain_new_epoch or only_deleted)):
        status = FileStatus.DELETED
    elif patch.old_mode and patch.new_mode and patch.old_mode != patch.new_mode \
            and not hunks and not patch.binary:
        status = FileStatus.MODE_ONLY
    else:
        status = FileStatus.MODIFIED
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


def _hunks(patch: diffparse.PatchFile) -> tuple[Hunk, ...]:
    return tuple(
        Hunk(o_start, o_count, n_start, n_count,
             tuple((a, b) for a, b in added), tuple((a, b) for a, b in removed), section)
        for o_start, o_count, n_start, n_count, section, added, removed in patch.hunks
    )
