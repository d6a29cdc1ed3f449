"""What every reader shares: per-file accumulation one byte a line, merging, limits and errors."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage.model import COVERED, MISSED, FileCoverage, Report

MAX_LINE = 10_000_000
"""The highest line number a report may name; far beyond any real source file."""
MAX_BRANCHES = 1_000_000
"""The most branches one line may have; more means a corrupt report (and would overflow)."""
MAX_TOTAL_LINES = 200_000_000
"""Line slots summed over all files: keeps memory bounded when many files claim huge numbers."""

Location = tuple[int | None, int | None]
Locator = Callable[[], Location]

REGENERATE = "regenerate the report with the coverage tool"


class Collector:
    """Collects lines and branches file by file; the same path seen again is merged.

    ``open`` starts or resumes a file, ``line``/``lines``/``branch`` record into it, ``close``
    freezes it to bytes. Errors carry the reader's current location through ``locate``.
    """

    def __init__(self, source: str, fmt: str, locate: Locator) -> None:
        self.source = source
        self.format = fmt
        self.locate = locate
        self._done: dict[str, tuple[bytes, array[int]]] = {}
        self._path: str | None = None
        self._lines = bytearray()
        self._branches: array[int] = array("l")
        self._ordered = True
        self._total = 0

    def error(self, message: str, hint: str = REGENERATE) -> ReportError:
        """A ReportError, to raise, at the reader's current location in ``source``."""
        line, column = self.locate()
        return ReportError(message, file=self.source, line=line, column=column, hint=hint)

    def number(self, text: str | bytes | None, what: str) -> int:
        """A non-negative decimal integer, strictly: no sign, space, underscore or fraction."""
        if text is None:
            raise self.error(f"{what} is missing")
        if not (text.isdecimal() if isinstance(text, str) else text.isdigit()) or len(text) > 30:
            shown = text if isinstance(text, str) else text.decode("utf-8", "replace")
            raise self.error(f"{what} is not a plausible whole number: {shown[:40]!r}")
        return int(text)

    # -- files -------------------------------------------------------------------------------

    @property
    def current(self) -> str | None:
        """The path of the file being recorded; None between files."""
        return self._path

    def open(self, path: str) -> None:
        """Start recording ``path`` (backslashes made slashes), or resume it if seen before."""
        path = path.replace("\\", "/")
        if path == self._path:
            return
        self.close()
        self._path = path
        earlier = self._done.get(path)
        if earlier is None:
            self._lines, self._branches, self._ordered = bytearray(), array("l"), True
            self._done[path] = (b"", self._branches)  # holds the file's place in report order
        else:
            self._lines, self._branches = bytearray(earlier[0]), earlier[1]
            self._ordered = False

    def close(self) -> None:
        """Freeze the file being recorded to bytes, unmeasured trailing lines dropped."""
        if self._path is None:
            return
        lines = self._lines
        if lines:
            lines[0] = 0  # some tools report generated code at line 0; it is no source line
        # Trailing zeros are room grown ahead, or lines no different from absent ones.
        frozen = bytes(lines.rstrip(b"\0"))
        self._total -= len(lines) - len(frozen)
        branches = self._branches if self._ordered else _merged(self._branches)
        self._done[self._path] = (frozen, branches)
        self._path, self._lines, self._branches = None, bytearray(), array("l")

    # -- data --------------------------------------------------------------------------------

    def _grow(self, top: int) -> None:
        if top > MAX_LINE:
            raise self.error(f"line number {top} is beyond the limit of {MAX_LINE:,}",
                             hint="the report is corrupt; " + REGENERATE)
        # Room for twice the lines so far: reports list lines in order, one at a time.
        size = min(max(top + 1, 2 * len(self._lines), 256), MAX_LINE + 1)
        extra = size - len(self._lines)
        self._total += extra
        if self._total > MAX_TOTAL_LINES:
            raise self.error(f"the report measures more than {MAX_TOTAL_LINES:,} lines in total",
                             hint="split the report, or check that it is not corrupt")
        self._lines.extend(bytes(extra))

    def line(self, number: int, covered: bool) -> None:
        """Record line ``number`` as covered or missed; covered wins over missed."""
        lines = self._lines
        if number >= len(lines):
            self._grow(number)
        state = COVERED if covered else MISSED
        if lines[number] < state:  # COVERED wins over MISSED, which wins over nothing
            lines[number] = state

    def hits(self, covered: list[int], missed: list[int], top: int) -> None:
        """Record lines known to be within MAX_LINE (``top`` the highest, -1 for none), as
        ``line`` would one at a time."""
        if top < 0:
            return
        if top >= len(self._lines):
            self._grow(top)
        lines = self._lines
        for number in covered:
            lines[number] = COVERED
        for number in missed:
            if not lines[number]:
                lines[number] = MISSED

    def room_for(self, lines: int) -> bool:
        """Whether ``lines`` more line slots stay within MAX_TOTAL_LINES."""
        return self._total + lines <= MAX_TOTAL_LINES

    def lines(self, numbers: Sequence[Any], covered: bool) -> None:
        """Record many lines of one state; ``numbers`` come unchecked from a decoded document."""
        if not numbers:
            return
        try:
            low, high = min(numbers), max(numbers)
            if low < 0:
                raise TypeError
            if high >= len(self._lines):
                self._grow(high)
            lines = self._lines
            if covered:
                for n in numbers:
                    lines[n] = COVERED
            else:
                for n in numbers:
                    if not lines[n]:
                        lines[n] = MISSED
        except TypeError:
            raise self.error("a line list holds something other than line numbers") from None

    def branch(self, number: int, covered: int, total: int) -> None:
        """Record ``covered`` of ``total`` branches at line ``number``; ReportError if corrupt."""
        if number > MAX_LINE:
            raise self.error(f"line number {number} is beyond the limit of {MAX_LINE:,}",
                             hint="the report is corrupt; " + REGENERATE)
        if total > MAX_BRANCHES:
            raise self.error(f"line {number}: {total} branches is beyond the limit of "
                             f"{MAX_BRANCHES:,}", hint="the report is corrupt; " + REGENERATE)
        if covered > total:
            raise self.error(f"line {number}: {covered} of {total} branches covered",
                             hint="the report is corrupt; " + REGENERATE)
        data = self._branches
        if data and data[-3] >= number:
            self._ordered = False
        data.extend((number, covered, total))

    # -- result ------------------------------------------------------------------------------

    def report(self, roots: tuple[str, ...] = (), *, has_branches: bool) -> Report:
        """Close the last file and return the report; ReportError when it lists no source file."""
        self.close()
        if not self._done:
            raise self.error("the report lists no source files",
                             hint="check that the tests ran and measured the code under test")
        files = tuple(FileCoverage(path, lines, branches)
                      for path, (lines, branches) in self._done.items())
        return Report(self.source, self.format, files, roots, has_branches)


def _merged(data: array[int]) -> array[int]:
    """Triples sorted by line, one per line, duplicates merged by the maximum of each count."""
    best: dict[int, tuple[int, int]] = {}
    for i in range(0, len(data), 3):
        line, covered, total = data[i], data[i + 1], data[i + 2]
        seen = best.get(line)
        best[line] = (covered, total) if seen is None else (max(seen[0], covered),
                                                           max(seen[1], total))
    merged: array[int] = array("l")
    for line in sorted(best):
        merged.extend((line, *best[line]))
    return merged
