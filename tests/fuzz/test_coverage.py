"""Fuzz the four coverage formats: real and generated reports, mutated, load through
``readers.load`` from a file or fail with one located ReportError."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.errors import ReportError
from gatekeeper.facts.coverage import readers
from gatekeeper.facts.coverage.model import COVERED, MISSED
from tests.fuzz.engine import HYPOTHESIS, Target, check, fuzz, scratch

CI_CASES = 3_500
CI_PROPERTY_CASES = 150
DATA = Path(__file__).resolve().parent.parent / "data" / "coverage"
TOKENS = (b"<coverage", b"</coverage>", b"<packages>", b"<package name=\"p\">", b"<classes>",
          b"<class name=\"c\" filename=\"a.py\">", b"<lines>", b"<line number=\"1\" hits=\"1\"/>",
          b"branch=\"true\" condition-coverage=\"50% (1/2)\"", b"<sources><source>",
          b"</source>", b"<report name=\"r\">", b"<sourcefile name=\"A.java\">",
          b"<line nr=\"3\" mi=\"0\" ci=\"2\" mb=\"1\" cb=\"1\"/>", b"<!DOCTYPE report>",
          b"<!ENTITY x SYSTEM \"file:///etc/passwd\">", b"&x;", b"TN:", b"SF:", b"DA:1,1",
          b"DA:", b"BRDA:1,0,0,-", b"BRDA:", b"LF:", b"LH:", b"end_of_record", b"FN:1,f",
          b"{\"meta\": {\"branch_coverage\": true}, ", b"\"files\": {", b"\"executed_lines\": [",
          b"\"missing_lines\": [", b"\"executed_branches\": [[1, 2], [2, -1]]",
          b"\"missing_branches\": [", b"\"excluded_lines\": [", b"\"totals\": {}", b"[[", b"]]",
          b"1e999", b"-5", b"true", b"null", b"\\u0000", b"\\ud800")
Model = dict[str, dict[int, bool]]
"""Per path, per line number: covered or not."""


def cobertura(model: Model) -> bytes:
    """A Cobertura report, as coverage.py's ``coverage xml`` writes one."""
    classes = []
    for path, lines in model.items():
        rows = "".join(f'<line number="{n}" hits="{3 if hit else 0}"/>'
                       for n, hit in sorted(lines.items()))
        classes.append(f"<class name=\"c\" filename={quoteattr(path)}><lines>{rows}</lines>"
                       "</class>")
    return ('<?xml version="1.0" ?>\n<coverage line-rate="0.5" branch-rate="0" version="7.6.1" '
            'timestamp="1"><sources><source>.</source></sources><packages><package name="p">'
            f"<classes>{''.join(classes)}</classes></package></packages></coverage>\n").encode()


def lcov(model: Model) -> bytes:
    """An LCOV tracefile."""
    out = ["TN:"]
    for path, lines in model.items():
        out.append(f"SF:{path}")
        out += [f"DA:{n},{2 if hit else 0}" for n, hit in sorted(lines.items())]
        out += [f"LF:{len(lines)}", f"LH:{sum(lines.values())}", "end_of_record"]
    return ("\n".join(out) + "\n").encode()


def jacoco(model: Model) -> bytes:
    """A JaCoCo XML report; the path's folder is the package."""
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><report name="r">']
    for path, lines in model.items():
        package, _, name = path.rpartition("/")
        rows = "".join(f'<line nr="{n}" mi="{0 if hit else 2}" ci="{1 if hit else 0}" mb="0" '
                       'cb="0"/>' for n, hit in sorted(lines.items()))
        parts.append(f"<package name={quoteattr(package)}><sourcefile name={quoteattr(name)}>"
                     f"{rows}</sourcefile></package>")
    return ("".join(parts) + "</report>").encode()


def coverage_json(model: Model) -> bytes:
    """coverage.py's JSON report (format 3)."""
    files = {path: {"executed_lines": sorted(n for n, hit in lines.items() if hit),
                    "summary": {"covered_lines": sum(lines.values())},
                    "missing_lines": sorted(n for n, hit in lines.items() if not hit),
                    "excluded_lines": [], "executed_branches": [], "missing_branches": []}
             for path, lines in model.items()}
    return json.dumps({"meta": {"format": 3, "version": "7.6.1", "branch_coverage": True,
                                "show_contexts": False},
                       "files": files, "totals": {"covered_lines": 1}}, indent=1).encode()


RENDERERS: dict[str, Callable[[Model], bytes]] = {
    "cobertura": cobertura, "lcov": lcov, "jacoco": jacoco, "coverage-json": coverage_json}


def _random_model(rng: random.Random) -> Model:
    return {f"src/{rng.choice(('a', 'b', 'pkg/c'))}{i}.py": {
        rng.randint(1, 300): rng.random() < 0.6 for _ in range(rng.randint(0, 12))}
        for i in range(rng.randint(1, 4))}


def generate(rng: random.Random) -> bytes:
    """A report of random lines in a random format."""
    return rng.choice(list(RENDERERS.values()))(_random_model(rng))


def seeds() -> list[bytes]:
    """Reports of real tools (tests/data/coverage), and one of each format built here."""
    model = {"src/app.py": {1: True, 2: False, 7: True}, "src/pkg/util.py": {3: False}}
    return [p.read_bytes() for p in sorted(DATA.iterdir())] + [
        render(model) for render in RENDERERS.values()]


def coverage_target(workdir: Path) -> Target:
    """One report file, loaded whatever its format, and every file's figures read."""
    path = workdir / "coverage.report"

    def run(data: bytes) -> str:
        path.write_bytes(data)
        report = readers.load(str(path))
        for entry in report.files:
            assert entry.path and entry.covered <= entry.coverable, entry
            entry.last_line  # noqa: B018 - reading it walks the line states
            assert all(0 <= c <= t for _, c, t in entry.branch_triples()), entry.path
        return report.format

    return Target("coverage", seeds, run, TOKENS, generate, weight=2.0)


def test_mutated_reports_load_or_fail_cleanly() -> None:
    with scratch() as folder:
        stats = fuzz(coverage_target(folder), CI_CASES, seed=1)
    check(stats, CI_CASES)
    # Every format was read whole at least once, so each reader was reached past detection.
    assert set(RENDERERS) <= set(stats.outcomes), stats.outcomes


def _lines(state: bytes, wanted: int) -> set[int]:
    return {n for n, value in enumerate(state) if value == wanted}


PATHS = st.lists(st.from_regex(r"[a-z]{1,6}(/[a-z_]{1,6}){0,2}\.py", fullmatch=True),
                 min_size=1, max_size=4, unique=True)
MODELS = PATHS.flatmap(lambda paths: st.fixed_dictionaries(
    {p: st.dictionaries(st.integers(1, 5_000), st.booleans(), max_size=20) for p in paths}))


@settings(HYPOTHESIS, max_examples=CI_PROPERTY_CASES)
@given(model=MODELS, name=st.sampled_from(sorted(RENDERERS)))
def test_every_format_reads_back_what_it_says(model: Model, name: str) -> None:
    """A well-formed report in any format loads as exactly the covered and missed lines it
    gives, detected by content alone."""
    with scratch() as folder:
        path = folder / "report"
        path.write_bytes(RENDERERS[name](model))
        report = readers.load(str(path))
    assert report.format == name
    read = {entry.path: entry for entry in report.files}
    for path_name, lines in model.items():
        if not lines and path_name not in read:
            continue  # a file without lines may be left out; it measures nothing
        entry = read[path_name]
        assert _lines(entry.lines, COVERED) == {n for n, hit in lines.items() if hit}
        assert _lines(entry.lines, MISSED) == {n for n, hit in lines.items() if not hit}


@settings(HYPOTHESIS, max_examples=CI_PROPERTY_CASES)
@given(data=st.binary(max_size=400), name=st.sampled_from(sorted(RENDERERS)),
       cut=st.integers(0, 2_000))
def test_damaged_reports_fail_with_a_located_error(data: bytes, name: str, cut: int) -> None:
    """A well-formed report cut short and followed by junk loads, or fails naming the file."""
    content = RENDERERS[name]({"a.py": {1: True, 2: False}})
    with scratch() as folder:
        path = folder / "report"
        path.write_bytes(content[: cut % (len(content) + 1)] + data)
        try:
            readers.load(str(path))
        except ReportError as error:
            assert error.file == str(path) and "\n" not in error.render()
