"""Coverage facts of a change: changed lines against report data, totals, and misfits."""

from __future__ import annotations

from gatekeeper.changeset.model import FileChange, FileStatus
from gatekeeper.facts.coverage.patch import percent, ranges
from tests.builders import change, edited, facts_of, measured, with_coverage


def test_ranges_fold_consecutive_lines() -> None:
    assert ranges([1, 2, 3, 7, 9, 10]) == ((1, 3), (7, 7), (9, 10))
    assert ranges([]) == ()


def test_nothing_coverable_is_none_not_100() -> None:
    assert percent(0, 0) is None
    assert percent(1, 3) == 100 / 3


def test_changed_lines_split_into_covered_uncovered_and_unmeasured() -> None:
    facts = with_coverage(facts_of(edited("a.py", (1, 6))),
                          [measured("a.py", covered=[1, 2, 5], missed=[3])])
    assert facts.coverage is not None
    (f,) = facts.coverage.files
    assert (f.changed, f.covered, f.uncovered) == (((1, 6),), ((1, 2), (5, 5)), ((3, 3),))
    assert (f.changed_lines, f.tally.coverable, f.tally.covered) == (6, 4, 3)
    assert f.percent == 75.0
    assert f.in_report


def test_only_files_with_added_lines_count() -> None:
    binary = FileChange("img.png", None, FileStatus.MODIFIED, 0, 0, binary=True)
    deleted = change("gone.py", 0, 10, status=FileStatus.DELETED)
    moved = change("new.py", 0, 0, status=FileStatus.RENAMED, old_path="old.py")
    facts = with_coverage(facts_of(binary, deleted, moved, edited("a.py", (2, 2))),
                          [measured("a.py", missed=[2]), measured("new.py", missed=[1, 2])])
    assert facts.coverage is not None
    assert [f.path for f in facts.coverage.files] == ["a.py"]
    assert facts.coverage.patch().coverable == 1


def test_a_changed_file_missing_from_the_report_is_listed_not_counted() -> None:
    facts = with_coverage(facts_of(edited("a.py", (1, 2)), edited("b.py", (1, 3))),
                          [measured("a.py", covered=[1, 2])])
    assert facts.coverage is not None
    b = facts.coverage.files[1]
    assert (b.path, b.in_report, b.tally.coverable) == ("b.py", False, 0)
    assert facts.coverage.patch().percent == 100.0
    assert facts.coverage.patch(["b.py"]).percent is None


def test_totals_and_delta_cover_every_report_file() -> None:
    head = [measured("a.py", covered=[1, 2, 3], missed=[4]), measured("z.py", missed=[1])]
    base = [measured("a.py", covered=[1, 2], missed=[3, 4]), measured("z.py", missed=[1])]
    facts = with_coverage(facts_of(edited("a.py", (1, 1))), head, base)
    assert facts.coverage is not None
    total = facts.coverage.total()
    assert total is not None and (total.covered, total.coverable) == (3, 5)
    assert facts.coverage.delta() == 60.0 - 40.0


def test_a_report_longer_than_the_file_is_stale() -> None:
    facts = with_coverage(facts_of(edited("a.py", (1, 1))),
                          [measured("a.py", covered=[1], missed=[40])], line_counts={"a.py": 10})
    assert facts.coverage is not None
    assert facts.coverage.problems == (
        "the coverage report measures line 40 of a.py, which has only 10 lines at the head: "
        "the report is stale",)
    fits = with_coverage(facts_of(edited("a.py", (1, 1))),
                         [measured("a.py", covered=[1], missed=[10])], line_counts={"a.py": 10})
    assert fits.coverage is not None and not fits.coverage.problems


def test_branches_on_changed_lines_are_summed() -> None:
    data = measured("a.py", covered=[1, 5], branches=[(1, 1, 2), (5, 2, 2)])
    facts = with_coverage(facts_of(edited("a.py", (1, 1))), [data])
    assert facts.coverage is not None
    tally = facts.coverage.files[0].tally
    assert (tally.branches, tally.branches_covered, tally.branch_percent) == (2, 1, 50.0)
