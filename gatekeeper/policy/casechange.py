"""The ChangeSet a policy test case describes: files with hunks and text, commits, metadata."""

from __future__ import annotations

import hashlib
import re

from gatekeeper.changeset.model import (
    MODE_SUBMODULE,
    MODE_SYMLINK,
    ChangeMeta,
    ChangeSet,
    Commit,
    EntryKind,
    FileChange,
    FileStatus,
    FileText,
    Hunk,
    Revisions,
    Trailer,
)
from gatekeeper.policy.described import Case, CommitSpec, FileSpec, text_lines

_MODES = {EntryKind.FILE: "100644", EntryKind.SYMLINK: MODE_SYMLINK,
          EntryKind.SUBMODULE: MODE_SUBMODULE}
_IDENTITY = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*")


def _sha(*parts: object) -> str:
    return hashlib.sha1("\0".join(map(str, parts)).encode("utf-8")).hexdigest()


def _identity(text: str) -> tuple[str, str]:
    match = _IDENTITY.fullmatch(text)
    return (match.group(1), match.group(2)) if match else (text.strip(), "")


def _commits(specs: list[CommitSpec], key: str) -> tuple[Commit, ...]:
    """Commits chained parent to child, with shas unique to the case and stable between runs."""
    made = []
    parent = _sha(key, "base")
    for index, spec in enumerate(specs):
        sha = _sha(key, "commit", index)
        parents = (parent, _sha(key, "side", index)) if spec.merge else (parent,)
        name, email = _identity(spec.author)
        trailers = tuple(Trailer(k, v) for k, v in spec.trailers)
        made.append(Commit(sha, parents, name, email, name, email, spec.subject, spec.body,
                           trailers))
        parent = sha
    return tuple(made)


def _file(spec: FileSpec) -> FileChange:
    mode = _MODES[spec.kind]
    old_mode = None if spec.status is FileStatus.ADDED else mode
    new_mode = None if spec.status is FileStatus.DELETED else mode
    if spec.status is FileStatus.MODE_ONLY and spec.kind is EntryKind.FILE:
        old_mode, new_mode = "100644", "100755"
    return FileChange(path=spec.path, old_path=spec.old_path, status=spec.status,
                      added=spec.added, deleted=spec.deleted, binary=spec.binary,
                      old_mode=old_mode, new_mode=new_mode, hunks=_hunks(spec))


def _hunks(spec: FileSpec) -> tuple[Hunk, ...]:
    """One hunk at the top of the file, as git numbers it, when the lines' text is given."""
    added, deleted = spec.added, spec.deleted
    if not spec.has_text or not (added or deleted):
        return ()
    # git numbers an empty side from 0: "@@ -0,0 +1,3 @@" for a file's first lines
    return (Hunk(1 if deleted else 0, deleted, 1 if added else 0, added,
                 ((1, added),) if added else (), ((1, deleted),) if deleted else ()),)


def _text(spec: FileSpec) -> FileText:
    def raw(text: str | None) -> bytes:
        return "".join(f"{line}\n" for line in text_lines(text or "")).encode("utf-8")

    return FileText(raw(spec.added_text), raw(spec.removed_text))


def changeset(case: Case, key: str) -> ChangeSet:
    """The ChangeSet ``case`` describes; ``key`` (file and case) makes its commit shas unique."""
    change = case.change
    commits = change.commits if change.commits is not None else [CommitSpec.model_validate({})]
    meta = ChangeMeta(labels=tuple(change.labels), target_branch=change.target_branch,
                      author=change.author, title=change.title, description=change.description)
    return ChangeSet(
        revisions=Revisions(mode="described", source=key),
        files=tuple(_file(spec) for spec in change.files),
        commits=_commits(commits, key),
        attributes={path: dict(attrs) for path, attrs in change.attributes.items()},
        headers=dict(change.headers),
        meta=meta,
        texts={spec.path: _text(spec) for spec in change.files if spec.has_text},
    )
