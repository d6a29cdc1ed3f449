"""Assigns the review tier: the highest tier any rule raises the change to, then lowerings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gatekeeper.conditions import model as conditions
from gatekeeper.evaluation.verdict import TierDecision, TierReason
from gatekeeper.facts.model import Facts
from gatekeeper.policy.review import ReviewSettings, Tier

if TYPE_CHECKING:
    from gatekeeper.facts.ai.detect import Evidence
    from gatekeeper.facts.codeowners.model import RequiredApproval


def _reason(text: str | None, why: str) -> str:
    return f"{text}; {why}" if text else why


def assign(settings: ReviewSettings, facts: Facts) -> TierDecision | None:
    """The tier of the change; None when the policy defines no tiers."""
    if not settings.tiers:
        return None
    raised: list[tuple[int, TierReason]] = []
    evidence: list[Evidence] = []
    for rule in settings.rules:
        holds, why = conditions.applies(rule.when, rule.unless, facts)
        if holds:
            raised.append((settings.index(rule.tier),
                           TierReason(rule.id, rule.tier, _reason(rule.reason, why))))
            evidence += conditions.ai_evidence(rule.when, rule.unless, facts=facts)
    raised.sort(key=lambda item: -item[0])  # stable: equal tiers keep policy order
    level = raised[0][0] if raised else settings.index(settings.default or settings.tiers[0].name)
    start = level
    lowered: list[TierReason] = []
    for lowering in settings.lower:
        holds, why = conditions.holds(lowering.when, facts)
        if not holds:
            continue
        floor = settings.index(lowering.floor) if lowering.floor else 0
        target = max(level - lowering.by, min(floor, level))
        if target != level:
            level = target
            lowered.append(TierReason(lowering.id, settings.tiers[level].name,
                                      _reason(lowering.reason, why)))
        else:
            lowered.append(TierReason(lowering.id, settings.tiers[level].name,
                                      f"already at its floor; {_reason(lowering.reason, why)}"))
        evidence += conditions.ai_evidence(lowering.when, facts=facts)
    unique = tuple({id(e): e for e in evidence}.values())
    tier = settings.tiers[level]
    request, groups = _owners(tier, facts)
    return TierDecision(level + 1, tier, tuple(r for _, r in raised), tuple(lowered),
                        settings.tiers[start].name if level != start else None, unique,
                        request, groups, facts.owners.source if facts.owners else None)


def _owners(tier: Tier, facts: Facts) -> tuple[tuple[str, ...], tuple[RequiredApproval, ...]]:
    """Whom the tier asks for review, and the code owner groups that must approve."""
    if not tier.code_owners or facts.owners is None:
        return _once(tier.owners), ()
    summary = facts.owners.summary
    return _once((*tier.owners, *summary.owners)), summary.required


def _once(owners: Iterable[str]) -> tuple[str, ...]:
    """Each owner once, in order; names compare without case, as the platforms do."""
    return tuple({o.casefold(): o for o in reversed(list(owners))}[k] for k in
                 dict.fromkeys(o.casefold() for o in owners))
