"""Reads JSON values too long to decode at once, in bounded memory: lists of numbers or of
number pairs a window at a time, and anything else passed over unread."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage.readers import jsonstream
from gatekeeper.facts.coverage.readers.collect import REGENERATE
from gatekeeper.facts.coverage.readers.jsonstream import TRUNCATED_HINT, WHITESPACE, JsonStream

WINDOW = 1 << 18
"""How much of a long list ``numbers`` and ``pairs`` decode at a time."""

_BRACKETS = re.compile(r"[\[\]]")
_PLAIN = re.compile(r'[^"\[\]{}]*')  # what skip passes over in one step: no string, no nesting
_SCALAR = re.compile(r'[^"\[\]{},: \t\n\r]*')  # a number or literal on its own


class JsonWalker(JsonStream):
    """A JsonStream that can also read long lists in pieces and pass over values unread."""

    def numbers(self, what: str) -> Iterator[list[object]]:
        """The elements of the flat list at the cursor (numbers), a window at a time."""
        self.expect("[", f"a list as {what}")
        after_comma, size = False, WINDOW
        while True:
            limit = self._window(size)
            buf, pos = self.buf, self.pos
            end = buf.find("]", pos, limit)
            cut = end if end >= 0 else buf.rfind(",", pos, limit)
            if cut < 0 and self._wider(size, limit):
                size *= 2  # an element longer than the window
                continue
            # An empty piece before a comma, or after one, is a missing element.
            blank = not buf[pos:cut].strip(WHITESPACE)
            if cut < 0 or (blank and (end < 0 or after_comma)):
                raise self._bad_list(what, limit)
            size = WINDOW
            self.mark = self._base + pos  # where errors about the piece point
            yield self._decode(buf[pos:cut], what)
            self.pos, after_comma = cut + 1, end < 0
            if end >= 0:
                return

    def pairs(self, what: str) -> Iterator[list[object]]:
        """The elements of the list of flat lists at the cursor (``[[1, 2], ...]``), a window
        at a time."""
        self.expect("[", f"a list as {what}")
        if self.peek() == "]":
            self.pos += 1
            return
        size = WINDOW
        while True:
            limit = self._window(size)
            depth, cut, start = 0, -1, self.pos
            for bracket in _BRACKETS.finditer(self.buf, start, limit):
                depth += 1 if bracket.group() == "[" else -1
                if depth < 0:  # the end of the list
                    if not self.buf[start : bracket.start()].strip(WHITESPACE):
                        raise self._bad_list(what, limit)  # a comma before the end
                    self.mark = self._base + start
                    yield self._decode(self.buf[start : bracket.start()], what)
                    self.pos = bracket.end()
                    return
                if depth == 0:
                    cut = bracket.end()
            if cut < 0 and self._wider(size, limit):
                size *= 2  # an element longer than the window
                continue
            if cut < 0:
                raise self._bad_list(what, limit)
            size = WINDOW
            self.mark = self._base + start
            yield self._decode(self.buf[start:cut], what)
            self.pos = cut
            if self.peek() == "]":
                self.pos += 1
                return
            self.expect(",", f"',' or ']' in {what}")

    def _window(self, size: int) -> int:
        """Fill the buffer to ``size`` characters past the cursor where the text goes on; the
        end of the window."""
        while len(self.buf) - self.pos < size and self._fill():
            pass
        return min(len(self.buf), self.pos + size)

    def _wider(self, size: int, limit: int) -> bool:
        """Whether a window that held no whole element may grow: it was full, and is short of
        MAX_VALUE_CHARS (an element longer than that is refused by ``_fill``)."""
        return limit - self.pos == size and size < jsonstream.MAX_VALUE_CHARS

    def _decode(self, items: str, what: str) -> list[object]:
        try:
            found = self._json.decode(f"[{items}]")
        except (ValueError, RecursionError):  # JSONDecodeError, or the cap on digits
            raise self.error(f"{what} is not a list of line numbers",
                             hint="the file is corrupt; " + REGENERATE) from None
        assert isinstance(found, list)
        return found

    def _bad_list(self, what: str, limit: int) -> ReportError:
        if self.eof and limit == len(self.buf):
            return self.error(f"the JSON ends inside {what} (truncated)", hint=TRUNCATED_HINT)
        return self.error(f"{what} is not a list of line numbers",
                          hint="the file is corrupt; " + REGENERATE)

    def skip(self) -> None:
        """Pass over the value at the cursor unread, in bounded memory.

        Only the nesting and the strings are followed: a value read this way is not checked
        for the finer points of JSON syntax, since nothing in it is used.
        """
        depth = 0
        while True:
            found = self.peek()
            if not found:
                raise self.error("the JSON ends inside a value (truncated)", hint=TRUNCATED_HINT)
            if found == '"':
                self._skip_string()
            elif found in "[{":
                depth, self.pos = depth + 1, self.pos + 1
            elif found in "]}":
                if depth == 0:
                    raise self.error(f"expected a value, found {found!r}",
                                     hint="the file is corrupt; " + REGENERATE)
                depth, self.pos = depth - 1, self.pos + 1
            else:
                self._skip_plain(_PLAIN if depth else _SCALAR)
            if depth == 0:
                return

    def _skip_plain(self, pattern: re.Pattern[str]) -> None:
        """A number or literal, or inside a list or object also the commas and colons, up to
        a string or bracket."""
        while True:
            plain = pattern.match(self.buf, self.pos)
            assert plain is not None  # it matches empty text too
            self.pos = plain.end()
            if self.pos < len(self.buf) or not self._fill():
                return

    def _skip_string(self) -> None:
        """The string at the cursor; one longer than MAX_VALUE_CHARS is an error."""
        start = self.pos + 1
        while True:
            end = self.buf.find('"', start)
            while end >= 0 and _escaped(self.buf, end):
                end = self.buf.find('"', end + 1)
            if end >= 0:
                self.pos = end + 1
                return
            start = len(self.buf) - self.pos  # what is scanned already, once the buffer moves
            if not self._fill():
                raise self.error("the JSON ends inside a string (truncated)",
                                 hint=TRUNCATED_HINT)
            start += self.pos


def _escaped(text: str, quote: int) -> bool:
    """Whether the quote at ``quote`` follows an odd number of backslashes."""
    start = quote
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (quote - start) % 2 == 1
