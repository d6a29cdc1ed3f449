"""Which optional facts a composed policy reads, so a run gathers only what it will judge.

Each rule kind (``NEEDS`` in its module) and each condition key (``conditions.sources``)
declares the facts it reads; ``needs`` adds up a policy's rules, their conditions and the
review section, and is the one place that answers "does this policy read X?".
"""

from __future__ import annotations

from collections.abc import Iterator

from gatekeeper.conditions import sources
from gatekeeper.conditions.model import Condition
from gatekeeper.facts.needs import Need
from gatekeeper.policy.model import ComposedPolicy
from gatekeeper.rules import RULE_KINDS


def _conditions(policy: ComposedPolicy) -> Iterator[Condition]:
    for rule in policy.rules:
        yield from (c for c in (rule.when, rule.unless) if c is not None)
    for tier_rule in policy.review.rules:
        yield tier_rule.when
        if tier_rule.unless is not None:
            yield tier_rule.unless
    for lowering in policy.review.lower:
        yield lowering.when


def condition_keys(policy: ComposedPolicy) -> frozenset[str]:
    """Every condition key the policy's rules, tier rules and lowerings use, nested or not."""
    keys: set[str] = set()
    stack = list(_conditions(policy))
    while stack:
        condition = stack.pop()
        keys.update(name for name in condition.model_fields_set
                    if getattr(condition, name) is not None)
        stack.extend(condition.all or ())
        stack.extend(condition.any or ())
        if condition.not_ is not None:
            stack.append(condition.not_)
    return frozenset(keys)


def needs(policy: ComposedPolicy) -> frozenset[Need]:
    """The optional facts the policy reads: its rule kinds', its conditions', its tiers'."""
    found = {need for rule in policy.rules for need in RULE_KINDS[rule.kind].needs}
    found |= sources.needs(condition_keys(policy))
    if any(tier.code_owners for tier in policy.review.tiers):
        found.add(Need.OWNERS)
    if not policy.codeowners.enabled:  # switched off: nothing reads CODEOWNERS
        found.discard(Need.OWNERS)
    return frozenset(found)


def coverage_rules(policy: ComposedPolicy) -> tuple[str, ...]:
    """The ids of the rules whose kind judges coverage reports, which a run must be given."""
    return tuple(rule.id for rule in policy.rules
                 if Need.COVERAGE in RULE_KINDS[rule.kind].needs)


def flags(policy: ComposedPolicy) -> bool:
    """The policy judges feature flags: a flag-guard rule or a flag_guarded condition."""
    return Need.FLAGS in needs(policy)


def owners(policy: ComposedPolicy) -> bool:
    """The policy reads code owners: a code_owners condition or a tier asking code owners."""
    return Need.OWNERS in needs(policy)
