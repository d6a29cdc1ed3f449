"""Evaluates each rule of a policy against the facts and folds the results into a verdict."""

from __future__ import annotations

from gatekeeper.facts import Facts
from gatekeeper.policy.model import Policy
from gatekeeper.rules import RULE_KINDS
from gatekeeper.verdict import PolicySource, RuleResult, Status, Verdict

NOTHING_TO_CHECK = "nothing to check: the change set is empty"


def evaluate(policy: Policy, facts: Facts, source: PolicySource) -> Verdict:
    results = []
    for rule in policy.rules:
        if facts.empty:
            results.append(RuleResult(rule.id, rule.kind, rule.severity, Status.SKIP,
                                      NOTHING_TO_CHECK))
            continue
        results.append(RULE_KINDS[rule.kind].evaluate(rule, facts))
    passed = not any(r.status is Status.FAIL for r in results)
    return Verdict(passed=passed, results=tuple(results), facts=facts, policy=source)
