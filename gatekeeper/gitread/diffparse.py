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
    CommentBudget,
    TextBudget,
    charge_text,
    start_text,
)
from gatekeeper.gitread.diffheaders import (
    binary_files,
    git_extended_header,
    plain_file,
    plain_section,
    shown,
    split_git_header,
)
from gatekeeper.gitread.hunkread import read_hunk
from gatekeeper.gitread.patchfile import ParsedHunk, PatchFile
from gatekeeper.gitread.rawdiff import RawEntry, decode_path, parse_raw_z, unquote

# The budgets are part of parse_patch's signature, and the raw-record parser goes with this
# one, so their names are offered here too.
__all__ = ["MAX_COMMENT_CHARS", "CommentBudget", "ParsedHunk", "PatchFile", "RawEntry",
           "TextBudget", "decode_path", "parse_patch", "parse_raw_z", "unquote"]

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
        lineno = read_hunk(current, header, it, lineno, self.source, comments)
        if current.added_text is not None and texts is not None:
            charge_text(current, texts)
        self.mode = "files"
        return lineno

    def line(self, raw: bytes, lineno: int) -> PatchFile | None:
        """Take one line outside a hunk; return the file section it ends, if it starts one."""
        if raw.startswith(b"diff --git "):
            return self._git_section(raw, lineno)
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if self.minus is not None and text.startswith("+++ "):
            minus, self.minus = self.minus, None
            return self.start(plain_section(minus, text))
        self._plus_expected(lineno)
        if text.startswith("--- ") and self._minus_may_open_section():
            self.minus = text
            return None
        if self._extended_header(text, lineno):
            return None
        source, target = binary_files(text) or ("", None)
        if target is not None and self.mode != "payload":
            # plain `diff -r` reports a binary file with this line alone, with no ---/+++
            section = plain_file(source, target)
            section.binary = True
            return self.start(section)
        self._other(text, lineno)
        return None

    def _git_section(self, raw: bytes, lineno: int) -> PatchFile | None:
        """Open the section a ``diff --git`` line starts; return the one it ends."""
        self._plus_expected(lineno)
        old, new = split_git_header(decode_path(raw[11:].rstrip(b"\r\n")))
        return self.start(PatchFile(git=True, header_old=old, header_new=new))

    def _minus_may_open_section(self) -> bool:
        """Whether a "---" line here may start a plain section: anywhere but in the extended
        header of a git section that named no ---/+++ file yet, where it is that header's."""
        current = self.current
        if current is None or not current.git or self.mode == "free":
            return True
        return bool(current.hunks) or current.minus_path is not None \
            or current.plus_path is not None

    def _extended_header(self, text: str, lineno: int) -> bool:
        """Record ``text`` if it is a line of the open git section's extended header."""
        current = self.current
        if (current is None or not current.git or current.hunks or self.mode != "files"
                or not git_extended_header(current, text, self.error_at(lineno))):
            return False
        if current.binary and text == "GIT binary patch":
            self.mode = "payload"
        return True

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
