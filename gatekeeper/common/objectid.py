"""Whether a string is a full git object name, as every layer that takes one from outside
checks it before it reaches a git command line."""

from __future__ import annotations

_HEX = "0123456789abcdef"
_LENGTHS = (40, 64)
"""SHA-1 and SHA-256 names."""


def is_full_name(text: str) -> bool:
    """Whether ``text`` is 40 or 64 lowercase hex digits: a SHA-1 or SHA-256 object name
    written out, never an abbreviation, a ref or an option."""
    return len(text) in _LENGTHS and not text.strip(_HEX)
