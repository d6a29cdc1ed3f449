"""Frozen data read from coverage reports, in report paths, before any mapping to the repo."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from gatekeeper.common.records import record

NOT_COVERABLE = 0
MISSED = 1
COVERED = 2


@dataclass(frozen=True, slots=True, eq=False)
class FileCoverage:
    """One source file as one report (or a merge of several) measured it.

    ``lines`` holds one byte per line number, indexed from 0 (index 0 is never used):
    ``NOT_COVERABLE``, ``MISSED`` or ``COVERED``. One byte a line keeps a report of
    millions of lines small, and counting is done in C with ``bytes.count``.
    ``branches`` is a flat array of ``(line, covered, total)`` triples, empty when the
    format has no branch data.
    """

    path: str
    lines: bytes
    branches: array[int] = field(default_factory=lambda: array("l"))

    @property
    def coverable(self) -> int:
        """How many lines the report counts as executable (missed or covered)."""
        return self.lines.count(MISSED) + self.lines.count(COVERED)

    @property
    def covered(self) -> int:
        """How many lines ran at least once."""
        return self.lines.count(COVERED)

    @property
    def last_line(self) -> int:
        """The highest line the report measures, 0 when it measures none."""
        stripped = self.lines.rstrip(b"\x00")
        return len(stripped) - 1 if stripped else 0

    def state(self, line: int) -> int:
        """The state of ``line``: ``MISSED``, ``COVERED``, or ``NOT_COVERABLE`` when unmeasured."""
        return self.lines[line] if 0 < line < len(self.lines) else NOT_COVERABLE

    def branch_triples(self) -> Iterator[tuple[int, int, int]]:
        """The ``(line, covered, total)`` branch counts, in stored order."""
        data = self.branches
        for i in range(0, len(data), 3):
            yield data[i], data[i + 1], data[i + 2]


@record(slots=True)
class Report:
    """One coverage report file as read."""

    source: str
    """The file it was read from, as the user named it."""
    format: str
    """``cobertura``, ``lcov``, ``jacoco`` or ``coverage-json``."""
    files: tuple[FileCoverage, ...]
    roots: tuple[str, ...] = ()
    """Source roots the report declares (Cobertura ``<source>``), to resolve relative paths."""
    has_branches: bool = False
    """Whether the format recorded branch data at all."""
