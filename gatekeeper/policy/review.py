"""The policy's ``review:`` section: the tiers, the rules that raise a change, and lowerings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from gatekeeper.common.fields import RuleId, empty_list, one_or_many
from gatekeeper.conditions.model import Condition

TierName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$", max_length=60)]
Owner = Annotated[str, Field(pattern=r"^@[\w.@/-]+$|^[^@\s]+@[^@\s]+$", max_length=200)]


class Tier(BaseModel):
    """One level of review: who must approve a change that lands in it."""

    # Built when first used, as part of the policy model: a validator compiled at import for
    # each class would be compiled again inside every model that holds it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: TierName = Field(description="The tier's name, shown in reports (light, deep ...).")
    approvals: int = Field(1, ge=0, le=20, description="Approvals the change needs.")
    code_owners: bool = Field(
        False, description="The code owners of the touched files must be asked (CODEOWNERS).")
    owners: Annotated[list[Owner], BeforeValidator(one_or_many)] = Field(
        default_factory=empty_list,
        description="Users or teams that must approve (@user, @org/team).")
    description: str | None = Field(None, description="What the tier is for.")


class TierRule(BaseModel):
    """Raises a change to ``tier`` when ``when`` holds (and ``unless`` does not)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    id: RuleId = Field(description="The rule's id, shown as the reason.")
    tier: TierName = Field(description="The tier the change is raised to.")
    when: Condition = Field(description="The condition that raises the change.")
    unless: Condition | None = Field(None, description="Does not raise when this holds.")
    reason: str | None = Field(None, description="Why, in words, for the report.")


class Lowering(BaseModel):
    """Lowers the tier by ``by`` steps when ``when`` holds, never below ``floor``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: RuleId = Field(description="The lowering's id, shown as the reason.")
    by: int = Field(1, ge=1, le=10, description="How many tiers lower.")
    floor: TierName | None = Field(
        None, description="The lowest tier it may lower to (default: the lowest tier).")
    when: Condition = Field(description="The condition that lowers the change.")
    reason: str | None = Field(None, description="Why, in words, for the report.")


class ApprovalSettings(BaseModel):
    """Whether the tier's approvals are read from the pull or merge request and enforced."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enforce: bool = Field(
        False, description="Read the pull or merge request's approvals from the GitHub or "
        "GitLab API, and fail when the tier's requirement is not met.")
    unreachable: Literal["fail", "pass"] = Field(
        "fail", description="What an API that cannot answer does (unreachable, timeout, 5xx, "
        "an answer that is not as documented): fail stops with exit 3 and the message; pass "
        "reports it as a warning and goes on. A refused token fails either way.")
    missing_token: Literal["fail", "skip"] = Field(
        "fail", description="What a pull or merge request with no token to read approvals "
        "with does: fail fails review-approvals (the requirement is not shown to be met); skip "
        "reports the requirement as not checked and goes on.")


class ReviewSettings(BaseModel):
    """Risk-tiered review: the change gets the highest tier a rule raises it to, then any
    lowering, never below its floor."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    tiers: list[Tier] = Field(
        default_factory=empty_list, description="The tiers, lowest first; tier 1 is the first.")
    default: TierName | None = Field(
        None, description="The tier when no rule raises the change (default: the first).")
    rules: list[TierRule] = Field(
        default_factory=empty_list, description="Rules that raise a change to a tier.")
    lower: list[Lowering] = Field(
        default_factory=empty_list,
        description="Conditions that lower the tier, each with a floor.")
    approvals: ApprovalSettings = Field(
        default_factory=ApprovalSettings.model_construct,
        description="Reading and enforcing the tier's approvals (default: not enforced).")

    @model_validator(mode="after")
    def _unique_tiers(self) -> ReviewSettings:
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError("tier names must be unique")
        return self

    def problem(self) -> str | None:
        """What is wrong once every file is composed (a file may name a pack's tiers)."""
        names = [t.name for t in self.tiers]
        if (self.rules or self.lower or self.default) and not self.tiers:
            return "review rules need tiers: list them under review.tiers"
        wanted = [("default", self.default)]
        wanted += [(f"rule {r.id}", r.tier) for r in self.rules]
        wanted += [(f"lowering {lw.id}", lw.floor) for lw in self.lower]
        for who, name in wanted:
            if name is not None and name not in names:
                return f"{who} names tier {name!r}, which is not one of {', '.join(names)}"
        return None

    def index(self, name: str) -> int:
        """The position of tier ``name`` in ``tiers``, 0 for the lowest; ValueError if unknown."""
        return [t.name for t in self.tiers].index(name)
