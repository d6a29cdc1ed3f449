"""Hostile input: the size bound, long lines, floods of problems, and undecodable bytes."""

from __future__ import annotations

import gc
import time

import pytest

from gatekeeper.facts.codeowners import MAX_BYTES, MAX_LINE, parse
from gatekeeper.facts.codeowners.patterns import Syntax
from gatekeeper.facts.codeowners.reader import MAX_PROBLEMS


@pytest.mark.parametrize("syntax", ["github", "gitlab"])
def test_a_file_at_the_size_bound_is_not_read(syntax: Syntax) -> None:
    line = b"/src/module/ @team\n"
    text = line * (MAX_BYTES // len(line) + 1)
    start = time.perf_counter()
    co = parse(text, syntax=syntax, source="CODEOWNERS")
    assert time.perf_counter() - start < 0.5
    assert co.rules == ()
    assert co.owners_of("src/module/a.py") == ()
    assert str(co.problems[0]) == (
        f"CODEOWNERS: the file is {len(text)} bytes, at or over the limit of {MAX_BYTES}; "
        "it is not read (GitHub ignores such files)")


def test_the_bound_counts_utf8_bytes_not_characters() -> None:
    text = "# " + "é" * (MAX_BYTES // 2) + "\n* @a\n"
    assert len(text) < MAX_BYTES
    co = parse(text, syntax="github", source="CODEOWNERS")
    assert co.rules == ()
    assert "at or over the limit" in co.problems[0].message


def test_a_large_file_under_the_bound_is_read_whole_and_quickly() -> None:
    lines = [f"/services/team{i % 300}/module{i}/ @org/team-{i % 300} dev{i}@example.com\n"
             for i in range(40_000)]
    text = "".join(lines) + "*.lock @lockkeeper\n"
    assert len(text) < MAX_BYTES
    start = time.perf_counter()
    co = parse(text, syntax="github", source="CODEOWNERS")
    paths = [f"services/team{i % 300}/module{i}/src/app.py" for i in range(0, 40_000, 40)]
    summary = co.for_paths([*paths, "services/x/yarn.lock", "elsewhere.txt"])
    assert time.perf_counter() - start < 10.0
    assert len(co.rules) == 40_001
    assert summary.paths[5].owners == ("@org/team-200", "dev200@example.com")
    assert summary.paths[-2].owners == ("@lockkeeper",)
    assert summary.unowned == ("elsewhere.txt",)


def test_parsing_leaves_the_cycle_collector_as_it_found_it() -> None:
    try:
        gc.disable()
        parse("* @a\n", syntax="github", source="CODEOWNERS")
        assert not gc.isenabled()
    finally:
        gc.enable()
    parse("* @a\n", syntax="github", source="CODEOWNERS")
    assert gc.isenabled()


def test_long_lines_are_skipped_and_reported() -> None:
    text = "* @all\n" + "x" * (MAX_LINE + 1) + " @b\n" + "*.py @py " + "@p " * 2000 + "\n"
    co = parse(text, syntax="gitlab", source="CODEOWNERS")
    assert [r.line for r in co.rules] == [1, 3]
    assert str(co.problems[0]) == (
        f"CODEOWNERS:2: the line is longer than {MAX_LINE} characters; ignored")


def test_problems_are_capped_with_a_count_of_the_rest() -> None:
    text = "".join(f"!bad{i} @x\n" for i in range(MAX_PROBLEMS + 50))
    co = parse(text, syntax="github", source="CODEOWNERS")
    assert len(co.problems) == MAX_PROBLEMS + 1
    assert str(co.problems[-1]) == "CODEOWNERS: 50 more problems not listed"


def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    raw = b"\xef\xbb\xbf* @all\n/caf\xe9/ @cafe\n/na\xc3\xafve/ @naive\n\xff\xfe @weird\n"
    co = parse(raw, syntax="gitlab", source="CODEOWNERS")
    assert [r.pattern for r in co.rules] == ["*", "/caf\ufffd/", "/naïve/", "\ufffd\ufffd"]
    assert co.owners_of("naïve/x")[-1].owners == ("@naive",)
    assert co.owners_of("café/x")[-1].owners == ("@all",)


def test_control_characters_and_odd_whitespace_do_not_crash() -> None:
    text = "\x00\x01 @a\n\v*.py\f@py\n\u2028 @b\n*.c\t\t@c\n[\x00]\n"
    co = parse(text, syntax="gitlab", source="CODEOWNERS")
    assert co.owners_of("x.c")[-1].owners == ("@c",)
    co = parse(text, syntax="github", source="CODEOWNERS")
    assert co.owners_of("x.c")[-1].owners == ("@c",)
