"""The literal text a marker's pattern cannot match without: a cheap pre-filter for markers.

Most lines of a commit message carry no marker. Searching a line for the literals the
catalogue's patterns require (one alternation of plain strings) rejects those lines without
running each pattern. The literals are read from the parsed pattern, so a pattern a policy
adds is pre-filtered too; one whose literals cannot be told is simply always run.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Iterable
from typing import Any

sre: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")

MIN_LITERAL = 3
"""Shorter required text would let nearly every line through the pre-filter."""
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)} - {None}
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)

Needles = frozenset[str]
"""Strings at least one of which is in every text the pattern finds something in."""


@functools.lru_cache(maxsize=4096)
def required(pattern: str) -> Needles | None:
    """What every match of ``pattern`` (case-insensitive) contains; None when not known.
    Remembered: a replay builds the catalogue's pre-filters for every change it judges."""
    try:
        parsed = sre.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    found = _sequence(list(parsed))
    if not found or min(len(text) for text in found) < MIN_LITERAL:
        return None
    return found


def _better(a: Needles | None, b: Needles | None) -> Needles | None:
    """The more selective of two: the longer shortest string, then the fewer strings."""
    if a is None or b is None:
        return a or b
    rank_a, rank_b = (min(map(len, a)), -len(a)), (min(map(len, b)), -len(b))
    return a if rank_a >= rank_b else b


def _sequence(items: list[Any]) -> Needles | None:
    """The best needles of a sequence: a run of literal characters, or a required part."""
    best: Needles | None = None
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, frozenset({"".join(run)}))
            run = []
        best = _better(best, _node(op, av))
    if run:
        best = _better(best, frozenset({"".join(run)}))
    return best


def _node(op: Any, av: Any) -> Needles | None:
    """The needles of one part that every match passes through; None for optional ones."""
    if op is sre.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is _ATOMIC:
        return _sequence(list(av))
    if op in _REPEATS:
        return _sequence(list(av[2])) if av[0] >= 1 else None
    if op is sre.BRANCH:
        return _union(_sequence(list(branch)) for branch in av[1])
    return None  # a class, an anchor, a lookaround, a back-reference: no text of its own


def _union(choices: Iterable[Needles | None]) -> Needles | None:
    """Needles for an alternation: one of each branch's; unknown if a branch has none."""
    found: set[str] = set()
    for choice in choices:
        if not choice:
            return None
        found |= choice
    return frozenset(found)


# The only characters beyond ASCII that a case-insensitive pattern takes for ASCII letters
# (dotted and dotless i, long s, the Kelvin sign); tests/facts/ai/test_literals.py proves it.
_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")
PLACEHOLDER = "?"
"""What ``lowered`` writes for each character beyond ASCII (the ASCII encoder's own)."""


class Finder:
    """Whether a text holds one of a set of strings, compared as a case-insensitive pattern
    compares them, but at the speed of ``in``: one lowercase copy of the text, a plain
    substring search per string."""

    def __init__(self, needles: Iterable[str]) -> None:
        ordered = sorted(set(needles), key=lambda text: (-len(text), text))
        low = list(dict.fromkeys(text.lower() for text in ordered))
        # A needle holding another is found wherever that one is: one search fewer.
        self.lowered = tuple(text for n, text in enumerate(low)
                             if not any(other in text for other in low[n + 1:]))
        self.fast = all(text.isascii() and PLACEHOLDER not in text for text in ordered)
        self._ordered = ordered

    @functools.cached_property
    def exact(self) -> re.Pattern[str]:
        """The needles as one case-insensitive pattern, for what ``in`` cannot judge; built
        on first use, as most runs never need it and compiling it takes milliseconds."""
        return re.compile("|".join(map(re.escape, self._ordered)), re.IGNORECASE)

    def search(self, text: str) -> bool:
        """Whether ``text`` holds a needle in any case, as ``re.IGNORECASE`` matches."""
        return self.search_lowered(text, lowered(text) if self.fast else None)

    def search_lowered(self, text: str, low: str | None) -> bool:
        """``search``, given ``lowered(text)``: a text searched by several finders is
        lowercased once."""
        if self.fast and low is not None:
            found = next(filter(low.__contains__, self.lowered), None)
            if found is not None and found is not self.lowered[0]:
                # The needle just found is tried first from now on: a history repeats its
                # trailer keys (most of them are one key), and most texts hold none at all.
                self.lowered = (found, *(text for text in self.lowered if text is not found))
            return found is not None
        return self.exact.search(text) is not None

    def present(self, low: str | None) -> tuple[str, ...] | None:
        """The needles a text holds, lowercased, given ``lowered(text)``; None when only the
        pattern can tell (a needle beyond ASCII or holding PLACEHOLDER, or a character of the
        text that folds onto an ASCII letter)."""
        if not self.fast or low is None:
            return None
        return tuple(filter(low.__contains__, self.lowered))


def lowered(text: str) -> str | None:
    """What lowercase ASCII needles are looked for in: ``text`` lowercased, with each
    character beyond ASCII written as PLACEHOLDER, which no fast Finder's needle holds. A
    needle is in it exactly where a case-insensitive pattern finds the needle in ``text``;
    None when ``text`` holds a character that folds onto an ASCII letter, which the pattern
    itself must then judge."""
    if text.isascii():
        return text.lower()
    if any(map(text.__contains__, _FOLDING)):
        return None
    # Beyond ASCII, lower() looks each character up, and the copy takes 4 bytes a character.
    return text.encode("ascii", "replace").decode("ascii").lower()


def needle_finder(patterns: Iterable[str]) -> Finder | None:
    """One search for the needles of all ``patterns``; None when some pattern has none
    (then every line must be tried)."""
    needles: set[str] = set()
    for pattern in patterns:
        found = required(pattern)
        if found is None:
            return None
        needles |= found
    return Finder(needles) if needles else None
