"""Evaluates each rule against the facts and folds the results into a verdict.

The order for each rule: skip when there is nothing to check or its conditions do not hold;
take out paths covered by live exceptions; let the kind judge; then apply exceptions, waivers,
severity, ``enforce`` and the message templates.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from gatekeeper.common.globs import PathSet
from gatekeeper.conditions import model as conditions
from gatekeeper.evaluation import waivers
from gatekeeper.evaluation.review.assign import assign
from gatekeeper.evaluation.verdict import ExceptionNote, RuleResult, Verdict, Waiver
from gatekeeper.facts import sizenotes
from gatekeeper.facts.model import Facts, without
from gatekeeper.policy.model import ComposedPolicy, PolicyException
from gatekeeper.policy.sources import PolicySource
from gatekeeper.rules import RULE_KINDS
from gatekeeper.rules.base import Finding, RuleConfig, render_template
from gatekeeper.rules.findings import Severity, Status

NOTHING_TO_CHECK = "nothing to check: the change set is empty"
NO_RULES = "the policy has no rules (allow_no_rules: true), so nothing was checked"


def today_utc() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def evaluate(policy: ComposedPolicy, facts: Facts, source: PolicySource,
             today: datetime.date | None = None) -> Verdict:
    day = today or today_utc()
    asked = waivers.requests(facts.changeset)
    results = tuple(_rule(rule, policy, facts, day, asked) for rule in policy.rules)
    known = {rule.id for rule in policy.rules}
    notes = tuple(f"{w.source}: {waivers.TRAILER} names no rule of this policy: {w.rule_id!r}"
                  for w in asked if w.rule_id not in known)
    if not policy.rules and not policy.review.approvals.enforce:  # allow_no_rules: say so
        notes = (NO_RULES, *notes)
    notes = (*sizenotes.notes(facts), *notes)  # what the size figures rest on
    passed = not any(r.blocking for r in results)
    review = assign(policy.review, facts) if not facts.empty else None
    return Verdict(passed=passed, results=results, facts=facts, policy=source, notes=notes,
                   review=review)


def _base(rule: RuleConfig, status: Status, message: str, condition: str | None) -> RuleResult:
    return RuleResult(rule.id, rule.kind, rule.severity, status,
                      message, enforced=rule.enforce, description=rule.description,
                      condition=condition)


def _notes(rule: RuleConfig, policy: ComposedPolicy, facts: Facts, day: datetime.date
           ) -> tuple[list[tuple[PolicyException, ExceptionNote]], Facts]:
    """Each exception for the rule with its note, and the facts with live exception paths out."""
    found = []
    view = facts
    for exception in policy.exceptions:
        if exception.rule != rule.id:
            continue
        expired = day > exception.expires
        removed = 0
        if not expired and exception.paths:
            view, removed = without(view, PathSet(exception.paths))
        found.append((exception, ExceptionNote(exception.reason, exception.expires.isoformat(),
                                               expired, tuple(exception.paths), removed)))
    return found, view


def _rule(rule: RuleConfig, policy: ComposedPolicy, facts: Facts, day: datetime.date,
          asked: list[waivers.Request]) -> RuleResult:
    if facts.empty:
        return _base(rule, Status.SKIP, NOTHING_TO_CHECK, None)
    applies, why = conditions.applies(rule.when, rule.unless, facts)
    if not applies:
        return replace(_base(rule, Status.SKIP, f"skipped: {why}", why),
                       evidence=conditions.ai_evidence(rule.when, rule.unless, facts=facts))
    judge = RULE_KINDS[rule.kind].evaluate
    found, view = _notes(rule, policy, facts, day)
    finding: Finding = judge(rule, view)
    if not finding.applicable:
        return replace(_base(rule, Status.NOT_APPLICABLE, f"not applicable: {finding.message}",
                             why), values=tuple(finding.values.items()))
    notes = tuple(note for _, note in found)
    live = [(e, n) for e, n in found if not n.expired]
    excepted_by = None
    if not finding.passed:
        excepted_by = next((n for e, n in live if not e.paths), None)
    elif any(n.files for _, n in live) and not judge(rule, facts).passed:
        excepted_by = next(n for _, n in live if n.files)
    status = _status(finding, rule.severity)
    granted: tuple[Waiver, ...] = ()
    if excepted_by is not None:
        status = Status.EXCEPTED
    elif status is not Status.PASS:
        granted = waivers.decide(rule, asked, facts.changeset.meta.labels)
        if any(w.accepted for w in granted):
            status = Status.WAIVED
    values = {"rule_id": rule.id, "severity": rule.severity.value,
              "paths": ", ".join(f.path for f in finding.files), **finding.values}
    message, remediation = finding.message, finding.remediation
    if not finding.passed:
        if rule.message:
            message = render_template(rule.message, values)
        if rule.remediation:
            remediation = render_template(rule.remediation, values)
    if excepted_by is not None:
        message += f" (excepted until {excepted_by.expires}: {excepted_by.reason})"
    result = _base(rule, status, message, why)
    evidence = finding.evidence or conditions.ai_evidence(rule.when, rule.unless, facts=facts)
    return replace(result, remediation=remediation, checks=finding.checks, files=finding.files,
                   values=tuple(values.items()), waivers=granted, exceptions=notes,
                   details=finding.details, evidence=evidence)


def _status(finding: Finding, severity: Severity) -> Status:
    if finding.passed:
        return Status.PASS
    return Status.FAIL if severity is Severity.ERROR else Status.WARN
