"""Lexing the lines of files in a row: what a line leaves open carries to the next one.

Reading jumps from one line that matters to the next, so lines that cannot change what is
open cost next to nothing: a file's lines are joined once, and one search finds the next
line where something may open or end.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sys
from collections.abc import Callable, Iterable, Sequence

from gatekeeper.lexing.lexer import BLOCK, CODE, Language, Lexed, State, language


def lex_lines(lines: Sequence[tuple[str, int, str]], extension_of: Callable[[str], str],
              wanted: Iterable[int] | None = None) -> list[Lexed | None]:
    """Each of ``(path, number, text)`` lexed by its file's language (``extension_of`` its
    path). What a line leaves open carries to the next item when that is the next line of the
    same file; after a gap (unchanged lines the diff leaves out) reading starts afresh in code.

    With ``wanted``, only the lines at those indices are given (the others are None); the
    rest are read only where something may open in them that outlasts the line.
    """
    found: list[Lexed | None] = [None] * len(lines)
    chosen = None if wanted is None else sorted(set(wanted))
    first = 0
    for path, group in itertools.groupby(lines, key=operator.itemgetter(0)):
        end = first + len(list(group))
        lang = language(extension_of(path))
        if lang is None:
            for index in _within(chosen, first, end):
                found[index] = Lexed(lines[index][2])
        else:
            _File(lang, lines, first, end).lex(chosen, found)
        first = end
    return found


def _within(chosen: list[int] | None, first: int, end: int) -> Iterable[int]:
    if chosen is None:
        return range(first, end)
    return chosen[bisect.bisect_left(chosen, first):bisect.bisect_left(chosen, end)]


class _File:
    """The lines of one file in a row. Reading jumps from one line that matters to the next:
    a wanted line, a gap (which starts afresh in code), and the next line where what is open
    can change (in code: an opener that can outlast its line; in a comment or string: its
    end, an escape or an interpolation), found by one search over the joined lines."""

    def __init__(self, lang: Language, lines: Sequence[tuple[str, int, str]], first: int,
                 end: int) -> None:
        self.lang, self.lines, self.first, self.end = lang, lines, first, end
        self.joined = ""
        self.starts: list[int] = []
        self.ahead: dict[re.Pattern[str], int] = {}
        """Per search, the line it found last: still the answer while reading is before it."""
        numbers = [number for _, number, _ in lines[first:end]]
        self.gaps = [] if numbers == list(range(numbers[0], numbers[0] + len(numbers))) else [
            i for i in range(first + 1, end) if lines[i][1] != lines[i - 1][1] + 1]
        self.gaps.append(sys.maxsize)

    def lex(self, chosen: list[int] | None, found: list[Lexed | None]) -> None:
        state, index, gap = State(), self.first, 0
        while index < self.end:
            wanted = self._next_chosen(chosen, index)
            target = min(wanted, self._next_event(state, index), self.gaps[gap])
            if target >= self.end:
                return
            index = target
            if target == self.gaps[gap]:
                state, gap = State(), gap + 1
                if target != wanted and self._next_event(state, target) != target:
                    continue
            lexed = self.lang.lex(self.lines[index][2], state)
            if index == wanted:
                found[index] = lexed
            index += 1

    @staticmethod
    def _next_chosen(chosen: list[int] | None, index: int) -> int:
        if chosen is None:
            return index
        at = bisect.bisect_left(chosen, index)
        return chosen[at] if at < len(chosen) else sys.maxsize

    def _next_event(self, state: State, index: int) -> int:
        if state.frames:
            return index
        if state.mode == CODE:
            regex = self.lang.carry
        elif state.mode == BLOCK:
            regex = self.lang.blocks[state.index]
        else:
            regex = state.body
        return sys.maxsize if regex is None else self._search(regex, index)

    def _search(self, regex: re.Pattern[str], index: int) -> int:
        """The first line from ``index`` on where ``regex`` matches."""
        known = self.ahead.get(regex, -1)
        if known >= index:
            return known
        if not self.starts:
            texts = [text for _, _, text in self.lines[self.first:self.end]]
            self.joined = "\n".join(texts)
            self.starts = list(itertools.accumulate(map(len, texts), initial=0))
        starts = self.starts  # line i starts at starts[i] + i in the joined text
        hit = regex.search(self.joined, starts[index - self.first] + index - self.first)
        line = sys.maxsize if hit is None else self.first - 1 + bisect.bisect_right(
            range(len(starts)), hit.start(), key=lambda i: starts[i] + i)
        self.ahead[regex] = line
        return line
