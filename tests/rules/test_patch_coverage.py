"""patch-coverage: changed lines must be run by tests, overall and file by file."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileStatus
from gatekeeper.facts.model import Facts
from gatekeeper.rules.findings import Status
from tests.builders import change, edited, facts_of, judge, measured, with_coverage


def rule(**extra: object) -> dict[str, Any]:
    """A patch-coverage rule with ``extra``."""
    return {"id": "tested", "kind": "patch-coverage", **extra}


def well_tested_and_untested() -> Facts:
    """Facts of a fully covered file and a new one no test runs."""
    facts = facts_of(edited("src/big.py", (1, 20)), edited("src/new.py", (1, 4)))
    return with_coverage(facts, [measured("src/big.py", covered=range(1, 21)),
                                 measured("src/new.py", missed=range(1, 5))])


def test_an_untested_file_cannot_hide_behind_the_average() -> None:
    facts = well_tested_and_untested()
    overall = judge(rule(min=80), facts)
    assert overall.status is Status.PASS
    assert overall.message.startswith("patch coverage 83.33% (20 of 24 changed lines")
    per_file = judge(rule(min=80, min_file=50), facts)
    assert per_file.status is Status.FAIL
    assert "1 files below 50%: src/new.py 0%" in per_file.message
    assert [(d.path, d.lines) for d in per_file.details] == [("src/new.py", ((1, 4),))]
    assert per_file.details[0].describe() == "src/new.py:1-4 (0 of 4 changed lines covered, 0%)"
    assert [s.path for s in per_file.files] == ["src/new.py"]
    assert "src/new.py:1-4" in (per_file.remediation or "")


def test_fails_below_the_overall_floor_and_names_uncovered_lines() -> None:
    facts = facts_of(edited("a.py", (10, 13), (20, 20)))
    facts = with_coverage(facts, [measured("a.py", covered=[10, 11], missed=[12, 13, 20])])
    result = judge(rule(min=50), facts)
    assert result.status is Status.FAIL
    assert result.message == ("patch coverage 40% (2 of 5 changed lines in 1 files): "
                              "patch coverage 40% is below 50%")
    assert result.details[0].lines == ((12, 13), (20, 20))
    assert dict(result.values)["uncovered"] == "a.py:12-13,20 (2 of 5 changed lines covered, 40%)"
    check = result.checks[0]
    assert (check.measured, check.limit, check.floor, check.passed) == (40.0, 50, True, False)


def test_shown_percentages_round_down_so_they_never_pass_a_floor_falsely() -> None:
    # 2 of 3 is 66.666...%: shown as 66.66, so "66.66 < 66.67" reads true.
    facts = with_coverage(facts_of(edited("a.py", (1, 3))),
                          [measured("a.py", covered=[1, 2], missed=[3])])
    result = judge(rule(min=66.67), facts)
    assert result.status is Status.FAIL
    assert result.checks[0].measured == 66.66
    assert judge(rule(min=66.66), facts).status is Status.PASS


def test_no_coverable_changed_line_is_not_applicable_never_100() -> None:
    facts = facts_of(edited("README.md", (1, 5)), edited("src/a.py", (3, 4)))
    facts = with_coverage(facts, [measured("src/a.py", covered=[1], missed=[9])])
    result = judge(rule(min=80), facts)
    assert result.status is Status.NOT_APPLICABLE
    assert result.message == ("not applicable: no changed line is coverable (7 changed lines "
                              "in 2 files; not in the report: README.md)")
    assert not result.checks


def test_without_any_report_it_is_not_applicable() -> None:
    result = judge(rule(min=80), facts_of(change("a.py")))
    assert result.status is Status.NOT_APPLICABLE
    assert "no coverage report was given" in result.message


def test_a_renamed_file_counts_only_its_edited_lines() -> None:
    moved = edited("src/new_name.py", (7, 8), status=FileStatus.RENAMED,
                   old_path="src/old_name.py")
    facts = with_coverage(facts_of(moved), [measured("src/new_name.py", covered=[7, 8],
                                                     missed=range(1, 7))])
    result = judge(rule(min=100), facts)
    assert result.status is Status.PASS
    assert dict(result.values)["coverable"] == 2


def test_excluded_paths_leave_the_measure() -> None:
    facts = well_tested_and_untested()
    assert judge(rule(min_file=50, exclude=["src/new.py"]), facts).status is Status.PASS
    only_excluded = judge(rule(min=90, exclude=["src/**"]), facts)
    assert only_excluded.status is Status.NOT_APPLICABLE


def test_policy_exception_and_conditions_apply_as_for_every_rule() -> None:
    facts = well_tested_and_untested()
    excepted = judge(rule(min_file=50), facts, exceptions=[
        {"rule": "tested", "paths": ["src/new.py"], "reason": "spike", "expires": "2999-01-01"}])
    assert excepted.status is Status.EXCEPTED
    skipped = judge(rule(min_file=50, unless={"labels": "hotfix"}),
                    facts_of(edited("a.py", (1, 1)), labels=("hotfix",)))
    assert skipped.status is Status.SKIP


def test_min_file_lines_spares_tiny_files() -> None:
    facts = well_tested_and_untested()
    assert judge(rule(min_file=50, min_file_lines=5), facts).status is Status.PASS
    assert judge(rule(min_file=50, min_file_lines=4), facts).status is Status.FAIL


def test_branch_floor_uses_branches_on_changed_lines_only() -> None:
    data = measured("a.py", covered=[1, 2, 9], branches=[(1, 1, 2), (9, 0, 2)])
    facts = with_coverage(facts_of(edited("a.py", (1, 2))), [data])
    result = judge(rule(min_branches=60), facts)
    assert result.status is Status.FAIL
    assert result.checks[0].name == "branch coverage"
    assert result.checks[0].measured == 50.0
    no_branches = with_coverage(facts_of(edited("b.py", (1, 1))), [measured("b.py", [1])])
    assert judge(rule(min_branches=60), no_branches).status is Status.NOT_APPLICABLE
    with_line_floor = judge(rule(min=50, min_branches=60), no_branches)
    assert with_line_floor.status is Status.PASS


def test_message_templates_get_the_measures() -> None:
    facts = well_tested_and_untested()
    result = judge(rule(min_file=50, message="{failing_files} need tests ({percent}%)"), facts)
    assert result.message == "src/new.py need tests (83.33%)"


@pytest.mark.parametrize("bad", [{}, {"min": 101}, {"min_file": -1}, {"min": 50, "typo": 1}])
def test_invalid_configs_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        judge(rule(**bad), facts_of(change("a.py")))
