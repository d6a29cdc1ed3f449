"""batch-size: effective lines, files and commits against limits, with a split plan."""

from __future__ import annotations

from typing import Any

from gatekeeper.changeset import FileStatus
from gatekeeper.facts import Facts
from gatekeeper.verdict import RuleResult, Severity, Status
from tests.builders import change, facts_of, judge


def rule(**limits: object) -> dict[str, Any]:
    return {"id": "size", "kind": "batch-size", **limits}


def evaluate(config: dict[str, Any], facts: Facts) -> RuleResult:
    return judge(config, facts)


def test_passes_under_the_limits() -> None:
    result = evaluate(rule(max_effective_lines=100, max_files=5, max_commits=2),
                      facts_of(change("a.py", 40, 10), change("b.py", 5)))
    assert result.status is Status.PASS
    assert [(c.name, c.measured) for c in result.checks] == [
        ("effective lines", 55), ("files", 2), ("commits", 1)]
    assert result.remediation is None


def test_lockfiles_generated_vendored_and_pure_renames_do_not_count() -> None:
    facts = facts_of(
        change("src/app.py", 90, 10),
        change("package-lock.json", 5000, 3000),
        change("vendor/lib/x.go", 800),
        change("static/app.min.js", 1, 1),
        change("src/new_name.py", 0, 0, FileStatus.RENAMED, "src/old_name.py"),
        change("src/moved.py", 3, 2, FileStatus.RENAMED, "src/was.py"),
    )
    result = evaluate(rule(max_effective_lines=105, max_files=2), facts)
    assert result.status is Status.PASS
    assert [c.measured for c in result.checks] == [105, 2]


def test_failure_names_files_and_folders_to_split_out() -> None:
    facts = facts_of(
        change("src/api/handlers.py", 200, 20),
        change("src/api/models.py", 100),
        change("src/ui/page.tsx", 150, 10),
        change("src/ui/style.css", 30),
        change("README.md", 5),
    )
    result = evaluate(rule(max_effective_lines=400), facts)
    assert result.status is Status.FAIL
    assert result.main_check is not None and result.main_check.measured == 515
    assert result.message == "change set too large: effective lines 515 > 400"
    assert result.files[0].path == "src/api/handlers.py"
    assert result.remediation == ("split out src/api/ (320 lines) into separate changes, "
                                  "leaving 195 <= 400 lines")


def test_exclude_globs_and_warning_severity() -> None:
    facts = facts_of(change("docs/big.md", 900), change("src/a.py", 50))
    assert evaluate(rule(max_effective_lines=100, exclude=["docs/**"]),
                    facts).status is Status.PASS
    warned = evaluate(rule(max_effective_lines=100, severity="warning"), facts)
    assert warned.status is Status.WARN and warned.severity is Severity.WARNING


def test_too_many_commits_suggests_splitting_the_branch() -> None:
    result = evaluate(rule(max_commits=3), facts_of(change("a.py", 1), commits=5))
    assert result.status is Status.FAIL
    assert result.remediation is not None and "at most 3 commits" in result.remediation


def test_a_single_huge_file_cannot_be_split_by_folder() -> None:
    result = evaluate(rule(max_effective_lines=100), facts_of(change("src/big.py", 1000)))
    assert result.remediation is not None
    assert "smaller sequential changes" in result.remediation


def test_far_over_the_limit_counts_the_changes_needed() -> None:
    files = [change(f"m{i}/f.py", 100) for i in range(10)]
    result = evaluate(rule(max_effective_lines=200), facts_of(*files))
    assert result.remediation is not None
    assert "split it into at least 5 changes" in result.remediation
    assert "more folders" in result.remediation
