"""Wording that several report formats share, so a waiver reads the same everywhere."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gatekeeper.common.escape import escape
from gatekeeper.evaluation.verdict import RuleResult, TierDecision
from gatekeeper.rules.findings import Status

if TYPE_CHECKING:
    from gatekeeper.facts.ai.detect import Evidence
    from gatekeeper.facts.ai.provenance import AiFacts
    from gatekeeper.facts.coverage.patch import CoverageFacts
    from gatekeeper.facts.flags.facts import FlagFacts

EVIDENCE_SHOWN = 10
COVERAGE_MARK = "\t"
"""Ends gatekeeper's own coverage line in the console and explain reports, and no other line.
Text from the change is escaped and so never holds a tab: a CI coverage regex that asks for
the tab (for GitLab, ``/coverage: patch \\d+\\.\\d+%[^\\t\\n]*\\t/``) matches this line only,
whatever words a file name or commit message carries."""

MARKS = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.WARN: "WARN", Status.SKIP: "SKIP",
         Status.NOT_APPLICABLE: "N/A", Status.WAIVED: "WAIVED", Status.EXCEPTED: "EXCEPTED"}


def mark(result: RuleResult) -> str:
    """The status word a text report shows (PASS, FAIL, N/A...), noting a report-only rule."""
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
    # A message that names the evidence already (ai-disclosure) need not name it twice.
    unnamed = tuple(e for e in result.evidence if e.describe() not in result.message)
    lines += [f"AI evidence: {line}" for line in evidence_lines(unnamed)]
    return lines


def evidence_lines(evidence: tuple[Evidence, ...], limit: int = EVIDENCE_SHOWN) -> list[str]:
    """One line per piece of AI evidence, up to ``limit``, then how many more there are."""
    lines = [e.describe() for e in evidence[:limit]]
    if len(evidence) > limit:
        lines.append(f"... and {len(evidence) - limit} more (all in the JSON report)")
    return lines


def review_lines(decision: TierDecision | None) -> list[str]:
    """The review tier and every reason for it, as every text format shows them."""
    if decision is None:
        return []
    tier = decision.tier
    needs = [f"{tier.approvals} approval{'' if tier.approvals == 1 else 's'}"]
    if tier.owners:
        needs.append("from " + ", ".join(tier.owners))
    if tier.code_owners:
        needs.append("code owners of the touched files")
    lines = [f"tier {decision.number} {decision.name} ({'; '.join(needs)})"]
    lines += [f"because {reason}" for reason in decision.reasons()]
    if decision.request:
        lines.append("request review from " + ", ".join(decision.request))
    for group in decision.owner_groups:
        section = f"[{group.section}] " if group.section else ""
        paths = ", ".join(group.paths[:3]) + (f" and {len(group.paths) - 3} more"
                                              if len(group.paths) > 3 else "")
        lines.append(f"{section}{group.approvals} of {', '.join(group.owners)} must approve "
                     f"{paths} ({decision.codeowners})")
    if tier.code_owners and decision.codeowners is None:
        lines.append("no CODEOWNERS file was read, so no code owners are asked")
    return lines


def flag_lines(flags: FlagFacts | None) -> list[str]:
    """The feature-flag summary every text format shows, when the policy scans for flags."""
    if flags is None:
        return []
    guarded = [f for f in flags.files if f.guarded]
    keys = sorted({key for f in guarded for key in f.added})
    if guarded:
        line = f"{len(keys)} key(s) referenced in added lines of {len(guarded)} file(s)"
        lines = [line + (f": {', '.join(keys[:5])}" if keys else "")]
    else:
        lines = ["no added line references a flag"]
    if flags.cleanups:
        lines.append("cleanups: " + ", ".join(flags.cleanups))
    for unknown in flags.unknown:
        hint = f" (did you mean {unknown.suggestion}?)" if unknown.suggestion else ""
        lines.append(f"{unknown.key} is not in {flags.registry}{hint}")
    if flags.unscanned:
        lines.append(f"{len(flags.unscanned)} file(s) not scanned: too much changed text")
    return lines


def ai_lines(ai: AiFacts | None) -> list[str]:
    """The AI provenance summary every text format shows, when there is something to say."""
    if ai is None:
        return []
    lines = []
    if ai.assisted:
        strength = ai.strength.value if ai.strength else ""
        pieces = "piece" if len(ai.evidence) == 1 else "pieces"
        text = f"{strength} ({', '.join(ai.tools)}); {len(ai.evidence)} {pieces} of evidence"
        if ai.commits:
            text += f", in {ai.commits_with_evidence} of {ai.commits} commits"
        lines.append(text)
    for f in ai.files:
        if f.ai_lines and f.share is not None:
            lines.append(f"notes: {f.path} {f.share:.4g}% of {f.added} added lines "
                         f"({', '.join(f.tools)})")
    if ai.spot_check is not None and (ai.assisted or ai.spot_check.selected):
        picked = "picked" if ai.spot_check.selected else "not picked"
        lines.append(f"spot check {picked}: {ai.spot_check.reason}")
    lines += [f"unreadable: {problem}" for problem in ai.problems]
    return lines


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{math.floor(value * 100) / 100:.2f}%"


def coverage_block(label: str, coverage: CoverageFacts | None) -> list[str]:
    """The coverage lines of a text report, each after ``label`` and escaped; the first, with
    the patch percentage, ends in COVERAGE_MARK."""
    lines = [escape(label + line) for line in coverage_lines(coverage)]
    if lines:
        lines[0] += COVERAGE_MARK
    return lines


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
