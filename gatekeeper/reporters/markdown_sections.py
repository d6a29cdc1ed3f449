"""Sections of the Markdown report: code spans, the context of a verdict, and the size cut.

Each section is a titled list that appears only when the verdict has its data: the review tier,
coverage, uncovered changed lines, AI evidence and feature flags, worded as every text report
words them (``reporters.common``). Every piece of text sits in a code span (``code``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from gatekeeper.common.escape import escape
from gatekeeper.common.records import record
from gatekeeper.evaluation.verdict import Verdict
from gatekeeper.reporters.common import (
    ai_lines,
    coverage_lines,
    evidence_lines,
    flag_lines,
    review_lines,
)

if TYPE_CHECKING:
    from gatekeeper.facts.ai.provenance import AiFacts
    from gatekeeper.facts.coverage.patch import CoverageFacts, FilePatch
    from gatekeeper.facts.flags.facts import FlagFacts
    from gatekeeper.facts.flags.summary import FileFlags

CELL_CHARS = 300
LONG_CHARS = 2000
"""A list entry that names many line ranges or report files may run longer than a cell."""
_BACKTICKS = re.compile(r"`+")


def plain(text: str, limit: int = CELL_CHARS) -> str:
    """One line of printable text: line breaks, control and format characters (bidi overrides
    among them) escaped as ``\\n`` or ``\\u202e``; cut to ``limit``."""
    flat = escape(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def code(text: str, *, table: bool = False, limit: int = CELL_CHARS) -> str:
    """``text`` as an inline code span that renders literally, in a table cell if ``table``."""
    body = plain(str(text), limit)
    if not body.strip():
        return "_(empty)_"
    if table:
        # A pipe ends a table cell even inside a code span, and a backslash before it may
        # itself be escaped; a look-alike character cannot break the row.
        body = body.replace("|", "\u2223")
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * (longest + 1)
    if body[0] in "` " or body[-1] in "` ":
        body = f" {body} "
    return f"{fence}{body}{fence}"


@record
class Section:
    """A titled list of the report: each entry is one Markdown list item (nested lines may
    follow it); ``total`` counts the entries before a size cut, when one cut any."""

    title: str
    entries: tuple[str, ...]
    total: int | None = None

    def lines(self) -> list[str]:
        """The section as Markdown lines, with a last entry that says how many were cut."""
        if not self.entries:
            return []
        lines = ["", f"**{self.title}**", "", *self.entries]
        if self.total is not None and self.total > len(self.entries):
            lines.append(f"- _… and {self.total - len(self.entries)} more, cut to fit_")
        return lines


def bullets(title: str, texts: Sequence[str], limit: int = CELL_CHARS) -> Section:
    """A section of one code span per text."""
    return Section(title, tuple(f"- {code(text, limit=limit)}" for text in texts))


def _ranges(lines: Sequence[tuple[int, int]]) -> str:
    return ",".join(f"{a}-{b}" if b != a else str(a) for a, b in lines)


def _uncovered(f: FilePatch) -> str:
    missed = f.tally.coverable - f.tally.covered
    return (f"- {code(f'{f.path}:{_ranges(f.uncovered)}', limit=LONG_CHARS)} "
            f"({missed} of {f.tally.coverable} coverable changed lines not run)")


def coverage_sections(coverage: CoverageFacts | None) -> list[Section]:
    """Patch and total coverage with the delta, then each file's uncovered changed lines."""
    if coverage is None:
        return []
    return [bullets("Coverage", coverage_lines(coverage), LONG_CHARS),
            Section("Uncovered changed lines",
                    tuple(_uncovered(f) for f in coverage.files if f.uncovered))]


def ai_section(ai: AiFacts | None) -> Section:
    """The AI provenance summary, the spot check, and the evidence itself."""
    if ai is None:
        return Section("AI evidence", ())
    evidence = [f"evidence: {line}" for line in evidence_lines(ai.evidence)]
    return bullets("AI evidence", [*ai_lines(ai), *evidence])


def _flag_entry(f: FileFlags) -> str:
    parts = []
    if f.added:
        parts.append("added lines reference " + ", ".join(f.added))
    if f.introduced:
        parts.append("new to the change: " + ", ".join(f.introduced))
    if f.unknown_added:
        parts.append(f"{f.unknown_added} reference(s) with a computed key")
    if f.removed:
        parts.append("cleans up " + ", ".join(f.removed))
    moved = sorted(set(f.referenced) - set(f.added) - set(f.removed))
    if moved:
        parts.append("removed lines reference " + ", ".join(moved) + ", still used elsewhere")
    return f"- {code(f.path)}: {code('; '.join(parts) or 'no known key', limit=LONG_CHARS)}"


def flags_section(flags: FlagFacts | None) -> Section:
    """The flag summary, then per file the keys its lines add, reference and clean up."""
    if flags is None:
        return Section("Feature flags", ())
    head = bullets("Feature flags", flag_lines(flags)).entries
    return Section("Feature flags", (*head, *(_flag_entry(f) for f in flags.files)))


def context_sections(verdict: Verdict) -> list[Section]:
    """The review tier, coverage, AI evidence and flags of ``verdict``; empty ones included."""
    return [bullets("Review", review_lines(verdict.review)),
            *coverage_sections(verdict.facts.coverage),
            ai_section(verdict.facts.ai), flags_section(verdict.facts.flags)]


def _size(entries: Sequence[str]) -> int:
    return sum(len(entry.encode("utf-8")) + 1 for entry in entries)


def fit(sections: Sequence[Section], excess: int) -> tuple[list[Section], list[str]]:
    """Halve the longest list, again and again, until ``excess`` bytes are gone or no list has
    more than one entry; return the sections and what was cut, in words."""
    keep = [len(s.entries) for s in sections]
    removed = 0
    while removed < excess:
        longest = max(range(len(sections)), key=lambda i: (keep[i], _size(
            sections[i].entries[:keep[i]])), default=None)
        if longest is None or keep[longest] <= 1:
            break
        half = keep[longest] // 2
        # The "and N more" line that replaces the cut entries costs some bytes back.
        removed += _size(sections[longest].entries[half:keep[longest]]) - 40
        keep[longest] = half
    cut = [replace(s, entries=s.entries[:n], total=len(s.entries))
           if n < len(s.entries) else s for s, n in zip(sections, keep, strict=True)]
    told = [f"{s.title} ({n} of {len(s.entries)} shown)"
            for s, n in zip(sections, keep, strict=True) if n < len(s.entries)]
    return cut, told
