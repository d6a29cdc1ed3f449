"""The console report: the verdict first, then each rule with its measure, drivers and fix.

Every line is escaped (``gatekeeper.common.escape``) as a whole, so a path, message or waiver reason
that holds a line break cannot start a line of its own, such as a forged ``gatekeeper: PASS``.
"""

from __future__ import annotations

from gatekeeper.common.escape import escape_lines
from gatekeeper.evaluation.verdict import RuleResult, Verdict
from gatekeeper.facts.model import Facts, Totals
from gatekeeper.reporters.common import (
    ai_lines,
    coverage_block,
    details_for,
    flag_lines,
    mark,
    notes_for,
    review_lines,
)
from gatekeeper.rules.findings import Status

INDENT = "      "


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


def _result(result: RuleResult) -> list[str]:
    severity = result.severity.value
    lines = [f"{mark(result)}  {result.rule_id} [{severity}]  {result.message}"]
    if result.status in (Status.FAIL, Status.WARN, Status.WAIVED, Status.EXCEPTED):
        if result.details:
            lines += [INDENT + line for line in details_for(result)]
        else:
            lines += [f"{INDENT}{s.path} (+{s.added} -{s.deleted})" for s in result.files]
        if result.remediation and result.status in (Status.FAIL, Status.WARN):
            lines.append(f"{INDENT}fix: {result.remediation}")
    lines += [INDENT + line for line in notes_for(result)]
    return lines


def render(verdict: Verdict) -> str:
    """The console report of one verdict: headline, change, each rule, notes."""
    facts = verdict.facts
    lines = escape_lines([
        _headline(verdict),
        f"  compared: {facts.changeset.revisions.describe()}",
        f"  policy:   {verdict.policy.description}",
        f"  change:   {_change_line(facts)}",
    ])
    lines += coverage_block("  coverage: ", facts.coverage)
    rest = [
        *(f"  ai:       {line}" for line in ai_lines(facts.ai)),
        *(f"  flags:    {line}" for line in flag_lines(facts.flags)),
        *(f"  review:   {line}" for line in review_lines(verdict.review)),
        "",
    ]
    for result in verdict.results:
        rest += _result(result)
    rest += [f"note: {note}" for note in verdict.notes]
    return "\n".join(lines + escape_lines(rest)) + "\n"
