"""Which parts of lines of code are comments and which string literals, by their syntax.

A line is read left to right once: each step is one regex search from where the last one
ended. A string literal that does not close on its line, in a language whose strings cannot
span lines, was no string (an apostrophe in JSX text, a Rust lifetime): the line is read again
from there with that opener switched off, which happens at most once per opener, so the work
stays linear in the length of the line. What a line leaves open (a block comment, a docstring,
a template literal) is left in a ``State`` for the next line; ``gatekeeper.lexing.lexfile`` reads
whole runs of lines.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import field

from gatekeeper.common.records import record
from gatekeeper.lexing.syntax import SYNTAXES, Quote, Syntax, syntax_for

CODE, BLOCK, STRING = 0, 1, 2


@record
class Lexed:
    """A line with every comment character replaced by a space (so positions hold), and the
    spans of its string literals, whose text is not code."""

    text: str
    strings: tuple[tuple[int, int], ...] = ()

    def in_string(self, pos: int) -> bool:
        """Whether ``pos`` lies inside a string literal (its quotes included)."""
        index = bisect.bisect_right(self.strings, (pos, len(self.text) + 1)) - 1
        return index >= 0 and self.strings[index][0] <= pos < self.strings[index][1]


@record(frozen=False)
class _Frame:
    """An interpolation: the string it sits in, and its open brackets."""

    quote: int
    body: re.Pattern[str]
    opener: str
    closer: str
    depth: int = 0


@record(frozen=False)
class State:
    """Where a line leaves off: in code, a block comment (its nesting) or a string literal."""

    mode: int = CODE
    index: int = -1
    depth: int = 0
    body: re.Pattern[str] | None = None
    frames: list[_Frame] = field(default_factory=list)


class Language:
    """One syntax, compiled: a search for what opens in code, and one for what ends each
    block comment and string literal."""

    def __init__(self, syntax: Syntax) -> None:
        self.syntax = syntax
        parts = [f"(?P<L{i}>{regex or re.escape(text)})" for i, (text, regex)
                 in enumerate(syntax.line)]
        parts += [f"(?P<B{i}>{block.open})" for i, block in enumerate(syntax.blocks)]
        parts += [f"(?P<Q{i}>{quote.open.replace('(?P<d>', f'(?P<d{i}>')})"
                  for i, quote in enumerate(syntax.quotes)]
        self.rests = [_rest(quote) for quote in syntax.quotes]
        carry = [block.open for block in syntax.blocks]
        carry += [re.escape(quote.mark) if quote.mark else quote.open.replace("(?P<d>", "(?:")
                  for quote in syntax.quotes if quote.multiline]
        # Searched over many lines joined, so ^ (Ruby's =begin) must match at each line.
        self.carry = re.compile("|".join(dict.fromkeys(carry)), re.MULTILINE) if carry else None
        # The lookahead lets the engine pass over characters no opener starts with at once,
        # instead of trying every alternative at each of them.
        self.openers = "|".join(parts)
        starts = re.escape(syntax.starts)
        self.code = re.compile(f"(?=[{starts}])(?:{self.openers})")
        self.in_frame = re.compile(
            f"(?=[{starts}{{}}()])(?:{'|'.join([*parts, r'(?P<O>[{(])', r'(?P<C>[})])'])})")
        self.blocks = [re.compile(f"(?P<C>{b.close})" + (f"|(?P<O>{b.open})" if syntax.nested
                                                         else ""), re.MULTILINE)
                       for b in syntax.blocks]

    def body(self, index: int, delimiter: str | None) -> re.Pattern[str]:
        """The search inside string literal ``index``: what it skips, interpolates or ends at."""
        quote = self.syntax.quotes[index]
        close = quote.close.replace("{d}", re.escape(delimiter or ""))
        return _body(quote.skip, quote.interp, close)

    def lex(self, text: str, state: State) -> Lexed:
        """``text`` read from ``state``, which is left where the line ends."""
        if state.mode == CODE and not state.frames and self.code.search(text) is None:
            return Lexed(text)
        return _Run(self, text, state).lex()


def _rest(quote: Quote) -> re.Pattern[str] | None:
    """For a literal that ends with one plain character and knows only backslash escapes,
    the rest of it after the opener, matched in one step rather than one per escape.

    It is matched where the opener ends, never searched for: its two branches start with
    different characters, so a literal that does not close costs one pass to the line's end.
    """
    close = quote.close.removeprefix("\\")
    if quote.whole or quote.interp or quote.skip not in (r"\\.", None) or len(close) != 1 \
            or close in "\\\n":
        return None
    char = re.escape(close)
    inner = rf"(?:[^{char}\\\n]|\\.)*" if quote.skip else rf"[^{char}\n]*"
    return re.compile(inner + char)


@functools.lru_cache(maxsize=512)
def _body(skip: str | None, interp: str | None, close: str) -> re.Pattern[str]:
    # An interpolation first: Swift's \( would otherwise read as an escape.
    parts = [f"(?P<I>{interp})"] if interp else []
    parts += [f"(?P<S>{skip})"] if skip else []
    return re.compile("|".join([*parts, f"(?P<C>{close})"]))


@functools.cache
def _language(name: str) -> Language:
    return Language(next(s for s in SYNTAXES if s.name == name))


def language(extension: str) -> Language | None:
    """The compiled syntax for files with this lowercased extension, if it is known."""
    syntax = syntax_for(extension)
    return None if syntax is None else _language(syntax.name)


class _Run:
    """One pass over one line."""

    def __init__(self, lang: Language, text: str, state: State) -> None:
        self.lang, self.text, self.state = lang, text, state
        self.pos = 0
        self.start = 0
        """Where the comment or string the run is in began on this line."""
        self.comments: list[tuple[int, int]] = []
        self.strings: list[tuple[int, int]] = []
        self.off: set[str] = set()
        self.mark: tuple[str, int, int, int] | None = None
        """The last string opened from plain code: its group, start, and the span counts."""

    def lex(self) -> Lexed:
        steps = (self._code, self._block, self._string)
        while True:
            while steps[self.state.mode]():
                pass
            if not self._undo():
                break
        self._settle()
        return Lexed(_blank(self.text, self.comments), tuple(self.strings))

    def _code(self) -> bool:
        state = self.state
        found = (self.lang.in_frame if state.frames else self.lang.code).search(self.text,
                                                                                self.pos)
        if found is None:
            self.pos = len(self.text)
            return False
        kind = found.lastgroup or ""
        if kind in self.off:
            self.pos = found.start() + 1
        elif kind[0] == "L":
            self.comments.append((found.start(), len(self.text)))
            self.pos = len(self.text)
            return False
        elif kind[0] == "B":
            state.mode, state.index, state.depth = BLOCK, int(kind[1:]), 1
            self.start, self.pos = found.start(), found.end()
        elif kind[0] == "Q":
            self._quote(found, kind)
        else:
            self._bracket(found, kind)
        return True

    def _quote(self, found: re.Match[str], kind: str) -> None:
        index = int(kind[1:])
        quote = self.lang.syntax.quotes[index]
        self.pos = found.end()
        rest = self.lang.rests[index]
        done = rest.match(self.text, self.pos) if rest is not None else None
        if quote.whole or done is not None:
            if quote.masks:
                self.strings.append((found.start(), done.end() if done else found.end()))
            self.pos = done.end() if done else found.end()
            return
        delimiter = found.group(f"d{index}") if f"d{index}" in found.re.groupindex else None
        if not self.state.frames:
            self.mark = (kind, found.start(), len(self.comments), len(self.strings))
        self.state.mode, self.state.index = STRING, index
        self.state.body = self.lang.body(index, delimiter)
        self.start = found.start()

    def _bracket(self, found: re.Match[str], kind: str) -> None:
        state, char = self.state, found.group()
        frame = state.frames[-1]
        self.start, self.pos = found.start(), found.end()
        if kind == "O" and char == frame.opener:
            frame.depth += 1
        elif kind == "C" and char == frame.closer:
            if frame.depth:
                frame.depth -= 1
            else:
                state.frames.pop()
                state.mode, state.index, state.body = STRING, frame.quote, frame.body

    def _block(self) -> bool:
        state = self.state
        found = self.lang.blocks[state.index].search(self.text, self.pos)
        if found is None:
            self.comments.append((self.start, len(self.text)))
            self.pos = len(self.text)
            return False
        self.pos = found.end()
        if found.lastgroup == "O":
            state.depth += 1
        else:
            state.depth -= 1
            if state.depth == 0:
                self.comments.append((self.start, found.end()))
                state.mode = CODE
        return True

    def _string(self) -> bool:
        state = self.state
        assert state.body is not None
        found = state.body.search(self.text, self.pos)
        masks = self.lang.syntax.quotes[state.index].masks
        if found is None:
            if masks:
                self.strings.append((self.start, len(self.text)))
            self.pos = len(self.text)
            return False
        self.pos = found.end()
        if found.lastgroup == "S":
            return True
        if masks:
            self.strings.append((self.start, found.end()))
        if found.lastgroup == "I":
            opener = found.group()[-1]
            state.frames.append(_Frame(state.index, state.body, opener,
                                       "}" if opener == "{" else ")"))
        state.mode = CODE
        return True

    def _undo(self) -> bool:
        """Read the line again if it ends inside a string that cannot span lines, which was
        then no string: from just after its opener, with that opener switched off."""
        state, mark = self.state, self.mark
        if mark is None or (state.mode != STRING and not state.frames):
            return False
        kind, start, comments, strings = mark
        if self.lang.syntax.quotes[int(kind[1:])].multiline:
            return False
        del self.comments[comments:], self.strings[strings:]
        self.off.add(kind)
        self.state.mode, self.state.frames, self.mark = CODE, [], None
        self.pos = start + 1
        return True

    def _settle(self) -> None:
        """A string that cannot span lines ends with its line, whatever holds it."""
        state = self.state
        if state.mode == STRING and not self.lang.syntax.quotes[state.index].multiline:
            state.mode = CODE


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], " " * (end - start)]
        last = end
    parts.append(text[last:])
    return "".join(parts)
