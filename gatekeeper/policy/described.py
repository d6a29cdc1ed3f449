"""Policy test files (*.test.yml): cases that describe a change in YAML, and its ChangeSet."""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from gatekeeper.changeset import (
    MODE_SUBMODULE,
    MODE_SYMLINK,
    ChangeMeta,
    ChangeSet,
    Commit,
    EntryKind,
    FileChange,
    FileStatus,
    Revisions,
    Trailer,
)
from gatekeeper.errors import PolicyError
from gatekeeper.gitattributes import WATCHED
from gatekeeper.policy.document import Walk, read_yaml_file
from gatekeeper.policy.locate import did_you_mean, located_error
from gatekeeper.policy.types import one_or_many
from gatekeeper.verdict import Status

DEFAULT_AUTHOR = "Test Author <author@example.com>"
_MODES = {EntryKind.FILE: "100644", EntryKind.SYMLINK: MODE_SYMLINK,
          EntryKind.SUBMODULE: MODE_SUBMODULE}
_IDENTITY = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*")


def _trailer_pairs(value: Any) -> Any:
    """Accept ``{Key: value}`` or a list of ``"Key: value"`` lines (keys may then repeat)."""
    if isinstance(value, dict):
        return list(value.items())
    if not isinstance(value, list):
        return value
    pairs: list[Any] = []
    for item in value:
        if isinstance(item, str):
            key, sep, text = item.partition(":")
            if not sep or not key.strip():
                raise ValueError(f"trailer {item!r} is not written as 'Key: value'")
            pairs.append((key.strip(), text.strip()))
        else:
            pairs.append(item)
    return pairs


class FileSpec(BaseModel):
    """One changed path, as git diff --numstat would report it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1, description="The path after the change.")
    old_path: str | None = Field(
        None, min_length=1, description="The path before a rename or copy.")
    status: FileStatus = Field(FileStatus.MODIFIED, description="How the path changed.")
    added: int = Field(0, ge=0, description="Lines added.")
    deleted: int = Field(0, ge=0, description="Lines deleted.")
    binary: bool = Field(False, description="A binary file: git counts no lines for it.")
    kind: EntryKind = Field(EntryKind.FILE, description="file, symlink or submodule.")

    @model_validator(mode="after")
    def _consistent(self) -> FileSpec:
        moved = self.status in (FileStatus.RENAMED, FileStatus.COPIED)
        if moved and self.old_path is None:
            raise ValueError(f"a {self.status.value} file needs old_path")
        if not moved and self.old_path is not None:
            raise ValueError("old_path is only for renamed or copied files")
        if self.status is FileStatus.ADDED and self.deleted:
            raise ValueError("an added file has no deleted lines")
        if self.status is FileStatus.DELETED and self.added:
            raise ValueError("a deleted file has no added lines")
        if (self.binary or self.status is FileStatus.MODE_ONLY) and (self.added or self.deleted):
            raise ValueError(f"a {'binary' if self.binary else 'mode-only'} change has no "
                             "line counts")
        return self


class CommitSpec(BaseModel):
    """One commit in the change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str = Field("change", min_length=1, description="The first line of the message.")
    body: str = Field("", description="The rest of the message, without the trailers.")
    author: str = Field(DEFAULT_AUTHOR, min_length=1,
                        description="The author as 'Name <email>'; also used as committer.")
    trailers: Annotated[list[tuple[str, str]], BeforeValidator(_trailer_pairs)] = Field(
        default_factory=list,
        description="Trailers as a mapping, or a list of 'Key: value' lines.")
    merge: bool = Field(False, description="A merge commit (two parents).")


class ChangeSpec(BaseModel):
    """The change a case feeds to the policy: files, commits and what the platform knows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: list[FileSpec] = Field(default_factory=list, description="The changed paths.")
    commits: list[CommitSpec] | None = Field(
        None, description="The commits; leave out for one plain commit, [] for none.")
    labels: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=list, description="Labels on the PR or MR.")
    target_branch: str | None = Field(None, description="The branch the change goes into.")
    author: str | None = Field(None, description="The PR or MR author's login.")
    title: str | None = Field(None, description="The PR or MR title.")
    description: str | None = Field(None, description="The PR or MR description.")
    attributes: dict[str, dict[str, bool]] = Field(
        default_factory=dict, description="Per path, the .gitattributes set (true) or unset "
        "(false) for it, such as linguist-generated.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Per path, the first bytes of its new content.")


class Case(BaseModel):
    """One test case: a change, and what the policy should say about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="What the case shows; unique in its file.")
    today: datetime.date | None = Field(
        None, description="The date exceptions' expiry is judged against (default: today).")
    change: ChangeSpec = Field(description="The change to evaluate.")
    expect: dict[str, Status] = Field(
        default_factory=dict, description="Expected status per rule id; rules left out are "
        "not checked.")
    verdict: Literal["pass", "fail"] | None = Field(
        None, description="The expected overall verdict.")

    @model_validator(mode="after")
    def _checks_something(self) -> Case:
        if not self.expect and self.verdict is None:
            raise ValueError("a case needs expect, verdict or both")
        return self


class CaseFile(BaseModel):
    """A policy test file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: str | None = Field(
        None, min_length=1, description="The policy under test, relative to this file "
        "(default: this file's name with .test.yml replaced by .yml).")
    cases: list[Case] = Field(min_length=1, description="The test cases, run in order.")


def load(path: Path, display: str) -> tuple[CaseFile, Walk]:
    """Read and validate a test file; every problem is a PolicyError with its location."""
    data, walk = read_yaml_file(path, display, "test")
    cases = _validate(data, walk)
    _check(cases, walk)
    return cases, walk


def _validate(data: Any, walk: Walk) -> CaseFile:
    if not isinstance(data, dict):
        raise PolicyError("a test file must be a mapping with a cases: list", file=walk.filename,
                          line=1, column=1, hint="begin with cases: and list the cases")
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        raise located_error(exc, data, walk, CaseFile) from None


def _fail(walk: Walk, key: tuple[Any, ...], message: str, hint: str) -> PolicyError:
    line, column = walk.keys.get(key) or walk.values.get(key) or (None, None)
    return PolicyError(message, file=walk.filename, line=line, column=column, hint=hint)


def _check(cases: CaseFile, walk: Walk) -> None:
    """What pydantic cannot point at precisely: repeated names and paths, unknown attributes."""
    names: set[str] = set()
    for index, case in enumerate(cases.cases):
        if case.name in names:
            raise _fail(walk, ("cases", index, "name"), f"duplicate case name {case.name!r}",
                        "give each case its own name")
        names.add(case.name)
        paths: set[str] = set()
        for number, spec in enumerate(case.change.files):
            if spec.path in paths:
                raise _fail(walk, ("cases", index, "change", "files", number, "path"),
                            f"path {spec.path!r} is listed twice", "keep one entry per path")
            paths.add(spec.path)
        for path, attributes in case.change.attributes.items():
            for name in attributes:
                if name not in WATCHED:
                    key = ("cases", index, "change", "attributes", path, name)
                    raise _fail(walk, key, f"unknown attribute {name!r}",
                                did_you_mean(name, WATCHED, "use one of " + ", ".join(WATCHED)))


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
                      old_mode=old_mode, new_mode=new_mode)


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
    )
