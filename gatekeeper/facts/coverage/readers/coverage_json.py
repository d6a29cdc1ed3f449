"""coverage.py's JSON report (``coverage json``), read one file entry at a time.

An entry is decoded whole when it is short, as nearly all are; a longer one is walked member by
member, its line and branch lists read in pieces and the rest (contexts, functions, classes)
passed over unread, so that no entry, however long, is ever one object tree in memory.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import BinaryIO

from gatekeeper.facts.coverage.model import Report
from gatekeeper.facts.coverage.readers.collect import MAX_LINE, REGENERATE, Collector
from gatekeeper.facts.coverage.readers.jsonstream import TooLong
from gatekeeper.facts.coverage.readers.jsonwalk import JsonWalker

NAME = "coverage-json"
WHOLE_ENTRY_CHARS = 1 << 20
"""The longest file entry decoded at once; a longer one is walked (see the module's doc)."""

_START = re.compile(rb'\s*\{\s*"(?:meta|files)"\s*:')
_LINES = {"executed_lines": True, "missing_lines": False}
_ARCS = {"executed_branches": 1, "missing_branches": 0}


def detect(head: bytes) -> bool:
    """Whether ``head`` opens a JSON object whose first key is ``meta`` or ``files``."""
    return _START.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def read(stream: BinaryIO, source: str) -> Report:
    """Read a coverage.py JSON report entry by entry; ReportError with a location when bad."""
    json = JsonWalker(stream, source)
    out = Collector(source, NAME, json.location)
    has_branches = False
    for key in json.members("the report"):
        if key == "files":
            for path in json.members('"files"'):
                has_branches |= _file(out, json, path)
        elif key == "meta":
            has_branches |= _branch_coverage(json)
        else:
            json.skip()  # "totals" and anything newer: not needed
    json.end()
    return out.report(has_branches=has_branches)


def _branch_coverage(json: JsonWalker) -> bool:
    """Whether "meta" says branches were measured; the rest of it is passed over."""
    found = False
    for key in json.members('"meta"'):
        if key == "branch_coverage":
            found = json.value() is True
        else:
            json.skip()
    return found


def _file(out: Collector, json: JsonWalker, path: str) -> bool:
    """Record one file's entry; True if it has branch data."""
    try:
        entry = json.value(limit=WHOLE_ENTRY_CHARS)
    except TooLong:
        return _walked_file(out, json, path)
    if not isinstance(entry, dict):
        raise out.error(f"the entry for {path!r} is not an object")
    out.open(path)
    for key, covered in _LINES.items():
        out.lines(_list(out, entry, key), covered=covered)
    has_branches = any(key in entry for key in _ARCS)
    if has_branches:
        arcs = _Arcs(out)
        for key, taken in _ARCS.items():
            arcs.add(_list(out, entry, key), taken)
        arcs.record()
    out.close()
    return has_branches


def _walked_file(out: Collector, json: JsonWalker, path: str) -> bool:
    """Record a long entry member by member, its lists a piece at a time."""
    out.open(path)
    arcs = _Arcs(out)
    has_branches = False
    for key in json.members(f"the entry for {path!r}"):
        if key in _LINES:
            for piece in json.numbers(f'"{key}"'):
                out.lines(piece, covered=_LINES[key])
        elif key in _ARCS:
            has_branches = True
            for piece in json.pairs(f'"{key}"'):
                arcs.add(piece, _ARCS[key])
        else:
            json.skip()
    arcs.record()
    out.close()
    return has_branches


def _list(out: Collector, entry: dict[str, object], key: str) -> Sequence[object]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise out.error(f'"{key}" is not a list')
    return value


class _Arcs:
    """Arcs ``[from, to]`` counted by their source line: how many were taken, of how many.

    Counted in arrays indexed by line, four bytes a line each: a dict of lists would take some
    150 bytes for each line a hostile report names.
    """

    def __init__(self, out: Collector) -> None:
        self.out = out
        self.taken: array[int] = array("i")
        self.total: array[int] = array("i")

    def add(self, arcs: Iterable[object], taken: int) -> None:
        counts, total = self.taken, self.total
        for arc in arcs:
            if not (isinstance(arc, list) and len(arc) == 2 and type(arc[0]) is int):
                raise self.out.error(f"a branch is not a [from, to] pair of lines: {arc!r:.40}")
            line = arc[0]
            if line <= 0:  # an arc from a code object's entry, not from a line
                continue
            if line >= len(total):
                self._grow(line)
            total[line] += 1
            if taken:
                counts[line] += 1

    def _grow(self, line: int) -> None:
        if line > MAX_LINE:
            raise self.out.error(f"line number {line} is beyond the limit of {MAX_LINE:,}",
                                 hint="the report is corrupt; " + REGENERATE)
        extra = min(max(line + 1, 2 * len(self.total), 256), MAX_LINE + 1) - len(self.total)
        self.taken.extend(array("i", bytes(4 * extra)))
        self.total.extend(array("i", bytes(4 * extra)))

    def record(self) -> None:
        # The counts cannot overflow: a report is at most 2 GiB, fewer arcs than 2**31.
        taken, total, branch = self.taken, self.total, self.out.branch
        for line in compress(range(len(total)), total):
            branch(line, taken[line], total[line])
