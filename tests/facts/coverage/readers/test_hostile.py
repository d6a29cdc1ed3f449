"""Unreadable, damaged and hostile reports: one located ReportError each, never a traceback."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from gatekeeper.errors import EXIT_USAGE, ReportError
from gatekeeper.facts.coverage import readers
from gatekeeper.facts.coverage.readers import (
    collect,
    coverage_json,
    jsonstream,
    jsonwalk,
    xmlstream,
)

SUPPORTED = "give a report in a supported format: cobertura, jacoco, lcov, coverage-json"
COB = (b'<coverage><packages><package><classes><class filename="a.py"><lines>%s</lines>'
       b"</class></classes></package></packages></coverage>")
JAC = (b'<report name="r"><package name="p"><sourcefile name="A.java">%s</sourcefile>'
       b"</package></report>")
JSON = b'{"files": {"a.py": {"executed_lines": %s}}}'


def load_error(tmp_path: Path, content: bytes, name: str = "report") -> ReportError:
    """The error reading ``content`` as a report raises, naming the file."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReportError) as caught:
        readers.load(str(path))
    error = caught.value
    assert error.file == str(path)
    assert error.exit_code == EXIT_USAGE
    assert "\n" not in error.render() and error.hint
    return error


def where(error: ReportError) -> tuple[int | None, int | None]:
    """The line and column ``error`` points at."""
    return error.line, error.column


# -- files that are not reports at all ----------------------------------------------------------


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the report is empty"),
    (b" \n\t\r\n", "the report is empty"),
    (bytes(range(256)) * 8, "the report is binary data, not a coverage report"),
    (b"\x1f\x8b\x08\x00" + bytes(40), "the report is gzip-compressed (decompress it first)"),
    (b"PK\x03\x04" + bytes(40), "the report is a zip archive (extract the report from it first)"),
    (b"hello world\n", "not a coverage report in a known format"),
    ("Bericht über Abdeckung\n".encode("latin-1") * 3, "the report is neither UTF-8 text nor XML"),
    (b"<!DOCTYPE html><html><body>no</body></html>",
     "an XML document with root <html> is no coverage report known here"),
    (b'<?xml version="1.0"?><coverage generated="1" clover="4.4.1"><project/></coverage>',
     "this is a Clover XML report, a format not supported"),
    (b'{"/src/a.js": {"path": "/src/a.js", "statementMap": {}}}',
     "JSON, but not a coverage.py JSON report (for Jest/istanbul, use its lcov or cobertura "
     "reporter)"),
])
def test_unknown_content_names_the_supported_formats(tmp_path: Path, content: bytes,
                                                      message: str) -> None:
    error = load_error(tmp_path, content, name="coverage.xml")
    assert (error.message, error.line) == (message, None)
    assert error.hint == SUPPORTED or message == "the report is empty"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.xml")
    with pytest.raises(ReportError) as caught:
        readers.load(missing)
    assert caught.value.render() == (f"{missing}: no such coverage report (fix: check the path, "
                                     "and that the tests wrote the report)")
    with pytest.raises(ReportError, match="this is a folder, not a coverage report"):
        readers.load(str(tmp_path))


@pytest.mark.parametrize(("content", "line"), [
    (b'<?xml version="1.0" ?>\n<coverage>\n<sources><source>/x</source></sources>\n'
     b"<packages/>\n</coverage>\n", 6),
    (b"TN:\nTN:other\n", 2),
    (b'<report name="r"><sessioninfo id="a" start="1" dump="2"/></report>', 1),
    (b'{"meta": {"format": 3}, "files": {}, "totals": {}}', None),
])
def test_a_valid_report_without_files(tmp_path: Path, content: bytes, line: int | None) -> None:
    error = load_error(tmp_path, content)
    assert (error.message, error.line) == ("the report lists no source files", line)


# -- truncated and corrupt ----------------------------------------------------------------------


TRUNCATED = "the file was cut off while being written or copied; regenerate the report with the " \
            "coverage tool"


@pytest.mark.parametrize(("content", "message", "location"), [
    (COB[:70], "the XML ends before the document is complete (truncated)", (1, 71)),
    ((JAC % b'<line nr="1" mi="0" ci="1" mb="0" cb="0"/>')[:80],
     "the XML ends before the document is complete (truncated)", (1, 62)),
    (b'{"meta": {"format": 3}, "files": {"a.py": {"executed_lines": [1, 2',
     "the JSON ends before the document is complete (truncated)", (1, 67)),
    (b'{"meta": {"format": 3},\n "files": {"a.py": {"executed_lines": [1, 2]}',
     "the JSON ends where ',' or '}' in \"files\" was expected (truncated)", (2, 46)),
    (b"TN:\nSF:a.c\nDA:1,1\nDA:2,0\n",
     "the file ends inside the record for 'a.c', before end_of_record (truncated)", (4, 1)),
])
def test_truncated(tmp_path: Path, content: bytes, message: str,
                   location: tuple[int, int]) -> None:
    error = load_error(tmp_path, content)
    assert (error.message, where(error), error.hint) == (message, location, TRUNCATED)


@pytest.mark.parametrize(("content", "message", "location"), [
    (COB % b'<line number="1" hits="1"<line/>',
     "not well-formed XML: not well-formed (invalid token)", (1, 94)),
    (COB % b'<line number="1" hits="1"/>\xff',
     "not well-formed XML: not well-formed (invalid token)", (1, 96)),
    (b"<coverage><packages/></coverage><coverage/>", "not well-formed XML: junk after document "
     "element", (1, 33)),
    (b'{"meta": {"format": 3},\n "files": {"a.py": {"executed_lines": [1, 2}}}',
     "not valid JSON: Expecting ',' delimiter", (2, 44)),
    (b'{"files": {"a.py": {"executed_lines": [1]}}} xyz',
     "unexpected text after the JSON document: 'x'", (1, 46)),
    (b'{"files": {"caf\xe9.py": {"executed_lines": [1]}}}', "the report is not valid UTF-8",
     (1, 16)),
    # Errors inside a file's entry are located at the start of the entry.
    (JSON % (b"[" + b"9" * 5000 + b"]"), "a number too long to be plausible", (1, 20)),
    (JSON % (b"[" * 100_000 + b"]" * 100_000), "values nest too deeply to be plausible", (1, 20)),
    (b'{"files": []}', "expected an object as \"files\", found '['", (1, 11)),
    (b'{"meta": {}, "files": {"a.py": {}} "x": 1}',
     "expected ',' or '}' in the report, found '\"'", (1, 36)),
    (b"SF:a.c\nDA:1,1\n\x00\x01\x02garbage\nend_of_record\n",
     "not an LCOV record: '\\x00\\x01\\x02garbage'", (3, 1)),
    (b"SF:src/caf\xe9.c\nDA:1,1\nend_of_record\n", "the SF: path is not valid UTF-8", (1, 11)),
    (b"SF:a.c\n" + b"x" * (2 << 20), "a line longer than 1,048,576 bytes", (2, 1)),
    (b"TN:\nDA:1,1\n", "a DA record outside an SF: record", (2, 1)),
    (b"SF:a.c\nDA:1,1\nSF:b.c\n", "a new SF: record starts before end_of_record of 'a.c'", (3, 1)),
    (b"SF:a.c\nend_of_record\nend_of_record\n", "end_of_record without an SF: record before it",
     (3, 1)),
    (b"SF:\nend_of_record\n", "an SF: record with an empty path", (1, 1)),
])
def test_corrupt(tmp_path: Path, content: bytes, message: str, location: tuple[int, int]) -> None:
    error = load_error(tmp_path, content)
    assert (error.message, where(error)) == (message, location)


@pytest.mark.parametrize(("content", "message", "location"), [
    (COB % b'\n<line number="1" hits="many"/>',
     "the line's hits attribute is not a plausible whole number: 'many'", (2, 1)),
    (COB % b'<line number="-3" hits="1"/>',
     "the line's number attribute is not a plausible whole number: '-3'", (1, 69)),
    (COB % b'<line number="1.5" hits="1"/>',
     "the line's number attribute is not a plausible whole number: '1.5'", (1, 69)),
    (COB % b'<line number=" 1" hits="1"/>',
     "the line's number attribute is not a plausible whole number: ' 1'", (1, 69)),
    (COB % b'<line hits="1"/>', "the line's number attribute is missing", (1, 69)),
    (COB % (b'<line number="1" hits="' + b"9" * 5000 + b'"/>'),
     "the line's hits attribute is not a plausible whole number: '" + "9" * 40 + "'", (1, 69)),
    (COB % b'<line number="1" hits="1" branch="true" condition-coverage="50%"/>',
     "condition-coverage '50%' is not like '50% (1/2)'", (1, 69)),
    (COB % b'<line number="1" hits="1" branch="true" condition-coverage="150% (3/2)"/>',
     "line 1: 3 of 2 branches covered", (1, 69)),
    (b'<coverage><packages><package><classes><class name="x"><lines/></class></classes>'
     b"</package></packages></coverage>", "a <class> element has no filename attribute", (1, 39)),
    (JAC % b'<line nr="3" mi="x" ci="1" mb="0" cb="0"/>',
     "the line's mi attribute is not a plausible whole number: 'x'", (1, 62)),
    (b"TN:\nSF:a.c\nDA:1,x\nend_of_record\n",
     "the DA hit count is not a plausible whole number: 'x'", (3, 1)),
    (b"SF:a.c\nDA:1,-1\nend_of_record\n",
     "the DA hit count is not a plausible whole number: '-1'", (2, 1)),
    (b"SF:a.c\nDA:1\nend_of_record\n", "a DA record needs line,hits: 'DA:1'", (2, 1)),
    (b"SF:a.c\nBRDA:1,0,x\nend_of_record\n",
     "a BRDA record needs line,block,branch,taken: 'BRDA:1,0,x'", (2, 1)),
    (b"SF:a.c\nBRDA:1,0,0,x\nend_of_record\n",
     "the BRDA taken count is not a plausible whole number: 'x'", (2, 1)),
    (JSON % b'["1"]', "a line list holds something other than line numbers", (1, 20)),
    (JSON % b"[1.5]", "a line list holds something other than line numbers", (1, 20)),
    (JSON % b"[-1]", "a line list holds something other than line numbers", (1, 20)),
    (JSON % b"3", '"executed_lines" is not a list', (1, 20)),
    (b'{"files": {"a.py": [1, 2]}}', "the entry for 'a.py' is not an object", (1, 20)),
    (b'{"files": {"a.py": {"executed_branches": [[1]]}}}',
     "a branch is not a [from, to] pair of lines: [1]", (1, 20)),
])
def test_bad_numbers(tmp_path: Path, content: bytes, message: str,
                     location: tuple[int, int]) -> None:
    error = load_error(tmp_path, content)
    assert (error.message, where(error)) == (message, location)


@pytest.mark.parametrize("content", [
    COB % b'<line number="10000001" hits="1"/>',
    JAC % b'<line nr="10000001" mi="1" ci="1" mb="0" cb="0"/>',
    JAC % b'<line nr="99999" mi="1" ci="1" mb="9999999" cb="1"/>',
    b"SF:a.c\nDA:10000001,1\nend_of_record\n",
    b"SF:a.c\nBRDA:10000001,0,0,1\nend_of_record\n",
    JSON % b"[10000001]",
])
def test_absurd_line_numbers_and_branch_counts(tmp_path: Path, content: bytes) -> None:
    error = load_error(tmp_path, content)
    assert "is beyond the limit of" in error.message
    assert error.line is not None


def test_the_last_allowed_line_number_is_read(tmp_path: Path) -> None:
    path = tmp_path / "r.info"
    path.write_bytes(b"SF:a.c\nDA:10000000,1\nend_of_record\n")
    (f,) = readers.load(str(path)).files
    assert (f.last_line, f.covered) == (10_000_000, 1)


def test_total_lines_are_bounded_across_files(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect, "MAX_TOTAL_LINES", 5000)
    records = b"".join(b"SF:f%d.c\nDA:1000,1\nend_of_record\n" % i for i in range(6))
    error = load_error(tmp_path, records)
    assert (error.message, where(error)) == (
        "the report measures more than 5,000 lines in total", (14, 1))


# -- hostile XML --------------------------------------------------------------------------------


def billion_laughs(root: str) -> bytes:
    """An XML document under ``root`` whose entities expand exponentially."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities)
            + f"\n]>\n<{root}><sources><source>&lol9;</source></sources></{root}>\n").encode()


@pytest.mark.parametrize("root", ["coverage", "report"])
def test_billion_laughs_is_refused_before_any_expansion(tmp_path: Path, root: str) -> None:
    error = load_error(tmp_path, billion_laughs(root))
    assert error.message.startswith("the report declares XML entities ('lol0'), which are "
                                    "refused")
    assert error.line == 3


def test_external_entity_never_reads_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-4711")
    content = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage [<!ENTITY xxe SYSTEM '
               f'"{secret.as_uri()}">]>\n<coverage><sources><source>&xxe;</source></sources>'
               '<packages><package><classes><class filename="a&xxe;.py"><lines>'
               '<line number="1" hits="1"/></lines></class></classes></package></packages>'
               "</coverage>").encode()
    error = load_error(tmp_path, content)
    assert "declares XML entities ('xxe')" in error.message
    assert error.line == 2
    assert "TOPSECRET" not in error.render()


def test_parameter_entities_are_refused(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY xxe "TOPSECRET">')
    content = (f'<!DOCTYPE coverage [<!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext;]>'
               "<coverage><sources><source>&xxe;</source></sources></coverage>").encode()
    error = load_error(tmp_path, content)
    assert "declares XML entities ('%ext')" in error.message


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-4711")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">')
    path = tmp_path / "report.xml"
    path.write_bytes((f'<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "{dtd.as_uri()}">\n'
                      "<coverage><sources><source>/w&xxe;</source></sources><packages><package>"
                      '<classes><class filename="a&xxe;.py"><lines><line number="1" hits="1"/>'
                      "</lines></class></classes></package></packages></coverage>").encode())
    # Had the DTD been read, its entity declaration would have been refused; the reference
    # to the undeclared entity is skipped.
    report = readers.load(str(path))
    assert report.roots == ("/w",)
    assert [f.path for f in report.files] == ["a.py"]


def test_a_tag_too_long_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlstream, "CHUNK", 100)
    monkeypatch.setattr(xmlstream, "MAX_TOKEN_BYTES", 1000)
    error = load_error(tmp_path, COB.replace(b"a.py", b"a" * 5000))
    assert (error.message, where(error)) == (
        "an XML tag or comment longer than 1,000 bytes", (1, 39))


def test_a_json_value_too_long_is_refused(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 64)
    monkeypatch.setattr(jsonstream, "MAX_VALUE_CHARS", 1000)
    error = load_error(tmp_path, b'{"files": {"' + b"a" * 5000 + b'.py": {}}}')
    assert error.message == "a single value longer than 1,000 characters"
    # A long list is no single value: it is read a piece at a time.
    monkeypatch.setattr(coverage_json, "WHOLE_ENTRY_CHARS", 500)
    monkeypatch.setattr(jsonwalk, "WINDOW", 100)
    path = tmp_path / "long.json"
    path.write_bytes(JSON % str(list(range(1, 2000))).encode())
    assert readers.load(str(path)).files[0].coverable == 1999


# "summary" is passed over unread: its string holds brackets, an escaped backslash and quote.
WALKED = b'{"files": {"a.py": {"summary": {"x": [1, {"y": "]}\\\\\\"x"}]}, %s}}}'


@pytest.mark.parametrize(("members", "message", "at"), [
    (b'"executed_lines": [1, 2,]', '"executed_lines" is not a list of line numbers', b"1, 2,"),
    (b'"executed_lines": [1, "2"]', "a line list holds something other than line numbers",
     b'1, "2'),
    (b'"executed_lines": [,1]', '"executed_lines" is not a list of line numbers', b",1]"),
    (b'"missing_lines": {}', "expected a list as \"missing_lines\", found '{'", b"{}"),
    (b'"executed_branches": [[1, 2], 3]', "a branch is not a [from, to] pair of lines: 3",
     b"[1, 2], 3"),
    (b'"executed_branches": [[1, 2], ]', '"executed_branches" is not a list of line numbers',
     b"[1, 2], ]"),
    (b'"executed_lines": [1, 2]} ]', "expected ',' or '}' in \"files\", found ']'", b"]}}}"),
])
def test_a_walked_entry_is_checked_as_it_is_read(tmp_path: Path, members: bytes, message: str,
                                                 at: bytes,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry too long to decode at once (here: any) is walked; its lists are still read
    strictly, and what is passed over unread still has to nest and end. Errors point at the
    piece of a list being read."""
    monkeypatch.setattr(coverage_json, "WHOLE_ENTRY_CHARS", 0)
    content = WALKED % members
    error = load_error(tmp_path, content)
    assert (error.message, where(error)) == (message, (1, content.rindex(at) + 1))


def test_a_walked_entry_reads_what_a_decoded_one_does(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(WALKED % b'"executed_lines": [1, 3], "missing_lines": [2, 4], '
                              b'"executed_branches": [[1, 2], [1, 3]], '
                              b'"missing_branches": [[3, 4], [1, -1]]')
    def read() -> list[tuple[str, bytes, list[int]]]:
        return [(f.path, f.lines, list(f.branches)) for f in readers.load(str(path)).files]

    decoded = read()
    monkeypatch.setattr(coverage_json, "WHOLE_ENTRY_CHARS", 0)
    monkeypatch.setattr(jsonwalk, "WINDOW", 12)  # a few elements at a time
    assert read() == decoded == [("a.py", b"\0\2\1\2\1", [1, 2, 3, 3, 0, 1])]


@pytest.mark.parametrize("cut", [30, 45, 62, 70])
def test_a_walked_entry_cut_short_is_truncated(tmp_path: Path, cut: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage_json, "WHOLE_ENTRY_CHARS", 0)
    error = load_error(tmp_path, (WALKED % b'"executed_lines": [1, 2]')[:cut])
    assert "(truncated)" in error.message and error.hint == TRUNCATED


# -- size -------------------------------------------------------------------------------------


def test_a_report_above_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.info"
    path.write_bytes(b"SF:a.c\n" + b"DA:1,1\n" * 300 + b"end_of_record\n")
    with pytest.raises(ReportError) as caught:
        readers.load(str(path), max_bytes=1024)
    assert caught.value.render() == (f"{path}: the report is 2.1 KiB, larger than the limit of "
                                     "1.0 KiB (fix: split the report, e.g. one per test suite)")
    assert len(readers.load(str(path), max_bytes=2121).files) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_read_and_bounded_while_streaming(tmp_path: Path) -> None:
    def serve(content: bytes) -> Path:
        fifo = tmp_path / f"pipe{len(content)}"
        os.mkfifo(fifo)

        def write() -> None:
            # The reader stops early when the limit is reached, breaking the pipe.
            with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as sink:
                sink.write(content)

        threading.Thread(target=write, daemon=True).start()
        return fifo

    small = b"SF:a.c\nDA:1,1\nend_of_record\n"
    assert readers.load(str(serve(small))).format == "lcov"
    big = b"SF:a.c\n" + b"DA:1,1\n" * 100_000 + b"end_of_record\n"
    with pytest.raises(ReportError, match=r"^the report is larger than the limit of 64\.0 KiB$"):
        readers.load(str(serve(big)), max_bytes=64 << 10)
