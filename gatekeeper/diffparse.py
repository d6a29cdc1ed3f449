"""Streaming parsers for unified diffs (git-style and plain ``diff -u``) and ``git diff --raw -z``.

Pure functions of their input: they never run git. Hunk extents come from the hunk header
counts, not from line prefixes, so removed lines whose text starts with ``--`` or added lines
starting with ``++`` cannot be mistaken for file headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# unidiff's grammar for the hunk header and the ---/+++ and "Binary files" lines; the state
# machine is ours because unidiff.PatchSet holds an object per diff line in memory (eight times
# git's peak on a 425,000-line diff), while this parser streams git's output.
from unidiff.constants import (
    DEV_NULL,
    RE_BINARY_DIFF,
    RE_HUNK_HEADER,
    RE_SOURCE_FILENAME,
    RE_TARGET_FILENAME,
)

from gatekeeper.comments import (
    MAX_COMMENT_CHARS,
    SIEVE_LEADS,
    SIEVE_MARKS,
    CommentBudget,
    TextBudget,
    charge_text,
    keep_comment,
    start_text,
)
from gatekeeper.errors import DiffInputError
from gatekeeper.rawdiff import RawEntry, decode_path, parse_raw_z, unquote

# The budgets are part of parse_patch's signature, and the raw-record parser goes with this
# one, so their names are offered here too.
__all__ = ["MAX_COMMENT_CHARS", "CommentBudget", "PatchFile", "RawEntry", "TextBudget",
           "decode_path", "parse_patch", "parse_raw_z", "unquote"]

_PLAIN_EPOCH = re.compile(r"^1970-01-01 00:00:00(\.0+)? \+0000$|^Thu Jan  1 00:00:00 1970")


@dataclass(slots=True)
class PatchFile:
    """One file's section of a unified diff, as the headers and hunks describe it."""

    git: bool
    header_old: str | None = None
    header_new: str | None = None
    minus_path: str | None = None
    plus_path: str | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    new_file: bool = False
    deleted_file: bool = False
    rename_from: str | None = None
    rename_to: str | None = None
    copy_from: str | None = None
    copy_to: str | None = None
    similarity: int | None = None
    index_old: str | None = None
    index_new: str | None = None
    binary: bool = False
    plain_old_epoch: bool = False
    plain_new_epoch: bool = False
    added: int = 0
    deleted: int = 0
    hunks: list[tuple[int, int, int, int, str, list[list[int]], list[list[int]]]] = field(
        default_factory=list
    )
    comments: list[tuple[int, str]] = field(default_factory=list)
    """Added lines holding a comment: the line number in the new file and the stripped text."""
    added_text: bytearray | None = None
    """With a text budget that wants the file: its added lines, each ending in a newline."""
    removed_text: bytearray | None = None
    text_decided: bool = False
    text_charged: int = 0
    """Bytes of kept text already taken from the budget."""

    @property
    def old_path(self) -> str | None:
        return self.rename_from or self.copy_from or self.minus_path or self.header_old

    @property
    def new_path(self) -> str | None:
        return self.rename_to or self.copy_to or self.plus_path or self.header_new


_GIT_PREFIX = re.compile(r"^[abciow12]/")


def _strip_git_prefix(name: str) -> str:
    return _GIT_PREFIX.sub("", name, count=1)


def _split_git_header(rest: str) -> tuple[str | None, str | None]:
    """Split ``a/X b/Y`` from a ``diff --git`` line; ambiguous unquoted names give None."""
    if rest.startswith('"'):
        end = _closing_quote(rest)
        first, tail = rest[: end + 1], rest[end + 2 :]
        return _strip_git_prefix(unquote(first)), _strip_git_prefix(unquote(tail))
    if rest.endswith('"'):
        start = rest.rfind(' "')
        return _strip_git_prefix(rest[:start]), _strip_git_prefix(unquote(rest[start + 1 :]))
    half = (len(rest) - 1) // 2
    first, second = rest[:half], rest[half + 1 :]
    if _strip_git_prefix(first) == _strip_git_prefix(second):
        return _strip_git_prefix(first), _strip_git_prefix(second)
    return None, None


def _closing_quote(text: str) -> int:
    i = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i
        i += 1
    raise DiffInputError(f"unterminated quoted path in {text[:60]!r}")


def _header_name(raw: str) -> str | None:
    name = unquote(raw.rstrip())
    return None if name == DEV_NULL else name


def parse_patch(lines: Iterable[bytes], *, source: str = "diff",
                comments: CommentBudget | None = None,
                texts: TextBudget | None = None) -> Iterator[PatchFile]:
    """Yield one PatchFile per file section of a unified diff read line by line (as bytes).

    With a ``comments`` budget, added lines that hold a comment are kept in
    ``PatchFile.comments`` until the budget runs out. With a ``texts`` budget, the added and
    removed lines of the files it wants are kept in ``added_text`` and ``removed_text``.
    """
    current: PatchFile | None = None
    pending_minus: str | None = None  # a plain diff's "---" line, waiting for "+++"
    pending_epoch = False
    lineno = 0
    it = iter(lines)
    for line in it:
        lineno += 1
        if line.startswith(b"diff --git "):
            if current is not None:
                yield current
            text = decode_path(line[11:].rstrip(b"\r\n"))
            old, new = _split_git_header(text)
            current = PatchFile(git=True, header_old=old, header_new=new)
            pending_minus = None
            continue
        if line.startswith(b"@@ "):
            if current is None:
                raise DiffInputError(f"{source}:{lineno}: hunk before any file header")
            if texts is not None and not current.text_decided:
                start_text(current, texts)
            lineno = _read_hunk(current, line, it, lineno, source, comments)
            if current.added_text is not None and texts is not None:
                charge_text(current, texts)
            continue
        text = line.decode("utf-8", errors="replace").rstrip("\r\n")
        if text.startswith("--- ") and (current is None or not current.git or current.hunks
                                        or current.minus_path is not None
                                        or current.plus_path is not None):
            match = RE_SOURCE_FILENAME.match(text)
            pending_minus = match.group("filename") if match else text[4:]
            pending_epoch = bool(match and _PLAIN_EPOCH.match(match.group("timestamp") or ""))
            continue
        if text.startswith("+++ ") and pending_minus is not None:
            if current is not None:
                yield current
            match = RE_TARGET_FILENAME.match(text)
            plus = match.group("filename") if match else text[4:]
            current = _plain_file(pending_minus, plus)
            current.plain_old_epoch = pending_epoch
            current.plain_new_epoch = bool(
                match and _PLAIN_EPOCH.match(match.group("timestamp") or "")
            )
            pending_minus = None
            continue
        if current is not None and current.git and not current.hunks:
            _git_extended_header(current, text)
            continue
        binary = RE_BINARY_DIFF.match(text)
        if binary and binary.group("target_filename"):
            # plain `diff -r` reports a binary file with this line alone, with no ---/+++
            if current is not None:
                yield current
            current = _plain_file(binary.group("source_filename"),
                                  binary.group("target_filename"))
            current.binary = True
            pending_minus = None
    if current is not None:
        yield current


def _plain_file(minus: str, plus: str) -> PatchFile:
    old, new = _header_name(minus), _header_name(plus)
    if old and new and "/" in old and "/" in new and old.split("/")[0] != new.split("/")[0]:
        # Both sides sit under differing top folders (a/ b/, orig/ new/): strip one level, as
        # `patch -p1` would.
        old, new = old.split("/", 1)[1], new.split("/", 1)[1]
    return PatchFile(git=False, minus_path=old, plus_path=new,
                     new_file=old is None, deleted_file=new is None)


def _git_extended_header(current: PatchFile, text: str) -> None:
    key, _, value = text.partition(" ")
    if text.startswith("--- "):
        name = _header_name(text[4:].split("\t")[0])
        current.minus_path = _strip_git_prefix(name) if name else None
        if name is None:
            current.new_file = True
    elif text.startswith("+++ "):
        name = _header_name(text[4:].split("\t")[0])
        current.plus_path = _strip_git_prefix(name) if name else None
        if name is None:
            current.deleted_file = True
    elif text.startswith("new file mode "):
        current.new_file, current.new_mode = True, text[14:]
    elif text.startswith("deleted file mode "):
        current.deleted_file, current.old_mode = True, text[18:]
    elif key in ("old", "new") and value.startswith("mode "):
        setattr(current, f"{key}_mode", value[5:])
    elif text.startswith(("rename from ", "rename to ", "copy from ", "copy to ")):
        verb, direction, name = text.split(" ", 2)
        setattr(current, f"{verb}_{direction}", unquote(name))
    elif text.startswith("similarity index "):
        digits = text[17:].rstrip("%")
        current.similarity = int(digits) if digits.isdigit() else None
    elif key == "index":
        blobs, _, mode = value.partition(" ")
        current.index_old, _, current.index_new = blobs.partition("..")
        if mode and not current.old_mode and not current.new_file:
            current.old_mode = mode
        if mode and not current.new_mode and not current.deleted_file:
            current.new_mode = mode
    elif RE_BINARY_DIFF.match(text) or text == "GIT binary patch":
        current.binary = True


def _read_hunk(
    current: PatchFile, header: bytes, it: Iterator[bytes], lineno: int, source: str,
    budget: CommentBudget | None = None,
) -> int:
    match = RE_HUNK_HEADER.match(header.decode("utf-8", errors="replace").rstrip("\r\n"))
    if match is None:
        raise DiffInputError(f"{source}:{lineno}: malformed hunk header")
    old_start, new_start = int(match.group(1)), int(match.group(3))
    old_left = int(match.group(2)) if match.group(2) is not None else 1
    new_left = int(match.group(4)) if match.group(4) is not None else 1
    old_count, new_count = old_left, new_left
    old_no = old_start if old_count else old_start + 1
    new_no = new_start if new_count else new_start + 1
    added: list[list[int]] = []
    removed: list[list[int]] = []
    n_added = n_removed = 0
    leads, marks = SIEVE_LEADS, SIEVE_MARKS  # looked up once per hunk
    plus_text, minus_text = current.added_text, current.removed_text
    while old_left > 0 or new_left > 0:
        line = next(it, None)
        if line is None:
            raise DiffInputError(f"{source}:{lineno}: diff ends inside a hunk (truncated input?)")
        lineno += 1
        first = line[:1]
        if first == b"+":
            if added and added[-1][1] == new_no - 1:
                added[-1][1] = new_no
            else:
                added.append([new_no, new_no])
            if budget is not None and (
                line.lstrip(b"+ \t")[:1] in leads or len(line.translate(None, marks)) != len(line)
            ):
                comment = keep_comment(budget, line)
                if comment is not None:
                    current.comments.append((new_no, comment))
            if plus_text is not None:
                plus_text += line[1:]
            new_no += 1
            new_left -= 1
            n_added += 1
        elif first == b"-":
            if removed and removed[-1][1] == old_no - 1:
                removed[-1][1] = old_no
            else:
                removed.append([old_no, old_no])
            if minus_text is not None:
                minus_text += line[1:]
            old_no += 1
            old_left -= 1
            n_removed += 1
        elif first in (b" ", b"\n", b"\r"):
            old_no += 1
            new_no += 1
            old_left -= 1
            new_left -= 1
        elif first != b"\\":
            raise DiffInputError(f"{source}:{lineno}: line does not fit the hunk header counts")
        if old_left < 0 or new_left < 0:
            raise DiffInputError(f"{source}:{lineno}: hunk longer than its header says")
    current.added += n_added
    current.deleted += n_removed
    current.hunks.append(
        (old_start, old_count, new_start, new_count, match.group(5) or "", added, removed)
    )
    return lineno
