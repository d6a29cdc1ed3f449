"""Which optional facts a composed policy reads, so a run gathers only what it will judge."""

from __future__ import annotations

from collections.abc import Iterator

from gatekeeper.conditions.model import Condition
from gatekeeper.policy.model import ComposedPolicy

FLAG_KINDS = frozenset({"flag-guard"})


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


def flags(policy: ComposedPolicy) -> bool:
    """The policy judges feature flags: a flag-guard rule or a flag_guarded condition."""
    return (any(rule.kind in FLAG_KINDS for rule in policy.rules)
            or "flag_guarded" in condition_keys(policy))


def owners(policy: ComposedPolicy) -> bool:
    """The policy reads code owners: a code_owners condition or a tier asking code owners."""
    if not policy.codeowners.enabled:
        return False
    return (any(tier.code_owners for tier in policy.review.tiers)
            or "code_owners" in condition_keys(policy))
