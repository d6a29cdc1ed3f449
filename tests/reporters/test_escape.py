"""The one escaping function every text report uses for text from the change."""

from __future__ import annotations

import unicodedata

import pytest

from gatekeeper.common.escape import escape, escape_lines

ESCAPED = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


@pytest.mark.parametrize(("text", "shown"), [
    ("src/app.py", "src/app.py"),
    ("x\ngatekeeper: PASS", "x\\ngatekeeper: PASS"),
    ("a\rb\tc", "a\\rb\\tc"),
    ("\x00\x07\x1b[31m\x7f", "\\x00\\x07\\x1b[31m\\x7f"),
    ("nel\x85c1\x9f", "nel\\x85c1\\x9f"),
    ("line\u2028para\u2029", "line\\u2028para\\u2029"),
    ("bidi \u202eevil\u2066", "bidi \\u202eevil\\u2066"),
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("non\ufffe\uffff", "non\\ufffe\\uffff"),
    ("lone \ud800 \udc80", "lone \\ud800 \\udc80"),
    ("private \ue000 \U000f0000", "private \\ue000 \\U000f0000"),
    ("unassigned \U000e0080", "unassigned \\U000e0080"),
    ("café ünïcode 日本 😀 a\u00a0b", "café ünïcode 日本 😀 a\u00a0b"),
    ("back\\slash", "back\\slash"),
    ("", ""),
])
def test_escape_shows_each_dangerous_character_as_a_visible_escape(text: str,
                                                                   shown: str) -> None:
    assert escape(text) == shown


@pytest.mark.parametrize("point", [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029,
                                   0x202A, 0x202E, 0x2066, 0x2069, 0x200B, 0x200E, 0x061C,
                                   0xFEFF, 0xFFFE, 0xFFFF, 0xD800, 0xDFFF, 0xE000, 0x10FFFF])
def test_no_control_format_or_separator_character_survives(point: int) -> None:
    text = f"a{chr(point)}b"
    out = escape(text)
    assert out != text and out.startswith("a\\") and out.endswith("b")
    assert all(unicodedata.category(ch) not in ESCAPED for ch in out)
    assert len(out.splitlines()) == 1
    out.encode("utf-8")  # a lone surrogate no longer stops the report from being written


def test_every_code_point_escapes_to_one_printable_line() -> None:
    # Every assigned plane, surrogates and tags included, so no category is forgotten.
    text = "".join(chr(point) for point in (*range(0x40000), *range(0xE0000, 0xE0200)))
    out = escape(text)
    assert all(unicodedata.category(ch) not in ESCAPED for ch in set(out))
    assert "\n" not in out and len(out.splitlines()) == 1
    assert escape(out) == out  # nothing left to escape


def test_escape_lines_keeps_one_entry_per_line() -> None:
    assert escape_lines(["a\nb", "c"]) == ["a\\nb", "c"]
