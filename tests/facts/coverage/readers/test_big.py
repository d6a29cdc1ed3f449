"""Reports over 100 MB are read in bounded memory, whole or damaged, measured in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="peak memory is read from /proc/self/status (Linux)")

LINES = 1000
"""Lines per generated source file: line n is covered unless n % 3 == 0; every tenth has
two branches, one taken."""
MIN_SIZE = 100 << 20
PEAK_ABOVE_BASELINE = 64 << 20
"""The bound on peak memory above an interpreter that only imported the readers. Measured:
about 13 MB for Cobertura, 32 MB for coverage.py JSON and 45 MB for LCOV, most of it the
result itself (one byte a line, 24 bytes a branch triple)."""
OVERHEAD_ABOVE_RESULT = 32 << 20
"""The bound on what reading costs beyond the result it returns: buffers and one decoded entry."""

# Peak RSS of the process image, VmHWM: getrusage's ru_maxrss would not do, as Linux carries
# the parent's peak over into a child across fork and exec.
PROBE = """
import json, sys
from gatekeeper.facts.coverage.readers import load
from gatekeeper.errors import ReportError
out = {}
if sys.argv[1] != "-":
    try:
        report = load(sys.argv[1])
    except ReportError as exc:
        out["error"] = exc.message
    else:
        out["files"] = len(report.files)
        out["covered"] = sum(f.covered for f in report.files)
        out["coverable"] = sum(f.coverable for f in report.files)
        out["branches"] = sum(len(f.branches) for f in report.files) // 3
        out["kept"] = sum(len(f.lines) + 8 * len(f.branches) for f in report.files)
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM:"))
out["peak"] = int(peak.split()[1]) * 1024
print(json.dumps(out))
"""


def probe(path: Path | None) -> dict[str, Any]:
    """What PROBE measured reading ``path`` (or nothing) in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(path) if path else "-"],
                          capture_output=True, check=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def baseline() -> int:
    """The peak memory of an interpreter that reads no report."""
    return int(probe(None)["peak"])


def write_cobertura(out: TextIO, files: int) -> None:
    """Writes a Cobertura report of ``files`` files of LINES lines to ``out``."""
    body = "".join(
        f'\t\t\t\t\t\t<line number="{n}" hits="{0 if n % 3 == 0 else n}"'
        + (' branch="true" condition-coverage="50% (1/2)"/>\n' if n % 10 == 0 else "/>\n")
        for n in range(1, LINES + 1))
    out.write('<?xml version="1.0" ?>\n<coverage version="7.6.1" timestamp="1718003417">\n'
              "\t<sources>\n\t\t<source>/home/ci/project</source>\n\t</sources>\n"
              '\t<packages>\n\t\t<package name="pkg" line-rate="0.67">\n\t\t\t<classes>\n')
    for i in range(files):
        out.write(f'\t\t\t\t<class name="m{i}.py" filename="pkg/m{i}.py" complexity="0" '
                  'line-rate="0.67" branch-rate="0.5">\n\t\t\t\t\t<methods/>\n'
                  "\t\t\t\t\t<lines>\n" + body + "\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")
    out.write("\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n")


def write_lcov(out: TextIO, files: int) -> None:
    """Writes an LCOV report of ``files`` files of LINES lines to ``out``."""
    body = "".join(f"DA:{n},{0 if n % 3 == 0 else n}\n" for n in range(1, LINES + 1)) + "".join(
        f"BRDA:{n},0,0,1\nBRDA:{n},0,1,-\n" for n in range(10, LINES + 1, 10))
    for i in range(files):
        out.write(f"TN:\nSF:pkg/m{i}.py\n{body}LF:{LINES}\nLH:667\nBRF:200\nBRH:100\n"
                  "end_of_record\n")


def write_coverage_json(out: TextIO, files: int) -> None:
    """Writes a coverage.py JSON report of ``files`` files to ``out``."""
    executed = [n for n in range(1, LINES + 1) if n % 3]
    missing = [n for n in range(1, LINES + 1) if not n % 3]
    lines = {"executed_lines": executed, "missing_lines": missing, "excluded_lines": []}
    entry = json.dumps({
        **lines, "summary": {"covered_lines": len(executed), "num_statements": LINES},
        "executed_branches": [[n, n + 1] for n in range(10, LINES + 1, 10)],
        "missing_branches": [[n, -1] for n in range(10, LINES + 1, 10)],
        "functions": {"": lines}, "classes": {"": lines}})
    out.write('{"meta": {"format": 3, "version": "7.6.1", "branch_coverage": true}, "files": {')
    for i in range(files):
        out.write(f'{", " if i else ""}"pkg/m{i}.py": {entry}')
    out.write('}, "totals": {"covered_lines": 1, "num_statements": 1}}')


def generate(path: Path, writer: Callable[[TextIO, int], None], files: int) -> None:
    """Writes a report of ``files`` files with ``writer``, larger than MIN_SIZE."""
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        writer(out, files)
    assert path.stat().st_size > MIN_SIZE


def assert_bounded(result: dict[str, Any], baseline: int) -> None:
    """Asserts the peak memory of ``result`` stayed within the bounds."""
    assert result["peak"] - baseline < PEAK_ABOVE_BASELINE, result
    if "kept" in result:
        assert result["peak"] - baseline - result["kept"] < OVERHEAD_ABOVE_RESULT, result


def cut_after(path: Path, fraction: float, separator: bytes) -> None:
    """Truncate the file just after the first ``separator`` past ``fraction`` of its size."""
    with open(path, "r+b") as file:
        file.seek(int(path.stat().st_size * fraction))
        file.truncate(file.tell() + file.read(1000).index(separator) + len(separator))


FORMATS = {"cobertura": (write_cobertura, 2600, b"\n"), "lcov": (write_lcov, 8800, b"\n"),
           "coverage-json": (write_coverage_json, 6200, b", ")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_huge_report_whole_and_truncated(tmp_path: Path, baseline: int, fmt: str) -> None:
    writer, files, separator = FORMATS[fmt]
    path = tmp_path / "report"
    generate(path, writer, files)
    try:
        whole = probe(path)
        assert_bounded(whole, baseline)
        expected = {"files": files, "coverable": files * LINES, "covered": files * 667,
                    "branches": files * LINES // 10}
        assert {key: whole[key] for key in expected} == expected
        cut_after(path, 0.7, separator)
        truncated = probe(path)
        assert_bounded(truncated, baseline)
        assert "(truncated)" in truncated["error"]
    finally:
        path.unlink()


def test_a_huge_json_report_corrupt_in_the_middle(tmp_path: Path, baseline: int) -> None:
    path = tmp_path / "report.json"
    generate(path, write_coverage_json, 6200)
    try:
        with open(path, "r+b") as file:
            file.seek(path.stat().st_size // 2)
            at = file.tell() + file.read(200).index(b", ")
            file.seek(at)
            file.write(b"; ")
        corrupt = probe(path)
        # Reading stops at the bad byte: nothing after it is buffered in the hope of a repair.
        assert_bounded(corrupt, baseline)
        assert corrupt["error"] == "not valid JSON: Expecting ',' delimiter"
    finally:
        path.unlink()


def test_the_generators_write_well_formed_documents(tmp_path: Path) -> None:
    """Checked in full by the standard library at a small size, so the big runs parse real data."""
    path = tmp_path / "small"
    with open(path, "w", encoding="utf-8") as out:
        write_cobertura(out, 2)
    lines = ElementTree.parse(path).getroot().findall("./packages/package/classes/class/lines/line")
    assert len(lines) == 2 * LINES
    with open(path, "w", encoding="utf-8") as out:
        write_coverage_json(out, 2)
    assert len(json.loads(path.read_text())["files"]["pkg/m1.py"]["executed_lines"]) == 667


# -- hostile reports: one huge token or entry ------------------------------------------------


def test_a_huge_xml_attribute_is_refused_in_bounded_memory(tmp_path: Path, baseline: int) -> None:
    """Expat holds an unfinished tag whole and makes a string of each attribute: a 60 MB one
    took 585 MB. It is refused once it passes the bound on a single tag."""
    path = tmp_path / "attribute.xml"
    with open(path, "w", encoding="ascii") as out:
        out.write('<?xml version="1.0" ?>\n<coverage><packages><package name="')
        for _ in range(60):
            out.write("a" * (1 << 20))
        out.write('"/></packages></coverage>\n')
    try:
        result = probe(path)
        assert result["error"] == "an XML tag or comment longer than 1,048,576 bytes"
        assert_bounded(result, baseline)
    finally:
        path.unlink()


def write_one_huge_entry(out: TextIO, lines: int) -> None:
    """One file's entry of some 100 MB: executed lines listed many times over, and contexts."""
    out.write('{"meta": {"branch_coverage": true}, "files": {"pkg/huge.py": '
              '{"executed_lines": [')
    block = ", ".join(str(n) for n in range(1, lines + 1))
    for i in range(8):
        out.write((", " if i else "") + block)
    out.write('], "contexts": {')
    out.write(", ".join(f'"{n}": ["", "tests/test_huge.py::test_{n}|run"]'
                        for n in range(1, lines + 1)))
    out.write('}, "missing_lines": [], "executed_branches": [')
    out.write(", ".join(f"[{n}, {n + 1}]" for n in range(10, lines, 10)))
    out.write("]}}}")


def test_a_huge_json_entry_is_read_in_bounded_memory(tmp_path: Path, baseline: int) -> None:
    """A file's entry was decoded whole: 200 MB of JSON took 1.6 GB. Now its lists are read a
    piece at a time and what is not needed is passed over unread."""
    path = tmp_path / "huge.json"
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        write_one_huge_entry(out, 1_000_000)
    assert path.stat().st_size > 100 << 20
    try:
        result = probe(path)
        assert {key: result[key] for key in ("files", "coverable", "covered", "branches")} == {
            "files": 1, "coverable": 1_000_000, "covered": 1_000_000, "branches": 99_999}
        assert_bounded(result, baseline)
    finally:
        path.unlink()
