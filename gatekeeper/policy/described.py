"""Policy test files (*.test.yml): cases that describe a change in YAML (casechange.py builds
the ChangeSet a case describes)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gatekeeper.changeset.model import (
    EntryKind,
    FileStatus,
)
from gatekeeper.common.fields import empty_dict, empty_list, one_or_many
from gatekeeper.common.suggest import did_you_mean
from gatekeeper.errors import PolicyError
from gatekeeper.gitread.gitattributes import WATCHED
from gatekeeper.policy.document import Walk, read_yaml_file
from gatekeeper.policy.locate import located_error
from gatekeeper.rules.findings import Status

DEFAULT_AUTHOR = "Test Author <author@example.com>"


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


def text_lines(text: str) -> list[str]:
    """The lines of a described text: a final line break ends the last line, not a new one."""
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


_TEXTS = {"added": "added_text", "deleted": "removed_text"}
"""Each line count, and the text that gives it when the count is left out."""


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
    added_text: str | None = Field(
        None, description="The added lines, one per line, numbered from line 1 of the new "
        "file; added defaults to their count.")
    removed_text: str | None = Field(
        None, description="The removed lines, one per line, numbered from line 1 of the old "
        "file; deleted defaults to their count.")

    @model_validator(mode="before")
    @classmethod
    def _counted(cls, data: Any) -> Any:
        """A count left out is the number of lines of its text."""
        if not isinstance(data, dict):
            return data
        filled = {count: len(text_lines(data[text])) for count, text in _TEXTS.items()
                  if count not in data and isinstance(data.get(text), str)}
        return {**data, **filled} if filled else data

    @field_validator("added_text", "removed_text")
    @classmethod
    def _agrees(cls, text: str | None, info: ValidationInfo) -> str | None:
        count = next(c for c, t in _TEXTS.items() if t == info.field_name)
        given, lines = info.data.get(count), len(text_lines(text or ""))
        if text is not None and isinstance(given, int) and given != lines:
            raise ValueError(f"{count} is {given} but {info.field_name} holds {lines} lines; "
                             f"make them agree, or leave {count} out to count the lines")
        return text

    @property
    def has_text(self) -> bool:
        """Whether the spec gives the added or removed lines' text, not only their counts."""
        return self.added_text is not None or self.removed_text is not None

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
        default_factory=empty_list,
        description="Trailers as a mapping, or a list of 'Key: value' lines.")
    merge: bool = Field(False, description="A merge commit (two parents).")


class ChangeSpec(BaseModel):
    """The change a case feeds to the policy: files, commits and what the platform knows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: list[FileSpec] = Field(default_factory=empty_list, description="The changed paths.")
    commits: list[CommitSpec] | None = Field(
        None, description="The commits; leave out for one plain commit, [] for none.")
    labels: Annotated[list[str], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list, description="Labels on the PR or MR.")
    target_branch: str | None = Field(None, description="The branch the change goes into.")
    author: str | None = Field(None, description="The PR or MR author's login.")
    title: str | None = Field(None, description="The PR or MR title.")
    description: str | None = Field(None, description="The PR or MR description.")
    attributes: dict[str, dict[str, bool]] = Field(
        default_factory=empty_dict, description="Per path, the .gitattributes set (true) or unset "
        "(false) for it, such as linguist-generated.")
    headers: dict[str, str] = Field(
        default_factory=empty_dict, description="Per path, the first bytes of its new content.")
    codeowners: str | None = Field(
        None, description="The CODEOWNERS file as the trusted tree holds it, read where the "
        "policy's codeowners settings look first (default: no CODEOWNERS file).")
    flag_registry: str | None = Field(
        None, description="The flag registry the policy's flags.registry names, as the "
        "trusted tree holds it.")
    platform: Literal["local", "github", "gitlab"] = Field(
        "local", description="Where the check runs; codeowners syntax auto follows it.")


class Case(BaseModel):
    """One test case: a change, and what the policy should say about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="What the case shows; unique in its file.")
    today: datetime.date | None = Field(
        None, description="The date exceptions' expiry is judged against (default: today).")
    change: ChangeSpec = Field(description="The change to evaluate.")
    expect: dict[str, Status] = Field(
        default_factory=empty_dict, description="Expected status per rule id; rules left out are "
        "not checked.")
    verdict: Literal["pass", "fail"] | None = Field(
        None, description="The expected overall verdict.")
    review: str | None = Field(
        None, min_length=1, description="The name of the review tier the change should get.")

    @model_validator(mode="after")
    def _checks_something(self) -> Case:
        if not self.expect and self.verdict is None and self.review is None:
            raise ValueError("a case needs expect, verdict or review")
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
