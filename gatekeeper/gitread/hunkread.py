"""Reads the lines of one hunk of a unified diff, as many as its header counts, into the
file section it belongs to: line ranges, counts, comments and kept text. Pure; ``diffparse``
drives it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread.comments import SIEVE_LEADS, SIEVE_MARKS, CommentBudget, keep_comment
from gatekeeper.gitread.patchfile import ParsedHunk, PatchFile

# unidiff's hunk header, with ASCII digits of a plausible length: int() refuses more than 4,300
# digits, and \d takes any script's digits.
# Matched on the line's bytes: only the text after the closing "@@" is decoded.
_HUNK_HEADER = re.compile(rb"@@ -([0-9]{1,15})(?:,([0-9]{1,15}))? \+([0-9]{1,15})"
                          rb"(?:,([0-9]{1,15}))? @@[ ]?(.*)")
# The first byte of a hunk's context lines (a blank line is an empty context line).
_CONTEXT = (b" ", b"\n", b"\r")


def read_hunk(
    current: PatchFile, header: bytes, it: Iterator[bytes], lineno: int, source: str,
    budget: CommentBudget | None = None,
) -> int:
    """Read the hunk ``header`` (line ``lineno``) opens from ``it`` into ``current``; return
    the number of its last line."""
    hunk = _hunk_header(header, lineno, source)
    if current.added_text is not None and current.removed_text is not None:
        it = _keeping_text(it, current.added_text, current.removed_text)
    lineno = _hunk_lines(current, hunk, it, lineno, source, budget)
    current.added += _line_count(hunk.added)
    current.deleted += _line_count(hunk.removed)
    current.hunks.append(hunk)
    return lineno


def _hunk_header(header: bytes, lineno: int, source: str) -> ParsedHunk:
    """The hunk a ``@@ -start,count +start,count @@`` line opens, with no lines read yet."""
    match = _HUNK_HEADER.fullmatch(header.rstrip(b"\r\n"))
    if match is None:
        raise DiffInputError(f"{source}:{lineno}: malformed hunk header (it needs "
                             "'@@ -start,count +start,count @@', each a number of at most 15 "
                             "digits)")
    old_start, old_count, new_start, new_count, section = match.groups()
    return ParsedHunk(int(old_start), 1 if old_count is None else int(old_count),
                      int(new_start), 1 if new_count is None else int(new_count),
                      section.decode("utf-8", errors="replace") if section else "", [], [])


def _first_numbers(hunk: ParsedHunk) -> tuple[int, int]:
    """The old and new line numbers of the hunk's first line: a side with no lines names the
    line before the hunk, so its first line is the one after."""
    return (hunk.old_start if hunk.old_count else hunk.old_start + 1,
            hunk.new_start if hunk.new_count else hunk.new_start + 1)


def _hunk_lines(
    current: PatchFile, hunk: ParsedHunk, it: Iterator[bytes], lineno: int, source: str,
    budget: CommentBudget | None,
) -> int:
    """Read the lines of ``hunk``, as many as its header counts, into its ranges and into
    ``current``'s comments; return the number of the last line read.

    This loop runs once per line of the diff, so it keeps its state in local variables,
    extends ranges and tests for a comment inline (see ``comments.SIEVE_LEADS``). Each side's
    open range is two numbers; a line that does not follow on closes it into a list, which
    starts with a range before any line ((-2, -2), dropped at the end).
    """
    old_no, new_no = _first_numbers(hunk)
    old_left, new_left = hunk.old_count, hunk.new_count
    leads, marks = SIEVE_LEADS, SIEVE_MARKS  # looked up once per hunk
    added: list[list[int]] = []
    removed: list[list[int]] = []
    add_first = add_last = del_first = del_last = -2
    while old_left > 0 or new_left > 0:
        line = next(it, None)
        if line is None:
            raise DiffInputError(f"{source}:{lineno}: diff ends inside a hunk (truncated input?)")
        lineno += 1
        first = line[:1]
        if first == b"+":
            if new_no != add_last + 1:
                added.append([add_first, add_last])
                add_first = new_no
            add_last = new_no
            if budget is not None and (
                line.lstrip(b"+ \t")[:1] in leads or len(line.translate(None, marks)) != len(line)
            ):
                _keep_comment(current, budget, line, new_no)
            new_no += 1
            new_left -= 1
        elif first == b"-":
            if old_no != del_last + 1:
                removed.append([del_first, del_last])
                del_first = old_no
            del_last = old_no
            old_no += 1
            old_left -= 1
        elif first in _CONTEXT:
            old_no += 1
            new_no += 1
            old_left -= 1
            new_left -= 1
        elif first != b"\\":
            raise DiffInputError(f"{source}:{lineno}: line does not fit the hunk header counts")
        if old_left < 0 or new_left < 0:
            raise DiffInputError(f"{source}:{lineno}: hunk longer than its header says")
    added.append([add_first, add_last])
    removed.append([del_first, del_last])
    hunk.added.extend(added[1:])
    hunk.removed.extend(removed[1:])
    return lineno


def _keeping_text(it: Iterator[bytes], added: bytearray,
                  removed: bytearray) -> Iterator[bytes]:
    """The lines of ``it``, each added or removed line's text kept (without its "+" or "-")
    as it is taken: the hunk's reader takes exactly the hunk's lines."""
    for line in it:
        first = line[:1]
        if first == b"+":
            added += line[1:]
        elif first == b"-":
            removed += line[1:]
        yield line


def _keep_comment(current: PatchFile, budget: CommentBudget, line: bytes, number: int) -> None:
    """Keep added ``line`` (new line ``number``) as a comment if it holds one and the budget
    has room; only lines the sieve let through come here."""
    comment = keep_comment(budget, line)
    if comment is not None:
        current.comments.append((number, comment))


def _line_count(ranges: list[list[int]]) -> int:
    """How many lines ``ranges`` cover."""
    count = 0
    for first, last in ranges:  # a loop, not sum() over a generator: most hunks have one range
        count += last - first + 1
    return count
