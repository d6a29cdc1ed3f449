"""`gatekeeper check --coverage` end to end: real repositories, real coverage.py reports."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import Repo, make_repo, run_cli

CALC = """\
def add(a, b):
    return a + b


def sub(a, b):
    return a - b
"""
CALC_CHANGED = CALC + """

def mul(a, b):
    return a * b


def div(a, b):
    if b == 0:
        raise ZeroDivisionError("b")
    return a / b
"""
EXTRA = """\
def untested():
    x = 1
    y = 2
    return x + y
"""
DRIVER = """\
import sys
sys.path.insert(0, "src")
import calc
calc.add(1, 2)
if hasattr(calc, "mul"):
    calc.mul(2, 3)
if {extra}:
    import extra
"""
POLICY = """\
version: 1
rules:
  - id: tested
    kind: patch-coverage
    min: 50
    min_file: 50
"""


def coverage_of(repo: Repo, *formats: str, extra: bool = False) -> dict[str, Path]:
    """Run the driver under coverage.py in ``repo`` and write each report format asked for."""
    repo.write("driver.py", DRIVER.format(extra=extra))
    run = [sys.executable, "-m", "coverage"]
    subprocess.run([*run, "run", "--branch", "--source=src", "driver.py"], cwd=repo.path,
                   check=True, capture_output=True)
    out = {}
    for fmt in formats:
        target = repo.path.parent / f"{repo.head()[:8]}.{fmt}"
        flag = {"xml": "-o", "lcov": "-o", "json": "-o"}[fmt]
        subprocess.run([*run, fmt, flag, str(target)], cwd=repo.path, check=True,
                       capture_output=True)
        out[fmt] = target
    (repo.path / "driver.py").unlink()
    (repo.path / ".coverage").unlink()
    return out


@pytest.fixture
def project(tmp_path: Path) -> Repo:
    """A repository with calc.py and a coverage policy, on a feature branch."""
    repo = make_repo(tmp_path / "project")
    repo.write("src/calc.py", CALC)
    repo.write("README.md", "calc\n")
    repo.write(".gatekeeper.yml", POLICY)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/calc.py", CALC_CHANGED)
    repo.write("src/extra.py", EXTRA)
    repo.commit("feature")
    return repo


def check(repo: Repo, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``gatekeeper check`` against main."""
    result = run_cli("check", "-C", str(repo.path), "--base", "main", *args)
    return result.code, result.stdout, result.stderr


def test_every_report_format_gives_the_same_patch_coverage(project: Repo) -> None:
    reports = coverage_of(project, "xml", "lcov", "json")
    seen = {}
    for fmt, path in reports.items():
        code, out, err = check(project, "--coverage", str(path), "--format", "json")
        assert code == 1, err
        data = json.loads(out)["coverage"]
        seen[fmt] = [(f["path"], f["covered_lines"], f["uncovered_lines"])
                     for f in data["patch"]["files"]]
        assert data["reports"][0]["format"] == {"xml": "cobertura", "lcov": "lcov",
                                                "json": "coverage-json"}[fmt]
    assert seen["xml"] == seen["lcov"] == seen["json"]
    by_path = {p: (c, u) for p, c, u in seen["xml"]}
    # Both def lines ran at import and mul ran (9-10); div's body did not (14-16);
    # extra.py was never imported.
    assert by_path["src/calc.py"] == ([[9, 10], [13, 13]], [[14, 16]])
    assert by_path["src/extra.py"] == ([], [[1, 4]])


def test_an_untested_file_fails_in_every_report(project: Repo, tmp_path: Path) -> None:
    xml = coverage_of(project, "xml")["xml"]
    junit = tmp_path / "junit.xml"
    code, out, err = check(project, "--coverage", str(xml), "--junit", str(junit))
    assert code == 1, err
    assert "FAIL  tested [error]  patch coverage 30% (3 of 10 changed lines in 2 files)" in out
    assert "1 files below 50%: src/extra.py 0%" in out
    assert "src/extra.py:1-4 (0 of 4 changed lines covered, 0%)" in out
    assert "src/calc.py:14-16 (3 of 6 changed lines covered, 50%)" in out
    assert "coverage: patch 30.00% (3 of 10 changed lines)" in out
    failure = ET.parse(junit).getroot().find(".//testcase[@name='tested']/failure")
    assert failure is not None
    assert "src/extra.py:1-4" in failure.get("message", "")
    assert "lines: src/calc.py:14-16" in (failure.text or "")


def test_a_docs_only_change_is_not_applicable_everywhere(project: Repo, tmp_path: Path) -> None:
    project.git("checkout", "-q", "main")
    project.git("checkout", "-q", "-b", "docs")
    project.write("README.md", "calc, documented\n")
    project.commit("docs")
    xml = coverage_of(project, "xml")["xml"]
    junit = tmp_path / "junit.xml"
    code, out, err = check(project, "--coverage", str(xml), "--junit", str(junit))
    assert code == 0, err
    assert "N/A  tested [error]  not applicable: no changed line is coverable" in out
    assert "1 not applicable" in out.splitlines()[0]
    assert "100" not in out
    skipped = ET.parse(junit).getroot().find(".//testcase[@name='tested']/skipped")
    assert skipped is not None and "not applicable" in skipped.get("message", "")
    code, out, _ = check(project, "--coverage", str(xml), "--format", "json")
    data = json.loads(out)
    assert data["results"][0]["status"] == "not-applicable"
    assert data["coverage"]["patch"]["percent"] is None


def test_no_report_for_a_coverage_policy_stops_with_the_remedy(project: Repo) -> None:
    code, _, err = check(project)
    assert code == 3
    assert err.strip().splitlines() == [
        "gatekeeper: error: the policy judges coverage (tested) but no coverage report was "
        "given (fix: pass the report with --coverage FILE (the action's coverage-files input), "
        "or set coverage.missing_report: skip in the policy)"]
    project.write(".gatekeeper.yml", POLICY + "coverage:\n  missing_report: skip\n")
    project.commit("skip")
    code, out, _ = check(project)
    assert code == 0
    assert "N/A  tested [error]  not applicable: no coverage report was given" in out


def test_a_report_from_elsewhere_is_a_mismatch_unless_the_policy_warns(
        project: Repo, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.xml"
    foreign.write_text(
        '<?xml version="1.0" ?><coverage><packages><package><classes>'
        '<class filename="other/thing.py"><lines><line number="1" hits="1"/></lines></class>'
        "</classes></package></packages></coverage>", encoding="utf-8")
    code, _, err = check(project, "--coverage", str(foreign))
    assert code == 3
    assert "none of the 1 files in head report" in err
    assert "(such as other/thing.py)" in err
    assert "coverage.source_roots" in err
    assert len(err.strip().splitlines()) == 1
    project.write(".gatekeeper.yml", POLICY + "coverage:\n  mismatch: warn\n")
    project.commit("warn")
    code, out, _ = check(project, "--coverage", str(foreign))
    assert code == 0
    assert "note: coverage: none of the 1 files" in out
    assert "1 report files match no repository file: other/thing.py" in out


def test_a_stale_report_is_a_mismatch(project: Repo, tmp_path: Path) -> None:
    stale = tmp_path / "stale.info"
    stale.write_text("SF:src/calc.py\nDA:1,1\nDA:99,0\nend_of_record\n", encoding="utf-8")
    code, _, err = check(project, "--coverage", str(stale))
    assert code == 3
    assert "measures line 99 of src/calc.py, which has only 16 lines at the head" in err


def test_shards_given_as_a_glob_are_merged(project: Repo, tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "one.info").write_text("SF:src/calc.py\nDA:9,1\nDA:10,0\nend_of_record\n",
                                     encoding="utf-8")
    (shards / "two.info").write_text("SF:src/calc.py\nDA:10,3\nDA:13,0\nend_of_record\n"
                                     "SF:src/extra.py\nDA:1,1\nend_of_record\n",
                                     encoding="utf-8")
    code, out, err = check(project, "--coverage", str(shards / "*.info"), "--format", "json")
    assert code == 0, err
    patch = json.loads(out)["coverage"]["patch"]
    assert (patch["covered"], patch["coverable"]) == (3, 4)
    assert [r["path"] for r in json.loads(out)["coverage"]["reports"]] == [
        str(shards / "one.info"), str(shards / "two.info")]
    code, _, err = check(project, "--coverage", str(shards / "*.xml"))
    assert code == 2
    assert "no file matches" in err


def test_the_total_delta_needs_a_base_report(project: Repo) -> None:
    head_xml = coverage_of(project, "xml")["xml"]
    project.git("checkout", "-q", "main")
    base_xml = coverage_of(project, "xml")["xml"]
    project.git("checkout", "-q", "feature")
    project.write(".gatekeeper.yml", "version: 1\nrules:\n  - id: drop\n    kind: coverage-delta"
                  "\n    max_drop: 5\n")
    project.commit("delta policy")
    code, out, err = check(project, "--coverage", str(head_xml), "--coverage-base",
                           str(base_xml), "--format", "json")
    assert code == 1, err
    data = json.loads(out)
    total = data["coverage"]["total"]
    assert total["base"]["percent"] == 75.0  # sub() never ran
    assert total["delta"] == pytest.approx(6 / 14 * 100 - 75.0)
    assert data["results"][0]["status"] == "fail"
    code, out, _ = check(project, "--coverage", str(head_xml))
    assert code == 0
    assert "N/A  drop [error]  not applicable: no base coverage report was given" in out


def test_a_renamed_file_counts_only_its_edited_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "moves")
    body = "".join(f"v{i} = {i}\n" for i in range(1, 31))
    repo.write("old/module.py", body)
    repo.write(".gatekeeper.yml", POLICY)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "move")
    (repo.path / "new").mkdir()
    repo.git("mv", "old/module.py", "new/module.py")
    repo.write("new/module.py", body.replace("v30 = 30\n", "v30 = 31\n"))
    repo.commit("move and edit one line")
    lcov = tmp_path / "moved.info"
    lcov.write_text("SF:new/module.py\n" + "".join(f"DA:{i},0\n" for i in range(1, 30))
                    + "DA:30,1\nend_of_record\n", encoding="utf-8")
    code, out, err = check(repo, "--coverage", str(lcov), "--format", "json")
    assert code == 0, err
    patch = json.loads(out)["coverage"]["patch"]
    assert (patch["changed"], patch["coverable"], patch["covered"]) == (1, 1, 1)


def test_a_corrupt_report_is_a_one_line_error(project: Repo, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?>\n<coverage>\n<packages>\n<pack', encoding="utf-8")
    code, out, err = check(project, "--coverage", str(broken))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"{broken}:")
    assert "Traceback" not in err


def test_a_hook_without_reports_reports_coverage_rules_not_applicable(project: Repo) -> None:
    base = project.git("rev-parse", "main")
    result = run_cli("check", "-C", str(project.path), "--ci", "pre-commit",
                     env={"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": project.head()})
    assert result.code == 0, result.stderr
    assert "N/A  tested [error]  not applicable: no coverage report was given" in result.stdout


def test_explain_and_markdown_show_the_uncovered_lines(project: Repo) -> None:
    xml = coverage_of(project, "xml")["xml"]
    explained = run_cli("explain", "-C", str(project.path), "--base", "main",
                        "--coverage", str(xml))
    assert explained.code == 0, explained.stderr
    assert "coverage: patch 30.00% (3 of 10 changed lines)" in explained.stdout
    assert "  lines:    src/extra.py:1-4 (0 of 4 changed lines covered, 0%)" in explained.stdout
    assert "  check:    patch coverage 30 < 50 %" in explained.stdout
    code, out, _ = check(project, "--coverage", str(xml), "--format", "markdown")
    assert code == 1
    assert "  - `src/calc.py:14-16 (3 of 6 changed lines covered, 50%)`" in out
