"""The coverage condition: patch coverage and the change in total coverage against bounds."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.conditions import model as conditions
from gatekeeper.conditions.coverage import CoverageCondition, holds
from gatekeeper.conditions.model import Condition
from gatekeeper.facts.model import Facts
from tests.builders import edited, facts_of, measured, with_coverage


def bound(**values: Any) -> CoverageCondition:
    """A coverage condition of ``values``, validated."""
    return CoverageCondition.model_validate(values)


def three_of_four(base: bool = True) -> Facts:
    """Patch coverage 75% (lines 1-3 of 4 changed lines run); total 60% at head, 40% at base."""
    head = [measured("a.py", covered=[1, 2, 3], missed=[4, 5])]
    before = [measured("a.py", covered=[1, 2], missed=[3, 4, 5])]
    return with_coverage(facts_of(edited("a.py", (1, 4))), head, before if base else None)


@pytest.mark.parametrize(("below", "expected"), [(75.5, True), (100, True), (75, False),
                                                 (74.9, False), (0, False)])
def test_patch_below_is_strict(below: float, expected: bool) -> None:
    facts = three_of_four()
    assert facts.coverage is not None and facts.coverage.patch().percent == 75.0
    ok, why = holds(bound(patch_below=below), facts)
    assert ok is expected
    if expected:
        assert why == f"patch coverage 75.0% is below {below:g}%"
    else:
        assert why == f"patch coverage 75.0% is not below {below:g}%"


def test_patch_coverage_of_nothing_coverable_never_holds() -> None:
    facts = with_coverage(facts_of(edited("a.py", (1, 2))), [measured("other.py", covered=[1])])
    ok, why = holds(bound(patch_below=100), facts)
    assert (ok, why) == (False, "patch coverage is not applicable: no changed line is coverable")


@pytest.mark.parametrize(("below", "expected"), [(20.5, True), (20, False), (-0.5, False)])
def test_delta_below_against_a_base(below: float, expected: bool) -> None:
    facts = three_of_four()
    assert facts.coverage is not None and facts.coverage.delta() == pytest.approx(20.0)
    ok, why = holds(bound(delta_below=below), facts)
    assert ok is expected
    assert why.startswith("total coverage moved +20.00 points")
    assert why.endswith(f"below {below:+g}")


def test_a_fall_in_total_coverage_holds_below_a_negative_bound() -> None:
    head = [measured("a.py", covered=[1], missed=[2, 3, 4])]
    before = [measured("a.py", covered=[1, 2], missed=[3, 4])]
    facts = with_coverage(facts_of(edited("a.py", (2, 2))), head, before)
    ok, why = holds(bound(delta_below=-0.5), facts)
    assert (ok, why) == (True, "total coverage moved -25.00 points, below -0.5")


def test_delta_without_a_base_report_never_holds() -> None:
    ok, why = holds(bound(delta_below=100), three_of_four(base=False))
    assert (ok, why) == (False, "the change in total coverage is not known (give "
                                "--coverage-base)")


def test_both_bounds_must_hold() -> None:
    facts = three_of_four()
    ok, why = holds(bound(patch_below=80, delta_below=25), facts)
    assert ok and why == ("patch coverage 75.0% is below 80% and total coverage moved +20.00 "
                          "points, below +25")
    assert holds(bound(patch_below=80, delta_below=10), facts)[0] is False
    assert holds(bound(patch_below=70, delta_below=25), facts)[0] is False


def test_no_report_never_holds() -> None:
    facts = facts_of(edited("a.py", (1, 4)))
    assert facts.coverage is None
    assert holds(bound(patch_below=100), facts) == (False, "no coverage report was given")
    negated = Condition.model_validate({"not": {"coverage": {"patch_below": 100}}})
    assert conditions.holds(negated, facts)[0]


@pytest.mark.parametrize(("values", "message"), [
    ({}, "needs patch_below, delta_below or both"),
    ({"patch_below": 101}, "less than or equal to 100"),
    ({"patch_below": -1}, "greater than or equal to 0"),
    ({"delta_below": -101}, "greater than or equal to -100"),
    ({"patch_below": 50, "total_below": 3}, "Extra inputs"),
])
def test_a_condition_needs_a_bound_in_range(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        bound(**values)


def test_the_policy_condition_reads_the_coverage_facts() -> None:
    condition = Condition.model_validate({"coverage": {"patch_below": 80}})
    assert condition.coverage == bound(patch_below=80)
    ok, why = conditions.holds(condition, three_of_four())
    assert ok and why == "patch coverage 75.0% is below 80%"
    with pytest.raises(ValidationError, match="needs patch_below"):
        Condition.model_validate({"coverage": {}})
