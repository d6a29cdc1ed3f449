"""Reading real reports of every supported tool: exact line states, branch triples and roots."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage import readers
from gatekeeper.facts.coverage.model import NOT_COVERABLE, FileCoverage, Report
from gatekeeper.facts.coverage.readers import (
    cobertura,
    coverage_json,
    jacoco,
    jsonstream,
    jsonwalk,
    lcov,
    xmlstream,
)

DATA = Path(__file__).parents[3] / "data" / "coverage"

CALC = """\
def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    return 0


def unused():  # pragma: no cover
    return 42


def loop(n):
    total = 0
    for i in range(n):
        total += i
    return total
"""

Summary = tuple[list[int], list[int], list[tuple[int, int, int]]]


def summary(f: FileCoverage) -> Summary:
    """Covered lines, missed lines and branch triples: everything a file's coverage says."""
    covered = [n for n, state in enumerate(f.lines) if state == 2]
    missed = [n for n, state in enumerate(f.lines) if state == 1]
    return covered, missed, list(f.branch_triples())


def by_path(report: Report) -> dict[str, Summary]:
    """The summary of each file of ``report``, by path; each path once."""
    paths = [f.path for f in report.files]
    assert len(paths) == len(set(paths)), "one entry per path"
    return {f.path: summary(f) for f in report.files}


# -- coverage.py, run for real ----------------------------------------------------------------


@pytest.fixture(scope="module")
def coverage_py(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project measured by coverage.py with branch coverage, in all of its report kinds."""
    project = tmp_path_factory.mktemp("project")
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "calc.py").write_text(CALC)
    (project / "run.py").write_text("from pkg.calc import loop, sign\nsign(5)\nloop(0)\n")
    (project / ".coveragerc").write_text("[run]\nbranch = True\n[lcov]\nline_checksums = true\n")
    commands = [["run", "run.py"], ["xml", "-o", "coverage.xml"], ["json", "-o", "coverage.json"],
                ["json", "--pretty-print", "-o", "pretty.json"], ["lcov", "-o", "coverage.lcov"]]
    for command in commands:
        subprocess.run([sys.executable, "-m", "coverage", *command], cwd=project, check=True,
                       capture_output=True)
    return project


COVERAGE_PY = {
    "pkg/calc.py": ([1, 2, 3, 13, 14, 15, 17], [4, 5, 6, 16], [(2, 1, 2), (4, 0, 2), (15, 1, 2)]),
    "run.py": ([1, 2, 3], [], []),
    "pkg/__init__.py": ([], [], []),
}


@pytest.mark.parametrize(("name", "fmt"), [("coverage.xml", "cobertura"),
                                           ("coverage.json", "coverage-json"),
                                           ("pretty.json", "coverage-json"),
                                           ("coverage.lcov", "lcov")])
def test_coverage_py_reports_agree_exactly(coverage_py: Path, name: str, fmt: str) -> None:
    report = readers.load(str(coverage_py / name))
    assert report.format == fmt
    assert report.source == str(coverage_py / name)
    assert report.has_branches
    assert by_path(report) == COVERAGE_PY


def test_coverage_py_cobertura_root_is_the_measured_folder(coverage_py: Path) -> None:
    report = readers.load(str(coverage_py / "coverage.xml"))
    assert len(report.roots) == 1
    assert Path(report.roots[0]).resolve() == coverage_py.resolve()
    assert [f.path for f in report.files] == ["run.py", "pkg/__init__.py", "pkg/calc.py"]


def test_coverage_py_without_branches(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("x = 1\nif x:\n    y = 2\nelse:\n    y = 3\n")
    for command in (["run", "m.py"], ["json", "-o", "c.json"], ["lcov", "-o", "c.lcov"],
                    ["xml", "-o", "c.xml"]):
        subprocess.run([sys.executable, "-m", "coverage", *command], cwd=tmp_path, check=True,
                       capture_output=True)
    for name in ("c.json", "c.lcov", "c.xml"):
        report = readers.load(str(tmp_path / name))
        assert not report.has_branches, name
        assert by_path(report) == {"m.py": ([1, 2, 3], [5], [])}, name


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_chunk_boundaries_anywhere_change_nothing(coverage_py: Path, chunk: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (xmlstream, jsonstream, lcov):
        monkeypatch.setattr(module, "CHUNK", chunk)
    for name in ("coverage.xml", "coverage.json", "pretty.json", "coverage.lcov"):
        assert by_path(readers.load(str(coverage_py / name))) == COVERAGE_PY, name


@pytest.mark.parametrize(("chunk", "window"), [(1, 16), (3, 16), (64, 40), (1 << 20, 1 << 18)])
def test_walked_json_entries_read_like_decoded_ones(coverage_py: Path, chunk: int, window: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries too long to decode at once are walked member by member, their lists read a
    window at a time: here every entry is, from chunks and windows of any size."""
    monkeypatch.setattr(coverage_json, "WHOLE_ENTRY_CHARS", 0)
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    monkeypatch.setattr(jsonwalk, "WINDOW", window)
    for name in ("coverage.json", "pretty.json"):
        assert by_path(readers.load(str(coverage_py / name))) == COVERAGE_PY, name


@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 20])
def test_json_text_split_anywhere_keeps_characters_and_locations(
        tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    entry = '{\n    "executed_lines": [1, 22, 333],\n    "missing_lines": [4444]\n  }'
    good = tmp_path / "good.json"
    good.write_text('\ufeff{"meta": {"branch_coverage": false},\n "files": {\n  "src/café/ü.py": '
                    + entry + "}}\n", encoding="utf-8")
    (f,) = readers.load(str(good)).files
    assert (f.path, summary(f)) == ("src/café/ü.py", ([1, 22, 333], [4444], []))
    bad = tmp_path / "bad.json"
    bad.write_text('{"files": {\n  "ü.py": {"executed_lines": [1]},\n  "é.py": '
                   '{"executed_lines": [1 2]}}}', encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        readers.load(str(bad))
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        "not valid JSON: Expecting ',' delimiter", 3, 33)


# -- hand-written samples of other tools ----------------------------------------------------


def test_istanbul_cobertura_merges_method_lines_into_the_file() -> None:
    report = readers.load(str(DATA / "istanbul-cobertura.xml"))
    assert (report.format, report.roots, report.has_branches) == ("cobertura", ("/home/ci/web",),
                                                                  True)
    assert by_path(report) == {
        # Lines 1 and 9 come only from <method> entries (function declarations).
        "src/math.js": ([1, 2, 3, 6], [4, 9, 10], [(3, 1, 2)]),
        "src/util/format.js": ([1, 2], [3, 5], [(2, 2, 2), (5, 0, 4)]),
    }


def test_istanbul_lcov() -> None:
    report = readers.load(str(DATA / "istanbul.lcov"))
    assert (report.format, report.roots, report.has_branches) == ("lcov", (), True)
    assert by_path(report) == {
        "/home/ci/web/src/math.js": ([2, 3, 6], [4, 10], [(3, 1, 2)]),
        "/home/ci/web/src/util/format.js": ([1, 2], [3, 5], [(2, 2, 2), (5, 0, 4)]),
    }


def test_gcovr_cobertura() -> None:
    report = readers.load(str(DATA / "gcovr-cobertura.xml"))
    assert (report.format, report.roots) == ("cobertura", (".",))
    assert by_path(report) == {
        "src/main.cpp": ([5, 6, 9], [7], [(6, 1, 2)]),
        "src/lib/calc.cpp": ([3, 4, 6, 10], [5, 8], [(4, 2, 6)]),
    }


def test_coverlet_merges_classes_of_one_file_and_normalises_windows_paths() -> None:
    report = readers.load(str(DATA / "coverlet-cobertura.xml"))
    assert report.roots == ("C:/agent/_work/1/s/src/",)
    assert [f.path for f in report.files] == ["Shop.Core/Cart.cs", "Shop.Core/Pricing/Discount.cs"]
    assert by_path(report) == {
        # Line 18 is hit in Cart and not in the lambda class <>c: covered wins. Line 13 has
        # branches in two classes: the larger counts win.
        "Shop.Core/Cart.cs": ([12, 13, 15, 18, 21, 23], [14, 22], [(13, 2, 2), (21, 2, 4)]),
        "Shop.Core/Pricing/Discount.cs": ([], [5, 6], [(6, 0, 2)]),
    }


def test_reportgenerator_cobertura_keeps_absolute_paths_and_all_sources() -> None:
    report = readers.load(str(DATA / "reportgenerator-cobertura.xml"))
    assert report.roots == ("C:/src/Shop/", "D:/shared/libs/")
    assert by_path(report) == {
        "C:/src/Shop/Shop.Api/OrdersController.cs": ([20, 21], [22], [(21, 1, 2)]),
        "D:/shared/libs/Shared.Text/Slug.cs": ([8], [9], []),
    }


def test_jacoco_with_doctype_packages_and_default_package() -> None:
    report = readers.load(str(DATA / "jacoco.xml"))
    assert (report.format, report.roots, report.has_branches) == ("jacoco", (), True)
    assert by_path(report) == {
        "com/example/shop/Cart.java": ([5, 6, 9, 12, 25], [10, 20], [(9, 1, 2), (20, 0, 2)]),
        "Main.java": ([3, 5], [6], [(5, 2, 2)]),
    }


def test_jacoco_aggregate_merges_a_source_file_listed_in_two_groups() -> None:
    report = readers.load(str(DATA / "jacoco-aggregate.xml"))
    assert by_path(report) == {
        "com/example/util/Util.java": ([4, 5], [7], [(4, 1, 2)]),
        "com/example/app/App.java": ([8], [], []),
    }


def test_jacoco_line_without_instructions_is_not_coverable(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text('<report name="r"><package name="a/"><sourcefile name="B.kt">'
                    '<line nr="2" mi="0" ci="0" mb="0" cb="0"/><line nr="3" mi="1" ci="0"'
                    ' mb="0" cb="0"/></sourcefile></package></report>')
    (f,) = readers.load(str(path)).files
    assert f.path == "a/B.kt"
    assert (f.state(2), summary(f)) == (NOT_COVERABLE, ([], [3], []))


# -- detection ------------------------------------------------------------------------------


SAMPLES = {"istanbul-cobertura.xml": "cobertura", "gcovr-cobertura.xml": "cobertura",
           "coverlet-cobertura.xml": "cobertura", "reportgenerator-cobertura.xml": "cobertura",
           "jacoco.xml": "jacoco", "jacoco-aggregate.xml": "jacoco", "istanbul.lcov": "lcov"}


@pytest.mark.parametrize(("name", "fmt"), SAMPLES.items())
def test_detection_ignores_the_file_name(tmp_path: Path, name: str, fmt: str) -> None:
    misleading = tmp_path / ("coverage.json" if fmt != "coverage-json" else "lcov.info")
    shutil.copyfile(DATA / name, misleading)
    head = misleading.read_bytes()[: readers.HEAD_BYTES]
    assert fmt == readers.detect(head, name).NAME
    assert readers.load(str(misleading)).format == fmt


def test_registry_lists_every_format_once() -> None:
    assert list(readers.FORMATS) == ["cobertura", "jacoco", "lcov", "coverage-json"]
    assert {m.NAME: m for m in (cobertura, jacoco, lcov, coverage_json)} == readers.FORMATS


@pytest.mark.parametrize(("head", "fmt"), [
    (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- by hand -->\n<?pi x?>\n<coverage>', "cobertura"),
    (b"  \n<coverage line-rate='1'>", "cobertura"),
    (b'<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report>', "jacoco"),
    (b"\xef\xbb\xbf\nTN:\nSF:a.c\n", "lcov"),
    (b"SF:src/a.ts\r\nDA:1,1\r\n", "lcov"),
    (b'{"meta": {"format": 3, "version": "7.6.1"', "coverage-json"),
    (b'\n  {\n    "files": {', "coverage-json"),
    ("<coverage>".encode("utf-16"), "cobertura"),
])
def test_detection_skips_bom_whitespace_prolog_and_comments(head: bytes, fmt: str) -> None:
    assert fmt == readers.detect(head, "r").NAME


def test_utf16_and_latin1_xml_are_decoded_as_declared(tmp_path: Path) -> None:
    text = ('<?xml version="1.0" encoding="{}"?><coverage><packages><package><classes>'
            '<class filename="src/café.py"><lines><line number="1" hits="1"/></lines></class>'
            '</classes></package></packages></coverage>')
    for encoding in ("utf-16", "iso-8859-1"):
        path = tmp_path / f"{encoding}.xml"
        path.write_bytes(text.format(encoding).encode(encoding))
        (f,) = readers.load(str(path)).files
        assert (f.path, summary(f)) == ("src/café.py", ([1], [], [])), encoding


# -- merging repeated entries -----------------------------------------------------------------


def test_cobertura_merges_a_file_repeated_anywhere_covered_wins(tmp_path: Path) -> None:
    def cls(name: str, lines: str) -> str:
        return f'<class name="c" filename="{name}"><methods/><lines>{lines}</lines></class>'

    path = tmp_path / "c.xml"
    path.write_text(
        "<coverage><sources><source><![CDATA[/builds/a & b]]></source></sources><packages>"
        '<package name="p"><classes>'
        + cls("a.py", '<line number="1" hits="0"/><line number="2" hits="5"/>'
                      '<line number="20" hits="1" condition-coverage="50% (1/2)"/>')
        + cls("b.py", '<line number="1" hits="1"/>')
        + '</classes></package><package name="q"><classes>'
        + cls("a.py", '<line number="1" hits="3"/><line number="2" hits="0"/>'
                      '<line number="3" hits="0"/>'
                      '<line number="10" hits="0" condition-coverage="0% (0/2)"/>'
                      '<line number="20" hits="1" condition-coverage="25% (1/4)"/>')
        + "</classes></package></packages></coverage>")
    report = readers.load(str(path))
    assert report.roots == ("/builds/a & b",)
    assert [f.path for f in report.files] == ["a.py", "b.py"]
    assert by_path(report) == {"a.py": ([1, 2, 20], [3, 10], [(10, 0, 2), (20, 1, 4)]),
                               "b.py": ([1], [], [])}


def test_lcov_merges_records_of_one_file(tmp_path: Path) -> None:
    path = tmp_path / "merged.info"
    path.write_bytes(b"TN:unit\nSF:src\\lib\\a.c\r\nDA:1,0\r\nDA:2,4,Zm9v\r\nBRDA:2,0,0,-\r\n"
                     b"BRDA:2,0,1,-\r\nBRDA:2,1,jump to line 3,1\nend_of_record\r\n"
                     b"TN:integration\nSF:src/lib/a.c\nDA:1,7\nDA:2,0\nDA:9,0\nDA:0,1\n"
                     b"BRDA:2,0,0,0\nBRDA:2,0,1,2\nBRDA:9,0,0,0\nBRDA:9,0,1,0\nend_of_record")
    report = readers.load(str(path))
    assert by_path(report) == {"src/lib/a.c": ([1, 2], [9], [(2, 1, 3), (9, 0, 2)])}


def test_coverage_json_merges_a_repeated_key(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"files": {"a.py": {"executed_lines": [1], "missing_lines": [2, 3], '
                    '"executed_branches": [[2, 3]], "missing_branches": [[2, -1]]}, '
                    '"a.py": {"executed_lines": [2], "missing_lines": [1, 5]}}, '
                    '"meta": {"branch_coverage": true}}')
    report = readers.load(str(path))
    assert report.has_branches
    assert by_path(report) == {"a.py": ([1, 2], [3, 5], [(2, 1, 2)])}


_LINES = st.lists(st.integers(0, 400), max_size=30)
_ARCS = st.lists(st.tuples(st.integers(-3, 400), st.integers(-3, 400)).map(list), max_size=20)


@settings(max_examples=200, deadline=None)
@given(executed=_LINES, missing=_LINES, taken=_ARCS, not_taken=_ARCS,
       names=st.lists(st.text(alphabet='ab"\\]}[{ ,:', max_size=6), max_size=4),
       indent=st.sampled_from([None, 0, 2]), chunk=st.integers(1, 70),
       window=st.integers(12, 90))
def test_walking_and_decoding_an_entry_agree(executed: list[int], missing: list[int],
                                             taken: list[list[int]], not_taken: list[list[int]],
                                             names: list[str], indent: int | None, chunk: int,
                                             window: int) -> None:
    """Any entry, however printed, reads the same decoded whole or walked in pieces."""
    entry = {"contexts": {str(n): names for n in executed}, "executed_lines": executed,
             "missing_lines": missing, "executed_branches": taken,
             "missing_branches": not_taken, "functions": {"f": {"executed_lines": executed}}}
    text = json.dumps({"meta": {"branch_coverage": True}, "files": {"a.py": entry}},
                      indent=indent)

    def read() -> list[tuple[str, bytes, list[int]]] | str:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.json"
            path.write_text(text, encoding="utf-8")
            try:
                return [(f.path, f.lines, list(f.branches))
                        for f in readers.load(str(path)).files]
            except ReportError as exc:
                return exc.message

    decoded = read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(coverage_json, "WHOLE_ENTRY_CHARS", 0)
        patch.setattr(jsonstream, "CHUNK", chunk)
        patch.setattr(jsonwalk, "WINDOW", window)
        assert read() == decoded


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir() if p.is_file()))
def test_a_read_report_leaves_no_cycle_behind(name: str) -> None:
    """A check runs without the cyclic garbage collector: a reader in a reference cycle (a
    parser holding handlers bound to the reader, a locator closing over it) kept everything
    it read alive to the end; 51 sharded Cobertura reports took as much again as the check."""
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        readers.load(str(DATA / name))
        assert gc.collect() == 0  # nothing it made was left for the collector to free
    finally:
        if was_on:
            gc.enable()
