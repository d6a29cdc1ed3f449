"""Merging several coverage reports into one view of the repository's files."""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from gatekeeper.common.records import record
from gatekeeper.facts.coverage.model import FileCoverage, Report
from gatekeeper.facts.coverage.paths import PathMapper

_OR_TO_MAX = bytes.maketrans(b"\x03", b"\x02")
"""States are 0, 1 and 2, so a bitwise OR is their maximum except MISSED | COVERED (3)."""


@record(slots=True)
class Unmapped:
    """A file a report names that matches no repository file, and why."""

    report_path: str
    report: str
    """The report that names it (``Report.source``)."""
    reason: str
    candidates: tuple[str, ...] = ()
    """The repository files it matches equally well, when the reason is ambiguity."""


@record
class Merged:
    """All reports together: coverage by repository file, and what could not be placed."""

    files: Mapping[str, FileCoverage]
    """By repository path, sorted; each ``FileCoverage.path`` is that repository path."""
    unmapped: tuple[Unmapped, ...]
    """Each unmapped file once per report that names it, in report order."""
    unmapped_files: tuple[FileCoverage, ...]
    """The data of unmapped files, merged by report path: still part of report-wide totals."""
    reports: tuple[Report, ...]
    has_branches: bool


def merge(reports: Sequence[Report], mapper: PathMapper) -> Merged:
    """Map every file of every report and union the data that lands on the same path."""
    files: dict[str, FileCoverage] = {}
    strays: dict[str, FileCoverage] = {}
    unmapped: dict[tuple[str, str], Unmapped] = {}
    for report in reports:
        for found in report.files:
            mapped = mapper.map(found.path, report.roots)
            if mapped.repo_path is not None:
                _add(files, mapped.repo_path, found)
                continue
            unmapped.setdefault((report.source, found.path), Unmapped(
                found.path, report.source, mapped.how, mapped.candidates))
            _add(strays, found.path, found)
    return Merged(
        files=MappingProxyType(dict(sorted(files.items()))),
        unmapped=tuple(unmapped.values()),
        unmapped_files=tuple(strays.values()),
        reports=tuple(reports),
        has_branches=any(report.has_branches for report in reports),
    )


def _add(into: dict[str, FileCoverage], path: str, found: FileCoverage) -> None:
    known = into.get(path)
    if known is not None:
        into[path] = union(known, found, path)
    elif found.path == path:
        into[path] = found
    else:
        into[path] = FileCoverage(path, found.lines, found.branches)


def union(a: FileCoverage, b: FileCoverage, path: str) -> FileCoverage:
    """What either measurement saw: per line the better state, per branch line the most."""
    return FileCoverage(path, _union_lines(a.lines, b.lines),
                        _union_branches(a.branches, b.branches))


def _union_lines(a: bytes, b: bytes) -> bytes:
    # One big-integer OR does the whole file in C; a loop over lines would take seconds.
    if a == b or not b:
        return a
    if not a:
        return b
    size = max(len(a), len(b))
    either = int.from_bytes(a.ljust(size, b"\0"), "big") | int.from_bytes(
        b.ljust(size, b"\0"), "big")
    return either.to_bytes(size, "big").translate(_OR_TO_MAX)


def _union_branches(a: array[int], b: array[int]) -> array[int]:
    """Per line the most branches covered and the most branches known, sorted by line."""
    merged = _per_line(a)
    for line, (covered, total) in _per_line(b).items():
        was_covered, was_total = merged.get(line, (0, 0))
        merged[line] = (max(covered, was_covered), max(total, was_total))
    out = array("l")
    for line in sorted(merged):
        out.extend((line, *merged[line]))
    return out


def _per_line(data: array[int]) -> dict[int, tuple[int, int]]:
    """Branches by line; several triples for one line are separate branch points, so add up."""
    lines: dict[int, tuple[int, int]] = {}
    for line, covered, total in zip(data[0::3], data[1::3], data[2::3], strict=False):
        was_covered, was_total = lines.get(line, (0, 0))
        lines[line] = (was_covered + covered, was_total + total)
    return lines
