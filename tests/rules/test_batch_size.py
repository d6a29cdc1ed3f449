"""batch-size: effective lines, files and commits against limits, with a split plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.changeset.model import FileStatus
from gatekeeper.evaluation.verdict import RuleResult
from gatekeeper.facts.model import Facts
from gatekeeper.rules.findings import Severity, Status
from tests.builders import change, facts_of, judge
from tests.conftest import make_repo, numbered, run_cli


def rule(**limits: object) -> dict[str, Any]:
    """A batch-size rule with ``limits``."""
    return {"id": "size", "kind": "batch-size", **limits}


def evaluate(config: dict[str, Any], facts: Facts) -> RuleResult:
    """The result of ``config`` on ``facts``."""
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


PAYMENTS = {"paths": ["src/payments/**"], "max_effective_lines": 60}


def test_with_groups_the_message_gives_the_whole_change_beside_each_part() -> None:
    facts = facts_of(change("src/payments/charge.py", 50, 8), change("src/app.py", 3, 1))
    result = evaluate(rule(max_effective_lines=400, groups=[PAYMENTS]), facts)
    assert result.status is Status.PASS
    assert result.message == ("62 effective lines in 2 files, 1 commits (src/payments/**: 58 "
                              "lines in 1 files; in no group: 4 lines in 1 files)")
    values = dict(result.values)
    assert (values["effective_lines"], values["files"]) == (4, 1)
    assert (values["total_effective_lines"], values["total_files"]) == (62, 2)
    over = facts_of(change("src/payments/charge.py", 70), change("src/app.py", 3, 1))
    failed = evaluate(rule(max_effective_lines=400, groups=[PAYMENTS]), over)
    assert failed.message == ("change set too large: effective lines in src/payments/** 70 > "
                              "60 (the whole change: 74 effective lines in 2 files; "
                              "src/payments/**: 70 lines in 1 files; in no group: 4 lines in "
                              "1 files)")


def test_the_split_advice_keeps_tests_with_the_code_they_test() -> None:
    facts = facts_of(change("src/api/handlers.py", 200), change("tests/api/test_handlers.py", 150),
                     change("src/ui/page.tsx", 100))
    result = evaluate(rule(max_effective_lines=400), facts)
    assert result.remediation == ("split out src/api/ (350 lines, together with "
                                  "tests/api/test_handlers.py) into separate changes, leaving "
                                  "100 <= 400 lines")
    heavy_tests = facts_of(change("src/cart.py", 100), change("tests/test_cart.py", 300),
                           change("src/other.py", 50))
    advice = evaluate(rule(max_effective_lines=300), heavy_tests).remediation or ""
    assert "tests/" not in advice.replace("tests/test_cart.py", "")
    assert "split out tests/" not in advice


@pytest.mark.parametrize(("subject", "test"), [
    ("src/shop/cart.py", "tests/shop/test_cart.py"),
    ("src/shop/cart.py", "src/shop/cart_test.py"),
    ("web/cart.ts", "web/cart.test.ts"),
    ("web/Cart.tsx", "web/__tests__/Cart.spec.tsx"),
    ("web/cart.ts", "web/__tests__/cart.js"),
    ("src/main/java/shop/Cart.java", "src/test/java/shop/CartTest.java"),
    ("src/main/java/shop/Cart.java", "src/test/java/shop/CartIT.java"),
    ("app/src/main/kotlin/Cart.kt", "app/src/test/kotlin/CartTests.kt"),
    ("shop/cart.go", "shop/cart_test.go"),
    ("lib/shop/cart.rb", "spec/shop/cart_spec.rb"),
    ("Sources/Shop/Cart.swift", "Tests/ShopTests/CartTests.swift"),
    ("lib/shop/cart.ex", "test/shop/cart_test.exs"),
    ("src/cart.cc", "src/cart_unittest.cc"),
])
def test_a_test_never_leaves_its_subject_behind(subject: str, test: str) -> None:
    """The subject's folder is split out; the test, wherever it lies, goes along."""
    facts = facts_of(change(subject, 300), change(test, 250), change("other/misc.py", 100))
    advice = evaluate(rule(max_effective_lines=400), facts).remediation or ""
    folder = advice.removeprefix("split out ").split(" (")[0]
    assert subject.startswith(folder), advice
    assert test.startswith(folder) or f", together with {test})" in advice, advice
    assert f"{folder} (550 lines" in advice, advice


def test_a_grouped_change_reports_its_whole_size_through_the_cli(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write(".gatekeeper.yml", "version: 1\nrules:\n  - id: size\n    kind: batch-size\n"
               "    max_effective_lines: 400\n    groups:\n"
               "      - {paths: ['src/payments/**'], max_effective_lines: 150}\n")
    repo.write("src/app.py", numbered(2, "old"))
    base = repo.commit("base")
    repo.write("src/payments/charge.py", numbered(58))
    repo.write("src/app.py", numbered(2, "new"))
    repo.commit("charge")
    result = run_cli("check", "--base", base, "--format", "json", cwd=repo.path)
    assert result.code == 0, result.stdout + result.stderr
    (size,) = json.loads(result.stdout)["results"]
    assert size["message"] == ("62 effective lines in 2 files, 1 commits (src/payments/**: 58 "
                               "lines in 1 files; in no group: 4 lines in 1 files)")
    # On the console a passing rule takes one line: the check nearest its limit.
    console = run_cli("check", "--base", base, cwd=repo.path).stdout
    assert console.endswith("\nPASS  size [error]  effective lines in src/payments/** 58 <= 150\n")
