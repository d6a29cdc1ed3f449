"""Assigns the review tier: the highest tier any rule raises the change to, then lowerings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gatekeeper import conditions
from gatekeeper.facts import Facts
from gatekeeper.review.settings import ReviewSettings, Tier

if TYPE_CHECKING:
    from gatekeeper.ai.detect import Evidence


@dataclass(frozen=True, slots=True)
class TierReason:
    """One rule or lowering that held, and why."""

    id: str
    tier: str
    """The tier the rule raises to, or the tier a lowering lowered to."""
    why: str


@dataclass(frozen=True, slots=True)
class TierDecision:
    number: int
    """1 for the lowest tier."""
    tier: Tier
    raised_by: tuple[TierReason, ...]
    """Every rule that held, highest tier first; the first decided the tier."""
    lowered_by: tuple[TierReason, ...] = ()
    before_lowering: str | None = None
    """The tier the rules gave, when a lowering then changed it."""
    evidence: tuple[Evidence, ...] = ()
    """The AI evidence behind rules and lowerings that read it."""

    @property
    def name(self) -> str:
        return self.tier.name

    def reasons(self) -> list[str]:
        """Every reason, in words, in the order they were applied."""
        found = [f"{r.id}: raises to {r.tier} ({r.why})" for r in self.raised_by]
        found += [f"{r.id}: lowers to {r.tier} ({r.why})" for r in self.lowered_by]
        return found or [f"no rule raised the change: {self.name} is the default tier"]


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
    return TierDecision(level + 1, settings.tiers[level], tuple(r for _, r in raised),
                        tuple(lowered), settings.tiers[start].name if level != start else None,
                        unique)
