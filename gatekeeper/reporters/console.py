"""The console report: the verdict first, then each rule with its measure, drivers and fix.

Every line is escaped (``gatekeeper.common.escape``) as a whole, so a path, message or waiver reason
that holds a line break cannot start a line of its own, such as a forged ``gatekeeper: PASS``.
Colour, when asked for, is added after escaping and only around gatekeeper's own words (the
headline and the status words), so text from the change can neither carry nor forge it.
"""

from __future__ import annotations

from typing import Literal

import click

from gatekeeper.common.escape import escape, escape_lines
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.facts.model import Facts, Totals
from gatekeeper.reporters import explain
from gatekeeper.reporters.common import (
    ai_lines,
    coverage_block,
    details_for,
    flag_lines,
    mark,
    notes_for,
    review_lines,
)
from gatekeeper.rules.findings import Check, Status

INDENT = "      "
PASS_WIDTH = 100
"""The widest a passing rule's line gets, so that it takes one line of a terminal."""
Level = Literal["quiet", "normal", "verbose"]
"""How much the report says: the verdict and failures, the usual report, or all explain knows."""


def _totals(t: Totals) -> str:
    return f"{t.files} files, +{t.added} -{t.deleted}"


def _change_line(facts: Facts) -> str:
    text = f"raw {_totals(facts.raw)}; effective {_totals(facts.effective)}"
    if facts.excluded:
        text += " (left out: " + ", ".join(f"{n} {reason}" for reason, n in facts.excluded) + ")"
    return text


NOTHING_CHECKED = "NOTHING CHECKED - the policy has no rules (allow_no_rules: true)"


def _headline(verdict: Verdict) -> str:
    if verdict.nothing_to_check:
        return "gatekeeper: PASS - nothing to check (the change set is empty)"
    if verdict.no_rules:  # a gate that checked nothing never says PASS
        return f"gatekeeper: {NOTHING_CHECKED}"
    blocking = sum(1 for r in verdict.results if r.blocking)
    total = len(verdict.results)
    if not verdict.passed:
        return f"gatekeeper: FAIL - {blocking} of {total} rules failed"
    extras = []
    for status, word in ((Status.WARN, "with warnings"), (Status.WAIVED, "waived"),
                         (Status.EXCEPTED, "excepted"), (Status.SKIP, "skipped"),
                         (Status.NOT_APPLICABLE, "not applicable")):
        if verdict.count(status):
            extras.append(f"{verdict.count(status)} {word}")
    report_only = sum(1 for r in verdict.results if r.status is Status.FAIL and not r.enforced)
    if report_only:
        extras.append(f"{report_only} failed in report-only mode")
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"gatekeeper: PASS - {total} rules checked{tail}"


def _headline_colour(verdict: Verdict) -> str:
    if verdict.nothing_to_check:
        return "green"
    if verdict.no_rules:
        return "yellow"
    return "green" if verdict.passed else "red"


def _mark_colour(result: RuleResult) -> str | None:
    """Red for a failure that blocks, yellow for a warning or a report-only failure, green for
    a pass; the other statuses stay plain."""
    if result.status is Status.FAIL:
        return "red" if result.enforced else "yellow"
    return {Status.WARN: "yellow", Status.PASS: "green"}.get(result.status)


def _paint(words: str, colour: str | None, on: bool, bold: bool = False) -> str:
    """``words`` in ``colour`` when ``on``: only ever called on gatekeeper's own words, after
    escaping, so the escape sequences it adds are the only ones in the report."""
    return click.style(words, fg=colour, bold=bold or None) if on and colour else words


def _use(check: Check) -> float:
    """How much of its limit a passing check uses, from 0 (far from it) to 1 (at it)."""
    if check.floor:
        return check.limit / check.measured if check.measured else 1.0
    return check.measured / check.limit if check.limit else 0.0


def _result(result: RuleResult, colour: bool) -> list[str]:
    """The lines of one rule, escaped; a passing rule takes one line (``_passed``)."""
    severity = result.severity.value
    status = _paint(mark(result), _mark_colour(result), colour)
    if result.status is Status.PASS:
        return [status + _passed(result, f"  {result.rule_id} [{severity}]  ",
                                 len(mark(result)))]
    lines = [f"{INDENT}{line}" for line in _drivers(result)]
    lines += [INDENT + line for line in notes_for(result)]
    return [status + escape(f"  {result.rule_id} [{severity}]  {result.message}"),
            *escape_lines(lines)]


def _passed(result: RuleResult, head: str, used: int) -> str:
    """A passing rule's line after its status word, escaped and at most PASS_WIDTH wide with
    it: the message if it fits, else the check nearest its limit, else the message cut before
    its first list. A long message is mostly the globs or files a rule lists, which only a
    failure needs; the explain report has them all."""
    room = PASS_WIDTH - used
    text = escape(head + result.message)
    if len(text) <= room:
        return text
    if result.checks:
        return escape(head + max(result.checks, key=_use).describe())
    shown = len(escape(head))  # the rule id and severity, never cut
    comma = text.find(", ", shown)
    end = text.rfind(" ", shown, comma) if comma > 0 else -1  # before the list's first word
    if not shown < end <= room - 4:
        end = text.rfind(" ", shown, room - 3)  # after the last whole word that fits
    return text[:end if end > shown else max(room - 4, shown)] + " ..."


def _drivers(result: RuleResult) -> list[str]:
    """The files or lines that drove a result that did not pass, and its fix."""
    if result.status not in (Status.FAIL, Status.WARN, Status.WAIVED, Status.EXCEPTED):
        return []
    if result.details:
        lines = details_for(result)
    else:
        lines = [f"{s.path} (+{s.added} -{s.deleted})" for s in result.files]
    if result.remediation and result.status in (Status.FAIL, Status.WARN):
        lines.append(f"fix: {result.remediation}")
    return lines


def render(verdict: Verdict, /, *, colour: bool = False, level: Level = "normal") -> str:
    """The console report of one verdict: headline, change, each rule, notes. ``colour`` adds
    terminal colours; ``level`` quiet keeps the headline and failures, verbose adds to the
    headline everything the explain report says."""
    headline = _paint(escape(_headline(verdict)), _headline_colour(verdict), colour, bold=True)
    if level == "verbose":
        return f"{headline}\n{explain.render(verdict)}"
    if level == "quiet":
        failed = [line for result in verdict.results if result.status is Status.FAIL
                  for line in _result(result, colour)]
        return "\n".join([headline, *failed]) + "\n"
    facts = verdict.facts
    lines = [headline, *escape_lines([
        f"  compared: {facts.changeset.revisions.describe()}",
        f"  policy:   {verdict.policy.description}",
        f"  change:   {_change_line(facts)}",
    ])]
    lines += coverage_block("  coverage: ", facts.coverage)
    lines += escape_lines([
        *(f"  ai:       {line}" for line in ai_lines(facts.ai)),
        *(f"  flags:    {line}" for line in flag_lines(facts.flags)),
        *(f"  review:   {line}" for line in review_lines(verdict.review)),
        "",
    ])
    for result in verdict.results:
        lines += _result(result, colour)
    lines += escape_lines([f"note: {note}" for note in verdict.notes])
    return "\n".join(lines) + "\n"
