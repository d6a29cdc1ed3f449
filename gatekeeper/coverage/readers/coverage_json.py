"""coverage.py's JSON report (``coverage json``), read one file entry at a time."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import BinaryIO

from gatekeeper.coverage.model import Report
from gatekeeper.coverage.readers.collect import Collector
from gatekeeper.coverage.readers.jsonstream import JsonStream

NAME = "coverage-json"

_START = re.compile(rb'\s*\{\s*"(?:meta|files)"\s*:')


def detect(head: bytes) -> bool:
    return _START.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def read(stream: BinaryIO, source: str) -> Report:
    json = JsonStream(stream, source)
    out = Collector(source, NAME, json.location)
    has_branches = False
    for key in json.members("the report"):
        if key == "files":
            for path in json.members('"files"'):
                has_branches |= _file(out, path, json.value())
        elif key == "meta":
            meta = json.value()
            has_branches |= isinstance(meta, dict) and meta.get("branch_coverage") is True
        else:
            json.value()  # "totals" and anything newer: small, and not needed
    json.end()
    return out.report(has_branches=has_branches)


def _file(out: Collector, path: str, entry: object) -> bool:
    """Record one file's entry; True if it has branch data."""
    if not isinstance(entry, dict):
        raise out.error(f"the entry for {path!r} is not an object")
    executed = _list(out, entry, "executed_lines")
    missing = _list(out, entry, "missing_lines")
    out.open(path)
    out.lines(executed, covered=True)
    out.lines(missing, covered=False)
    has_branches = "executed_branches" in entry or "missing_branches" in entry
    if has_branches:
        _branches(out, _list(out, entry, "executed_branches"),
                  _list(out, entry, "missing_branches"))
    out.close()
    return has_branches


def _list(out: Collector, entry: dict[str, object], key: str) -> Sequence[object]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise out.error(f'"{key}" is not a list')
    return value


def _branches(out: Collector, executed: Sequence[object], missing: Sequence[object]) -> None:
    """Arcs ``[from, to]`` grouped by their source line: (line, executed, executed + missing)."""
    counts: dict[int, list[int]] = {}
    for arcs, taken in ((executed, 1), (missing, 0)):
        for arc in arcs:
            if not (isinstance(arc, list) and len(arc) == 2 and type(arc[0]) is int):
                raise out.error(f"a branch is not a [from, to] pair of lines: {arc!r:.40}")
            counts.setdefault(arc[0], [0, 0])
            counts[arc[0]][0] += taken
            counts[arc[0]][1] += 1
    for line in sorted(counts):
        if line > 0:
            out.branch(line, *counts[line])
