"""Long hunks read a block at a time give exactly what the line-by-line reader gives: the same
ranges, counts, comments, kept text and budget, the same lines left unread, the same errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.errors import DiffInputError
from gatekeeper.gitread import hunkread
from gatekeeper.gitread.comments import CommentBudget
from gatekeeper.gitread.patchfile import PatchFile

_BODIES = [b"x = 1", b"# a comment", b"    // note", b"a < b", b"", b"  -- sql", b"'quote",
           b"url = 'http://x'", b"\xff\xfe bytes", b"y  # trailing", b"+plus", b"-minus"]
_LINE = st.tuples(st.sampled_from([b"+", b"-", b" ", b"\\"]), st.sampled_from(_BODIES)).map(
    lambda t: t[0] + (b" No newline at end of file" if t[0] == b"\\" else t[1]) + b"\n")
_ODD = st.sampled_from([b"\n", b"\r\n", b"?odd line\n", b"@@ -1 +1 @@\n"])


def _header(lines: list[bytes], old_extra: int, new_extra: int) -> bytes:
    old = sum(1 for line in lines if line[:1] in (b"-", b" ", b"\n", b"\r")) + old_extra
    new = sum(1 for line in lines if line[:1] in (b"+", b" ", b"\n", b"\r")) + new_extra
    return f"@@ -{3 if old else 0},{old} +{5 if new else 0},{new} @@ def f():\n".encode()


def _read(bulk_from: int, header: bytes, lines: list[bytes], *, text: bool,
          comments: int | None) -> tuple[object, ...]:
    """Everything reading the hunk leaves behind, or the error it raises."""
    current = PatchFile(git=True)
    if text:
        current.added_text, current.removed_text = bytearray(), bytearray()
    budget = CommentBudget(comments) if comments is not None else None
    it = iter(lines)
    saved = hunkread.BULK_FROM
    hunkread.BULK_FROM = bulk_from
    try:
        last = hunkread.read_hunk(current, header, it, 7, "test.diff", budget)
    except DiffInputError as exc:
        return ("error", str(exc))
    finally:
        hunkread.BULK_FROM = saved
    return (last, current.added, current.deleted, [(h.added, h.removed) for h in current.hunks],
            current.comments, current.added_text, current.removed_text,
            budget and (budget.left, budget.dropped), list(it))


@settings(max_examples=600, deadline=None)
@given(st.lists(_LINE, min_size=0, max_size=60), st.lists(_ODD, max_size=2),
       st.integers(0, 60), st.integers(-2, 2), st.integers(-2, 2), st.booleans(),
       st.sampled_from([None, 0, 3, 1000]))
def test_block_reading_matches_line_reading(lines: list[bytes], odd: list[bytes], at: int,
                                            old_extra: int, new_extra: int, text: bool,
                                            comments: int | None) -> None:
    body = [*lines[:at], *odd, *lines[at:]]
    header = _header(body, old_extra, new_extra)
    trailing = [b"diff --git a/x b/x\n", b" after\n"]
    by_line = _read(10**9, header, body + trailing, text=text, comments=comments)
    in_blocks = _read(1, header, body + trailing, text=text, comments=comments)
    assert in_blocks == by_line


@pytest.mark.parametrize("text", [False, True])
def test_a_long_hunk_in_blocks(text: bool) -> None:
    lines = [b" keep\n"] * 20 + [b"-old\n"] * 5 + [b"+# new comment\n", b"+new\n"] * 10 + [
        b"\\ No newline at end of file\n", b" tail\n"]
    header = _header(lines, 0, 0)
    assert header.startswith(b"@@ -3,26 +5,41 @@")
    found = _read(hunkread.BULK_FROM, header, lines, text=text, comments=100)
    assert found == _read(10**9, header, lines, text=text, comments=100)
    assert found[3] == [([[25, 44]], [[23, 27]])]
    assert found[4] == [(25 + 2 * n, "# new comment") for n in range(10)]
    if text:
        assert found[5] == b"# new comment\nnew\n" * 10 and found[6] == b"old\n" * 5


def test_a_truncated_long_hunk_says_where() -> None:
    lines = [b"+x\n"] * 30
    header = b"@@ -0,0 +1,40 @@\n"
    assert _read(1, header, lines, text=False, comments=None) == (
        "error", "test.diff:37: diff ends inside a hunk (truncated input?)")
