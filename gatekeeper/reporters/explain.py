"""The explain report: every rule, the facts it used, and why it passed, failed or was skipped.

Every line is escaped as a whole, as in the console report: text from the change never starts a
line.
"""

from __future__ import annotations

from gatekeeper.common.escape import escape_lines
from gatekeeper.evaluation.verdict import RuleResult, Verdict
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

WHY = {
    Status.PASS: "the rule's checks held",
    Status.FAIL: "it did not pass and its severity is error",
    Status.WARN: "it did not pass; its severity (warning or notice) does not fail the check",
    Status.SKIP: "the rule did not apply",
    Status.NOT_APPLICABLE: "the rule applied, but there was nothing for it to measure",
    Status.WAIVED: "it did not pass, and a waiver was accepted",
    Status.EXCEPTED: "it did not pass without a policy exception that is still in force",
}


def _change(verdict: Verdict) -> list[str]:
    facts = verdict.facts
    meta = facts.changeset.meta
    people = ", ".join(verdict.authors) or "unknown"
    lines = escape_lines([
        f"change:   {facts.changeset.revisions.describe()}",
        f"  files {facts.raw.files} (+{facts.raw.added} -{facts.raw.deleted}); effective "
        f"{facts.effective.files} (+{facts.effective.added} -{facts.effective.deleted}); "
        f"commits {len(facts.changeset.commits)}",
        f"  labels: {', '.join(meta.labels) or 'none'}; target branch: "
        f"{meta.target_branch or 'unknown'}; author: {people}",
        f"policy:   {verdict.policy.description}",
        f"  built from: {', '.join(verdict.policy.files) or 'nothing'}",
    ])
    return lines + coverage_block("coverage: ", facts.coverage) + escape_lines([
        *(f"ai: {line}" for line in ai_lines(facts.ai)),
        *(f"flags: {line}" for line in flag_lines(facts.flags)),
        *(f"review: {line}" for line in review_lines(verdict.review)),
        *(f"  evidence: {e.describe()}" for e in (facts.ai.evidence if facts.ai else ())),
    ])


def _rule(result: RuleResult) -> list[str]:
    lines = [f"{result.rule_id} ({result.kind}, {result.severity.value}): {mark(result)}"]
    if result.description:
        lines.append(f"  purpose:  {result.description}")
    lines.append(f"  applies:  {result.condition or 'not evaluated'}")
    if result.values:
        shown = ", ".join(f"{k}={v}" for k, v in result.values if k not in ("rule_id",
                                                                            "severity"))
        lines.append(f"  measured: {shown}")
    for check in result.checks:
        lines.append(f"  check:    {check.describe()} {check.unit}".rstrip())
    lines.append(f"  outcome:  {result.message}")
    lines.append(f"  because:  {WHY[result.status]}"
                 + ("" if result.enforced else "; report-only, so it never blocks"))
    if result.remediation and result.status in (Status.FAIL, Status.WARN):
        lines.append(f"  fix:      {result.remediation}")
    lines += [f"  lines:    {line}" for line in details_for(result)]
    lines += [f"  note:     {line}" for line in notes_for(result)]
    return lines


def render(verdict: Verdict) -> str:
    """The explain report of one verdict: the change, then every rule and why."""
    lines = _change(verdict)
    for result in verdict.results:
        lines += ["", *escape_lines(_rule(result))]
    lines += ["", f"verdict: {'pass' if verdict.passed else 'fail'}"]
    lines += escape_lines([f"note: {note}" for note in verdict.notes])
    return "\n".join(lines) + "\n"
