"""A hunk's lines read into ranges, counts, comments and kept text (``hunkread``): the ranges
against the line numbers each line has, on any hunk, with the file's text kept and without."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread.comments import CommentBudget
from gatekeeper.gitread.hunkread import read_hunk
from gatekeeper.gitread.patchfile import PatchFile

# Line bodies: code, comments of several syntaxes, blank, CR-only and marker-like text.
_BODIES = st.sampled_from([b"x = 1", b"# note", b"  // todo", b"<!-- c -->", b"", b"\r",
                           b"a /* b */", b"+nested plus", b"-- sql", b"'quoted", b"\t* star"])
_KINDS = st.sampled_from([b"+", b"-", b" ", b"+", b"-"])


@st.composite
def hunks(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    """A hunk header and its lines, the header's counts true to them; sometimes with a
    "\\ No newline" line, an empty context line, or a line past the counts."""
    kinds = draw(st.lists(_KINDS, min_size=1, max_size=40))
    lines = [kind + draw(_BODIES) + b"\n" for kind in kinds]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), b"\\ No newline at end of file\n")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), b"\n")  # an empty context line
    old = sum(1 for line in lines if line[:1] in (b"-", b" ", b"\n"))
    new = sum(1 for line in lines if line[:1] in (b"+", b" ", b"\n"))
    start = draw(st.integers(0, 5))
    header = b"@@ -%d,%d +%d,%d @@ def f():\n" % (start + bool(old), old, start + bool(new), new)
    return header, lines


def _read(header: bytes, lines: list[bytes], keep_text: bool) -> tuple[object, ...]:
    """What reading the hunk leaves: ranges, counts, comments, the number of the last line
    and, when kept, the text of the added and the removed lines; or the error's message."""
    current = PatchFile(git=True)
    if keep_text:  # keeping a file's text takes the other loop
        current.added_text, current.removed_text = bytearray(), bytearray()
    budget = CommentBudget(5)
    try:
        last = read_hunk(current, header, iter([*lines, b" after the hunk\n"]), 7, "d",
                         budget)
    except DiffInputError as exc:
        return ("error", exc.message)
    found = (current.hunks, current.added, current.deleted, current.comments, budget.left,
             budget.dropped, last)
    if keep_text:
        return (*found, (bytes(current.added_text or b""), bytes(current.removed_text or b"")))
    return found


def _numbered(header: bytes, lines: list[bytes]) -> tuple[list[int], list[int]]:
    """The new numbers of the added lines and the old numbers of the removed ones, counted
    one line at a time from the header's starts."""
    found = re.match(rb"@@ -(\d+),\d+ \+(\d+),", header)
    assert found is not None
    old_no, new_no = int(found[1]) or 1, int(found[2]) or 1
    added, removed = [], []
    for line in lines:
        kind = line[:1]
        if kind == b"+":
            added.append(new_no)
        elif kind == b"-":
            removed.append(old_no)
        if kind != b"\\":
            new_no += kind != b"-"
            old_no += kind != b"+"
    return added, removed


@settings(max_examples=300, deadline=None)
@given(hunks())
def test_ranges_hold_each_line_s_number(hunk: tuple[bytes, list[bytes]]) -> None:
    header, lines = hunk
    read = _read(header, lines, keep_text=False)
    hunks_read = read[0]
    assert isinstance(hunks_read, list)
    added, removed = _numbered(header, lines)
    assert [n for a, b in hunks_read[0].added for n in range(a, b + 1)] == added
    assert [n for a, b in hunks_read[0].removed for n in range(a, b + 1)] == removed
    for ranges in (hunks_read[0].added, hunks_read[0].removed):  # joined where they touch
        assert all(later[0] > earlier[1] + 1 for earlier, later in pairwise(ranges))
    assert read[1:3] == (len(added), len(removed))


@settings(max_examples=300, deadline=None)
@given(hunks())
def test_keeping_the_text_reads_the_same_and_keeps_each_line(
        hunk: tuple[bytes, list[bytes]]) -> None:
    header, lines = hunk
    assert _read(header, lines, keep_text=False) == _read(header, lines, keep_text=True)[:-1]
    kept = _read(header, lines, keep_text=True)[-1]
    assert kept == (b"".join(line[1:] for line in lines if line[:1] == b"+"),
                    b"".join(line[1:] for line in lines if line[:1] == b"-"))


@settings(max_examples=200, deadline=None)
@given(hunks(), st.sampled_from(["cut", "short", "long", "odd"]))
def test_a_broken_hunk_is_refused_alike_with_text_kept(hunk: tuple[bytes, list[bytes]],
                                               damage: str) -> None:
    header, lines = hunk
    if damage == "cut":
        header = header.replace(b" @@", b"9 @@", 1)  # more new lines than there are
    elif damage == "short":
        lines = [*lines[:-1], b"+extra\n", b"+extra\n"]
    elif damage == "long":
        lines = [b"-gone\n", *lines]
    else:
        lines = [b"?odd\n", *lines]
    lean = _read(header, lines, keep_text=False)
    if damage in ("cut", "odd"):  # the others can end the hunk before the damage
        assert lean[0] == "error"
    assert lean == _read(header, lines, keep_text=True)[:len(lean)]


def test_ranges_join_across_the_other_side_and_split_at_context() -> None:
    lines = [b"-a\n", b"+b\n", b"-c\n", b"+d\n", b" e\n", b"+f\n", b"\\ No newline at end\n",
             b"-g\n"]
    hunks, added, deleted, *_ = _read(b"@@ -10,4 +20,4 @@\n", lines, keep_text=False)
    assert isinstance(hunks, list)
    assert hunks[0].added == [[20, 21], [23, 23]]
    assert hunks[0].removed == [[10, 11], [13, 13]]
    assert (added, deleted) == (3, 3)


@pytest.mark.parametrize("keep_text", [False, True])
def test_errors_name_the_line(keep_text: bool) -> None:
    assert _read(b"@@ -1,2 +1,2 @@\n", [b" a\n", b"?b\n"], keep_text) == \
        ("error", "d:9: line does not fit the hunk header counts")
    assert _read(b"@@ -1,1 +1,1 @@\n", [b"-a\n", b"-b\n"], keep_text) == \
        ("error", "d:9: hunk longer than its header says")
