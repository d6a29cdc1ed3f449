"""tests-required: changed source code needs changed tests, by classification."""

from __future__ import annotations

from typing import Any

from gatekeeper.changeset.model import FileStatus
from gatekeeper.facts.classify import ClassSpec
from gatekeeper.rules.findings import Status
from tests.builders import change, facts_of, judge


def rule(**extra: object) -> dict[str, Any]:
    """A tests-required rule with ``extra``."""
    return {"id": "tests", "kind": "tests-required", **extra}


def test_source_without_tests_fails_naming_the_files() -> None:
    result = judge(rule(), facts_of(change("src/app.py", 12, 3), change("README.md", 4)))
    assert result.status is Status.FAIL
    assert result.message == "1 source files changed (15 lines: src/app.py) but no test file did"
    assert [s.path for s in result.files] == ["src/app.py"]
    assert "class test" in (result.remediation or "")


def test_source_with_tests_passes() -> None:
    result = judge(rule(), facts_of(change("src/app.py", 12), change("tests/test_app.py", 5)))
    assert result.status is Status.PASS
    assert result.message == "1 source files changed along with tests: tests/test_app.py"


def test_docs_lockfiles_ci_and_deletions_are_not_source() -> None:
    facts = facts_of(change("docs/guide.md", 40), change("package-lock.json", 900),
                     change(".github/workflows/ci.yml", 3),
                     change("src/old.py", 0, 50, status=FileStatus.DELETED))
    result = judge(rule(), facts)
    assert result.status is Status.PASS
    assert result.message == "no source file changed"


def test_min_lines_and_source_globs_narrow_the_trigger() -> None:
    facts = facts_of(change("src/app.py", 3), change("scripts/x.sh", 50))
    assert judge(rule(min_lines=5, source=["src/**"]), facts).status is Status.PASS
    assert judge(rule(min_lines=5), facts).status is Status.FAIL
    assert judge(rule(exclude=["scripts/**", "src/**"]), facts).status is Status.PASS


def test_the_policy_classification_decides_what_a_test_is() -> None:
    classes = {"test": ClassSpec(("checks/**",))}
    facts = facts_of(change("src/app.py", 3), change("checks/app_check.py", 3), classes=classes)
    assert judge(rule(), facts).status is Status.PASS
    assert judge(rule(), facts_of(change("src/app.py", 3),
                                  change("checks/app_check.py", 3))).status is Status.FAIL


def test_a_pure_rename_of_source_needs_no_tests() -> None:
    moved = change("src/b.py", 0, 0, status=FileStatus.RENAMED, old_path="src/a.py")
    assert judge(rule(), facts_of(moved)).status is Status.PASS
