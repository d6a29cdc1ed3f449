"""Catalogue entries with their patterns compiled when first used, and the entries sought in
single lines behind their pre-filters."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from gatekeeper.common.records import record
from gatekeeper.facts.ai.entries import MarkerEntry
from gatekeeper.facts.ai.literals import Finder, lowered, needle_finder, required


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    """``pattern`` compiled case-insensitive, as every marker pattern is matched."""
    return re.compile(pattern, re.IGNORECASE) if pattern is not None else None


def _any_of(patterns: Iterable[str | None]) -> re.Pattern[str] | None:
    """One pattern that finds whatever one of ``patterns`` finds: most lines are no footer."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns if p), re.IGNORECASE)
    except re.error:  # inline flags such as (?i) are allowed only at the start of a pattern
        return None


@record
class Compiled:
    """An entry with its patterns, compiled when first used: a run uses few of them."""

    entry: MarkerEntry

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """The entry's pattern, compiled case-insensitive."""
        return _compile(self.entry.pattern)

    @functools.cached_property
    def exclude(self) -> re.Pattern[str] | None:
        """The entry's exclude pattern, compiled case-insensitive."""
        return _compile(self.entry.exclude)

    def accepts(self, text: str) -> bool:
        """Whether the pattern finds something in ``text`` and the exclude pattern nothing."""
        if self.pattern is not None and not self.pattern.search(text):
            return False
        return self.exclude is None or not self.exclude.search(text)


def _every_line(line: str) -> bool:
    """The test of a text whose lines cannot be ruled out by their literals."""
    return True


class LineEntries:
    """The entries looked for in single lines of one place, behind two pre-filters: the
    literals their patterns require, then one pattern combining them all."""

    def __init__(self) -> None:
        self.compiled: list[Compiled] = []

    @functools.cached_property
    def any(self) -> re.Pattern[str] | None:
        """Finds what one of the entries would find; None when they cannot be combined."""
        return _any_of(c.entry.pattern for c in self.compiled)

    @functools.cached_property
    def needles(self) -> Finder | None:
        """Finds a literal one of the entries requires; None when one requires none."""
        return needle_finder(str(c.entry.pattern) for c in self.compiled)

    def may_match(self, text: str) -> bool:
        """False only when no entry can find anything in any line of ``text``."""
        if not self.compiled:
            return False
        return self.needles is None or self.needles.search(text)

    def line_test(self, text: str, low: str | None) -> Callable[[str], bool] | None:
        """None when no entry can find anything in any line of ``text`` (``low`` is
        ``literals.lowered(text)``); else a test that rules out most of its lines cheaply:
        those holding none of the literals found in the whole text."""
        if not self.compiled:
            return None
        if self.needles is None:
            return _every_line
        present = self.needles.present(low)
        if present is None:
            return _every_line if self.needles.search_lowered(text, low) else None
        if not present:
            return None
        # The lines of a text compare by lowercase just as the whole text does.
        return lambda line: any(map(line.lower().__contains__, present))

    @functools.cached_property
    def _wanted(self) -> tuple[tuple[Compiled, tuple[str, ...]], ...] | None:
        """Each entry with the lowercase needles one of which it requires; None when some
        entry's needles cannot be told or compared with ``in`` (see ``Finder.fast``)."""
        wanted = []
        for compiled in self.compiled:
            needles = required(str(compiled.entry.pattern))
            finder = Finder(needles) if needles else None
            if finder is None or not finder.fast:
                return None
            wanted.append((compiled, finder.lowered))
        return tuple(wanted)

    def match(self, line: str) -> list[MarkerEntry]:
        """The entries that find something in ``line``."""
        wanted = self._wanted
        low = lowered(line) if wanted is not None else None
        if wanted is not None and low is not None:
            # Only an entry whose needle the line holds can find anything in it: most lines
            # that get here hold one entry's needle, and the other entries' patterns are
            # never run.
            return [c.entry for c, needles in wanted
                    if any(map(low.__contains__, needles)) and c.accepts(line)]
        if not self.may_match(line) or (self.any is not None and not self.any.search(line)):
            return []
        return [c.entry for c in self.compiled if c.accepts(line)]
