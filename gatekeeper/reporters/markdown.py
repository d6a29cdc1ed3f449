"""The Markdown report: a short summary for a CI job page, such as GitHub's step summary.

Text that can come from the change (paths, commit and pull request text, waiver reasons, ref
names) is shown only inside code spans: the one Markdown construct in which no link, image,
mention, HTML or emphasis is recognised. Line breaks, control and format characters are escaped
(``gatekeeper.common.escape``, as in every text report) so that nothing can end a table row or a
list item early.
"""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.common.records import record
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.reporters.common import details_for, mark, notes_for
from gatekeeper.reporters.markdown_sections import (
    CELL_CHARS,
    Section,
    code,
    context_sections,
    fit,
    plain,
)
from gatekeeper.rules.findings import Status

__all__ = ["CELL_CHARS", "MAX_BYTES", "Summary", "code", "plain", "render", "render_many",
           "render_summaries", "summary_of"]

MAX_BYTES = 1_000_000
"""GitHub refuses a step summary over 1 MiB (1,048,576 bytes) per step; this leaves room for
the cut note and for what another tool appends to the same step's summary."""
NOTE_BYTES = 2_000
"""Room kept for the note that says what a size cut left out."""
NOTES_PER_RULE = 10
FILES_PER_RULE = 10
ICONS = {Status.PASS: "✅", Status.FAIL: "❌", Status.WARN: "⚠️", Status.SKIP: "⏭️",
         Status.NOT_APPLICABLE: "🚫", Status.WAIVED: "🟡", Status.EXCEPTED: "🛡️"}
CUT_SHORT = "_The summary was cut short; the JSON report has everything._"


@record
class Summary:
    """What the Markdown report shows of one verdict."""

    passed: bool
    nothing_to_check: bool
    compared: str
    policy: str
    change: str
    results: tuple[RuleResult, ...]
    notes: tuple[str, ...] = ()
    name: str = ""
    context: tuple[Section, ...] = ()
    """Review tier, coverage, AI evidence and flags; sections without entries show nothing."""


def _totals(files: int, added: int, deleted: int) -> str:
    return f"{files} files, +{added} -{deleted}"


def summary_of(verdict: Verdict) -> Summary:
    """What the report shows of ``verdict``."""
    facts = verdict.facts
    change = (f"raw {_totals(facts.raw.files, facts.raw.added, facts.raw.deleted)}; effective "
              f"{_totals(facts.effective.files, facts.effective.added, facts.effective.deleted)}")
    if facts.excluded:
        change += " (left out: " + ", ".join(f"{n} {why}" for why, n in facts.excluded) + ")"
    revisions = facts.changeset.revisions
    return Summary(verdict.passed, verdict.nothing_to_check, revisions.describe(),
                   verdict.policy.description, change, verdict.results, verdict.notes,
                   revisions.name, tuple(context_sections(verdict)))


def _headline(summary: Summary) -> str:
    results = summary.results
    if summary.nothing_to_check:
        return "✅ gatekeeper: PASS — nothing to check (the change set is empty)"
    if summary.passed and not results:  # a gate that checked nothing never says PASS
        return "⏭️ gatekeeper: NOTHING CHECKED — the policy has no rules (allow_no_rules: true)"
    if not summary.passed:
        blocking = sum(1 for r in results if r.blocking)
        return f"❌ gatekeeper: FAIL — {blocking} of {len(results)} rules failed"
    extras = _extras(results)
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"✅ gatekeeper: PASS — {len(results)} rules checked{tail}"


def _extras(results: Sequence[RuleResult]) -> list[str]:
    """What a passing headline adds: warnings, waivers, skips and report-only failures."""
    extras = [f"{count} {word}" for status, word in (
        (Status.WARN, "with warnings"), (Status.WAIVED, "waived"), (Status.EXCEPTED, "excepted"),
        (Status.SKIP, "skipped"), (Status.NOT_APPLICABLE, "not applicable"))
        if (count := sum(1 for r in results if r.status is status))]
    report_only = sum(1 for r in results if r.status is Status.FAIL and not r.enforced)
    if report_only:
        extras.append(f"{report_only} failed in report-only mode")
    return extras


def _icon(result: RuleResult) -> str:
    if result.status is Status.FAIL and not result.enforced:
        return ICONS[Status.WARN]
    return ICONS[result.status]


def _fix(result: RuleResult) -> list[str]:
    """The rule's fix, then the lines it points at, else the files that drove it."""
    if result.status not in (Status.FAIL, Status.WARN):
        return []
    where = details_for(result, limit=FILES_PER_RULE) or [
        f"{s.path} (+{s.added} -{s.deleted})" for s in result.files[:FILES_PER_RULE]]
    if len(result.files) > FILES_PER_RULE and not result.details:
        where.append(f"... and {len(result.files) - FILES_PER_RULE} more files")
    if not result.remediation:
        return [f"- {code(result.rule_id)}: {code(line)}" for line in where]
    return ["\n".join([f"- {code(result.rule_id)}: {code(result.remediation)}",
                       *(f"  - {code(line)}" for line in where)])]


def _notes(result: RuleResult) -> list[str]:
    notes = notes_for(result)
    shown = [f"- {code(result.rule_id)}: {code(note)}" for note in notes[:NOTES_PER_RULE]]
    if len(notes) > NOTES_PER_RULE:
        shown.append(f"- {code(result.rule_id)}: and {len(notes) - NOTES_PER_RULE} more")
    return shown


def _sections(summary: Summary) -> list[Section]:
    """Every list under the table, in order; the ones without entries show nothing."""
    results = summary.results
    return [Section("How to fix", tuple(line for r in results for line in _fix(r))),
            *summary.context,
            Section("Waivers and exceptions", tuple(line for r in results for line in _notes(r))),
            Section("Notes", tuple(f"- {code(note)}" for note in summary.notes))]


def _body(summary: Summary, sections: Sequence[Section]) -> list[str]:
    lines = [f"**Compared:** {code(summary.compared, limit=1000)}  ",
             f"**Policy:** {code(summary.policy)}  ",
             f"**Change:** {code(summary.change)}", ""]
    if summary.results:
        lines += ["| status | rule | message |", "| --- | --- | --- |"]
        lines += [f"| {_icon(r)} {mark(r)} | {code(r.rule_id, table=True)} | "
                  f"{code(r.message, table=True)} |" for r in summary.results]
    for section in sections:
        lines += section.lines()
    return lines


def _cap(lines: list[str], limit: int) -> str:
    """The lines joined, cut at a line boundary to fit in ``limit`` bytes."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line.encode("utf-8")) + 1
        if size > limit:
            kept += ["", CUT_SHORT]
            break
        kept.append(line)
    return "\n".join(kept) + "\n"


def _size(lines: Sequence[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _layout(summaries: Sequence[Summary], lists: Sequence[Sequence[Section]]) -> list[str]:
    """One summary under its headline, or several, each under its own heading."""
    if len(summaries) == 1:
        return [f"### {_headline(summaries[0])}", "", *_body(summaries[0], lists[0])]
    failed = sum(1 for s in summaries if not s.passed)
    head = (f"❌ gatekeeper: FAIL — {failed} of {len(summaries)} checks failed" if failed
            else f"✅ gatekeeper: PASS — {len(summaries)} checks")
    lines = [f"### {head}"]
    for summary, sections in zip(summaries, lists, strict=True):
        lines += ["", f"#### {code(summary.name or summary.compared)}: {_headline(summary)}", "",
                  *_body(summary, sections)]
    return lines


def render_summaries(summaries: Sequence[Summary], context: str,
                     limit: int | None = None) -> str:
    """One summary with its table, several under one headline, or none ("nothing to check").

    A summary over ``limit`` UTF-8 bytes (default MAX_BYTES) loses the tails of its longest
    lists first, and then says which lists it cut; the JSON report has everything.
    """
    limit = MAX_BYTES if limit is None else limit
    if not summaries:
        return _cap([f"### ✅ gatekeeper: PASS — nothing to check ({code(context)}: no changes "
                     "to check)"], limit)
    lists = [_sections(s) for s in summaries]
    lines = _layout(summaries, lists)
    excess = _size(lines) - (limit - NOTE_BYTES)
    if excess <= 0:
        return _cap(lines, limit)
    flat, told = fit([s for sections in lists for s in sections], excess)
    cut: list[list[Section]] = []
    for sections in lists:
        cut.append(flat[:len(sections)])
        flat = flat[len(sections):]
    lines = _layout(summaries, cut)
    note = "; ".join(told) or "no list could be shortened"
    return _cap([*lines, "", f"_The summary was cut to fit: {plain(note, NOTE_BYTES // 2)}. "
                             "The JSON report has everything._"], limit)


def render(verdict: Verdict, limit: int | None = None) -> str:
    """The Markdown summary of one verdict, within ``limit`` UTF-8 bytes (default MAX_BYTES)."""
    return render_summaries([summary_of(verdict)], "", limit)


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """The Markdown summary of several verdicts (one per pushed ref) under one headline."""
    return render_summaries([summary_of(v) for v in verdicts], context)
