"""Run gatekeeper and diff-cover on the same commits and Cobertura reports, and compare them.

Both tools compare ``BASE...HEAD`` (from the merge base) and read the same reports, so the
changed lines each calls measured, covered and missed must be the same. diff-cover also adds
staged and unstaged work by default; it is told not to, as gatekeeper compares commits only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest

from tests.conftest import GIT_ENV, Repo, run_cli

EMPTY_POLICY = "version: 1\nrules: []\nallow_no_rules: true  # only the coverage facts matter\n"
TOLERANCE = 0.01
"""Percentage points."""

Hits = Mapping[int, int]
"""Line number to hit count, for one file of one report; lines left out are not measured."""
Measured = dict[str, tuple[set[int], set[int]]]
"""Per file: the changed lines a report covers, and those it misses."""


def hits(covered: Iterable[int] = (), missed: Iterable[int] = ()) -> dict[int, int]:
    """Hit counts: above zero for ``covered`` lines, zero for ``missed`` ones."""
    found = {line: 1 + line % 3 for line in covered}  # any count above zero is a hit
    found.update({line: 0 for line in missed})
    return found


def pattern(last: int, unmeasured: Iterable[int] = ()) -> dict[int, int]:
    """Lines 1..last measured, every third missed, except ``unmeasured`` and every fifth."""
    skip = set(unmeasured)
    lines = [n for n in range(1, last + 1) if n % 5 and n not in skip]
    return hits([n for n in lines if n % 3], [n for n in lines if n % 3 == 0])


def cobertura(files: Mapping[str, Hits], sources: Sequence[str | Path] = ()) -> str:
    """A Cobertura report shaped as coverage.py writes one (filenames relative to a source)."""
    valid = sum(len(lines) for lines in files.values())
    covered = sum(1 for lines in files.values() for n in lines.values() if n)
    rate = f"{covered / valid:.4f}" if valid else "1"
    out = ['<?xml version="1.0" ?>',
           f'<coverage version="7.6.0" timestamp="1700000000000" lines-valid="{valid}" '
           f'lines-covered="{covered}" line-rate="{rate}" branches-covered="0" '
           'branches-valid="0" branch-rate="0" complexity="0">',
           "\t<sources>", *(f"\t\t<source>{escape(str(s))}</source>" for s in sources),
           "\t</sources>", "\t<packages>",
           f'\t\t<package name="." line-rate="{rate}" branch-rate="0" complexity="0">',
           "\t\t\t<classes>"]
    for name, lines in files.items():
        out.append(f"\t\t\t\t<class name={quoteattr(name.rsplit('/', 1)[-1])} "
                   f'filename={quoteattr(name)} complexity="0" line-rate="{rate}" '
                   'branch-rate="0">')
        out.append("\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>")
        out += [f'\t\t\t\t\t\t<line number="{n}" hits="{h}"/>' for n, h in sorted(lines.items())]
        out.append("\t\t\t\t\t</lines>\n\t\t\t\t</class>")
    out += ["\t\t\t</classes>", "\t\t</package>", "\t</packages>", "</coverage>", ""]
    return "\n".join(out)


def write_report(path: Path, files: Mapping[str, Hits], sources: Sequence[str | Path] = ()
                 ) -> Path:
    """Writes a Cobertura report of ``files`` to ``path``; the path."""
    path.write_text(cobertura(files, sources), encoding="utf-8")
    return path


def gatekeeper_coverage(repo: Path, reports: Sequence[Path], base_reports: Sequence[Path] = (),
                        base: str = "main") -> dict[str, Any]:
    """The ``coverage`` object of ``gatekeeper check --format json`` under an empty policy."""
    policy = repo.parent / "empty-policy.yml"
    policy.write_text(EMPTY_POLICY, encoding="utf-8")
    args = ["check", "-C", str(repo), "--base", base, "--policy", str(policy), "--format", "json"]
    args += [arg for report in reports for arg in ("--coverage", str(report))]
    args += [arg for report in base_reports for arg in ("--coverage-base", str(report))]
    result = run_cli(*args)
    assert result.code == 0, f"gatekeeper exited with {result.code}: {result.stderr}"
    coverage: dict[str, Any] = json.loads(result.stdout)["coverage"]
    return coverage


def diff_cover(repo: Path, reports: Sequence[Path], base: str = "main") -> dict[str, Any]:
    """diff-cover's JSON report on the committed changes ``base...HEAD`` of ``repo``."""
    script = Path(sys.executable).parent / ("diff-cover.exe" if os.name == "nt" else "diff-cover")
    if not script.exists():
        pytest.fail(f"diff-cover is a test dependency, missing next to {sys.executable}")
    out = repo.parent / "diff-cover.json"
    result = subprocess.run(
        [str(script), *map(str, reports), "--compare-branch", base, "--ignore-staged",
         "--ignore-unstaged", "--total-percent-float", "--json-report", str(out)],
        cwd=repo, capture_output=True, env={**os.environ, **GIT_ENV}, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", errors="replace")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def both(repo: Repo, reports: Sequence[Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """gatekeeper's and diff-cover's coverage of the change in ``repo`` from ``reports``."""
    return gatekeeper_coverage(repo.path, reports), diff_cover(repo.path, reports)


def expand(ranges: Iterable[Sequence[int]]) -> set[int]:
    """The line numbers of inclusive ``ranges``."""
    return {n for first, last in ranges for n in range(first, last + 1)}


def as_ranges(lines: Iterable[int]) -> list[list[int]]:
    """``lines`` as sorted inclusive ranges of consecutive numbers."""
    found: list[list[int]] = []
    for n in sorted(set(lines)):
        if found and found[-1][1] == n - 1:
            found[-1][1] = n
        else:
            found.append([n, n])
    return found


def ours_measured(coverage: Mapping[str, Any]) -> Measured:
    """The covered and missed changed lines per file in gatekeeper's report."""
    found: Measured = {}
    for f in coverage["patch"]["files"]:
        covered, missed = expand(f["covered_lines"]), expand(f["uncovered_lines"])
        if covered or missed:
            found[f["path"]] = (covered, missed)
    return found


def theirs_measured(report: Mapping[str, Any]) -> Measured:
    """The covered and missed changed lines per file in diff-cover's report."""
    return {path: (set(stats["covered_lines"]), set(stats["violation_lines"]))
            for path, stats in report["src_stats"].items()}


def assert_agreement(ours: Mapping[str, Any], theirs: Mapping[str, Any],
                     unmapped: Iterable[str] = ()) -> None:
    """Same measured, covered and missed lines per file; same counts; same percent.

    diff-cover passes over report paths that name no changed file without a word; gatekeeper
    must map every one but ``unmapped``, and see no sign of a stale report.
    """
    assert sorted(u["report_path"] for u in ours["unmapped"]) == sorted(unmapped)
    assert ours["problems"] == []
    patch = ours["patch"]
    assert ours_measured(ours) == theirs_measured(theirs)
    measured, missed = theirs["total_num_lines"], theirs["total_num_violations"]
    assert (patch["coverable"], patch["covered"]) == (measured, measured - missed)
    assert patch["changed"] == theirs["num_changed_lines"]
    if measured == 0:
        assert patch["percent"] is None, "nothing measured is no percentage, never 100"
    else:
        assert patch["percent"] == pytest.approx((measured - missed) * 100 / measured,
                                                 abs=TOLERANCE)
        assert abs(patch["percent"] - theirs["total_percent_covered"]) <= TOLERANCE
    for f in patch["files"]:
        covered, uncovered = expand(f["covered_lines"]), expand(f["uncovered_lines"])
        assert not covered & uncovered, f["path"]
        assert covered | uncovered <= expand(f["changed_lines"]), f["path"]
        assert (f["coverable"], f["covered"]) == (len(covered | uncovered), len(covered))
        stats = theirs["src_stats"].get(f["path"])
        if stats is None:
            assert f["percent"] is None, f["path"]
        else:
            assert f["percent"] == pytest.approx(stats["percent_covered"], abs=TOLERANCE)


def files_of(coverage: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The patch coverage of each file in gatekeeper's report, by path."""
    return {f["path"]: f for f in coverage["patch"]["files"]}


def on_branch(repo: Repo) -> None:
    """Checks out a new feature branch."""
    repo.git("checkout", "-q", "-b", "feature")


def text(lines: Sequence[str]) -> str:
    """``lines`` as file content, each ended by a newline."""
    return "".join(f"{line}\n" for line in lines)


def added_at(lines: Sequence[str]) -> set[int]:
    """Line numbers of the lines a test marked as new (they start with ``new``)."""
    return {n for n, text in enumerate(lines, 1) if text.startswith("new")}

