"""One place that makes text from a change safe to print: every character that could end a line,
move the cursor, reorder or hide text is written as a visible escape.

Paths, commit messages, pull request text, labels, flag keys, owners and AI evidence all come
from the change, and a change is written by whoever opened it. Printed as they are, a newline
in a file name starts a line that reads like gatekeeper's own verdict, a carriage return or an
ANSI sequence overwrites one, and a bidi override shows text in another order than it is
stored. This module has no imports from the package, so any module (error messages included)
can use it.
"""

from __future__ import annotations

import unicodedata

# Cc: C0, DEL and C1 (NEL among them); Cf: format characters such as bidi controls and
# zero-width characters; Zl, Zp: U+2028, U+2029; Cs: lone surrogates (from JSON escapes or
# environment bytes); Co, Cn: private use and unassigned (U+FFFE, U+FFFF), which no terminal
# draws the same way.
_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(text: str) -> str:
    """``text`` with every control, format, separator, surrogate, private-use and unassigned
    character written as ``\\n``, ``\\t``, ``\\r``, ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``.

    The result never holds a line break, a tab or an escape sequence, so it cannot start a
    line of its own or change how the rest of a line reads.
    """
    # isprintable() is False for every escaped category (and for spaces other than U+0020),
    # so ordinary text takes the fast path.
    if text.isprintable():
        return text
    return "".join(_one(ch) for ch in text)


def _one(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    if unicodedata.category(ch) not in _ESCAPED:
        return ch
    point = ord(ch)
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def escape_lines(lines: list[str]) -> list[str]:
    """Each of ``lines`` escaped: a report built line by line stays one line per entry."""
    return [escape(line) for line in lines]
