"""The known name closest to one a user mistyped, for an error's "did you mean" hint.

difflib is imported here, when a hint is wanted: a run that finds nothing mistyped never
loads it.
"""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like ``word`` (difflib's similarity ratio, at least ``cutoff``), or
    None when none is that close."""
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], fallback: str) -> str:
    """A hint naming the choice closest to ``word``, or ``fallback`` when none is close."""
    close = closest(word, choices)
    return f"did you mean {close!r}?" if close is not None else fallback
