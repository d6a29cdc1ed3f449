"""The Markdown report: a short summary for a CI job page, such as GitHub's step summary.

Text that can come from the change (paths, commit and pull request text, waiver reasons, ref
names) is shown only inside code spans: the one Markdown construct in which no link, image,
mention, HTML or emphasis is recognised. Line breaks, control and format characters are escaped
(``gatekeeper.common.escape``, as in every text report) so that nothing can end a table row or a
list item early.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gatekeeper.common.escape import escape
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.reporters.common import details_for, mark, notes_for
from gatekeeper.rules.findings import Status

MAX_BYTES = 100_000
"""GitHub drops a step summary over 128 KiB; stay well below it."""
CELL_CHARS = 300
NOTES_PER_RULE = 10
ICONS = {Status.PASS: "✅", Status.FAIL: "❌", Status.WARN: "⚠️", Status.SKIP: "⏭️",
         Status.NOT_APPLICABLE: "🚫", Status.WAIVED: "🟡", Status.EXCEPTED: "🛡️"}
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
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
                   revisions.name)


def _headline(summary: Summary) -> str:
    results = summary.results
    if summary.nothing_to_check:
        return "✅ gatekeeper: PASS — nothing to check (the change set is empty)"
    if summary.passed and not results:  # a gate that checked nothing never says PASS
        return "⏭️ gatekeeper: NOTHING CHECKED — the policy has no rules (allow_no_rules: true)"
    if not summary.passed:
        blocking = sum(1 for r in results if r.blocking)
        return f"❌ gatekeeper: FAIL — {blocking} of {len(results)} rules failed"
    extras = [f"{count} {word}" for status, word in (
        (Status.WARN, "with warnings"), (Status.WAIVED, "waived"), (Status.EXCEPTED, "excepted"),
        (Status.SKIP, "skipped"), (Status.NOT_APPLICABLE, "not applicable"))
        if (count := sum(1 for r in results if r.status is status))]
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"✅ gatekeeper: PASS — {len(results)} rules checked{tail}"


def _icon(result: RuleResult) -> str:
    if result.status is Status.FAIL and not result.enforced:
        return ICONS[Status.WARN]
    return ICONS[result.status]


def _body(summary: Summary) -> list[str]:
    lines = [f"**Compared:** {code(summary.compared, limit=1000)}  ",
             f"**Policy:** {code(summary.policy)}  ",
             f"**Change:** {code(summary.change)}", ""]
    if summary.results:
        lines += ["| status | rule | message |", "| --- | --- | --- |"]
        lines += [f"| {_icon(r)} {mark(r)} | {code(r.rule_id, table=True)} | "
                  f"{code(r.message, table=True)} |" for r in summary.results]
    fixes = []
    for r in summary.results:
        if r.remediation and r.status in (Status.FAIL, Status.WARN):
            fixes.append(f"- {code(r.rule_id)}: {code(r.remediation)}")
            fixes += [f"  - {code(line)}" for line in details_for(r, limit=10)]
    if fixes:
        lines += ["", "**How to fix**", "", *fixes]
    waived = [line for r in summary.results for line in _notes(r)]
    if waived:
        lines += ["", "**Waivers and exceptions**", "", *waived]
    if summary.notes:
        lines += ["", "**Notes**", "", *(f"- {code(note)}" for note in summary.notes)]
    return lines


def _notes(result: RuleResult) -> list[str]:
    notes = notes_for(result)
    shown = [f"- {code(result.rule_id)}: {code(note)}" for note in notes[:NOTES_PER_RULE]]
    if len(notes) > NOTES_PER_RULE:
        shown.append(f"- {code(result.rule_id)}: and {len(notes) - NOTES_PER_RULE} more")
    return shown


def _cap(lines: list[str]) -> str:
    """The lines joined, cut at a line boundary to fit GitHub's step summary."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line.encode("utf-8")) + 1
        if size > MAX_BYTES:
            kept += ["", "_The summary was cut short; the JSON report has everything._"]
            break
        kept.append(line)
    return "\n".join(kept) + "\n"


def render_summaries(summaries: Sequence[Summary], context: str) -> str:
    """One summary with its table, several under one headline, or none ("nothing to check")."""
    if not summaries:
        return _cap([f"### ✅ gatekeeper: PASS — nothing to check ({code(context)}: no changes "
                     "to check)"])
    if len(summaries) == 1:
        return _cap([f"### {_headline(summaries[0])}", "", *_body(summaries[0])])
    failed = sum(1 for s in summaries if not s.passed)
    head = (f"❌ gatekeeper: FAIL — {failed} of {len(summaries)} checks failed" if failed
            else f"✅ gatekeeper: PASS — {len(summaries)} checks")
    lines = [f"### {head}"]
    for summary in summaries:
        lines += ["", f"#### {code(summary.name or summary.compared)}: {_headline(summary)}", "",
                  *_body(summary)]
    return _cap(lines)


def render(verdict: Verdict) -> str:
    """The Markdown summary of one verdict."""
    return render_summaries([summary_of(verdict)], "")


def render_many(verdicts: Sequence[Verdict], context: str) -> str:
    """The Markdown summary of several verdicts (one per pushed ref) under one headline."""
    return render_summaries([summary_of(v) for v in verdicts], context)

