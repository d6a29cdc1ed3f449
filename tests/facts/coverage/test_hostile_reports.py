"""Hostile and unusual coverage reports through `gatekeeper check --coverage`: each is read or
refused with one located line (exit 2), never an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Repo, make_repo, run_cli

POLICY = "version: 1\nrules:\n  - id: tested\n    kind: patch-coverage\n    min: 50\n"
CALC = "def add(a, b):\n    return a + b\n"
CALC_CHANGED = CALC + "\n\ndef mul(a, b):\n    return a * b\n"
COBERTURA = ('<?xml version="1.0" encoding="{encoding}"?>\n<coverage version="7.6.1">\n'
             '<packages><package name="src"><classes><class name="calc.py" '
             'filename="src/calc.py"><lines><line number="1" hits="1"/><line number="4" hits="1"/>'
             '<line number="5" hits="0"/></lines></class>'
             "</classes></package></packages></coverage>\n")


@pytest.fixture
def project(tmp_path: Path) -> Repo:
    """A repository with calc.py and a coverage policy, changed on a feature branch."""
    repo = make_repo(tmp_path / "project")
    repo.write("src/calc.py", CALC)
    repo.write(".gatekeeper.yml", POLICY)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("src/calc.py", CALC_CHANGED)
    repo.commit("feature")
    return repo


def check(repo: Repo, report: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``gatekeeper check`` with the coverage ``report``."""
    result = run_cli("check", "-C", str(repo.path), "--base", "main", "--coverage", str(report),
                     *args)
    return result.code, result.stdout, result.stderr


def assert_one_line_error(stderr: str, report: Path, message: str) -> None:
    """Asserts ``stderr`` is one line about ``report`` with ``message``."""
    assert stderr.startswith(f"{report}:"), stderr
    assert message in stderr and stderr.count("\n") == 1 and "Traceback" not in stderr


@pytest.mark.parametrize("encoding", ["UTF-7", "UTF-32", "Shift_JIS", "x-no-such-encoding"])
def test_an_encoding_expat_cannot_read_is_a_located_error(project: Repo, tmp_path: Path,
                                                         encoding: str) -> None:
    """These crashed with an internal error (pyexpat raises ValueError or LookupError)."""
    report = tmp_path / "coverage.xml"
    report.write_text(COBERTURA.format(encoding=encoding), encoding="ascii")
    code, _, stderr = check(project, report)
    assert code == 2
    assert_one_line_error(stderr, report, f":1:1: the report declares the encoding "
                                          f"'{encoding}', which cannot be read")


def test_a_single_byte_encoding_is_read(project: Repo, tmp_path: Path) -> None:
    report = tmp_path / "coverage.xml"
    report.write_text(COBERTURA.format(encoding="windows-1252"), encoding="ascii")
    code, out, stderr = check(project, report, "--format", "json")
    assert code == 0, stderr
    assert json.loads(out)["coverage"]["patch"]["covered"] == 1


def test_an_attribute_longer_than_a_mebibyte_is_refused(project: Repo, tmp_path: Path) -> None:
    report = tmp_path / "coverage.xml"
    report.write_text(COBERTURA.format(encoding="UTF-8").replace(
        'name="src"', 'name="' + "s" * (2 << 20) + '"'), encoding="ascii")
    code, _, stderr = check(project, report)
    assert code == 2
    assert_one_line_error(stderr, report, "an XML tag or comment longer than 1,048,576 bytes")


def json_report(executed: list[int], missing: list[int], padding: int = 0) -> str:
    """A coverage.py JSON report of src/calc.py, with contexts ``padding`` long."""
    entry = {"executed_lines": executed, "summary": {"covered_lines": len(executed)},
             "missing_lines": missing, "excluded_lines": [],
             "contexts": {str(n): ["", f"test_{'x' * padding}|run"] for n in executed},
             "executed_branches": [[1, 2], [4, 5]], "missing_branches": [[4, -1]]}
    return json.dumps({"meta": {"format": 3, "branch_coverage": True},
                       "files": {"src/calc.py": entry}, "totals": {"covered_lines": 3}})


def test_a_long_json_entry_is_walked_and_reads_the_same(project: Repo, tmp_path: Path) -> None:
    """An entry over a mebibyte (contexts of long test names) is read a piece at a time, with
    the same result as a short one."""
    short, long = tmp_path / "short.json", tmp_path / "long.json"
    short.write_text(json_report([1, 2, 4], [5]), encoding="utf-8")
    long.write_text(json_report([1, 2, 4], [5], padding=1 << 20), encoding="utf-8")
    assert long.stat().st_size > 3 << 20
    results = []
    for report in (short, long):
        code, out, stderr = check(project, report, "--format", "json")
        assert code in (0, 1), stderr
        results.append((code, json.loads(out)["coverage"]["patch"]))
    assert results[0] == results[1] and results[0][1]["covered"] == 1


def test_a_json_entry_with_an_absurd_line_is_a_located_error(project: Repo,
                                                            tmp_path: Path) -> None:
    report = tmp_path / "coverage.json"
    report.write_text(json_report([1, 2, 10_000_001], [5], padding=1 << 20), encoding="utf-8")
    code, _, stderr = check(project, report)
    assert code == 2
    assert_one_line_error(stderr, report, "line number 10000001 is beyond the limit")
    assert f"{report}:1:" in stderr
