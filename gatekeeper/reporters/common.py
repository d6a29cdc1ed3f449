"""Wording that several report formats share, so a waiver reads the same everywhere."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gatekeeper.verdict import RuleResult, Status

if TYPE_CHECKING:
    from gatekeeper.coverage.patch import CoverageFacts

MARKS = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.WARN: "WARN", Status.SKIP: "SKIP",
         Status.NOT_APPLICABLE: "N/A", Status.WAIVED: "WAIVED", Status.EXCEPTED: "EXCEPTED"}


def mark(result: RuleResult) -> str:
    text = MARKS[result.status]
    if not result.enforced and result.status in (Status.FAIL, Status.WARN):
        text += " (report-only)"
    return text


def details_for(result: RuleResult, limit: int = 20) -> list[str]:
    """The lines a result points at, one file a line; the JSON report has them all."""
    lines = [detail.describe() for detail in result.details[:limit]]
    if len(result.details) > limit:
        lines.append(f"... and {len(result.details) - limit} more files")
    return lines


def notes_for(result: RuleResult) -> list[str]:
    """Waivers, exceptions and refusals: the lines every format shows with their reasons."""
    lines = []
    for waiver in result.waivers:
        if waiver.accepted:
            lines.append(f"waived by {waiver.source}: {waiver.reason}"
                         + (f" ({waiver.note})" if waiver.note else ""))
        else:
            lines.append(f"waiver refused ({waiver.source}): {waiver.note}")
    for note in result.exceptions:
        paths = ", ".join(note.paths) or "the whole rule"
        if note.expired:
            lines.append(f"exception for {paths} expired on {note.expires} and no longer "
                         f"applies: {note.reason}")
        else:
            lines.append(f"exception for {paths} until {note.expires} ({note.files} files "
                         f"set aside): {note.reason}")
    return lines


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{math.floor(value * 100) / 100:.2f}%"


def coverage_lines(coverage: CoverageFacts | None, limit: int = 10) -> list[str]:
    """The coverage summary every text format shows: patch, total, and unmatched report paths."""
    if coverage is None:
        return []
    patch = coverage.patch()
    if patch.coverable:
        text = (f"patch {_pct(patch.percent)} ({patch.covered} of {patch.coverable} changed "
                "lines)")
    else:
        text = "patch not applicable (no changed line is coverable)"
    head = coverage.total()
    if head is not None:
        text += f"; total {_pct(head.percent)}"
        delta = coverage.delta()
        if delta is not None:
            base = coverage.total(True)
            text += f" ({delta:+.2f} points from {_pct(base.percent if base else None)})"
    lines = [text]
    if coverage.unmapped:
        shown = [f"{m.report_path} ({m.reason})" for m in coverage.unmapped[:limit]]
        more = len(coverage.unmapped) - limit
        lines.append(f"{len(coverage.unmapped)} report files match no repository file: "
                     + ", ".join(shown) + (f" and {more} more" if more > 0 else ""))
    missing = [f.path for f in coverage.files if not f.in_report]
    if missing:
        more = len(missing) - limit
        lines.append(f"{len(missing)} changed files are not in any report: "
                     + ", ".join(missing[:limit]) + (f" and {more} more" if more > 0 else ""))
    return lines
