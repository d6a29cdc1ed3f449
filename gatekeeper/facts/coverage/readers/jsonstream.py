"""An incremental JSON reader: walks objects member by member and decodes one value at a time.

The standard library decodes whole documents only. This keeps a refilling text buffer and
hands each member's value to ``json.JSONDecoder.raw_decode``, so a document of hundreds of
megabytes is never one object tree: only the value being decoded is in memory. A value too
long to decode at once is walked instead (see ``jsonwalk``).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import BinaryIO

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage.readers.collect import REGENERATE, Location

CHUNK = 1 << 20
MAX_VALUE_CHARS = 4 << 20
"""The longest single value decoded at once (a key, a number, a string, "meta"); a decoded
object takes up to twenty times its text, so this bounds memory."""

WHITESPACE = " \t\n\r"
TRUNCATED_HINT = "the file was cut off while being written or copied; " + REGENERATE


class TooLong(Exception):
    """A value longer than the ``limit`` given to ``JsonStream.value``; the cursor is still at
    its start, so it can be walked instead."""


class JsonStream:
    """A cursor over a JSON text read from a binary stream in chunks.

    Text before the cursor is dropped when the buffer refills; newlines in it are counted,
    so errors still name a line and column. ``mark`` is where the value of interest started.
    """

    def __init__(self, stream: BinaryIO, source: str) -> None:
        self.stream = stream
        self.source = source
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.mark = 0
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self._base = 0  # absolute offset of buf[0]
        self._base_line = 1
        self._base_column = 1

    # -- locations and errors ----------------------------------------------------------------

    def location(self, offset: int | None = None) -> Location:
        """Line and column of an absolute character offset (default: ``mark``)."""
        index = (self.mark if offset is None else offset) - self._base
        if not 0 <= index <= len(self.buf):
            return None, None
        newlines = self.buf.count("\n", 0, index)
        if not newlines:
            return self._base_line, self._base_column + index
        return self._base_line + newlines, index - self.buf.rfind("\n", 0, index)

    def error(self, message: str, hint: str = REGENERATE, at: int | None = None) -> ReportError:
        """A ReportError, to raise, at offset ``at`` (default: the cursor)."""
        line, column = self.location(self._base + self.pos if at is None else at)
        return ReportError(message, file=self.source, line=line, column=column, hint=hint)

    # -- buffer ------------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read more text after the cursor, at least doubling what is buffered; False at EOF."""
        if self.eof:
            return False
        done = self.buf[: self.pos]
        newlines = done.count("\n")
        if newlines:
            self._base_line += newlines
            self._base_column = len(done) - done.rfind("\n")
        else:
            self._base_column += len(done)
        self._base += self.pos
        self.buf, self.pos = self.buf[self.pos:], 0
        if len(self.buf) > MAX_VALUE_CHARS:
            raise self.error(f"a single value longer than {MAX_VALUE_CHARS:,} characters",
                             hint="this is not a coverage.py JSON report; " + REGENERATE)
        raw = self.stream.read(max(CHUNK, len(self.buf)))
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            self.buf += raw[: exc.start].decode("utf-8", "replace")
            raise self.error("the report is not valid UTF-8", at=self._base + len(self.buf),
                             hint="the file is corrupt; " + REGENERATE) from None
        self.buf += text
        self.eof = not raw
        return True

    def peek(self) -> str:
        """The next character that is not whitespace, without consuming it; "" at the end."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def expect(self, char: str, what: str) -> None:
        """Consume ``char`` as the next non-blank character; ReportError naming ``what`` if not."""
        found = self.peek()
        if found != char:
            if not found:
                raise self.error(f"the JSON ends where {what} was expected (truncated)",
                                 hint=TRUNCATED_HINT)
            raise self.error(f"expected {what}, found {found!r}",
                             hint="the file is corrupt; " + REGENERATE)
        self.pos += 1

    # -- values ------------------------------------------------------------------------------

    def value(self, limit: int | None = None) -> object:
        """Decode the value at the cursor, reading more text until it is complete.

        A value longer than ``limit`` characters raises TooLong, leaving the cursor on it.
        """
        if not self.peek():
            raise self.error("the JSON ends where a value was expected (truncated)",
                             hint=TRUNCATED_HINT)
        self.mark = self._base + self.pos
        while True:
            try:
                value, end = self._json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not _maybe_cut(exc, len(self.buf)):
                    raise self._syntax_error(exc) from None
            except ValueError:  # the standard library's cap on digits in a number
                raise self.error("a number too long to be plausible", at=self.mark,
                                 hint="the file is corrupt; " + REGENERATE) from None
            except RecursionError:
                raise self.error("values nest too deeply to be plausible", at=self.mark,
                                 hint="the file is corrupt; " + REGENERATE) from None
            else:
                if limit is not None and end - self.pos > limit:
                    raise TooLong  # decoded already, but at most a buffer's worth
                # A number that reaches the end of the buffer may go on in the next chunk.
                if end < len(self.buf) or self.eof:
                    self.pos = end
                    return value
            if limit is not None and len(self.buf) - self.pos > limit:
                raise TooLong
            self._fill()

    def members(self, what: str) -> Iterator[str]:
        """The keys of the object at the cursor; read each key's value before the next key."""
        self.expect("{", f"an object as {what}")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                self.expect('"', f"a key in {what}")
            key = self.value()
            assert isinstance(key, str)
            self.expect(":", "':' after a key")
            yield key
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("}", f"',' or '}}' in {what}")
            return

    def end(self) -> None:
        """Check that only whitespace follows the document; ReportError otherwise."""
        found = self.peek()
        if found:
            raise self.error(f"unexpected text after the JSON document: {found!r}",
                             hint="the file is corrupt; " + REGENERATE)

    def _syntax_error(self, exc: json.JSONDecodeError) -> ReportError:
        at = self._base + exc.pos
        if exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf.rstrip()):
            return self.error("the JSON ends before the document is complete (truncated)",
                              hint=TRUNCATED_HINT, at=at)
        return self.error(f"not valid JSON: {exc.msg}", at=at,
                          hint="the file is corrupt; " + REGENERATE)


def _maybe_cut(exc: json.JSONDecodeError, size: int) -> bool:
    """Whether the error may only mean the text stops early (more may complete it)."""
    return exc.msg.startswith("Unterminated string") or exc.pos >= size - 8

