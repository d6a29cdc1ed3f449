"""Globs of plain text, with at most one star at an end, matched by string operations.

Most class and path globs are a file or folder name (``yarn.lock``, ``vendor/``), an ending
(``*.min.js``), a beginning (``CHANGELOG*``) or a path from the root (``/.github/workflows/``).
Matching those by splitting the path once and testing its names against sets and tuples costs
no compiled expression, which a short run would spend more time building than using, and is
faster per path than an alternation of hundreds of expressions on a change of 50,000 files.
Every other glob still goes to its expression (see ``globs.PathSet``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field

from gatekeeper.common.records import record

_SPECIAL = frozenset("*?[\\")


def _is_plain(text: str) -> bool:
    return not _SPECIAL.intersection(text)


@record(frozen=False)
class _Names:
    """Tests for one name of the path: equal to, ending with, or starting with a text."""

    equal: set[str] = field(default_factory=set)
    endings: tuple[str, ...] = ()
    beginnings: tuple[str, ...] = ()

    def add(self, text: str) -> bool:
        """Take the unanchored glob ``text`` if it is plain; whether it was."""
        if _is_plain(text):
            self.equal.add(text)
        elif text.startswith("*") and len(text) > 1 and _is_plain(text[1:]):
            self.endings += (text[1:],)
        elif text.endswith("*") and len(text) > 1 and _is_plain(text[:-1]):
            self.beginnings += (text[:-1],)
        else:
            return False
        return True

    def test_any(self, names: list[str]) -> bool:
        """Whether one of ``names`` passes one of the tests."""
        if not self.equal.isdisjoint(names):
            return True
        endings, beginnings = self.endings, self.beginnings
        if endings or beginnings:
            for name in names:
                if name.endswith(endings) or name.startswith(beginnings):
                    return True
        return False


@record(frozen=False)
class PlainGlobs:
    """The plain globs of a set without negations; ``add`` tells which globs it took."""

    any_name: _Names = field(default_factory=_Names)
    """Unanchored globs: any name of the path, or a folder holding it, may match."""
    folder_name: _Names = field(default_factory=_Names)
    """Unanchored folder globs (``vendor/``): any name but the last may match."""
    paths: set[str] = field(default_factory=set)
    """Anchored plain paths that match themselves."""
    prefixes: tuple[str, ...] = ()
    """Anchored plain folders: a path under one matches (each ends with ``/``)."""

    def add(self, source: str, anchored: bool, dir_only: bool) -> bool:
        """Take a glob (its text without ``!``, leading and ending slashes) if it is plain."""
        if not anchored:
            return (self.folder_name if dir_only else self.any_name).add(source)
        if not _is_plain(source):
            return False
        if not dir_only:
            self.paths.add(source)
        self.prefixes += (source + "/",)
        return True

    def matches(self, path: str) -> bool:
        """Whether one of the plain globs matches ``path`` or a folder holding it."""
        if path in self.paths or path.startswith(self.prefixes):
            return True
        names = path.split("/")
        return self.any_name.test_any(names) or self.folder_name.test_any(names[:-1])


def split(globs: Iterable[tuple[str, bool, bool]]) -> tuple[PlainGlobs, list[int]]:
    """The plain globs of ``(source, anchored, dir_only)`` triples, and the positions of the
    others, which need their expressions."""
    plain = PlainGlobs()
    rest = [n for n, (source, anchored, dir_only) in enumerate(globs)
            if not plain.add(source, anchored, dir_only)]
    return plain, rest
