"""Streaming parsers for unified diffs (git-style and plain ``diff -u``) and ``git diff --raw -z``.

Pure functions of their input: they never run git. Hunk extents come from the hunk header
counts, not from line prefixes, so removed lines whose text starts with ``--`` or added lines
starting with ``++`` cannot be mistaken for file headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from gatekeeper.errors import DiffInputError

# The state machine is ours, not unidiff's: unidiff.PatchSet holds an object per diff line in
# memory (eight times git's peak on a 425,000-line diff), while this parser streams git's output.
from gatekeeper.gitread.comments import (
    MAX_COMMENT_CHARS,
    SIEVE_LEADS,
    SIEVE_MARKS,
    CommentBudget,
    TextBudget,
    charge_text,
    keep_comment,
    start_text,
)
from gatekeeper.gitread.diffheaders import (
    PatchFile,
    binary_files,
    git_extended_header,
    plain_file,
    plain_section,
    shown,
    split_git_header,
)
from gatekeeper.gitread.rawdiff import RawEntry, decode_path, parse_raw_z, unquote

# The budgets are part of parse_patch's signature, and the raw-record parser goes with this
# one, so their names are offered here too.
__all__ = ["MAX_COMMENT_CHARS", "CommentBudget", "PatchFile", "RawEntry", "TextBudget",
           "decode_path", "parse_patch", "parse_raw_z", "unquote"]

# unidiff's hunk header, with ASCII digits of a plausible length: int() refuses more than 4,300
# digits, and \d takes any script's digits.
_HUNK_HEADER = re.compile(r"@@ -([0-9]{1,15})(?:,([0-9]{1,15}))? \+([0-9]{1,15})"
                          r"(?:,([0-9]{1,15}))? @@[ ]?(.*)")
# What may stand between file sections: lines `diff -r`, svn and git print.
_BETWEEN = ("diff ", "Only in ", "Common subdirectories: ", "Index: ", "====", "\\",
            "* Unmerged path ")
# The first line of each mail `git format-patch` writes, of each commit of `git log -p` and of
# each patch of `hg export`: free text (the message) follows.
_MAIL = re.compile(r"(?:From|commit) [0-9a-f]{40}(?:[0-9a-f]{24})?(?: |$)|# HG changeset patch$")
# The data of a "GIT binary patch": a size line, then base85 lines led by a length letter.
_PAYLOAD = re.compile(r"(?:literal|delta) [0-9]+|[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]*|")
_NOT_A_DIFF_HINT = "produce it with git diff or diff -u, and check that the file holds only it"


def parse_patch(lines: Iterable[bytes], *, source: str = "diff",
                comments: CommentBudget | None = None,
                texts: TextBudget | None = None) -> Iterator[PatchFile]:
    """Yield one PatchFile per file section of a unified diff read line by line (as bytes).

    With a ``comments`` budget, added lines that hold a comment are kept in
    ``PatchFile.comments`` until the budget runs out. With a ``texts`` budget, the added and
    removed lines of the files it wants are kept in ``added_text`` and ``removed_text``.

    Free text may come before the first file section and after each mail header of
    ``git format-patch`` output; anywhere else a line that is no part of a diff is a
    DiffInputError, and so is text holding no file section at all.
    """
    reader = _Reader(source)
    lineno = 0
    it = iter(lines)
    for line in it:
        lineno += 1
        if line.startswith(b"@@ ") and reader.mode != "free":  # not a mail's message
            lineno = reader.hunk(line, it, lineno, comments, texts)
            continue
        done = reader.line(line, lineno)
        if done is not None:
            yield done
    reader.finish(lineno)
    if reader.current is not None:
        yield reader.current


class _Reader:
    """The state between the lines of a diff: the open file section and what may come next."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.current: PatchFile | None = None
        self.minus: str | None = None  # a "---" line, waiting for "+++" on the next line
        self.mode = "free"  # "free" text, "files", a mail's "signature", a binary "payload"
        self.content = 0  # the first line holding text, while no file section has started

    def error(self, lineno: int, what: str) -> DiffInputError:
        return DiffInputError(f"{self.source}:{lineno}: {what}", hint=_NOT_A_DIFF_HINT)

    def start(self, section: PatchFile) -> PatchFile | None:
        """Open ``section``; return the one it ends."""
        done, self.current, self.mode = self.current, section, "files"
        return done

    def hunk(self, header: bytes, it: Iterator[bytes], lineno: int,
             comments: CommentBudget | None, texts: TextBudget | None) -> int:
        """Read the hunk ``header`` opens, into the open file section."""
        current = self.current
        assert current is not None  # a section is open whenever the mode is not "free"
        self._plus_expected(lineno)
        if texts is not None and not current.text_decided:
            start_text(current, texts)
        lineno = _read_hunk(current, header, it, lineno, self.source, comments)
        if current.added_text is not None and texts is not None:
            charge_text(current, texts)
        self.mode = "files"
        return lineno

    def line(self, raw: bytes, lineno: int) -> PatchFile | None:
        """Take one line outside a hunk; return the file section it ends, if it starts one."""
        if raw.startswith(b"diff --git "):
            self._plus_expected(lineno)
            old, new = split_git_header(decode_path(raw[11:].rstrip(b"\r\n")))
            return self.start(PatchFile(git=True, header_old=old, header_new=new))
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if self.minus is not None and text.startswith("+++ "):
            minus, self.minus = self.minus, None
            return self.start(plain_section(minus, text))
        self._plus_expected(lineno)
        current = self.current
        if text.startswith("--- ") and (current is None or not current.git or current.hunks
                                        or self.mode == "free" or current.minus_path is not None
                                        or current.plus_path is not None):
            self.minus = text
            return None
        if (current is not None and current.git and not current.hunks and self.mode == "files"
                and git_extended_header(current, text, self.error_at(lineno))):
            if current.binary and text == "GIT binary patch":
                self.mode = "payload"
            return None
        source, target = binary_files(text) or ("", None)
        if target is not None and self.mode != "payload":
            # plain `diff -r` reports a binary file with this line alone, with no ---/+++
            section = plain_file(source, target)
            section.binary = True
            return self.start(section)
        self._other(text, lineno)
        return None

    def error_at(self, lineno: int) -> Callable[[str], DiffInputError]:
        """An error maker for what is wrong with line ``lineno``."""
        return lambda what: self.error(lineno, what)

    def _plus_expected(self, lineno: int) -> None:
        """A "---" line must be followed by its "+++" line, except in free text."""
        if self.minus is not None:
            self.minus = None
            if self.mode != "free" and self.current is not None:
                raise self.error(lineno - 1, "a '---' file header without the '+++' line after it")

    def _other(self, text: str, lineno: int) -> None:
        """A line that starts nothing: free text, or what may stand between file sections."""
        blank = not text.strip()
        if self.mode == "payload":
            if _PAYLOAD.fullmatch(text):
                return
            self.mode = "files"  # the binary data ended
        if self.mode == "free":
            if not blank and not self.content:
                self.content = lineno
        elif self.mode == "signature":
            self.mode = "files" if blank else "signature"
        elif text == "-- ":
            self.mode = "signature"  # a mail's signature, up to a blank line
        elif _MAIL.match(text):
            self.mode = "free"
        elif not blank and not text.startswith(_BETWEEN):
            raise self.error(lineno, f"not part of a diff: {shown(text)}")

    def finish(self, lineno: int) -> None:
        """At the end of the input: no "---" left waiting, and some file section seen."""
        self._plus_expected(lineno + 1)
        if self.current is None and self.content:
            raise self.error(self.content,
                             "not a unified diff (no ---/+++ or diff --git header)")


def _read_hunk(
    current: PatchFile, header: bytes, it: Iterator[bytes], lineno: int, source: str,
    budget: CommentBudget | None = None,
) -> int:
    match = _HUNK_HEADER.fullmatch(header.decode("utf-8", errors="replace").rstrip("\r\n"))
    if match is None:
        raise DiffInputError(f"{source}:{lineno}: malformed hunk header (it needs "
                             "'@@ -start,count +start,count @@', each a number of at most 15 "
                             "digits)")
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
