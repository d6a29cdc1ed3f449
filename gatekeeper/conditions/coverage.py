"""The ``coverage`` condition: patch coverage or the change in total coverage against bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gatekeeper.facts.needs import Need

if TYPE_CHECKING:
    from gatekeeper.facts.model import Facts

KEY = "coverage"
NEEDS = frozenset({Need.COVERAGE})


class CoverageCondition(BaseModel):
    """Holds when every bound given holds; a measure that is not known never holds."""

    # Built when first used, as part of the policy model: a validator compiled at import for
    # each class would be compiled again inside every model that holds it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    patch_below: float | None = Field(
        None, ge=0, le=100, description="Holds when patch coverage (changed lines covered, "
        "in percent) is below this.")
    delta_below: float | None = Field(
        None, ge=-100, le=100, description="Holds when total coverage moved by less than this "
        "many percentage points (-0.5: fell by more than half a point); needs a base report.")

    @model_validator(mode="after")
    def _bounded(self) -> CoverageCondition:
        if self.patch_below is None and self.delta_below is None:
            raise ValueError("coverage needs patch_below, delta_below or both")
        return self


def holds(condition: CoverageCondition, facts: Facts) -> tuple[bool, str]:
    """Whether every bound holds, with the measures that decided it."""
    covered = facts.coverage
    if covered is None:
        return False, "no coverage report was given"
    reasons = []
    if condition.patch_below is not None:
        percent = covered.patch().percent
        if percent is None:
            return False, "patch coverage is not applicable: no changed line is coverable"
        if percent >= condition.patch_below:
            return False, f"patch coverage {percent:.1f}% is not below {condition.patch_below:g}%"
        reasons.append(f"patch coverage {percent:.1f}% is below {condition.patch_below:g}%")
    if condition.delta_below is not None:
        delta = covered.delta()
        if delta is None:
            return False, "the change in total coverage is not known (give --coverage-base)"
        if delta >= condition.delta_below:
            return False, (f"total coverage moved {delta:+.2f} points, not below "
                           f"{condition.delta_below:+g}")
        reasons.append(f"total coverage moved {delta:+.2f} points, below "
                       f"{condition.delta_below:+g}")
    return True, " and ".join(reasons)
