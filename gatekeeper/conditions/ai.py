"""The ``ai`` condition: holds when the change carries AI evidence of a given strength."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from gatekeeper.common.fields import one_or_many
from gatekeeper.facts.ai.detect import Evidence
from gatekeeper.facts.ai.entries import Strength
from gatekeeper.facts.model import Facts
from gatekeeper.facts.needs import Need

KEY = "ai"
NEEDS = frozenset({Need.AI})
SHOWN = 3
Source = Literal["identity", "subject", "trailer", "body", "footer", "pr-author", "label",
                 "description", "comment", "note"]


def _shorthand(value: Any) -> Any:
    """``ai: true`` is any evidence; ``ai: false`` is none."""
    if isinstance(value, bool):
        return {"present": value}
    return value


class AiCondition(BaseModel):
    """Holds when the change carries AI evidence that fits every key given."""

    # Built when first used, as part of the policy model: a validator compiled at import for
    # each class would be compiled again inside every model that holds it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    present: bool = Field(True, description="false holds when there is no such evidence.")
    min_strength: Strength = Field(
        Strength.SUGGESTION_ACCEPTED, description="The weakest evidence that counts: "
        "agent-authored, co-authored, assisted or suggestion-accepted (the default: any).")
    tools: Annotated[list[str], BeforeValidator(one_or_many)] | None = Field(
        None, description="Only evidence of these tools counts (claude-code, copilot ...).")
    sources: Annotated[list[Source], BeforeValidator(one_or_many)] | None = Field(
        None, description="Only evidence found here counts: identity, subject, trailer, body, "
        "footer, pr-author, label, description, comment or note.")
    min_commit_share: float | None = Field(
        None, ge=0, le=100, description="Holds only when at least this percent of the "
        "change's commits carry such evidence.")
    spot_check: bool | None = Field(
        None, description="true holds when the policy's ai.spot_check picked the change; "
        "false when it did not.")


AiValue = Annotated[AiCondition, BeforeValidator(_shorthand)]


def matching(condition: AiCondition, facts: Facts) -> tuple[Evidence, ...]:
    """The evidence of the change that ``condition`` counts."""
    if facts.ai is None:
        return ()
    tools = {t.lower() for t in condition.tools} if condition.tools is not None else None
    rank = condition.min_strength.rank
    return tuple(e for e in facts.ai.evidence if e.strength.rank <= rank
                 and (tools is None or e.tool.lower() in tools)
                 and (condition.sources is None or e.source in condition.sources))


def describe(evidence: Evidence) -> str:
    """One piece of evidence in words; the reports word it the same way."""
    return evidence.describe()


def _listed(evidence: tuple[Evidence, ...]) -> str:
    text = "; ".join(describe(e) for e in evidence[:SHOWN])
    more = len(evidence) - SHOWN
    return text + (f"; and {more} more" if more > 0 else "")


def _what(condition: AiCondition) -> str:
    parts = ["AI evidence"]
    if condition.min_strength is not Strength.SUGGESTION_ACCEPTED:
        parts.append(f"{condition.min_strength.value} or stronger")
    if condition.tools is not None:
        parts.append("from " + " or ".join(condition.tools))
    if condition.sources is not None:
        parts.append("in " + " or ".join(condition.sources))
    return " ".join(parts)


def _share(condition: AiCondition, facts: Facts, found: tuple[Evidence, ...]) -> tuple[bool, str]:
    commits = {c.sha for c in facts.changeset.commits}
    marked = {e.commit for e in found} & commits
    if not commits:
        return False, "the change has no commits to share evidence"
    share = 100.0 * len(marked) / len(commits)
    ok = share >= (condition.min_commit_share or 0)
    return ok, (f"{len(marked)} of {len(commits)} commits ({share:.4g}%) carry it, "
                f"{'at least' if ok else 'under'} {condition.min_commit_share:g}%")


def holds(condition: AiCondition, facts: Facts) -> tuple[bool, str]:
    """Whether ``condition`` holds, with the evidence that decided it."""
    found = matching(condition, facts)
    what = _what(condition)
    if not condition.present:
        return (not found, f"no {what}" if not found else f"{what}: {_listed(found)}")
    if not found:
        return False, f"no {what}"
    reasons = [f"{what}: {_listed(found)}"]
    if condition.min_commit_share is not None:
        ok, why = _share(condition, facts, found)
        if not ok:
            return False, why
        reasons.append(why)
    if condition.spot_check is not None:
        check = facts.ai.spot_check if facts.ai is not None else None
        if check is None:
            return False, "the policy sets no ai.spot_check, so nothing was picked"
        if check.selected != condition.spot_check:
            return False, f"spot check: {check.reason}"
        reasons.append(f"spot check: {check.reason}")
    return True, "; ".join(reasons)
