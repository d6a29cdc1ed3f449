"""Coverage facts of a change: which changed lines the reports measure, and which of those ran."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gatekeeper.changeset.model import (
    ChangeSet,
    EntryKind,
    FileChange,
    FileStatus,
    LineRange,
    fold_ranges,
)
from gatekeeper.common.globs import PathSet
from gatekeeper.common.records import record
from gatekeeper.facts.coverage.merge import Merged, Unmapped
from gatekeeper.facts.coverage.model import COVERED, MISSED, FileCoverage


def percent(covered: int, coverable: int) -> float | None:
    """Covered share in percent; None when nothing is coverable, which is never 100%."""
    return covered * 100.0 / coverable if coverable else None


ranges = fold_ranges
"""Line numbers folded into inclusive ranges."""


@record(slots=True)
class Tally:
    """Coverable and covered counts of lines and of branches; tallies add up with ``+``."""

    coverable: int = 0
    covered: int = 0
    branches: int = 0
    branches_covered: int = 0

    @property
    def percent(self) -> float | None:
        """Covered lines in percent of coverable ones; None when none is coverable."""
        return percent(self.covered, self.coverable)

    @property
    def branch_percent(self) -> float | None:
        """Covered branches in percent of all branches; None when there are none."""
        return percent(self.branches_covered, self.branches)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.coverable + other.coverable, self.covered + other.covered,
                     self.branches + other.branches,
                     self.branches_covered + other.branches_covered)


@record(slots=True)
class FilePatch:
    """One changed file: its changed lines and what the reports say of them."""

    path: str
    changed: tuple[LineRange, ...]
    covered: tuple[LineRange, ...]
    uncovered: tuple[LineRange, ...]
    changed_lines: int
    tally: Tally
    in_report: bool
    """Whether any report measures the file at all."""

    @property
    def percent(self) -> float | None:
        """Share of the file's coverable changed lines that ran, in percent; None without any."""
        return self.tally.percent


@record(slots=True)
class FileTotal:
    """A whole file's coverage, for report-wide totals; unmapped files keep their report path."""

    path: str
    mapped: bool
    tally: Tally


@record(slots=True)
class ReportInfo:
    """One report read: its file, format, role, how many files it names and how many mapped."""

    source: str
    format: str
    role: str
    """``head`` or ``base``."""
    files: int
    mapped: int


@record
class CoverageFacts:
    """Coverage of a change: changed lines per file, report-wide totals, reports and problems."""

    files: tuple[FilePatch, ...]
    """Every changed file with added lines, in change-set order."""
    head: tuple[FileTotal, ...]
    base: tuple[FileTotal, ...] | None
    """None when no base report was given."""
    reports: tuple[ReportInfo, ...]
    unmapped: tuple[Unmapped, ...]
    problems: tuple[str, ...]
    """Why the reports do not fit the change (stale, or no path maps)."""
    has_branches: bool

    def patch(self, paths: Iterable[str] | None = None) -> Tally:
        """The changed lines of ``paths`` (default: every changed file), summed."""
        wanted = None if paths is None else set(paths)
        total = Tally()
        for f in self.files:
            if wanted is None or f.path in wanted:
                total += f.tally
        return total

    def total(self, base: bool = False, exclude: PathSet | None = None) -> Tally | None:
        """Report-wide coverage of the head (or base) reports, less ``exclude``d paths."""
        files = self.base if base else self.head
        if files is None:
            return None
        total = Tally()
        for f in files:
            if exclude is None or not exclude.matches(f.path):
                total += f.tally
        return total

    def delta(self, exclude: PathSet | None = None) -> float | None:
        """Head total minus base total, in percentage points; None when either is unknown."""
        head, base = self.total(False, exclude), self.total(True, exclude)
        if head is None or base is None or head.percent is None or base.percent is None:
            return None
        return head.percent - base.percent


def _measured(change: FileChange) -> bool:
    # Deleted, binary, symlink and submodule entries have no lines a report could measure;
    # a pure rename has no added line, so moved code never counts as new code.
    return (change.status is not FileStatus.DELETED and not change.binary
            and change.kind is EntryKind.FILE and change.added > 0)


def _branches(data: FileCoverage | None, lines: set[int]) -> tuple[int, int]:
    if data is None:
        return 0, 0
    total = covered = 0
    for line, hit, count in data.branch_triples():
        if line in lines:
            total += count
            covered += min(hit, count)
    return total, covered


def file_patch(change: FileChange, data: FileCoverage | None) -> FilePatch:
    """Sort the change's added lines into covered and missed by ``data`` (None: unmeasured)."""
    changed = list(change.added_lines())
    covered, missed = [], []
    if data is not None:
        for line in changed:
            state = data.state(line)
            if state == COVERED:
                covered.append(line)
            elif state == MISSED:
                missed.append(line)
    branches, branches_covered = _branches(data, set(changed))
    tally = Tally(len(covered) + len(missed), len(covered), branches, branches_covered)
    return FilePatch(change.path, ranges(sorted(set(changed))), ranges(covered), ranges(missed),
                     len(changed), tally, data is not None)


def _whole(data: FileCoverage) -> Tally:
    total = covered = 0
    for _, hit, count in data.branch_triples():
        total += count
        covered += min(hit, count)
    return Tally(data.coverable, data.covered, total, covered)


def totals(merged: Merged) -> tuple[FileTotal, ...]:
    """A whole-file tally of every file the reports measure, mapped ones then unmapped ones."""
    found = [FileTotal(path, True, _whole(data)) for path, data in merged.files.items()]
    found += [FileTotal(data.path, False, _whole(data)) for data in merged.unmapped_files]
    return tuple(found)


def infos(merged: Merged, role: str) -> tuple[ReportInfo, ...]:
    """Per report merged as ``role`` (head or base): how many files it names and how many mapped."""
    unmapped: dict[str, int] = {}
    for miss in merged.unmapped:
        unmapped[miss.report] = unmapped.get(miss.report, 0) + 1
    return tuple(ReportInfo(r.source, r.format, role, len(r.files),
                            len(r.files) - unmapped.get(r.source, 0)) for r in merged.reports)


def problems(merged: Merged, role: str, line_counts: Mapping[str, int]) -> list[str]:
    """Signs that a report was made for other code than the commit checked."""
    found = []
    for info in infos(merged, role):
        if info.files and not info.mapped:
            example = next(m.report_path for m in merged.unmapped if m.report == info.source)
            found.append(f"none of the {info.files} files in {role} report {info.source} "
                         f"matches a repository file (such as {example})")
    if role == "head":
        for path, data in merged.files.items():
            lines = line_counts.get(path)
            if lines is not None and data.last_line > lines:
                found.append(f"the coverage report measures line {data.last_line} of {path}, "
                             f"which has only {lines} lines at the head: the report is stale")
    return found


def build(changeset: ChangeSet, head: Merged, base: Merged | None,
          line_counts: Mapping[str, int]) -> CoverageFacts:
    """``line_counts`` holds the head's line count of changed files the reports measure."""
    files = tuple(file_patch(c, head.files.get(c.path)) for c in changeset.files
                  if _measured(c))
    found = problems(head, "head", line_counts)
    if base is not None:
        found += problems(base, "base", {})
    reports = infos(head, "head") + (infos(base, "base") if base is not None else ())
    unmapped = head.unmapped + (base.unmapped if base is not None else ())
    return CoverageFacts(files, totals(head), totals(base) if base is not None else None,
                         reports, unmapped, tuple(found), head.has_branches)
