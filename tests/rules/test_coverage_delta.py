"""coverage-delta: total coverage may not drop more than allowed, or fall below a floor."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.facts.model import Facts
from gatekeeper.rules.findings import Status
from tests.builders import change, edited, facts_of, judge, measured, with_coverage


def rule(**extra: object) -> dict[str, Any]:
    """A coverage-delta rule with ``extra``."""
    return {"id": "no-drop", "kind": "coverage-delta", **extra}


def facts(head_covered: int, base_covered: int | None, lines: int = 100) -> Facts:
    """Facts of a ``lines``-line file covered to ``head_covered``, and ``base_covered`` before."""
    head = [measured("src/a.py", covered=range(1, head_covered + 1),
                     missed=range(head_covered + 1, lines + 1))]
    base = None if base_covered is None else [
        measured("src/a.py", covered=range(1, base_covered + 1),
                 missed=range(base_covered + 1, lines + 1))]
    return with_coverage(facts_of(edited("src/a.py", (1, 1))), head, base)


def test_a_drop_beyond_the_limit_fails() -> None:
    result = judge(rule(max_drop=0.5), facts(79, 80))
    assert result.status is Status.FAIL
    assert result.message == ("total coverage 79% (-1 points from 80%): a drop of 1 points "
                              "is more than 0.5")
    assert dict(result.values)["drop"] == 1.0
    assert dict(result.values)["delta"] == -1.0


def test_a_small_drop_or_a_rise_passes() -> None:
    assert judge(rule(max_drop=1), facts(79, 80)).status is Status.PASS
    rise = judge(rule(max_drop=0), facts(81, 80))
    assert rise.status is Status.PASS
    assert rise.checks[0].measured == -1.0


def test_without_a_base_report_the_drop_is_not_applicable_not_passed() -> None:
    result = judge(rule(max_drop=0.5), facts(10, None))
    assert result.status is Status.NOT_APPLICABLE
    assert "--coverage-base" in result.message
    floor = judge(rule(max_drop=0.5, min_total=50), facts(10, None))
    assert floor.status is Status.FAIL
    assert "no base report, so the drop is unknown" in floor.message
    assert "below the floor of 50%" in floor.message


def test_exclude_leaves_files_out_of_both_totals() -> None:
    head = [measured("src/a.py", covered=range(1, 11)), measured("gen/x.py", missed=range(1, 91))]
    base = [measured("src/a.py", covered=range(1, 11))]
    view = with_coverage(facts_of(edited("src/a.py", (1, 1))), head, base)
    assert judge(rule(max_drop=1), view).status is Status.FAIL
    assert judge(rule(max_drop=1, exclude=["gen/**"]), view).status is Status.PASS


def test_unmapped_report_files_still_count_in_the_totals() -> None:
    # A file no repository path matches is listed as unmapped, but the total is the report's.
    head = [measured("src/a.py", covered=[1]), measured("/elsewhere/b.py", missed=[1, 2, 3])]
    view = with_coverage(facts_of(edited("src/a.py", (1, 1))), head)
    result = judge(rule(min_total=30), view)
    assert result.status is Status.FAIL
    assert dict(result.values)["head"] == 25.0


def test_nothing_measured_or_no_report_is_not_applicable() -> None:
    empty = with_coverage(facts_of(edited("a.py", (1, 1))), [measured("a.py")])
    assert judge(rule(min_total=1), empty).status is Status.NOT_APPLICABLE
    assert judge(rule(min_total=1), facts_of(change("a.py"))).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("bad", [{}, {"max_drop": -1}, {"min_total": 120}])
def test_invalid_configs_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        judge(rule(**bad), facts_of(change("a.py")))
