"""Evaluates each rule against the facts and folds the results into a verdict.

Each rule goes through named steps: skip it when there is nothing to check or its conditions do
not hold; judge it on the facts with the paths of live exceptions taken out; find the exception
the outcome rests on; weigh waivers; then fill the message templates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import replace

from gatekeeper.common.globs import PathSet
from gatekeeper.common.records import record
from gatekeeper.conditions import model as conditions
from gatekeeper.evaluation import waivers
from gatekeeper.evaluation.review.assign import assign
from gatekeeper.evaluation.verdict import ExceptionNote, RuleResult, Verdict, Waiver
from gatekeeper.facts import sizenotes
from gatekeeper.facts.model import Facts, without
from gatekeeper.policy.model import ComposedPolicy, PolicyException
from gatekeeper.policy.sources import PolicySource
from gatekeeper.rules import RULE_KINDS
from gatekeeper.rules.base import Finding, RuleConfig, Value, render_template
from gatekeeper.rules.findings import Severity, Status

NOTHING_TO_CHECK = "nothing to check: the change set is empty"
NO_RULES = "the policy has no rules (allow_no_rules: true), so nothing was checked"

Judge = Callable[[RuleConfig, Facts], Finding]


def today_utc() -> datetime.date:
    """Today's date in UTC: the day exceptions expire against."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def evaluate(policy: ComposedPolicy, facts: Facts, source: PolicySource,
             today: datetime.date | None = None) -> Verdict:
    """The verdict of ``policy`` on ``facts``: every rule's result, notes and review tier."""
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
                   review=review, authors=_authors(facts))


def _authors(facts: Facts) -> tuple[str, ...]:
    """Who the change's author is, read as the ``author`` condition reads it: worked out here
    so that reports only read the verdict."""
    return tuple(who[0] for who in conditions.authors(facts))


@record
class _Judged:
    """What judging a rule found, and the exceptions that name it."""

    finding: Finding
    """The rule's finding on the change with the paths of live exceptions taken out."""
    notes: tuple[ExceptionNote, ...]
    """Every exception for the rule, in policy order, expired ones too."""
    excepted_by: ExceptionNote | None
    """The live exception the rule's outcome rests on, if any."""


def _base(rule: RuleConfig, status: Status, message: str, condition: str | None) -> RuleResult:
    return RuleResult(rule.id, rule.kind, rule.severity, status,
                      message, enforced=rule.enforce, description=rule.description,
                      condition=condition)


def _rule(rule: RuleConfig, policy: ComposedPolicy, facts: Facts, day: datetime.date,
          asked: list[waivers.Request]) -> RuleResult:
    skipped, why = _skipped(rule, facts)
    if skipped is not None:
        return skipped
    judged = _judge(rule, policy, facts, day)
    finding = judged.finding
    if not finding.applicable:
        return replace(_base(rule, Status.NOT_APPLICABLE, f"not applicable: {finding.message}",
                             why), values=tuple(finding.values.items()))
    status, granted = _waived(rule, finding, judged.excepted_by, asked, facts)
    values, message, remediation = _texts(rule, finding, judged.excepted_by)
    evidence = finding.evidence or conditions.ai_evidence(rule.when, rule.unless, facts=facts)
    return replace(_base(rule, status, message, why), remediation=remediation,
                   checks=finding.checks, files=finding.files, values=tuple(values.items()),
                   waivers=granted, exceptions=judged.notes, details=finding.details,
                   evidence=evidence)


def _skipped(rule: RuleConfig, facts: Facts) -> tuple[RuleResult | None, str | None]:
    """The skip result when there is nothing to check or the rule does not apply (else None),
    and why the rule applied."""
    if facts.empty:
        return _base(rule, Status.SKIP, NOTHING_TO_CHECK, None), None
    applies, why = conditions.applies(rule.when, rule.unless, facts)
    if applies:
        return None, why
    skipped = replace(_base(rule, Status.SKIP, f"skipped: {why}", why),
                      evidence=conditions.ai_evidence(rule.when, rule.unless, facts=facts))
    return skipped, why


def _judge(rule: RuleConfig, policy: ComposedPolicy, facts: Facts,
           day: datetime.date) -> _Judged:
    """The rule judged on its excepted view of the change, with the exception that mattered."""
    judge: Judge = RULE_KINDS[rule.kind].evaluate
    found, view = _exceptions(rule, policy, facts, day)
    finding = judge(rule, view)
    live = [(e, n) for e, n in found if not n.expired]
    # A rule with nothing to measure is neither excepted nor waived.
    excepted_by = _excepted_by(rule, judge, facts, finding, live) if finding.applicable else None
    return _Judged(finding, tuple(note for _, note in found), excepted_by)


def _excepted_by(rule: RuleConfig, judge: Judge, facts: Facts, finding: Finding,
                 live: list[tuple[PolicyException, ExceptionNote]]) -> ExceptionNote | None:
    """The live exception the outcome rests on: for a failure, the first that covers the whole
    rule; for a pass, the first that set files aside, when the rule fails with them back in."""
    if not finding.passed:
        return next((n for e, n in live if not e.paths), None)
    narrowing = next((n for _, n in live if n.files), None)
    if narrowing is None:
        return None
    return None if _passes_whole(rule, judge, facts) else narrowing


def _passes_whole(rule: RuleConfig, judge: Judge, facts: Facts) -> bool:
    """Whether the rule passes on the whole change, set-aside files included.

    The one second judgment of a rule, made only when an exception took files out of a rule
    that then passed: it tells whether those files changed the outcome.
    """
    return judge(rule, facts).passed


def _exceptions(rule: RuleConfig, policy: ComposedPolicy, facts: Facts, day: datetime.date
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


def _waived(rule: RuleConfig, finding: Finding, excepted_by: ExceptionNote | None,
            asked: list[waivers.Request], facts: Facts) -> tuple[Status, tuple[Waiver, ...]]:
    """The rule's status once exceptions and waivers are applied, and the waivers judged.

    Waivers are weighed only for a result that did not pass and that no exception covers.
    """
    if excepted_by is not None:
        return Status.EXCEPTED, ()
    status = _status(finding, rule.severity)
    if status is Status.PASS:
        return status, ()
    granted = waivers.decide(rule, asked, facts.changeset.meta.labels)
    if any(w.accepted for w in granted):
        return Status.WAIVED, granted
    return status, granted


def _texts(rule: RuleConfig, finding: Finding, excepted_by: ExceptionNote | None
           ) -> tuple[dict[str, Value], str, str | None]:
    """The template values, and the message and remediation with the rule's templates filled
    (for a result that did not pass) and the exception named."""
    values: dict[str, Value] = {"rule_id": rule.id, "severity": rule.severity.value,
                                "paths": ", ".join(f.path for f in finding.files),
                                **finding.values}
    message, remediation = finding.message, finding.remediation
    if not finding.passed:
        if rule.message:
            message = render_template(rule.message, values)
        if rule.remediation:
            remediation = render_template(rule.remediation, values)
    if excepted_by is not None:
        message += f" (excepted until {excepted_by.expires}: {excepted_by.reason})"
    return values, message, remediation


def _status(finding: Finding, severity: Severity) -> Status:
    if finding.passed:
        return Status.PASS
    return Status.FAIL if severity is Severity.ERROR else Status.WARN
