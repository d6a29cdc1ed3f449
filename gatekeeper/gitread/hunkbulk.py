"""Reads the lines of a long hunk a block at a time, with byte-string operations in place of a
Python step per line. Pure; ``hunkread`` hands it the hunks that are long enough to repay it.

A hunk holds at least as many lines as the larger of its two counts, since each line moves
each side on by one at most. So that many lines are taken in one slice: the first byte of
each gives, by counting, how far each side moved, and the runs of ``+`` and ``-`` give the
line ranges. What is left of the counts is taken the same way, until both are done. A block
that does not fit (a line of another kind, too many lines for a side, the end of the input)
goes back to the line-by-line reader from its first line, so errors read exactly as before.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate, islice

from gatekeeper.gitread.comments import SIEVE_LEADS, SIEVE_MARKS, CommentBudget, keep_if_comment
from gatekeeper.gitread.patchfile import ParsedHunk, PatchFile

State = tuple[int, int, int, int]
"""Where a hunk's reading stands: the next old and new line numbers, and the old and new
lines its header still counts."""

LineReader = Callable[[PatchFile, ParsedHunk, Iterator[bytes], int, State], int]
"""The line-by-line reader, given the state a block started in; returns the last line read."""

_FIRST = operator.itemgetter(0)
_KINDS = b"+- \n\r\\"
"""The first bytes a hunk's lines may start with (a blank line is an empty context line)."""
_RUNS = re.compile(rb"\++|-+")
# The comment sieve of comments.py over a block of added lines at once: a lead after the "+"
# and indentation at the start of a line, or a mark anywhere. It finds a line exactly when the
# line reader's inline test passes it, and only the lines it finds are looked at one by one.
_SIEVE = re.compile(rb"[" + re.escape(SIEVE_MARKS) + rb"]|^[+ \t]*["
                    + b"".join(re.escape(lead) for lead in sorted(SIEVE_LEADS)) + rb"]",
                    re.MULTILINE)


def read_lines(current: PatchFile, hunk: ParsedHunk, it: Iterator[bytes], lineno: int,
               state: State, budget: CommentBudget | None, by_line: LineReader) -> int:
    """Read the lines of ``hunk`` from ``it`` a block at a time, starting in ``state``; return
    the number of the last line read. ``by_line`` reads a block that does not fit."""
    old_no, new_no, old_left, new_left = state
    while old_left > 0 or new_left > 0:
        want = max(old_left, new_left)
        block = list(islice(it, want))
        try:
            firsts = bytes(map(_FIRST, block))
        except IndexError:  # an empty line: the line reader says what is wrong with it
            firsts = b""
        minus, plus, notes = firsts.count(b"-"), firsts.count(b"+"), firsts.count(b"\\")
        context = len(firsts) - minus - plus - notes
        if (len(firsts) < want or firsts.translate(None, _KINDS)
                or minus + context > old_left or plus + context > new_left):
            state = (old_no, new_no, old_left, new_left)
            return by_line(current, hunk, _chain(block, it), lineno, state)
        old_no, new_no = _take(current, hunk, block, firsts, (old_no, new_no), budget)
        old_left -= minus + context
        new_left -= plus + context
        lineno += len(block)
    return lineno


def _chain(block: list[bytes], it: Iterator[bytes]) -> Iterator[bytes]:
    yield from block
    yield from it


def _take(current: PatchFile, hunk: ParsedHunk, block: list[bytes], firsts: bytes,
          numbers: tuple[int, int], budget: CommentBudget | None) -> tuple[int, int]:
    """Add a block that fits to the hunk's ranges and the file's comments and kept text;
    the old and new line numbers after it."""
    old_no, new_no = numbers
    done = 0
    for run in _RUNS.finditer(firsts):
        start, end = run.span()
        step = start - done - firsts.count(b"\\", done, start)  # context lines move both
        old_no, new_no = old_no + step, new_no + step
        lines = block[start:end]
        if firsts[start] == 0x2B:  # "+"
            _add(hunk.added, new_no, new_no + len(lines) - 1)
            _added(current, lines, new_no, budget)
            new_no += len(lines)
        else:
            _add(hunk.removed, old_no, old_no + len(lines) - 1)
            if current.removed_text is not None:
                current.removed_text += _bodies(lines)
            old_no += len(lines)
        done = end
    step = len(firsts) - done - firsts.count(b"\\", done)
    return old_no + step, new_no + step


def _add(ranges: list[list[int]], first: int, last: int) -> None:
    """Add lines ``first`` to ``last`` to ``ranges``, joining a range that ends just before."""
    if ranges and ranges[-1][1] == first - 1:
        ranges[-1][1] = last
    else:
        ranges.append([first, last])


def _bodies(lines: list[bytes]) -> bytes:
    """The lines without their first byte ("+" or "-"), joined: each line but the last ends
    with a newline, so the byte after each newline is the next line's first."""
    first = lines[0][:1]
    return b"".join(lines)[1:].replace(b"\n" + first, b"\n")


def _added(current: PatchFile, lines: list[bytes], first: int,
           budget: CommentBudget | None) -> None:
    """The comments and kept text of a run of added lines, the first of them line ``first``."""
    if current.added_text is not None:
        current.added_text += _bodies(lines)
    if budget is None:
        return
    joined = b"".join(lines)
    found = _SIEVE.search(joined)
    if found is None:
        return
    ends = list(accumulate(map(len, lines)))
    while found is not None:
        # The sieve never reaches past a newline, so what it found lies in one line.
        number = bisect_right(ends, found.start())
        keep_if_comment(current, budget, lines[number], first + number)
        found = _SIEVE.search(joined, ends[number])
